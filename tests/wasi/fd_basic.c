// The fd_* functions on regular files, on their success paths: read, write,
// pread, pwrite, seek, tell, sync, datasync, advise, allocate, close,
// renumber, fdstat_get, filestat get/set_size/set_times. (fdstat_set_flags:
// fd_flags.c, as Node does not implement it per spec.)
// run: --dir {sandbox}::/sandbox
// stdout: fd_basic.stdout
// compare: node
#include "wasi_test.h"

static uint32_t dir;

static uint32_t write_str(uint32_t fd, const char *s) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  uint32_t n = 0;
  OK(raw_fd_write(fd, P(&iov), 1, P(&n)));
  return n;
}

static uint64_t tell(uint32_t fd) {
  uint64_t off = 0xDEAD;
  OK(raw_fd_tell(fd, P(&off)));
  return off;
}

static uint64_t file_size(uint32_t fd) {
  __wasi_filestat_t st;
  OK(raw_fd_filestat_get(fd, P(&st)));
  return st.size;
}

static void test_read_write(void) {
  uint32_t fd;
  OK(open_at(dir, "rw.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RIGHTS_ALL, 0, &fd));
  CHECK(fd > 3);
  CHECK_EQ(tell(fd), 0);
  // Gather write from three buffers, one of them empty.
  __wasi_ciovec_t out[3] = {{(const uint8_t *)"Hello", 5}, {(const uint8_t *)"", 0},
                            {(const uint8_t *)", file!\n", 8}};
  uint32_t n = 0;
  OK(raw_fd_write(fd, P(out), 3, P(&n)));
  CHECK_EQ(n, 13);
  CHECK_EQ(tell(fd), 13);
  // Zero iovecs: nothing written, success.
  OK(raw_fd_write(fd, P(out), 0, P(&n)));
  CHECK_EQ(n, 0);

  uint64_t off = 99;
  OK(raw_fd_seek(fd, 0, __WASI_WHENCE_SET, P(&off)));
  CHECK_EQ(off, 0);
  // Scatter read into two buffers.
  char a[4] = {0}, b[32] = {0};
  __wasi_iovec_t in[2] = {{(uint8_t *)a, 4}, {(uint8_t *)b, sizeof b}};
  OK(raw_fd_read(fd, P(in), 2, P(&n)));
  CHECK_EQ(n, 13);
  CHECK(memcmp(a, "Hell", 4) == 0 && strcmp(b, "o, file!\n") == 0);
  // At end of file: read returns 0 bytes.
  OK(raw_fd_read(fd, P(in), 2, P(&n)));
  CHECK_EQ(n, 0);
  printf("read/write: gather, scatter, EOF ok\n");

  // seek: CUR and END, negative deltas, past the end (a hole reads as zeros).
  OK(raw_fd_seek(fd, -6, __WASI_WHENCE_CUR, P(&off)));
  CHECK_EQ(off, 7);
  OK(raw_fd_seek(fd, -1, __WASI_WHENCE_END, P(&off)));
  CHECK_EQ(off, 12);
  OK(raw_fd_seek(fd, 3, __WASI_WHENCE_END, P(&off)));
  CHECK_EQ(off, 16);
  CHECK_EQ(write_str(fd, "X"), 1);
  CHECK_EQ(file_size(fd), 17);
  char hole[4];
  __wasi_iovec_t hv = {(uint8_t *)hole, 4};
  OK(raw_fd_pread(fd, P(&hv), 1, 13, P(&n)));
  CHECK_EQ(n, 4);
  CHECK(memcmp(hole, "\0\0\0X", 4) == 0);
  printf("seek: set, cur, end, past end ok\n");

  // pread/pwrite use the given offset and leave the file offset alone.
  OK(raw_fd_seek(fd, 2, __WASI_WHENCE_SET, P(&off)));
  __wasi_ciovec_t pw = {(const uint8_t *)"J", 1};
  OK(raw_fd_pwrite(fd, P(&pw), 1, 0, P(&n)));
  CHECK_EQ(n, 1);
  CHECK_EQ(tell(fd), 2);
  char c5[5] = {0};
  __wasi_iovec_t pr = {(uint8_t *)c5, 5};
  OK(raw_fd_pread(fd, P(&pr), 1, 0, P(&n)));
  CHECK_EQ(n, 5);
  CHECK(memcmp(c5, "Jello", 5) == 0);
  CHECK_EQ(tell(fd), 2);
  // pread at or past the end reads nothing.
  OK(raw_fd_pread(fd, P(&pr), 1, 17, P(&n)));
  CHECK_EQ(n, 0);
  OK(raw_fd_pread(fd, P(&pr), 1, 1000, P(&n)));
  CHECK_EQ(n, 0);
  // pwrite past the end extends the file.
  OK(raw_fd_pwrite(fd, P(&pw), 1, 20, P(&n)));
  CHECK_EQ(file_size(fd), 21);
  CHECK_EQ(tell(fd), 2);
  printf("pread/pwrite: offsets independent of the file offset\n");

  OK(raw_fd_sync(fd));
  OK(raw_fd_datasync(fd));
  for (uint32_t adv = 0; adv <= 5; adv++) OK(raw_fd_advise(fd, 0, 100, adv));
  printf("sync, datasync, advise ok\n");

  // allocate only ever grows the file.
  OK(raw_fd_allocate(fd, 0, 4096));
  CHECK_EQ(file_size(fd), 4096);
  OK(raw_fd_allocate(fd, 10, 10));
  CHECK_EQ(file_size(fd), 4096);
  OK(raw_fd_allocate(fd, 8000, 192));
  CHECK_EQ(file_size(fd), 8192);
  printf("allocate grows the file\n");

  // set_size truncates and extends; the offset stays where it was.
  OK(raw_fd_seek(fd, 100, __WASI_WHENCE_SET, P(&off)));
  OK(raw_fd_filestat_set_size(fd, 5));
  CHECK_EQ(file_size(fd), 5);
  CHECK_EQ(tell(fd), 100);
  OK(raw_fd_filestat_set_size(fd, 10));
  CHECK_EQ(file_size(fd), 10);
  OK(raw_fd_pread(fd, P(&hv), 1, 5, P(&n)));
  CHECK(n == 4 && memcmp(hole, "\0\0\0\0", 4) == 0);
  OK(raw_fd_filestat_set_size(fd, 0));
  CHECK_EQ(file_size(fd), 0);
  printf("filestat_set_size truncates and extends\n");
  OK(raw_fd_close(fd));
}

static void test_filestat(void) {
  uint32_t fd;
  OK(open_at(dir, "hello.txt", 0, RIGHTS_ALL, 0, &fd));
  __wasi_filestat_t st, pst;
  OK(raw_fd_filestat_get(fd, P(&st)));
  CHECK_EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  CHECK_EQ(st.size, 13);
  CHECK_EQ(st.nlink, 1);
  CHECK(st.ino != 0);
  CHECK(st.mtim > 1577836800ull * 1000000000ull);
  // The same file through path_filestat_get.
  OK(raw_path_filestat_get(dir, 0, SP("hello.txt"), P(&pst)));
  CHECK(st.dev == pst.dev && st.ino == pst.ino && st.size == pst.size);

  // Explicit times, to the nanosecond where the host allows (1 s suffices).
  uint64_t t1 = 1000000000ull * 1000000000ull + 123456789;  // 2001-09-09
  uint64_t t2 = 1200000000ull * 1000000000ull + 987654321;  // 2008-01-10
  OK(raw_fd_filestat_set_times(fd, t1, t2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  OK(raw_fd_filestat_get(fd, P(&st)));
  CHECK_EQ(st.atim / 1000000000ull, t1 / 1000000000ull);
  CHECK_EQ(st.mtim / 1000000000ull, t2 / 1000000000ull);
  // Only mtim; atim stays.
  OK(raw_fd_filestat_set_times(fd, 0, t1, __WASI_FSTFLAGS_MTIM));
  OK(raw_fd_filestat_get(fd, P(&st)));
  CHECK_EQ(st.atim / 1000000000ull, t1 / 1000000000ull);
  CHECK_EQ(st.mtim / 1000000000ull, t1 / 1000000000ull);
  // _NOW uses the current time, not the passed value.
  uint64_t now;
  OK(raw_clock_time_get(__WASI_CLOCKID_REALTIME, 1, P(&now)));
  OK(raw_fd_filestat_set_times(fd, 5, 5, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
  OK(raw_fd_filestat_get(fd, P(&st)));
  CHECK(st.atim / 1000000000ull + 5 >= now / 1000000000ull);
  CHECK(st.mtim / 1000000000ull + 5 >= now / 1000000000ull);
  // No flags: nothing changes.
  __wasi_filestat_t before = st;
  OK(raw_fd_filestat_set_times(fd, t1, t1, 0));
  OK(raw_fd_filestat_get(fd, P(&st)));
  CHECK_EQ(st.mtim, before.mtim);
  OK(raw_fd_close(fd));
  printf("filestat_get and filestat_set_times ok\n");

  // A directory fd.
  OK(raw_fd_filestat_get(dir, P(&st)));
  CHECK_EQ(st.filetype, __WASI_FILETYPE_DIRECTORY);
  __wasi_fdstat_t fst;
  OK(raw_fd_fdstat_get(dir, P(&fst)));
  CHECK_EQ(fst.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  printf("directory stat ok\n");
}

static void test_close_renumber(void) {
  uint32_t a, b;
  OK(open_at(dir, "hello.txt", 0, R(FD_READ) | R(FD_SEEK) | R(FD_TELL), 0, &a));
  OK(open_at(dir, "sub/a.txt", 0, R(FD_READ), 0, &b));
  CHECK(a != b);
  uint64_t off;
  OK(raw_fd_seek(a, 7, __WASI_WHENCE_SET, P(&off)));
  // renumber a onto b: b now is the hello.txt description (same offset and
  // rights), a is gone, and b's old file was closed.
  OK(raw_fd_renumber(a, b));
  CHECK_EQ(tell(b), 7);
  char buf[16] = {0};
  __wasi_iovec_t iov = {(uint8_t *)buf, 5};
  uint32_t n;
  OK(raw_fd_read(b, P(&iov), 1, P(&n)));
  CHECK(n == 5 && memcmp(buf, "world", 5) == 0);
  CHECK_ERR(raw_fd_tell(a, P(&off)), E_BADF);
  // Renumbering an fd onto itself is a no-op.
  OK(raw_fd_renumber(b, b));
  CHECK_EQ(tell(b), 12);
  OK(raw_fd_close(b));
  CHECK_ERR(raw_fd_close(b), E_BADF);
  // A freed number is reused by the next open.
  uint32_t c;
  OK(open_at(dir, "hello.txt", 0, R(FD_READ), 0, &c));
  CHECK(c == a || c == b);
  OK(raw_fd_close(c));
  printf("close and renumber ok\n");
}

static void test_stdio(void) {
  // stdout is writable and its fdstat readable whatever it is connected to.
  __wasi_fdstat_t st;
  for (uint32_t fd = 0; fd < 3; fd++) OK(raw_fd_fdstat_get(fd, P(&st)));
  OK(raw_fd_fdstat_get(1, P(&st)));
  CHECK(st.fs_rights_base & R(FD_WRITE));
  printf("stdio fdstat ok\n");
}

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;
  test_read_write();
  test_filestat();
  test_close_renumber();
  test_stdio();
  return 0;
}
