// Operations whose work grows with a length pay fuel for that length
// (docs/wasi.md, "Resource limits"): a GiB-sized memory.fill, memory.copy,
// random_get or fd_write under a --fuel that covers only the instructions
// traps at once, doing none of the work. A read moves at most what the fuel
// left pays for and pays only for what it got, so reading a GiB file traps
// soon while a GiB buffer over an empty stdin costs nothing.
// Under --timeout, a long memory.fill or random_get stops with a trap and a
// backtrace, not the watchdog's exit a second later.
// run: --fuel 1000000 -- fill
// exit: 134
// stderr: all fuel consumed
// wall: 20
// run: --fuel 1000000 -- copy
// exit: 134
// stderr: all fuel consumed
// wall: 20
// run: --fuel 1000000 -- random
// exit: 134
// stderr: all fuel consumed
// wall: 20
// run: --fuel 1000000 -- write
// exit: 134
// stderr: all fuel consumed
// wall: 20
// run: --dir {sandbox}::/sandbox --fuel 1000000 -- read
// exit: 134
// stderr: all fuel consumed
// wall: 20
// run: --fuel 1000000 -- read-empty
// stdout: limits_bulk.read-empty.stdout
// wall: 20
// run: --dir {sandbox}::/sandbox --fuel 2000000 -- read-small
// stdout: limits_bulk.read-small.stdout
// wall: 20
// run: --timeout 300ms -- fill-forever
// exit: 134
// stderr: ^  0: 
// wall: 20
// run: --timeout 300ms -- random-forever
// exit: 134
// stderr: ^  0: 
// wall: 20
// Enough fuel: the same operations on small lengths go through.
// run: --fuel 10000000 -- small
// stdout: limits_bulk.small.stdout
#include "wasi_test.h"

#define GIB (1u << 30)

// memset/memmove as the bulk instructions (not libc's loops).
__attribute__((target("bulk-memory"), noinline)) static void fill(char *p, int v, size_t n) {
  __builtin_memset(p, v, n);
}
__attribute__((target("bulk-memory"), noinline)) static void copy(char *d, const char *s, size_t n) {
  __builtin_memmove(d, s, n);
}

// The buffers escape through a volatile pointer, so the optimizer keeps
// the writes to them.
static char *volatile keep;
static char *big(void) {
  char *p = malloc(GIB);
  CHECK(p != NULL);
  keep = p;
  return keep;
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  const char *what = argv[1];
  if (strcmp(what, "fill") == 0) {
    char *p = big();
    for (int i = 0; i < 10; i++) fill(p, i, GIB);
    printf("filled: %d\n", keep[GIB - 1]);
    return 0;
  }
  if (strcmp(what, "copy") == 0) {
    char *p = big();
    for (int i = 0; i < 10; i++) copy(p, p + GIB / 2, GIB / 2);
    printf("copied: %d\n", keep[0]);
    return 0;
  }
  if (strcmp(what, "random") == 0) {
    OK(raw_random_get(P(big()), GIB));
    printf("random\n");
    return 0;
  }
  if (strcmp(what, "write") == 0) {
    // To stdout, which the runner keeps in a file: 256 MiB, should it go through.
    __wasi_ciovec_t iov = {(const uint8_t *)big(), 256u << 20};
    uint32_t n;
    OK(raw_fd_write(1, P(&iov), 1, P(&n)));
    return 0;
  }
  if (strcmp(what, "read") == 0) {
    // A sparse GiB file read to its end, a GiB at a time: each read gets what
    // the fuel left pays for, until none is left.
    uint32_t fd;
    OK(raw_path_open(3, 0, SP("big.bin"), __WASI_OFLAGS_CREAT,
                     __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE, 0, 0, P(&fd)));
    OK(raw_fd_filestat_set_size(fd, GIB));
    uint8_t *p = (uint8_t *)big();
    uint64_t total = 0;
    for (;;) {
      __wasi_iovec_t iov = {p, GIB};
      uint32_t n;
      OK(raw_fd_read(fd, P(&iov), 1, P(&n)));
      if (n == 0) break;
      total += n;
    }
    printf("read %llu bytes\n", (unsigned long long)total);
    return 0;
  }
  if (strcmp(what, "read-empty") == 0) {
    // stdin is /dev/null: a GiB buffer, nothing to read, nothing to pay.
    __wasi_iovec_t iov = {(uint8_t *)big(), GIB};
    uint32_t n = 1;
    OK(raw_fd_read(0, P(&iov), 1, P(&n)));
    printf("read %u bytes\n", n);
    return 0;
  }
  if (strcmp(what, "read-small") == 0) {
    // 1000 reads of a 13-byte file into 64 KiB: paying for the buffer would
    // cost 16M units; paying for the bytes read, a few thousand.
    static uint8_t buf[65536];
    uint32_t fd;
    OK(raw_path_open(3, 0, SP("hello.txt"), 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, 0, P(&fd)));
    uint64_t total = 0;
    for (int i = 0; i < 1000; i++) {
      __wasi_iovec_t iov = {buf, sizeof buf};
      uint32_t n;
      OK(raw_fd_pread(fd, P(&iov), 1, 0, P(&n)));
      total += n;
    }
    printf("read %llu bytes\n", (unsigned long long)total);
    return 0;
  }
  if (strcmp(what, "fill-forever") == 0) {
    char *p = big();
    for (int i = 0;; i++) {
      fill(p, i, GIB);
      CHECK(keep[GIB - 1] == (char)i);
    }
  }
  if (strcmp(what, "random-forever") == 0) {
    char *p = big();
    for (;;) OK(raw_random_get(P(p), GIB));
  }
  if (strcmp(what, "small") == 0) {
    static char a[4096], b[4096];
    for (int i = 0; i < 100; i++) {
      fill(a, i, sizeof a);
      copy(b, a, sizeof a);
      OK(raw_random_get(P(a), 256));
    }
    CHECK(b[4095] == 99);
    printf("ok\n");
    return 0;
  }
  FAIL_AT("unknown mode %s", what);
}
