// Error paths of the fd_* functions: EBADF for fds never opened, closed, or
// huge; EINVAL for bad whence/advice/flags/offsets; operations that need a
// file applied to a directory and vice versa. (EFAULT: faults.c; missing
// rights: rights.c.)
// run: --dir {sandbox}::/sandbox
// stdout: fd_errors.stdout
#include "wasi_test.h"

static uint32_t dir;

static void all_fail_badf(uint32_t fd) {
  char buf[64] __attribute__((aligned(8)));
  __wasi_iovec_t iov = {(uint8_t *)buf, 8};
  uint32_t n;
  uint64_t off;
  CHECK_ERR(raw_fd_advise(fd, 0, 1, 0), E_BADF);
  CHECK_ERR(raw_fd_allocate(fd, 0, 1), E_BADF);
  CHECK_ERR(raw_fd_close(fd), E_BADF);
  CHECK_ERR(raw_fd_datasync(fd), E_BADF);
  CHECK_ERR(raw_fd_fdstat_get(fd, P(buf)), E_BADF);
  CHECK_ERR(raw_fd_fdstat_set_flags(fd, 0), E_BADF);
  CHECK_ERR(raw_fd_fdstat_set_rights(fd, 0, 0), E_BADF);
  CHECK_ERR(raw_fd_filestat_get(fd, P(buf)), E_BADF);
  CHECK_ERR(raw_fd_filestat_set_size(fd, 0), E_BADF);
  CHECK_ERR(raw_fd_filestat_set_times(fd, 0, 0, 0), E_BADF);
  CHECK_ERR(raw_fd_pread(fd, P(&iov), 1, 0, P(&n)), E_BADF);
  CHECK_ERR(raw_fd_prestat_get(fd, P(buf)), E_BADF);
  CHECK_ERR(raw_fd_prestat_dir_name(fd, P(buf), 8), E_BADF);
  CHECK_ERR(raw_fd_pwrite(fd, P(&iov), 1, 0, P(&n)), E_BADF);
  CHECK_ERR(raw_fd_read(fd, P(&iov), 1, P(&n)), E_BADF);
  CHECK_ERR(raw_fd_readdir(fd, P(buf), sizeof buf, 0, P(&n)), E_BADF);
  CHECK_ERR(raw_fd_renumber(fd, 1), E_BADF);
  CHECK_ERR(raw_fd_seek(fd, 0, 0, P(&off)), E_BADF);
  CHECK_ERR(raw_fd_sync(fd), E_BADF);
  CHECK_ERR(raw_fd_tell(fd, P(&off)), E_BADF);
  CHECK_ERR(raw_fd_write(fd, P(&iov), 1, P(&n)), E_BADF);
  // The path functions check their directory fd the same way.
  uint32_t nfd;
  CHECK_ERR(raw_path_open(fd, 0, SP("hello.txt"), 0, R(FD_READ), 0, 0, P(&nfd)), E_BADF);
  CHECK_ERR(raw_path_create_directory(fd, SP("d")), E_BADF);
  CHECK_ERR(raw_path_filestat_get(fd, 0, SP("hello.txt"), P(buf)), E_BADF);
  CHECK_ERR(raw_path_filestat_set_times(fd, 0, SP("hello.txt"), 0, 0, 0), E_BADF);
  CHECK_ERR(raw_path_link(fd, 0, SP("hello.txt"), dir, SP("l")), E_BADF);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt"), fd, SP("l")), E_BADF);
  CHECK_ERR(raw_path_readlink(fd, SP("link_hello"), P(buf), sizeof buf, P(&n)), E_BADF);
  CHECK_ERR(raw_path_remove_directory(fd, SP("empty")), E_BADF);
  CHECK_ERR(raw_path_rename(fd, SP("hello.txt"), dir, SP("x")), E_BADF);
  CHECK_ERR(raw_path_rename(dir, SP("hello.txt"), fd, SP("x")), E_BADF);
  CHECK_ERR(raw_path_symlink(SP("x"), fd, SP("s")), E_BADF);
  CHECK_ERR(raw_path_unlink_file(fd, SP("hello.txt")), E_BADF);
}

static void test_badf(void) {
  all_fail_badf(99);
  all_fail_badf(0x7FFFFFFF);
  all_fail_badf(0xFFFFFFFF);
  uint32_t fd;
  OK(open_at(dir, "hello.txt", 0, R(FD_READ), 0, &fd));
  OK(raw_fd_close(fd));
  all_fail_badf(fd);  // closed
  printf("EBADF: never opened, huge, closed\n");
}

