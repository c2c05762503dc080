// fd_fdstat_set_flags and the fdflags of path_open: APPEND turned on and
// off (writes go to the end regardless of the offset), NONBLOCK accepted on
// a file, the flags reported by fd_fdstat_get. Not compared with Node: its
// fdstat_get reports raw host open flags and set_flags does not change them.
// run: --dir {sandbox}::/sandbox
// stdout: fd_flags.stdout
#include "wasi_test.h"

static uint32_t dir;

static uint32_t write_str(uint32_t fd, const char *s) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  uint32_t n = 0;
  OK(raw_fd_write(fd, P(&iov), 1, P(&n)));
  return n;
}

static void test_append(void) {
  uint32_t fd;
  OK(open_at(dir, "append.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_ALL, 0, &fd));
  write_str(fd, "one\n");
  __wasi_fdstat_t st;
  OK(raw_fd_fdstat_get(fd, P(&st)));
  CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ(st.fs_flags & __WASI_FDFLAGS_APPEND, 0);
  uint64_t off;
  OK(raw_fd_seek(fd, 0, __WASI_WHENCE_SET, P(&off)));
  OK(raw_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
  OK(raw_fd_fdstat_get(fd, P(&st)));
  CHECK(st.fs_flags & __WASI_FDFLAGS_APPEND);
  write_str(fd, "two\n");  // lands at the end despite the offset
  OK(raw_fd_fdstat_set_flags(fd, 0));
  OK(raw_fd_fdstat_get(fd, P(&st)));
  CHECK_EQ(st.fs_flags & __WASI_FDFLAGS_APPEND, 0);
  OK(raw_fd_seek(fd, 0, __WASI_WHENCE_SET, P(&off)));
  write_str(fd, "ONE\n");  // now overwrites at the offset
  OK(raw_fd_close(fd));
  char buf[64];
  OK(slurp(dir, "append.txt", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "ONE\ntwo\n") == 0);
  // Opened with APPEND from the start.
  OK(open_at(dir, "append.txt", 0, RIGHTS_ALL, __WASI_FDFLAGS_APPEND, &fd));
  OK(raw_fd_fdstat_get(fd, P(&st)));
  CHECK(st.fs_flags & __WASI_FDFLAGS_APPEND);
  write_str(fd, "three\n");
  OK(raw_fd_close(fd));
  OK(slurp(dir, "append.txt", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "ONE\ntwo\nthree\n") == 0);
  printf("fdstat_set_flags: APPEND on and off\n");
}


static void test_nonblock(void) {
  uint32_t fd;
  __wasi_fdstat_t st;
  OK(open_at(dir, "hello.txt", 0, RIGHTS_ALL, __WASI_FDFLAGS_NONBLOCK, &fd));
  OK(raw_fd_fdstat_get(fd, P(&st)));
  CHECK(st.fs_flags & __WASI_FDFLAGS_NONBLOCK);
  OK(raw_fd_fdstat_set_flags(fd, 0));
  OK(raw_fd_fdstat_get(fd, P(&st)));
  CHECK_EQ(st.fs_flags, 0);
  OK(raw_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
  char buf[16];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  uint32_t n;
  OK(raw_fd_read(fd, P(&iov), 1, P(&n)));  // regular files are always ready
  CHECK_EQ(n, 13);
  OK(raw_fd_close(fd));
  printf("NONBLOCK on a file ok\n");
}

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;
  test_append();
  test_nonblock();
  return 0;
}
