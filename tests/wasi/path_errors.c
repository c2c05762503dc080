// Error paths of the path_* functions (and path_open's oflags): ENOENT,
// EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, ELOOP, EINVAL, EPERM, and results that
// must not partly happen. (EBADF: fd_errors.c; EFAULT: faults.c; escapes:
// sandbox_*.c.)
// run: --dir {sandbox}::/sandbox
// stdout: path_errors.stdout
#include "wasi_test.h"

static uint32_t dir;

static int open_raw(const char *path, uint32_t lookup, uint32_t oflags, uint64_t rights, uint32_t *fd) {
  return raw_path_open(dir, lookup, SP(path), oflags, rights, 0, 0, P(fd));
}

static void expect_content(const char *path, const char *want) {
  char buf[256];
  OK(slurp(dir, path, buf, sizeof buf, NULL));
  if (strcmp(buf, want) != 0) FAIL_AT("%s contains [%s], want [%s]", path, buf, want);
}

// An empty path names nothing: ENOENT as in POSIX, or EINVAL.
static void create_remove(void) {
  CHECK_ERR(raw_path_create_directory(dir, SP("sub")), E_EXIST);
  CHECK_ERR(raw_path_create_directory(dir, SP("hello.txt")), E_EXIST);
  CHECK_ERR(raw_path_create_directory(dir, SP("link_hello")), E_EXIST);  // even a symlink
  CHECK_ERR(raw_path_create_directory(dir, SP("dangling")), E_EXIST);
  CHECK_ERR(raw_path_create_directory(dir, SP("nope/x")), E_NOENT);
  CHECK_ERR(raw_path_create_directory(dir, SP("hello.txt/x")), E_NOTDIR);
  CHECK_ERR(raw_path_create_directory(dir, SP("")), E_NOENT, E_INVAL);
  printf("create_directory: EEXIST, ENOENT, ENOTDIR\n");

  CHECK_ERR(raw_path_remove_directory(dir, SP("nope")), E_NOENT);
  CHECK_ERR(raw_path_remove_directory(dir, SP("sub")), E_NOTEMPTY);
  CHECK_ERR(raw_path_remove_directory(dir, SP("hello.txt")), E_NOTDIR);
  CHECK_ERR(raw_path_remove_directory(dir, SP("link_sub")), E_NOTDIR);  // the link is no directory
  CHECK_ERR(raw_path_remove_directory(dir, SP("hello.txt/x")), E_NOTDIR);
  CHECK_ERR(raw_path_remove_directory(dir, SP("")), E_NOENT, E_INVAL);
  // The preopen itself cannot be removed through ".".
  CHECK_ERR(raw_path_remove_directory(dir, SP(".")), E_INVAL, __WASI_ERRNO_BUSY, E_NOTCAPABLE, E_PERM, E_ACCES);
  CHECK_ERR(raw_path_remove_directory(dir, SP("empty/.")), E_INVAL, __WASI_ERRNO_BUSY, E_NOTCAPABLE, E_PERM, E_ACCES);
  __wasi_filestat_t st;
  OK(raw_path_filestat_get(dir, 0, SP("sub/a.txt"), P(&st)));
  OK(raw_path_filestat_get(dir, 0, SP("empty"), P(&st)));
  printf("remove_directory: ENOENT, ENOTEMPTY, ENOTDIR, EINVAL\n");

  CHECK_ERR(raw_path_unlink_file(dir, SP("nope")), E_NOENT);
  CHECK_ERR(raw_path_unlink_file(dir, SP("sub")), E_ISDIR);
  CHECK_ERR(raw_path_unlink_file(dir, SP("empty")), E_ISDIR);
  CHECK_ERR(raw_path_unlink_file(dir, SP("hello.txt/x")), E_NOTDIR);
  CHECK_ERR(raw_path_unlink_file(dir, SP("hello.txt/")), E_NOTDIR);  // trailing slash: must be a directory
  CHECK_ERR(raw_path_unlink_file(dir, SP("")), E_NOENT, E_INVAL);
  OK(raw_path_filestat_get(dir, 0, SP("hello.txt"), P(&st)));
  printf("unlink_file: ENOENT, EISDIR, ENOTDIR\n");
}