static void test_inval(void) {
  uint32_t fd;
  uint64_t off = 777;
  OK(open_at(dir, "scratch.txt", __WASI_OFLAGS_CREAT, RIGHTS_ALL, 0, &fd));
  // Unknown whence values.
  CHECK_ERR(raw_fd_seek(fd, 0, 3, P(&off)), E_INVAL);
  CHECK_ERR(raw_fd_seek(fd, 0, 255, P(&off)), E_INVAL);
  // A resulting offset before the start of the file.
  CHECK_ERR(raw_fd_seek(fd, -1, __WASI_WHENCE_SET, P(&off)), E_INVAL);
  CHECK_ERR(raw_fd_seek(fd, -1, __WASI_WHENCE_CUR, P(&off)), E_INVAL);
  CHECK_ERR(raw_fd_seek(fd, -1, __WASI_WHENCE_END, P(&off)), E_INVAL);
  CHECK_ERR(raw_fd_seek(fd, INT64_MIN, __WASI_WHENCE_SET, P(&off)), E_INVAL);
  OK(raw_fd_tell(fd, P(&off)));
  CHECK_EQ(off, 0);  // failed seeks leave the offset alone
  printf("seek: EINVAL for bad whence and negative offsets\n");

  // Unknown advice.
  CHECK_ERR(raw_fd_advise(fd, 0, 10, 6), E_INVAL);
  CHECK_ERR(raw_fd_advise(fd, 0, 10, 255), E_INVAL);
  printf("advise: EINVAL for unknown advice\n");

  // set_times: a time both given and NOW is contradictory; unknown bits.
  CHECK_ERR(raw_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), E_INVAL);
  CHECK_ERR(raw_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), E_INVAL);
  CHECK_ERR(raw_fd_filestat_set_times(fd, 0, 0, 0x10), E_INVAL);
  CHECK_ERR(raw_path_filestat_set_times(dir, 0, SP("scratch.txt"), 0, 0,
                                        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), E_INVAL);
  CHECK_ERR(raw_path_filestat_set_times(dir, 0, SP("scratch.txt"), 0, 0,
                                        __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), E_INVAL);
  printf("filestat_set_times: EINVAL for contradictory flags\n");

  // fdstat_set_flags: bits outside the defined set.
  CHECK_ERR(raw_fd_fdstat_set_flags(fd, 0x20), E_INVAL);
  CHECK_ERR(raw_fd_fdstat_set_flags(fd, 0xFFFF), E_INVAL);
  printf("fdstat_set_flags: EINVAL for unknown bits\n");

  // Sizes and offsets beyond what a file can have (2^63 and up).
  CHECK_ERR(raw_fd_filestat_set_size(fd, 1ull << 63), E_INVAL, __WASI_ERRNO_FBIG);
  CHECK_ERR(raw_fd_allocate(fd, 1ull << 63, 1), E_INVAL, __WASI_ERRNO_FBIG);
  CHECK_ERR(raw_fd_allocate(fd, UINT64_MAX - 1, 10), E_INVAL, __WASI_ERRNO_FBIG);
  char c;
  __wasi_iovec_t iov = {(uint8_t *)&c, 1};
  uint32_t n;
  CHECK_ERR(raw_fd_pread(fd, P(&iov), 1, 1ull << 63, P(&n)), E_INVAL, __WASI_ERRNO_FBIG);
  CHECK_ERR(raw_fd_pwrite(fd, P(&iov), 1, 1ull << 63, P(&n)), E_INVAL, __WASI_ERRNO_FBIG);
  __wasi_filestat_t st;
  OK(raw_fd_filestat_get(fd, P(&st)));
  CHECK_EQ(st.size, 0);
  printf("sizes and offsets >= 2^63 rejected\n");
  OK(raw_fd_close(fd));
}

