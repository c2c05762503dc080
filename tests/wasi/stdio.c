// stdin, stdout and stderr: reading all of stdin (in small and large
// pieces), writing large and gathered output to stdout, stderr separate
// from stdout, and libc's stdio on top. Output is compared with Node.
// run: -- small
// stdin: stdio.in
// stdout: stdio.stdout
// compare: node
// run: -- big
// stdin: stdio.in
// stdout: stdio.stdout
// compare: node
#include "wasi_test.h"

static char in[1 << 16];

int main(int argc, char **argv) {
  CHECK(argc == 2);
  uint32_t chunk = strcmp(argv[1], "small") == 0 ? 3 : sizeof in;
  uint32_t total = 0, n;
  for (;;) {
    CHECK(total < sizeof in);
    uint32_t want = chunk < sizeof in - total ? chunk : sizeof in - total;
    __wasi_iovec_t iov = {(uint8_t *)in + total, want};
    OK(raw_fd_read(0, P(&iov), 1, P(&n)));
    if (n == 0) break;
    CHECK(n <= want);
    total += n;
  }
  // EOF is sticky.
  __wasi_iovec_t iov = {(uint8_t *)in + total, 1};
  OK(raw_fd_read(0, P(&iov), 1, P(&n)));
  CHECK_EQ(n, 0);
  // Echo it upper-cased, through a gathered write of three pieces.
  for (uint32_t i = 0; i < total; i++)
    if (in[i] >= 'a' && in[i] <= 'z') in[i] -= 32;
  __wasi_ciovec_t out[3] = {{(const uint8_t *)"<<", 2}, {(const uint8_t *)in, total}, {(const uint8_t *)">>\n", 3}};
  OK(raw_fd_write(1, P(out), 3, P(&n)));
  CHECK_EQ(n, total + 5);
  // stderr is not stdout.
  __wasi_ciovec_t err = {(const uint8_t *)"to stderr\n", 10};
  OK(raw_fd_write(2, P(&err), 1, P(&n)));
  // A 1 MiB write arrives complete (retrying short writes, as libc does).
  static char big[1 << 20];
  for (unsigned i = 0; i < sizeof big; i++) big[i] = (i % 64 == 63) ? '\n' : 'a' + i % 26;
  uint32_t done = 0;
  while (done < sizeof big) {
    __wasi_ciovec_t b = {(const uint8_t *)big + done, sizeof big - done};
    OK(raw_fd_write(1, P(&b), 1, P(&n)));
    CHECK(n > 0);
    done += n;
  }
  // libc stdio.
  printf("printf %d %s\n", 42, "ok");
  fputs("fputs to stderr\n", stderr);
  fflush(stdout);
  return 0;
}