static void renames(void) {
  CHECK_ERR(raw_path_rename(dir, SP("nope"), dir, SP("x")), E_NOENT);
  CHECK_ERR(raw_path_rename(dir, SP("hello.txt"), dir, SP("nope/x")), E_NOENT);
  CHECK_ERR(raw_path_rename(dir, SP("hello.txt"), dir, SP("sub")), E_ISDIR);   // file onto directory
  CHECK_ERR(raw_path_rename(dir, SP("empty"), dir, SP("hello.txt")), E_NOTDIR);  // directory onto file
  CHECK_ERR(raw_path_rename(dir, SP("empty"), dir, SP("sub")), E_NOTEMPTY, E_EXIST);
  CHECK_ERR(raw_path_rename(dir, SP("sub"), dir, SP("sub/deeper/inside")), E_INVAL);  // into itself
  CHECK_ERR(raw_path_rename(dir, SP("hello.txt"), dir, SP("hello.txt/x")), E_NOTDIR);
  CHECK_ERR(raw_path_rename(dir, SP("hello.txt/"), dir, SP("x")), E_NOTDIR);
  expect_content("hello.txt", "hello, world\n");
  expect_content("sub/a.txt", "a\n");
  printf("rename: ENOENT, EISDIR, ENOTDIR, ENOTEMPTY, EINVAL\n");
}

static void links(void) {
  CHECK_ERR(raw_path_link(dir, 0, SP("nope"), dir, SP("x")), E_NOENT);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt"), dir, SP("sub/a.txt")), E_EXIST);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt"), dir, SP("link_sub")), E_EXIST);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt"), dir, SP("nope/x")), E_NOENT);
  CHECK_ERR(raw_path_link(dir, 0, SP("sub"), dir, SP("x")), E_PERM);  // no hard links to directories
  CHECK_ERR(raw_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, SP("dangling"), dir, SP("x")), E_NOENT);
  CHECK_ERR(raw_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, SP("loop1"), dir, SP("x")), E_LOOP);
  // A new name ending in '/' could only be a directory: ENOENT when it does
  // not exist (also when following links), EEXIST when it does, as link(2);
  // a trailing slash on a file as the old name is ENOTDIR.
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt"), dir, SP("x/")), E_NOENT);
  CHECK_ERR(raw_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, SP("hello.txt"), dir, SP("x/")), E_NOENT);
  CHECK_ERR(raw_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, SP("link_hello"), dir, SP("x/")), E_NOENT);
  CHECK_ERR(raw_path_link(dir, 0, SP("sub"), dir, SP("x/")), E_NOENT);
  CHECK_ERR(raw_path_link(dir, 0, SP("nope"), dir, SP("x/")), E_NOENT);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt"), dir, SP("sub/a.txt/")), E_EXIST);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt"), dir, SP("empty/")), E_EXIST);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt/"), dir, SP("x")), E_NOTDIR);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt/"), dir, SP("x/")), E_NOTDIR);
  __wasi_filestat_t st;
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("x"), P(&st)), E_NOENT);
  printf("link: ENOENT, EEXIST, EPERM, ELOOP, trailing slashes\n");

  CHECK_ERR(raw_path_symlink(SP("hello.txt"), dir, SP("sub/a.txt")), E_EXIST);
  CHECK_ERR(raw_path_symlink(SP("hello.txt"), dir, SP("sub")), E_EXIST);
  CHECK_ERR(raw_path_symlink(SP("hello.txt"), dir, SP("dangling")), E_EXIST);
  CHECK_ERR(raw_path_symlink(SP("hello.txt"), dir, SP("nope/s")), E_NOENT);
  CHECK_ERR(raw_path_symlink(SP("hello.txt"), dir, SP("")), E_NOENT, E_INVAL);
  // An empty target is no valid link.
  CHECK_ERR(raw_path_symlink(SP(""), dir, SP("s")), E_NOENT, E_INVAL);
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("s"), P(&st)), E_NOENT);
  printf("symlink: EEXIST, ENOENT\n");

  char buf[64];
  uint32_t n;
  CHECK_ERR(raw_path_readlink(dir, SP("hello.txt"), P(buf), sizeof buf, P(&n)), E_INVAL);
  CHECK_ERR(raw_path_readlink(dir, SP("sub"), P(buf), sizeof buf, P(&n)), E_INVAL);
  CHECK_ERR(raw_path_readlink(dir, SP("nope"), P(buf), sizeof buf, P(&n)), E_NOENT);
  CHECK_ERR(raw_path_readlink(dir, SP("hello.txt/x"), P(buf), sizeof buf, P(&n)), E_NOTDIR);
  // A buffer of exactly the link's length: all of it, nothing written past it.
  memset(buf, '#', sizeof buf);
  OK(raw_path_readlink(dir, SP("link_hello"), P(buf), 9, P(&n)));
  CHECK_EQ(n, 9);
  CHECK(memcmp(buf, "hello.txt#", 10) == 0);
  // A shorter buffer: truncated as POSIX readlink does, or an error; never
  // more than buf_len bytes written.
  memset(buf, '#', sizeof buf);
  int e = raw_path_readlink(dir, SP("link_hello"), P(buf), 4, P(&n));
  CHECK(e == 0 || e == E_RANGE || e == E_NOBUFS);
  if (e == 0) CHECK(n == 4 && memcmp(buf, "hell#", 5) == 0);
  CHECK(buf[4] == '#');
  printf("readlink: EINVAL, ENOENT, ENOTDIR, exact and short buffers\n");
}

