// Descriptor exhaustion: opening files (and directories) without closing
// them stops at --max-open-files (or the default limit) with EMFILE/ENFILE,
// and afterwards the guest -- and wharf -- still work: closing one lets the
// next open succeed, stdout still writes. An open refused at the limit has
// no effect: O_TRUNC truncates nothing, O_CREAT creates nothing.
// run: --dir {sandbox}::/sandbox --max-open-files 64 -- 64
// stdout: limits_fds.stdout
// run: --dir {sandbox}::/sandbox --max-open-files 16 -- 16
// stdout: limits_fds.stdout
// run: --dir {sandbox}::/sandbox -- 1048576
// stdout: limits_fds.stdout
#include "wasi_test.h"

static uint32_t fds[1 << 20];

int main(int argc, char **argv) {
  CHECK(argc == 2);
  uint32_t limit = (uint32_t)atoi(argv[1]);
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  uint32_t dir = (uint32_t)d;
  uint32_t count = 0;
  int e = 0;
  for (;;) {
    CHECK(count < sizeof fds / sizeof *fds);
    // Alternate files and directories; both take a descriptor.
    e = count % 2 ? open_at(dir, "hello.txt", 0, R(FD_READ), 0, &fds[count])
                  : open_at(dir, "sub", __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, &fds[count]);
    if (e) break;
    count++;
  }
  CHECK(e == E_MFILE || e == E_NFILE);
  CHECK(count + 4 <= limit);  // stdin, stdout, stderr and the preopen count too
  CHECK(count >= 16 || count + 4 == limit);
  // One more attempt of each kind fails the same way.
  uint32_t extra;
  CHECK_ERR(open_at(dir, "hello.txt", 0, R(FD_READ), 0, &extra), E_MFILE, E_NFILE);
  CHECK_ERR(open_at(dir, "sub", __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, &extra), E_MFILE, E_NFILE);
  // ... and does nothing first.
  CHECK_ERR(open_at(dir, "hello.txt", __WASI_OFLAGS_TRUNC, R(FD_WRITE), 0, &extra), E_MFILE, E_NFILE);
  CHECK_ERR(open_at(dir, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R(FD_WRITE), 0, &extra),
            E_MFILE, E_NFILE);
  CHECK_ERR(open_at(dir, "new2.txt", __WASI_OFLAGS_CREAT, R(FD_WRITE), 0, &extra), E_MFILE, E_NFILE);
  __wasi_filestat_t st;
  OK(raw_path_filestat_get(dir, 0, SP("hello.txt"), P(&st)));
  CHECK_EQ(st.size, 13);
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("new.txt"), P(&st)), E_NOENT);
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("new2.txt"), P(&st)), E_NOENT);
  printf("open stopped with %s\n", e == E_MFILE ? "EMFILE or ENFILE" : "EMFILE or ENFILE");
  // Close one: the next open gets a descriptor again.
  OK(raw_fd_close(fds[count - 1]));
  OK(open_at(dir, "hello.txt", 0, R(FD_READ), 0, &fds[count - 1]));
  char buf[32];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  uint32_t n;
  OK(raw_fd_read(fds[count - 1], P(&iov), 1, P(&n)));
  CHECK_EQ(n, 13);
  // Close all; everything works as before.
  for (uint32_t i = 0; i < count; i++) OK(raw_fd_close(fds[i]));
  OK(slurp(dir, "hello.txt", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "hello, world\n") == 0);
  printf("after closing: opens work again\n");
  return 0;
}
