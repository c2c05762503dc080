// The path_* functions on their success paths: create/remove directories,
// unlink, rename (files and directories, replacing), hard links, symlinks and
// readlink, filestat get (following or not) and set_times, path_open's
// oflags (CREAT, EXCL, TRUNC, DIRECTORY) and lookup of `.`/`..` components
// that stay inside the preopen. (Errors: path_errors.c.)
// run: --dir {sandbox}::/sandbox
// stdout: path_ops.stdout
// compare: node
#include "wasi_test.h"

static uint32_t dir;

static __wasi_filestat_t stat_of(const char *path, int follow) {
  __wasi_filestat_t st;
  OK(raw_path_filestat_get(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, SP(path), P(&st)));
  return st;
}

static int exists(const char *path) {
  __wasi_filestat_t st;
  int e = raw_path_filestat_get(dir, 0, SP(path), P(&st));
  CHECK(e == 0 || e == E_NOENT);
  return e == 0;
}

static void expect_content(const char *path, const char *want) {
  char buf[256];
  OK(slurp(dir, path, buf, sizeof buf, NULL));
  if (strcmp(buf, want) != 0) FAIL_AT("%s contains [%s], want [%s]", path, buf, want);
}

static void directories(void) {
  OK(raw_path_create_directory(dir, SP("newdir")));
  CHECK_EQ(stat_of("newdir", 0).filetype, __WASI_FILETYPE_DIRECTORY);
  OK(raw_path_create_directory(dir, SP("newdir/nested")));
  OK(raw_path_create_directory(dir, SP("sub/../newdir/nested2")));
  OK(spit(dir, "newdir/nested/f.txt", "f\n"));
  expect_content("newdir/nested/f.txt", "f\n");
  OK(raw_path_unlink_file(dir, SP("newdir/nested/f.txt")));
  OK(raw_path_remove_directory(dir, SP("newdir/nested")));
  OK(raw_path_remove_directory(dir, SP("newdir/nested2")));
  OK(raw_path_remove_directory(dir, SP("newdir")));
  CHECK(!exists("newdir"));
  printf("create_directory, remove_directory, unlink_file ok\n");
}

