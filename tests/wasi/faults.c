// EFAULT: every function that takes a guest pointer, given one past the end
// of linear memory, one that straddles the end, one whose length wraps
// around 2^32, or a length far beyond memory. The call must fail with
// EFAULT (never crash or corrupt the host) and the guest must carry on.
// Also the exact end of memory as a valid (empty or final) buffer.
// Not compared with Node: it reports EOVERFLOW for out-of-bounds pointers
// and rejects zero-length buffers at the end of memory.
// run: --dir {sandbox}::/sandbox --env A=1 -- arg
// stdout: faults.stdout
#include "wasi_test.h"

#define F(call) CHECK_ERR_(#call, call, E_FAULT)

static uint32_t dir;
static char buf[256] __attribute__((aligned(8)));

static void args_env(void) {
  uint32_t a, b;
  F(raw_args_sizes_get(BAD_PTR, P(&b)));
  F(raw_args_sizes_get(P(&a), BAD_PTR));
  F(raw_args_sizes_get(mem_end() - 2, P(&b)));  // 4-byte result straddling the end
  static char *argv[8];
  F(raw_args_get(BAD_PTR, P(buf)));
  F(raw_args_get(P(argv), BAD_PTR));
  F(raw_args_get(P(argv), mem_end() - 2));  // strings do not fit
  F(raw_environ_sizes_get(BAD_PTR, P(&b)));
  F(raw_environ_sizes_get(P(&a), WRAP_PTR));
  F(raw_environ_get(BAD_PTR, P(buf)));
  F(raw_environ_get(P(argv), BAD_PTR));
  F(raw_environ_get(P(argv), mem_end() - 2));
  printf("args/environ: EFAULT\n");
}

static void clocks_random(void) {
  for (uint32_t id = 0; id < 4; id++) {
    F(raw_clock_res_get(id, BAD_PTR));
    F(raw_clock_res_get(id, mem_end() - 4));  // 8-byte result straddling the end
    F(raw_clock_time_get(id, 1, BAD_PTR));
    F(raw_clock_time_get(id, 1, WRAP_PTR));
    F(raw_clock_time_get(id, 1, mem_end() - 7));
  }
  OK(raw_clock_time_get(0, 1, mem_end() - 8));  // the last 8 bytes are fine
  F(raw_random_get(BAD_PTR, 16));
  F(raw_random_get(WRAP_PTR, 2));
  F(raw_random_get(mem_end() - 8, 9));
  F(raw_random_get(P(buf), 0xFFFFFFFFu));
  OK(raw_random_get(mem_end() - 8, 8));
  OK(raw_random_get(mem_end(), 0));  // empty buffer at the very end
  printf("clocks/random: EFAULT\n");
}

