// No network unless granted: without --tcplisten there is no socket among
// the guest's fds, and sock_accept/recv/send/shutdown fail on every fd
// (EBADF where nothing is open, ENOTSOCK on stdio and directories).
// run: --dir {sandbox}::/sandbox
// stdout: sandbox_sockets.stdout
#include "sandbox_test.h"

int main(void) {
  char buf[16];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  uint32_t n, c;
  uint16_t ro;
  int open_fds = 0;
  for (uint32_t fd = 0; fd < 2048; fd++) {
    __wasi_fdstat_t st;
    int e = raw_fd_fdstat_get(fd, P(&st));
    int want = E_BADF;
    if (e == 0) {
      open_fds++;
      CHECK(st.fs_filetype != __WASI_FILETYPE_SOCKET_STREAM && st.fs_filetype != __WASI_FILETYPE_SOCKET_DGRAM);
      CHECK_EQ(st.fs_rights_base & (R(SOCK_ACCEPT) | R(SOCK_SHUTDOWN)), 0);
      want = E_NOTSOCK;
    }
    int alt = e == 0 ? E_NOTCAPABLE : E_BADF;
    CHECK_ERR(raw_sock_accept(fd, 0, P(&c)), want, alt);
    CHECK_ERR(raw_sock_accept(fd, __WASI_FDFLAGS_NONBLOCK, P(&c)), want, alt);
    CHECK_ERR(raw_sock_recv(fd, P(&iov), 1, 0, P(&n), P(&ro)), want, alt);
    CHECK_ERR(raw_sock_send(fd, P(&iov), 1, 0, P(&n)), want, alt);
    CHECK_ERR(raw_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), want, alt);
  }
  CHECK_EQ(open_fds, 4);  // stdin, stdout, stderr, the preopen
  printf("no sockets: every sock_* call fails on every fd\n");
  return 0;
}