static void renames(void) {
  OK(spit(dir, "r1.txt", "one\n"));
  OK(raw_path_rename(dir, SP("r1.txt"), dir, SP("r2.txt")));
  CHECK(!exists("r1.txt"));
  expect_content("r2.txt", "one\n");
  // Onto an existing file: replaced.
  OK(spit(dir, "r3.txt", "three\n"));
  OK(raw_path_rename(dir, SP("r2.txt"), dir, SP("r3.txt")));
  expect_content("r3.txt", "one\n");
  // Into another directory, and through `..`.
  OK(raw_path_rename(dir, SP("r3.txt"), dir, SP("sub/deeper/r4.txt")));
  expect_content("sub/deeper/r4.txt", "one\n");
  OK(raw_path_rename(dir, SP("sub/deeper/r4.txt"), dir, SP("sub/deeper/../../r5.txt")));
  expect_content("r5.txt", "one\n");
  // A directory with contents, then onto an existing empty directory.
  OK(raw_path_create_directory(dir, SP("rd")));
  OK(spit(dir, "rd/x.txt", "x\n"));
  OK(raw_path_rename(dir, SP("rd"), dir, SP("rd2")));
  expect_content("rd2/x.txt", "x\n");
  OK(raw_path_create_directory(dir, SP("rd3")));
  OK(raw_path_rename(dir, SP("rd2"), dir, SP("rd3")));
  expect_content("rd3/x.txt", "x\n");
  CHECK(!exists("rd2"));
  // A name onto itself: nothing happens.
  OK(raw_path_rename(dir, SP("r5.txt"), dir, SP("r5.txt")));
  expect_content("r5.txt", "one\n");
  // A symlink is renamed, not its target.
  OK(raw_path_symlink(SP("r5.txt"), dir, SP("rl")));
  OK(raw_path_rename(dir, SP("rl"), dir, SP("rl2")));
  CHECK_EQ(stat_of("rl2", 0).filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  expect_content("rl2", "one\n");
  printf("rename: files, directories, replacing, symlinks ok\n");
}

static void links(void) {
  OK(spit(dir, "orig.txt", "shared\n"));
  OK(raw_path_link(dir, 0, SP("orig.txt"), dir, SP("hard.txt")));
  __wasi_filestat_t a = stat_of("orig.txt", 0), b = stat_of("hard.txt", 0);
  CHECK(a.ino == b.ino && a.dev == b.dev);
  CHECK_EQ(a.nlink, 2);
  OK(raw_path_link(dir, 0, SP("orig.txt"), dir, SP("sub/hard2.txt")));
  CHECK_EQ(stat_of("orig.txt", 0).nlink, 3);
  // Writes through one name show through the others.
  OK(spit(dir, "hard.txt", "changed\n"));
  expect_content("sub/hard2.txt", "changed\n");
  OK(raw_path_unlink_file(dir, SP("orig.txt")));
  CHECK_EQ(stat_of("hard.txt", 0).nlink, 2);
  expect_content("hard.txt", "changed\n");
  // SYMLINK_FOLLOW links the target of a symlink.
  OK(raw_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, SP("link_hello"), dir, SP("hard3.txt")));
  CHECK_EQ(stat_of("hard3.txt", 0).filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ(stat_of("hard3.txt", 0).ino, stat_of("hello.txt", 0).ino);
  printf("path_link ok\n");
}

static void symlinks(void) {
  OK(raw_path_symlink(SP("hello.txt"), dir, SP("s1")));
  OK(raw_path_symlink(SP("deeper/c.txt"), dir, SP("sub/s2")));  // relative to sub/
  OK(raw_path_symlink(SP("does/not/exist"), dir, SP("s3")));     // dangling is fine
  char buf[64];
  uint32_t n = 0;
  memset(buf, '#', sizeof buf);
  OK(raw_path_readlink(dir, SP("s1"), P(buf), sizeof buf, P(&n)));
  CHECK_EQ(n, 9);
  CHECK(memcmp(buf, "hello.txt", 9) == 0);
  OK(raw_path_readlink(dir, SP("sub/s2"), P(buf), sizeof buf, P(&n)));
  CHECK(n == 12 && memcmp(buf, "deeper/c.txt", 12) == 0);
  OK(raw_path_readlink(dir, SP("s3"), P(buf), sizeof buf, P(&n)));
  CHECK(n == 14 && memcmp(buf, "does/not/exist", 14) == 0);
  OK(raw_path_readlink(dir, SP("sub/link_up"), P(buf), sizeof buf, P(&n)));
  CHECK(n == 12 && memcmp(buf, "../hello.txt", 12) == 0);
  // Following and not following.
  CHECK_EQ(stat_of("s1", 0).filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_EQ(stat_of("s1", 1).filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ(stat_of("s1", 1).size, 13);
  CHECK_EQ(stat_of("s1", 0).size, 9);  // a link's size is its target's length
  expect_content("sub/s2", "ccc\n");
  expect_content("sub/link_up", "hello, world\n");
  CHECK_EQ(stat_of("link_sub", 1).filetype, __WASI_FILETYPE_DIRECTORY);
  expect_content("link_sub/deeper/c.txt", "ccc\n");  // a link as a directory component
  CHECK_EQ(stat_of("s3", 0).filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  // Removing a link leaves its target.
  OK(raw_path_unlink_file(dir, SP("s1")));
  CHECK(exists("hello.txt"));
  OK(raw_path_unlink_file(dir, SP("s3")));
  printf("symlink, readlink, filestat follow/nofollow ok\n");
}

static void times(void) {
  uint64_t t1 = 1000000000ull * 1000000000ull;
  uint64_t t2 = 1100000000ull * 1000000000ull;
  OK(raw_path_filestat_set_times(dir, 1, SP("hello.txt"), t1, t2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  __wasi_filestat_t st = stat_of("hello.txt", 0);
  CHECK_EQ(st.atim / 1000000000ull, t1 / 1000000000ull);
  CHECK_EQ(st.mtim / 1000000000ull, t2 / 1000000000ull);
  // Through a symlink with SYMLINK_FOLLOW: the target changes.
  OK(raw_path_filestat_set_times(dir, 1, SP("link_hello"), 0, t1, __WASI_FSTFLAGS_MTIM));
  CHECK_EQ(stat_of("hello.txt", 0).mtim / 1000000000ull, t1 / 1000000000ull);
  // Directories too.
  OK(raw_path_filestat_set_times(dir, 0, SP("sub"), 0, t2, __WASI_FSTFLAGS_MTIM));
  CHECK_EQ(stat_of("sub", 0).mtim / 1000000000ull, t2 / 1000000000ull);
  uint64_t now;
  OK(raw_clock_time_get(0, 1, P(&now)));
  OK(raw_path_filestat_set_times(dir, 0, SP("hello.txt"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  CHECK(stat_of("hello.txt", 0).mtim / 1000000000ull + 5 >= now / 1000000000ull);
  printf("path_filestat_set_times ok\n");
}

static void opens(void) {
  uint32_t fd;
  // CREAT makes a new empty file; EXCL is fine when it does not exist.
  OK(open_at(dir, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RIGHTS_ALL, 0, &fd));
  __wasi_filestat_t st;
  OK(raw_fd_filestat_get(fd, P(&st)));
  CHECK_EQ(st.size, 0);
  OK(raw_fd_close(fd));
  // CREAT on an existing file keeps it.
  OK(open_at(dir, "hello.txt", __WASI_OFLAGS_CREAT, R(FD_READ), 0, &fd));
  OK(raw_fd_close(fd));
  CHECK_EQ(stat_of("hello.txt", 0).size, 13);
  // TRUNC empties it.
  OK(spit(dir, "t.txt", "to be truncated\n"));
  OK(open_at(dir, "t.txt", __WASI_OFLAGS_TRUNC, R(FD_WRITE), 0, &fd));
  OK(raw_fd_close(fd));
  CHECK_EQ(stat_of("t.txt", 0).size, 0);
  // DIRECTORY opens a directory, which can then be used as a base.
  uint32_t sub;
  OK(open_at(dir, "sub", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &sub));
  __wasi_fdstat_t fst;
  OK(raw_fd_fdstat_get(sub, P(&fst)));
  CHECK_EQ(fst.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  char buf[64];
  OK(slurp(sub, "deeper/c.txt", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "ccc\n") == 0);
  OK(raw_path_create_directory(sub, SP("made_via_sub")));
  CHECK(exists("sub/made_via_sub"));
  OK(raw_path_remove_directory(sub, SP("made_via_sub")));
  OK(raw_fd_close(sub));
  // A directory without DIRECTORY also opens (read-only).
  OK(open_at(dir, "empty", 0, R(FD_READDIR), 0, &fd));
  OK(raw_fd_fdstat_get(fd, P(&fst)));
  CHECK_EQ(fst.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  OK(raw_fd_close(fd));
  // `.` components, repeated slashes, and `..` that stays inside.
  static const char *const same[] = {"./hello.txt", "sub/../hello.txt", "sub//..//hello.txt",
                                     "sub/deeper/../../hello.txt", "./sub/./../hello.txt"};
  for (unsigned i = 0; i < sizeof same / sizeof *same; i++) {
    OK(slurp(dir, same[i], buf, sizeof buf, NULL));
    CHECK(strcmp(buf, "hello, world\n") == 0);
  }
  // `.` is the preopen itself.
  OK(open_at(dir, ".", __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, &fd));
  OK(raw_fd_close(fd));
  printf("path_open: CREAT, EXCL, TRUNC, DIRECTORY, dot components ok\n");
}

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;
  directories();
  renames();
  links();
  symlinks();
  times();
  opens();
  return 0;
}
