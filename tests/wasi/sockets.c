// sock_accept, sock_recv, sock_send, sock_shutdown on a --tcplisten socket.
// The runner connects, sends a line and half-closes; the guest accepts,
// reads it all (peeking first), echoes it back as "echo: TEXT" (via sock_send
// and fd_write), and shuts down. Also their error paths on real sockets and
// on fds that are not sockets.
// run: --tcplisten 127.0.0.1:{port}
// client: echo ping from the runner
// stdout: sockets.stdout
// With a directory preopen first, the socket comes after it (and wasi-libc's
// start-up scan of preopens still works).
// run: --dir {sandbox}::/sandbox --tcplisten 127.0.0.1:{port}
// client: echo second run
// stdout: sockets.stdout
// At the open-file limit (stdio and the listener fill it) sock_accept is
// EMFILE and leaves the connection queued: once a descriptor is free, the
// same client is accepted and answered.
// run: --tcplisten 127.0.0.1:{port} --max-open-files 4 -- full
// client: echo at the limit
// stdout: sockets.stdout
// wall: 20
#include "wasi_test.h"

static int find_listener(void) {
  for (uint32_t fd = 3; fd < 16; fd++) {
    __wasi_fdstat_t st;
    if (raw_fd_fdstat_get(fd, P(&st)) != 0) continue;
    if (st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM) return (int)fd;
  }
  return -1;
}