static void test_wrong_type(void) {
  // File operations on a directory fd.
  char buf[64] __attribute__((aligned(8)));
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  uint32_t n;
  uint64_t off;
  CHECK_ERR(raw_fd_read(dir, P(&iov), 1, P(&n)), E_ISDIR, E_BADF, E_NOTCAPABLE);
  CHECK_ERR(raw_fd_write(dir, P(&iov), 1, P(&n)), E_ISDIR, E_BADF, E_NOTCAPABLE);
  CHECK_ERR(raw_fd_pread(dir, P(&iov), 1, 0, P(&n)), E_ISDIR, E_BADF, E_NOTCAPABLE);
  CHECK_ERR(raw_fd_pwrite(dir, P(&iov), 1, 0, P(&n)), E_ISDIR, E_BADF, E_NOTCAPABLE);
  CHECK_ERR(raw_fd_filestat_set_size(dir, 0), E_ISDIR, E_BADF, E_NOTCAPABLE, E_INVAL);
  CHECK_ERR(raw_fd_allocate(dir, 0, 10), E_ISDIR, E_BADF, E_NOTCAPABLE, E_INVAL);
  printf("file operations on a directory fail\n");

  // Directory operations on a file fd.
  uint32_t fd;
  OK(open_at(dir, "hello.txt", 0, RIGHTS_ALL, 0, &fd));
  CHECK_ERR(raw_fd_readdir(fd, P(buf), sizeof buf, 0, P(&n)), E_NOTDIR, E_BADF, E_NOTCAPABLE);
  uint32_t nfd;
  CHECK_ERR(raw_path_open(fd, 0, SP("x"), 0, R(FD_READ), 0, 0, P(&nfd)), E_NOTDIR, E_NOTCAPABLE);
  CHECK_ERR(raw_path_create_directory(fd, SP("x")), E_NOTDIR, E_NOTCAPABLE);
  CHECK_ERR(raw_path_filestat_get(fd, 0, SP("x"), P(buf)), E_NOTDIR, E_NOTCAPABLE);
  CHECK_ERR(raw_path_unlink_file(fd, SP("x")), E_NOTDIR, E_NOTCAPABLE);
  CHECK_ERR(raw_path_symlink(SP("hello.txt"), fd, SP("x")), E_NOTDIR, E_NOTCAPABLE);
  CHECK_ERR(raw_fd_prestat_get(fd, P(buf)), E_BADF, E_INVAL);  // see prestat.c
  OK(raw_fd_close(fd));
  (void)off;
  printf("directory operations on a file fail\n");
}

static void test_renumber_and_close(void) {
  uint32_t a;
  __wasi_fdstat_t st;
  OK(open_at(dir, "hello.txt", 0, R(FD_READ), 0, &a));
  // The target must be open: `to` is the descriptor to overwrite, not a
  // number to claim as dup2 would. Nothing moves on EBADF.
  uint32_t closed;
  OK(open_at(dir, "sub/a.txt", 0, R(FD_READ), 0, &closed));
  OK(raw_fd_close(closed));
  const uint32_t targets[] = {closed, 200, 1023, 1024, 0x7FFFFFFF, 0xFFFFFFFF};
  for (unsigned i = 0; i < sizeof targets / sizeof *targets; i++) {
    CHECK_ERR(raw_fd_renumber(a, targets[i]), E_BADF);
    CHECK_ERR(raw_fd_fdstat_get(targets[i], P(&st)), E_BADF);
    OK(raw_fd_fdstat_get(a, P(&st)));
  }
  // A stdio number left by renumbering stdin away is not open either.
  uint32_t b;
  OK(open_at(dir, "sub/b.txt", 0, R(FD_READ), 0, &b));
  OK(raw_fd_renumber(0, b));
  CHECK_ERR(raw_fd_fdstat_get(0, P(&st)), E_BADF);
  CHECK_ERR(raw_fd_renumber(a, 0), E_BADF);
  OK(raw_fd_fdstat_get(a, P(&st)));
  OK(raw_fd_close(a));
  OK(raw_fd_close(b));
  printf("renumber onto a number not open: EBADF, nothing moves\n");

  // A preopen can be closed; afterwards it is gone for every use.
  __wasi_prestat_t ps;
  OK(raw_fd_prestat_get(dir, P(&ps)));
  OK(raw_fd_close(dir));
  CHECK_ERR(raw_fd_prestat_get(dir, P(&ps)), E_BADF);
  uint32_t nfd;
  CHECK_ERR(raw_path_open(dir, 0, SP("hello.txt"), 0, R(FD_READ), 0, 0, P(&nfd)), E_BADF);
  printf("closed preopen: EBADF\n");
}

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;
  test_badf();
  test_inval();
  test_wrong_type();
  test_renumber_and_close();
  return 0;
}
