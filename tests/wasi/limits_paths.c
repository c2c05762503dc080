// Over-long paths: every path argument of every function (and
// path_symlink's target) of PATH_MAX = 4096 bytes or more -- the limit counts
// the NUL, as Linux's does -- is ENAMETOOLONG before wharf copies or walks
// it, and nothing happens: a 16 MiB path costs neither memory nor time.
// 4095 bytes is still a path, and links with 4095-byte targets, 40 in a
// chain, resolve. In both resolution modes (openat2 and the portable walk).
// run: --dir {sandbox}::/sandbox --max-memory 24M
// stdout: limits_paths.stdout
// maxrss: 40
// wall: 20
// run: --dir {sandbox}::/sandbox --max-memory 24M
// env: WHARF_NO_OPENAT2=1
// stdout: limits_paths.stdout
// maxrss: 40
// wall: 20
#include "wasi_test.h"

#define E_LONG E_NAMETOOLONG

static uint32_t dir;

// A path of exactly len bytes naming `tail`: "." then slashes, then tail.
static char *long_path(uint32_t len, const char *tail) {
  size_t t = strlen(tail);
  char *p = malloc(len + 1);
  CHECK(p != NULL && len > t + 1);
  p[0] = '.';
  memset(p + 1, '/', len - 1 - t);
  memcpy(p + len - t, tail, t);
  p[len] = 0;
  return p;
}

static void expect_hello(const char *path, uint32_t len, uint32_t lookup) {
  uint32_t fd;
  OK(raw_path_open(dir, lookup, P(path), len, 0, R(FD_READ), 0, 0, P(&fd)));
  char buf[32] = {0};
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
  uint32_t n;
  OK(raw_fd_read(fd, P(&iov), 1, P(&n)));
  OK(raw_fd_close(fd));
  CHECK(strcmp(buf, "hello, world\n") == 0);
}

static void exists(const char *name, int want) {
  __wasi_filestat_t st;
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP(name), P(&st)), want ? 0 : E_NOENT);
}

// The long path being tried: one buffer, rewritten for each tail.
static char *big;
static uint32_t big_len;
static ptr_t L(const char *tail) {
  size_t t = strlen(tail);
  big[0] = '.';
  memset(big + 1, '/', big_len - 1 - t);
  memcpy(big + big_len - t, tail, t);
  return P(big);
}

// Every function, with a path of len bytes in each path argument; each
// would succeed with the short path naming the same thing.
static void too_long(uint32_t len) {
  big = malloc(len);
  big_len = len;
  CHECK(big != NULL);
  uint32_t fd, n;
  __wasi_filestat_t st;
  char buf[64];
  CHECK_ERR(raw_path_open(dir, 0, L("hello.txt"), len, 0, R(FD_READ), 0, 0, P(&fd)), E_LONG);
  CHECK_ERR(raw_path_open(dir, 1, L("hello.txt"), len, __WASI_OFLAGS_TRUNC, R(FD_WRITE), 0, 0, P(&fd)),
            E_LONG);
  CHECK_ERR(raw_path_open(dir, 0, L("fresh"), len, __WASI_OFLAGS_CREAT, R(FD_WRITE), 0, 0, P(&fd)), E_LONG);
  CHECK_ERR(raw_path_create_directory(dir, L("fresh"), len), E_LONG);
  CHECK_ERR(raw_path_filestat_get(dir, 0, L("hello.txt"), len, P(&st)), E_LONG);
  CHECK_ERR(raw_path_filestat_get(dir, 1, L("link_hello"), len, P(&st)), E_LONG);
  CHECK_ERR(raw_path_filestat_set_times(dir, 0, L("hello.txt"), len, 0, 0, __WASI_FSTFLAGS_MTIM), E_LONG);
  CHECK_ERR(raw_path_filestat_set_times(dir, 1, L("link_hello"), len, 0, 0, __WASI_FSTFLAGS_MTIM), E_LONG);
  CHECK_ERR(raw_path_link(dir, 0, L("hello.txt"), len, dir, SP("fresh")), E_LONG);
  CHECK_ERR(raw_path_link(dir, 1, L("link_hello"), len, dir, SP("fresh")), E_LONG);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt"), dir, L("fresh"), len), E_LONG);
  CHECK_ERR(raw_path_readlink(dir, L("link_hello"), len, P(buf), sizeof buf, P(&n)), E_LONG);
  CHECK_ERR(raw_path_remove_directory(dir, L("empty"), len), E_LONG);
  CHECK_ERR(raw_path_rename(dir, L("hello.txt"), len, dir, SP("fresh")), E_LONG);
  CHECK_ERR(raw_path_rename(dir, SP("hello.txt"), dir, L("fresh"), len), E_LONG);
  CHECK_ERR(raw_path_symlink(L("hello.txt"), len, dir, SP("fresh")), E_LONG);
  CHECK_ERR(raw_path_symlink(SP("hello.txt"), dir, L("fresh"), len), E_LONG);
  CHECK_ERR(raw_path_unlink_file(dir, L("hello.txt"), len), E_LONG);
  free(big);
  // Nothing happened.
  exists("fresh", 0);
  exists("empty", 1);
  OK(raw_path_filestat_get(dir, 0, SP("hello.txt"), P(&st)));
  CHECK_EQ(st.size, 13);
  CHECK(st.mtim != 0);  // set_times would have made it 0
}

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;

  too_long(4096);
  too_long(4097);
  printf("4096 and 4097 bytes: ENAMETOOLONG, no effect\n");
  too_long(16u << 20);
  printf("16 MiB: ENAMETOOLONG, no effect\n");
  // Past the end of memory is still EFAULT.
  CHECK_ERR(raw_path_unlink_file(dir, P("hello.txt"), 0x7FFFFFFF), E_FAULT);

  // 4095 bytes is a path: open, stat, link to it, and a symlink with a
  // 4095-byte target, which the walk splices in.
  char *p = long_path(4095, "hello.txt");
  expect_hello(p, 4095, 0);
  __wasi_filestat_t st;
  OK(raw_path_filestat_get(dir, 0, P(p), 4095, P(&st)));
  CHECK_EQ(st.size, 13);
  OK(raw_path_symlink(P(p), 4095, dir, SP("long_link")));
  char target[4200];
  uint32_t n;
  OK(raw_path_readlink(dir, SP("long_link"), P(target), sizeof target, P(&n)));
  CHECK_EQ(n, 4095);
  CHECK(memcmp(target, p, 4095) == 0);
  expect_hello("long_link", 9, 1);
  free(p);
  printf("4095 bytes: a path, also as a link target\n");

  // A chain of 40 links (Linux's limit), each a 4095-byte target naming the
  // next: resolves; one more is ELOOP.
  for (int i = 40; i >= 1; i--) {
    char next[16], name[16];
    snprintf(next, sizeof next, i == 40 ? "hello.txt" : "chain%02d", i + 1);
    snprintf(name, sizeof name, "chain%02d", i);
    p = long_path(4095, next);
    OK(raw_path_symlink(P(p), 4095, dir, SP(name)));
    free(p);
  }
  expect_hello("chain01", 7, 1);
  OK(raw_path_symlink(SP("chain01"), dir, SP("chain00")));
  uint32_t fd;
  CHECK_ERR(raw_path_open(dir, 1, SP("chain00"), 0, R(FD_READ), 0, 0, P(&fd)), E_LOOP);
  printf("40 links of 4095 bytes resolve, 41 are ELOOP\n");
  return 0;
}