static void opens(void) {
  uint32_t fd;
  CHECK_ERR(open_raw("nope", 1, 0, R(FD_READ), &fd), E_NOENT);
  CHECK_ERR(open_raw("nope/x", 1, __WASI_OFLAGS_CREAT, R(FD_WRITE), &fd), E_NOENT);
  CHECK_ERR(open_raw("", 1, 0, R(FD_READ), &fd), E_NOENT, E_INVAL);
  CHECK_ERR(open_raw("hello.txt", 1, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R(FD_WRITE), &fd), E_EXIST);
  CHECK_ERR(open_raw("sub", 1, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R(FD_WRITE), &fd), E_EXIST);
  CHECK_ERR(open_raw("link_hello", 1, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R(FD_WRITE), &fd), E_EXIST);
  CHECK_ERR(open_raw("hello.txt", 1, __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), &fd), E_NOTDIR);
  CHECK_ERR(open_raw("link_hello", 1, __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), &fd), E_NOTDIR);
  CHECK_ERR(open_raw("hello.txt/", 1, 0, R(FD_READ), &fd), E_NOTDIR);
  CHECK_ERR(open_raw("hello.txt/x", 1, 0, R(FD_READ), &fd), E_NOTDIR);
  CHECK_ERR(open_raw("sub/a.txt/..", 1, 0, R(FD_READ), &fd), E_NOTDIR);
  // Writing to a directory is impossible.
  CHECK_ERR(open_raw("sub", 1, __WASI_OFLAGS_TRUNC, R(FD_WRITE), &fd), E_ISDIR);
  CHECK_ERR(open_raw("sub", 1, __WASI_OFLAGS_CREAT, R(FD_WRITE), &fd), E_ISDIR);
  printf("path_open: ENOENT, EEXIST, ENOTDIR, EISDIR\n");

  // Asking a directory for write rights: refused, or granted without any
  // way to write.
  int e = open_raw("sub", 1, __WASI_OFLAGS_DIRECTORY, R(FD_WRITE) | R(FD_READDIR), &fd);
  CHECK(e == 0 || e == E_ISDIR);
  if (e == 0) {
    __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
    uint32_t n;
    CHECK(raw_fd_write(fd, P(&iov), 1, P(&n)) != 0);
    OK(raw_fd_close(fd));
  }
  printf("directory with write rights: no write\n");

  // Symlinks: no SYMLINK_FOLLOW refuses a link as the last component (but
  // follows links in the middle); loops; dangling links.
  CHECK_ERR(open_raw("link_hello", 0, 0, R(FD_READ), &fd), E_LOOP, E_NOTSUP);
  CHECK_ERR(open_raw("link_sub", 0, __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), &fd), E_LOOP, E_NOTDIR, E_NOTSUP);
  OK(open_raw("link_sub/a.txt", 0, 0, R(FD_READ), &fd));
  OK(raw_fd_close(fd));
  CHECK_ERR(open_raw("loop1", 1, 0, R(FD_READ), &fd), E_LOOP);
  CHECK_ERR(open_raw("loop1/x", 0, 0, R(FD_READ), &fd), E_LOOP);
  CHECK_ERR(open_raw("dangling", 1, 0, R(FD_READ), &fd), E_NOENT);
  CHECK_ERR(open_raw("dangling/x", 1, 0, R(FD_READ), &fd), E_NOENT);
  __wasi_filestat_t st;
  CHECK_ERR(raw_path_filestat_get(dir, 1, SP("dangling"), P(&st)), E_NOENT);
  CHECK_ERR(raw_path_filestat_get(dir, 1, SP("loop1"), P(&st)), E_LOOP);
  OK(raw_path_filestat_get(dir, 0, SP("loop1"), P(&st)));
  CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  // A chain of 40 links resolves (Linux follows up to 40).
  char name[16], target[16];
  OK(spit(dir, "c0", "end of chain\n"));
  for (int i = 1; i <= 40; i++) {
    snprintf(name, sizeof name, "c%d", i);
    snprintf(target, sizeof target, "c%d", i - 1);
    OK(raw_path_symlink(SP(target), dir, SP(name)));
  }
  char buf[64];
  OK(slurp(dir, "c30", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "end of chain\n") == 0);
  printf("path_open: ELOOP, ENOENT through symlinks\n");

  // Unknown bits in oflags and lookupflags.
  CHECK_ERR(open_raw("hello.txt", 1, 0x10, R(FD_READ), &fd), E_INVAL);
  CHECK_ERR(open_raw("hello.txt", 1, 0xFFFF, R(FD_READ), &fd), E_INVAL);
  CHECK_ERR(raw_path_open(dir, 1, SP("hello.txt"), 0, R(FD_READ), 0, 0x20, P(&fd)), E_INVAL);
  CHECK_ERR(open_raw("hello.txt", 2, 0, R(FD_READ), &fd), E_INVAL);
  CHECK_ERR(raw_path_filestat_get(dir, 0x80, SP("hello.txt"), P(&st)), E_INVAL);
  printf("path_open: EINVAL for unknown flag bits\n");

  // Paths that are not valid strings: an embedded NUL, or not UTF-8.
  CHECK_ERR(raw_path_open(dir, 1, P("hello.txt\0junk"), 14, 0, R(FD_READ), 0, 0, P(&fd)),
            E_INVAL, __WASI_ERRNO_ILSEQ, E_NOENT);
  CHECK_ERR(raw_path_create_directory(dir, P("bad\0name"), 8), E_INVAL, __WASI_ERRNO_ILSEQ, E_NOENT);
  CHECK_ERR(raw_path_filestat_get(dir, 0, P("bad\0name"), 8, P(&st)), E_INVAL, __WASI_ERRNO_ILSEQ, E_NOENT);
  CHECK_ERR(raw_path_create_directory(dir, P("bad\xff\xfe"), 5), __WASI_ERRNO_ILSEQ, E_INVAL);
  CHECK_ERR(raw_path_filestat_get(dir, 0, P("bad"), 3, P(&st)), E_NOENT);  // nothing made
  // A length shorter than the string: only that prefix is the path.
  OK(raw_path_filestat_get(dir, 0, P("hello.txtXYZ"), 9, P(&st)));
  CHECK_EQ(st.size, 13);
  printf("paths: embedded NUL and invalid UTF-8 rejected, length honoured\n");
}

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;
  create_remove();
  renames();
  links();
  opens();
  return 0;
}