// Waits until `fd` is readable or `timeout_ns` passes; true if only the
// read event came.
static int wait_readable(uint32_t fd, uint64_t timeout_ns) {
  __wasi_subscription_t s[2];
  memset(s, 0, sizeof s);
  s[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  s[0].u.u.fd_read.file_descriptor = fd;
  s[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  s[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s[1].u.u.clock.timeout = timeout_ns;
  __wasi_event_t ev[2];
  uint32_t n;
  OK(raw_poll_oneoff(P(s), P(ev), 2, P(&n)));
  return n == 1 && ev[0].type == __WASI_EVENTTYPE_FD_READ;
}

static uint32_t accept_one(uint32_t ls) {
  for (int tries = 0; tries < 200; tries++) {
    uint32_t c = 0xFFFF;
    int e = raw_sock_accept(ls, 0, P(&c));
    if (e == 0) return c;
    CHECK_ERR(e, E_AGAIN);
    wait_readable(ls, 100000000);  // not yet: wait until the listener is readable (or 100 ms)
  }
  FAIL_AT("no connection within 20 s");
}

static void not_sockets(uint32_t ls) {
  // fds that are not sockets.
  char buf[8];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  uint32_t n, c;
  uint16_t ro;
  for (uint32_t fd = 0; fd < 3; fd++) {
    CHECK_ERR(raw_sock_accept(fd, 0, P(&c)), E_NOTSOCK);
    CHECK_ERR(raw_sock_recv(fd, P(&iov), 1, 0, P(&n), P(&ro)), E_NOTSOCK);
    CHECK_ERR(raw_sock_send(fd, P(&iov), 1, 0, P(&n)), E_NOTSOCK);
    CHECK_ERR(raw_sock_shutdown(fd, __WASI_SDFLAGS_WR), E_NOTSOCK);
  }
  // fds that do not exist.
  CHECK_ERR(raw_sock_accept(99, 0, P(&c)), E_BADF);
  CHECK_ERR(raw_sock_recv(99, P(&iov), 1, 0, P(&n), P(&ro)), E_BADF);
  CHECK_ERR(raw_sock_send(99, P(&iov), 1, 0, P(&n)), E_BADF);
  CHECK_ERR(raw_sock_shutdown(99, __WASI_SDFLAGS_WR), E_BADF);
  // The listener itself: not connected, not seekable, not a directory.
  CHECK_ERR(raw_sock_recv(ls, P(&iov), 1, 0, P(&n), P(&ro)), __WASI_ERRNO_NOTCONN, E_INVAL, E_NOTCAPABLE);
  CHECK_ERR(raw_sock_send(ls, P(&iov), 1, 0, P(&n)), __WASI_ERRNO_NOTCONN, E_INVAL, E_NOTCAPABLE, __WASI_ERRNO_PIPE);
  uint64_t off;
  CHECK_ERR(raw_fd_seek(ls, 0, __WASI_WHENCE_CUR, P(&off)), E_SPIPE, E_NOTCAPABLE);
  __wasi_prestat_t ps;
  CHECK_ERR(raw_fd_prestat_get(ls, P(&ps)), E_BADF);  // wasi-libc stops its preopen scan on EBADF
  CHECK_ERR(raw_path_open(ls, 0, SP("x"), 0, R(FD_READ), 0, 0, P(&c)), E_NOTDIR, E_NOTCAPABLE);
  // Unknown fdflags for the accepted socket.
  CHECK_ERR(raw_sock_accept(ls, 0x20, P(&c)), E_INVAL);
  printf("not sockets: ENOTSOCK/EBADF; listener: no data, no seek\n");
}

// Waits until a client is queued on the listener, then fails to accept it
// for want of a descriptor, and frees one (stdin).
static void accept_at_limit(uint32_t ls) {
  CHECK(wait_readable(ls, 20000000000ull));
  uint32_t c;
  CHECK_ERR(raw_sock_accept(ls, 0, P(&c)), E_MFILE);
  CHECK_ERR(raw_sock_accept(ls, __WASI_FDFLAGS_NONBLOCK, P(&c)), E_MFILE);
  OK(raw_fd_close(0));
}

int main(int argc, char **argv) {
  int l = find_listener();
  CHECK(l >= 3);
  uint32_t ls = (uint32_t)l;
  __wasi_fdstat_t st;
  OK(raw_fd_fdstat_get(ls, P(&st)));
  CHECK(st.fs_rights_base & R(SOCK_ACCEPT));
  printf("listener found\n");
  not_sockets(ls);
  int full = argc > 1 && strcmp(argv[1], "full") == 0;
  if (full) accept_at_limit(ls);

  uint32_t c = accept_one(ls);
  CHECK(c != ls && (c >= 3 || (full && c == 0)));  // the lowest free number
  OK(raw_fd_fdstat_get(c, P(&st)));
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_SOCKET_STREAM);
  uint64_t off;
  CHECK_ERR(raw_fd_seek(c, 0, __WASI_WHENCE_CUR, P(&off)), E_SPIPE, E_NOTCAPABLE);
  // The accepted socket blocks by default, so reads wait for data.
  char msg[256], peek[4];
  uint32_t n = 0, total = 0;
  uint16_t ro = 0xFFFF;
  __wasi_iovec_t pv = {(uint8_t *)peek, sizeof peek};
  OK(raw_sock_recv(c, P(&pv), 1, __WASI_RIFLAGS_RECV_PEEK, P(&n), P(&ro)));
  CHECK(n >= 1 && n <= 4);
  CHECK_EQ(ro, 0);
  uint32_t peeked = n;
  // Bad buffers and flags on a real socket.
  __wasi_iovec_t bad = {(uint8_t *)BAD_PTR, 16};
  CHECK_ERR(raw_sock_recv(c, P(&bad), 1, 0, P(&n), P(&ro)), E_FAULT);
  CHECK_ERR(raw_sock_recv(c, BAD_PTR, 1, 0, P(&n), P(&ro)), E_FAULT);
  CHECK_ERR(raw_sock_recv(c, P(&pv), 1, 0x4, P(&n), P(&ro)), E_INVAL);
  CHECK_ERR(raw_sock_send(c, P(&bad), 1, 0, P(&n)), E_FAULT);
  CHECK_ERR(raw_sock_shutdown(c, 0x4), E_INVAL);
  // Read everything until the client's half-close.
  for (;;) {
    __wasi_iovec_t iov = {(uint8_t *)msg + total, sizeof msg - 1 - total};
    OK(raw_sock_recv(c, P(&iov), 1, 0, P(&n), P(&ro)));
    if (n == 0) break;
    total += n;
    CHECK(total < sizeof msg - 1);
  }
  msg[total] = 0;
  CHECK(total >= peeked && memcmp(msg, peek, peeked) == 0);  // the peek consumed nothing
  // Reads after EOF keep returning 0.
  __wasi_iovec_t iov = {(uint8_t *)peek, sizeof peek};
  OK(raw_sock_recv(c, P(&iov), 1, 0, P(&n), P(&ro)));
  CHECK_EQ(n, 0);
  OK(raw_fd_read(c, P(&iov), 1, P(&n)));
  CHECK_EQ(n, 0);
  printf("received the text up to EOF\n");

  // Answer: "echo: " through sock_send, the text through fd_write.
  __wasi_ciovec_t head = {(const uint8_t *)"echo: ", 6};
  OK(raw_sock_send(c, P(&head), 1, 0, P(&n)));
  CHECK_EQ(n, 6);
  __wasi_ciovec_t body = {(const uint8_t *)msg, total};
  OK(raw_fd_write(c, P(&body), 1, P(&n)));
  CHECK_EQ(n, total);
  OK(raw_sock_shutdown(c, __WASI_SDFLAGS_WR));
  // Sending after shutting down the write side fails.
  CHECK_ERR(raw_sock_send(c, P(&head), 1, 0, P(&n)), __WASI_ERRNO_PIPE);
  OK(raw_fd_close(c));
  CHECK_ERR(raw_sock_recv(c, P(&iov), 1, 0, P(&n), P(&ro)), E_BADF);
  CHECK_ERR(raw_sock_shutdown(c, __WASI_SDFLAGS_RD), E_BADF);
  printf("echoed and shut down\n");

  // No second client: a non-blocking accept says EAGAIN.
  OK(raw_fd_fdstat_set_flags(ls, __WASI_FDFLAGS_NONBLOCK));
  CHECK_ERR(raw_sock_accept(ls, 0, P(&c)), E_AGAIN);
  printf("no second connection: EAGAIN\n");
  return 0;
}
