// Helpers for the sandbox_*.c escape tests: try every path function on a
// path that leads out of the preopen and require that each one fails.
#pragma once
#include "wasi_test.h"

// What an escape attempt may answer. ENOTCAPABLE is the WASI answer; EPERM
// and EACCES are what capability-based resolvers commonly report too.
#define ESCAPE_ERRNOS E_NOTCAPABLE, E_PERM, E_ACCES

__attribute__((unused)) static int escape_errno(int e) { return e == E_NOTCAPABLE || e == E_PERM || e == E_ACCES; }

static int denied_count;

// Fails the test unless E is an escape errno (or one of the extra allowed
// answers, e.g. ENOENT for absolute paths treated as names inside).
__attribute__((unused)) static void expect_denied(int e, int extra, const char *what, const char *path, int line) {
  if (escape_errno(e) || (extra && e == extra)) {
    denied_count++;
    return;
  }
  printf("FAIL line %d: %s(\"%s\") = %s, want ENOTCAPABLE/EPERM/EACCES%s%s\n", line, what, path,
         errname(e), extra ? " or " : "", extra ? errname(extra) : "");
  FAIL_STOP();
}
#define DENIED(call, extra, path) expect_denied((call), (extra), #call, (path), __LINE__)

// Opening for reading must fail; if it somehow succeeds, say what leaked.
__attribute__((unused)) static void deny_open_read(uint32_t dir, uint32_t lookup, const char *path, int extra, int line) {
  uint32_t fd = 0;
  int e = raw_path_open(dir, lookup, SP(path), 0, R(FD_READ) | R(FD_READDIR), 0, 0, P(&fd));
  if (e == 0) {
    char buf[128] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    uint32_t n = 0;
    (void)raw_fd_read(fd, P(&iov), 1, P(&n));
    (void)raw_fd_close(fd);
    printf("FAIL line %d: opened \"%s\" outside the sandbox (read %u bytes)\n", line, path, n);
    FAIL_STOP();
    return;
  }
  expect_denied(e, extra, "path_open(read)", path, line);
}

// Every operation that resolves PATH's parent directories (so a path whose
// directories lead outside must make all of them fail). hello.txt in DIR is
// the inside file used as the other end of link and rename.
__attribute__((unused)) static void deny_all_at(uint32_t dir, const char *path, int extra, int line) {
  uint32_t fd;
  char buf[64];
  uint32_t n;
  __wasi_filestat_t st;
  for (uint32_t lookup = 0; lookup < 2; lookup++) {
    deny_open_read(dir, lookup, path, extra, line);
    expect_denied(raw_path_filestat_get(dir, lookup, SP(path), P(&st)), extra, "path_filestat_get", path, line);
    expect_denied(raw_path_filestat_set_times(dir, lookup, SP(path), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), extra,
                  "path_filestat_set_times", path, line);
    expect_denied(raw_path_link(dir, lookup, SP(path), dir, SP("stolen_link")), extra, "path_link(from)", path, line);
  }
  expect_denied(raw_path_open(dir, 1, SP(path), __WASI_OFLAGS_CREAT, R(FD_WRITE), 0, 0, P(&fd)), extra,
                "path_open(CREAT)", path, line);
  expect_denied(raw_path_open(dir, 1, SP(path), __WASI_OFLAGS_TRUNC, R(FD_WRITE), 0, 0, P(&fd)), extra,
                "path_open(TRUNC)", path, line);
  expect_denied(raw_path_open(dir, 1, SP(path), __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, 0, P(&fd)), extra,
                "path_open(DIRECTORY)", path, line);
  expect_denied(raw_path_create_directory(dir, SP(path)), extra, "path_create_directory", path, line);
  expect_denied(raw_path_remove_directory(dir, SP(path)), extra, "path_remove_directory", path, line);
  expect_denied(raw_path_unlink_file(dir, SP(path)), extra, "path_unlink_file", path, line);
  expect_denied(raw_path_readlink(dir, SP(path), P(buf), sizeof buf, P(&n)), extra, "path_readlink", path, line);
  expect_denied(raw_path_symlink(SP("hello.txt"), dir, SP(path)), extra, "path_symlink(at)", path, line);
  expect_denied(raw_path_link(dir, 0, SP("hello.txt"), dir, SP(path)), extra, "path_link(to)", path, line);
  expect_denied(raw_path_rename(dir, SP("hello.txt"), dir, SP(path)), extra, "path_rename(to)", path, line);
  expect_denied(raw_path_rename(dir, SP(path), dir, SP("stolen")), extra, "path_rename(from)", path, line);
}
#define DENY_ALL(dir, path, extra) deny_all_at((dir), (path), (extra), __LINE__)

// Operations that follow a final-component symlink PATH (which itself lies
// inside, pointing out): all must fail.
__attribute__((unused)) static void deny_follow_at(uint32_t dir, const char *path, int line) {
  uint32_t fd;
  __wasi_filestat_t st;
  deny_open_read(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, line);
  expect_denied(raw_path_filestat_get(dir, 1, SP(path), P(&st)), 0, "path_filestat_get(follow)", path, line);
  expect_denied(raw_path_filestat_set_times(dir, 1, SP(path), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 0,
                "path_filestat_set_times(follow)", path, line);
  expect_denied(raw_path_link(dir, 1, SP(path), dir, SP("stolen_link")), 0, "path_link(follow)", path, line);
  expect_denied(raw_path_open(dir, 1, SP(path), __WASI_OFLAGS_CREAT, R(FD_WRITE), 0, 0, P(&fd)), 0,
                "path_open(CREAT, follow)", path, line);
  expect_denied(raw_path_open(dir, 1, SP(path), __WASI_OFLAGS_TRUNC, R(FD_WRITE), 0, 0, P(&fd)), 0,
                "path_open(TRUNC, follow)", path, line);
  expect_denied(raw_path_open(dir, 1, SP(path), __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, 0, P(&fd)), 0,
                "path_open(DIRECTORY, follow)", path, line);
}
#define DENY_FOLLOW(dir, path) deny_follow_at((dir), (path), __LINE__)

// The inside file used as the other end of links and renames is untouched.
__attribute__((unused)) static void check_inside_intact(uint32_t dir) {
  char buf[64];
  OK(slurp(dir, "hello.txt", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "hello, world\n") == 0);
  __wasi_filestat_t st;
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("stolen"), P(&st)), E_NOENT);
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("stolen_link"), P(&st)), E_NOENT);
}