static void iovecs(void) {
  uint32_t fd, n;
  OK(open_at(dir, "hello.txt", 0, R(FD_READ) | R(FD_WRITE) | R(FD_SEEK), 0, &fd));
  __wasi_iovec_t good = {(uint8_t *)buf, 4};
  __wasi_iovec_t bad_buf = {(uint8_t *)BAD_PTR, 4};
  __wasi_iovec_t wrap_buf = {(uint8_t *)(uintptr_t)0xFFFFFFF0u, 0x20};
  __wasi_iovec_t long_buf = {(uint8_t *)buf, 0x7FFFFFFF};
  __wasi_iovec_t mixed[2] = {{(uint8_t *)buf, 4}, {(uint8_t *)BAD_PTR, 4}};
  // fd_read / fd_pread: the iovec array, each buffer, the result.
  F(raw_fd_read(fd, BAD_PTR, 1, P(&n)));
  F(raw_fd_read(fd, mem_end() - 4, 1, P(&n)));  // iovec array straddling the end
  // 8 * count wraps to 0 in 32 bits; a limit on the count (EINVAL) is fine too.
  CHECK_ERR(raw_fd_read(fd, P(&good), 0x20000000, P(&n)), E_FAULT, E_INVAL);
  F(raw_fd_read(fd, P(&bad_buf), 1, P(&n)));
  F(raw_fd_read(fd, P(&wrap_buf), 1, P(&n)));
  F(raw_fd_read(fd, P(&long_buf), 1, P(&n)));
  F(raw_fd_read(fd, P(mixed), 2, P(&n)));
  F(raw_fd_read(fd, P(&good), 1, BAD_PTR));
  F(raw_fd_pread(fd, BAD_PTR, 1, 0, P(&n)));
  F(raw_fd_pread(fd, P(&bad_buf), 1, 0, P(&n)));
  F(raw_fd_pread(fd, P(&long_buf), 1, 0, P(&n)));
  F(raw_fd_pread(fd, P(mixed), 2, 0, P(&n)));
  F(raw_fd_pread(fd, P(&good), 1, 0, BAD_PTR));
  // fd_write / fd_pwrite.
  F(raw_fd_write(fd, BAD_PTR, 1, P(&n)));
  CHECK_ERR(raw_fd_write(fd, P(&good), 0x20000000, P(&n)), E_FAULT, E_INVAL);
  F(raw_fd_write(fd, P(&bad_buf), 1, P(&n)));
  F(raw_fd_write(fd, P(&wrap_buf), 1, P(&n)));
  F(raw_fd_write(fd, P(&long_buf), 1, P(&n)));
  F(raw_fd_write(fd, P(mixed), 2, P(&n)));
  F(raw_fd_write(fd, P(&good), 1, BAD_PTR));
  F(raw_fd_pwrite(fd, BAD_PTR, 1, 0, P(&n)));
  F(raw_fd_pwrite(fd, P(&bad_buf), 1, 0, P(&n)));
  F(raw_fd_pwrite(fd, P(&long_buf), 1, 0, P(&n)));
  F(raw_fd_pwrite(fd, P(&good), 1, 0, BAD_PTR));
  // stdout too: nothing reaches the host from a bad buffer.
  F(raw_fd_write(1, P(&bad_buf), 1, P(&n)));
  F(raw_fd_write(1, P(&long_buf), 1, P(&n)));
  // A buffer ending exactly at the end of memory is fine.
  __wasi_iovec_t last = {(uint8_t *)(uintptr_t)(mem_end() - 4), 4};
  OK(raw_fd_pread(fd, P(&last), 1, 0, P(&n)));
  CHECK_EQ(n, 4);
  OK(raw_fd_close(fd));
  printf("read/write/pread/pwrite: EFAULT\n");
}

static void fd_results(void) {
  uint32_t fd;
  OK(open_at(dir, "hello.txt", 0, R(FD_READ) | R(FD_SEEK) | R(FD_TELL) | R(FD_FILESTAT_GET), 0, &fd));
  F(raw_fd_fdstat_get(fd, BAD_PTR));
  F(raw_fd_fdstat_get(fd, mem_end() - 16));  // 24-byte result
  F(raw_fd_filestat_get(fd, BAD_PTR));
  F(raw_fd_filestat_get(fd, mem_end() - 32));  // 64-byte result
  F(raw_fd_seek(fd, 0, __WASI_WHENCE_SET, BAD_PTR));
  F(raw_fd_tell(fd, BAD_PTR));
  F(raw_fd_tell(fd, WRAP_PTR));
  F(raw_fd_prestat_get(dir, BAD_PTR));
  F(raw_fd_prestat_dir_name(dir, BAD_PTR, 8));
  F(raw_fd_prestat_dir_name(dir, mem_end() - 4, 8));
  uint32_t used;
  F(raw_fd_readdir(dir, BAD_PTR, 128, 0, P(&used)));
  F(raw_fd_readdir(dir, mem_end() - 64, 128, 0, P(&used)));
  F(raw_fd_readdir(dir, P(buf), sizeof buf, 0, BAD_PTR));
  OK(raw_fd_close(fd));
  printf("fd result pointers: EFAULT\n");
}

static void paths(void) {
  uint32_t fd, n;
  // Path strings out of bounds or too long for memory.
  F(raw_path_open(dir, 0, BAD_PTR, 8, 0, R(FD_READ), 0, 0, P(&fd)));
  F(raw_path_open(dir, 0, P("hello.txt"), 0x7FFFFFFF, 0, R(FD_READ), 0, 0, P(&fd)));
  F(raw_path_open(dir, 0, WRAP_PTR, 2, 0, R(FD_READ), 0, 0, P(&fd)));
  F(raw_path_open(dir, 0, SP("hello.txt"), 0, R(FD_READ), 0, 0, BAD_PTR));
  F(raw_path_create_directory(dir, BAD_PTR, 4));
  F(raw_path_filestat_get(dir, 0, BAD_PTR, 4, P(buf)));
  F(raw_path_filestat_get(dir, 0, SP("hello.txt"), BAD_PTR));
  F(raw_path_filestat_get(dir, 0, SP("hello.txt"), mem_end() - 8));
  F(raw_path_filestat_set_times(dir, 0, BAD_PTR, 4, 0, 0, 0));
  F(raw_path_link(dir, 0, BAD_PTR, 4, dir, SP("l1")));
  F(raw_path_link(dir, 0, SP("hello.txt"), dir, BAD_PTR, 4));
  F(raw_path_readlink(dir, BAD_PTR, 4, P(buf), sizeof buf, P(&n)));
  F(raw_path_readlink(dir, SP("link_hello"), BAD_PTR, 16, P(&n)));
  F(raw_path_readlink(dir, SP("link_hello"), mem_end() - 4, 16, P(&n)));
  F(raw_path_readlink(dir, SP("link_hello"), P(buf), sizeof buf, BAD_PTR));
  F(raw_path_remove_directory(dir, BAD_PTR, 4));
  F(raw_path_rename(dir, BAD_PTR, 4, dir, SP("x")));
  F(raw_path_rename(dir, SP("hello.txt"), dir, BAD_PTR, 4));
  F(raw_path_symlink(BAD_PTR, 4, dir, SP("s1")));
  F(raw_path_symlink(SP("hello.txt"), dir, BAD_PTR, 4));
  F(raw_path_unlink_file(dir, BAD_PTR, 4));
  F(raw_path_unlink_file(dir, P("hello.txt"), 0xFFFFFFFF));
  // Nothing happened: hello.txt is intact, no stray entries.
  __wasi_filestat_t st;
  OK(raw_path_filestat_get(dir, 0, SP("hello.txt"), P(&st)));
  CHECK_EQ(st.size, 13);
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("l1"), P(&st)), E_NOENT);
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("s1"), P(&st)), E_NOENT);
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("x"), P(&st)), E_NOENT);
  printf("path functions: EFAULT\n");
}

static void poll(void) {
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = 1000;
  __wasi_event_t ev;
  uint32_t n;
  F(raw_poll_oneoff(BAD_PTR, P(&ev), 1, P(&n)));
  F(raw_poll_oneoff(mem_end() - 24, P(&ev), 1, P(&n)));
  F(raw_poll_oneoff(P(&sub), BAD_PTR, 1, P(&n)));
  F(raw_poll_oneoff(P(&sub), mem_end() - 16, 1, P(&n)));
  F(raw_poll_oneoff(P(&sub), P(&ev), 1, BAD_PTR));
  // 48 * count is past memory (and wraps in 32 bits).
  CHECK_ERR(raw_poll_oneoff(P(&sub), P(&ev), 0x10000000, P(&n)), E_FAULT, E_INVAL);
  printf("poll_oneoff: EFAULT\n");
}

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;
  args_env();
  clocks_random();
  iovecs();
  fd_results();
  paths();
  poll();
  printf("host still answering: ");
  uint64_t t;
  OK(raw_clock_time_get(1, 1, P(&t)));
  printf("yes\n");
  return 0;
}
