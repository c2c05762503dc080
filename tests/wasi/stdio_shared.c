// stdio shared with the host: stdin a regular file or a pipe, stdout
// appended to a log that already has a line, and the runner keeps both open
// file descriptions (run.sh checks afterwards that their flags and the
// log's line are unchanged). The guest may read stdin, write stdout and
// stderr, poll and stat them; nothing changes the files behind them or the
// shared descriptions: no set-times, truncate, allocate, set-flags (APPEND,
// NONBLOCK), seek, tell, pread/pwrite, advise or sync. A stdio descriptor
// renumbered elsewhere keeps its rights. Reading stdin moves the shared
// offset, as it does for a native program.
// Not compared with Node: Node is wrong here, it gives stdio every right of
// the file type (the guest can truncate the log and set O_NONBLOCK on the
// runner's pipe).
// run: --dir {sandbox}::/sandbox -- file
// stdin: stdio.in
// stdio: file
// stdout: stdio_shared.stdout
// node: skip
// run: --dir {sandbox}::/sandbox -- pipe
// stdin: stdio.in
// stdio: pipe
// stdout: stdio_shared.stdout
// node: skip
#include <unistd.h>

#include "wasi_test.h"

#define STDIN_RIGHTS (R(FD_READ) | R(FD_FILESTAT_GET) | R(POLL_FD_READWRITE))
#define STDOUT_RIGHTS (R(FD_WRITE) | R(FD_FILESTAT_GET) | R(POLL_FD_READWRITE))

static void put(uint32_t fd, const char *s) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  uint32_t n;
  OK(raw_fd_write(fd, P(&iov), 1, P(&n)));
  CHECK_EQ(n, strlen(s));
}

static void expect_fdstat(uint32_t fd, uint8_t type, uint16_t flags, uint64_t rights) {
  __wasi_fdstat_t st;
  OK(raw_fd_fdstat_get(fd, P(&st)));
  CHECK_EQ(st.fs_filetype, type);
  CHECK_EQ(st.fs_flags, flags);
  CHECK_EQ(st.fs_rights_base, rights);
  CHECK_EQ(st.fs_rights_inheriting, 0);
}

// Everything but reading or writing, polling and stat: ENOTCAPABLE, and no
// right can be added back.
static void nothing_else(uint32_t fd) {
  char buf[8] = "XXXXXXXX";
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  uint32_t n, nfd;
  uint64_t off;
  CHECK_ERR(raw_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_filestat_set_size(fd, 3), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_allocate(fd, 0, 1 << 20), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_fdstat_set_flags(fd, 0), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_seek(fd, 0, __WASI_WHENCE_SET, P(&off)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_seek(fd, 0, __WASI_WHENCE_CUR, P(&off)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_seek(fd, 0, __WASI_WHENCE_END, P(&off)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_tell(fd, P(&off)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_pread(fd, P(&iov), 1, 0, P(&n)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_pwrite(fd, P(&iov), 1, 0, P(&n)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_advise(fd, 0, 0, __WASI_ADVICE_RANDOM), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_sync(fd), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_datasync(fd), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_readdir(fd, P(buf), sizeof buf, 0, P(&n)), E_NOTCAPABLE);
  CHECK_ERR(raw_path_open(fd, 0, SP("x"), __WASI_OFLAGS_CREAT, R(FD_WRITE), 0, 0, P(&nfd)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_fdstat_set_rights(fd, RIGHTS_ALL, 0), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_fdstat_set_rights(fd, 0, R(FD_WRITE)), E_NOTCAPABLE);
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  int pipe = strcmp(argv[1], "pipe") == 0;
  // What each is, with APPEND reported for the log; none is a terminal.
  expect_fdstat(0, pipe ? __WASI_FILETYPE_UNKNOWN : __WASI_FILETYPE_REGULAR_FILE, 0, STDIN_RIGHTS);
  expect_fdstat(1, __WASI_FILETYPE_REGULAR_FILE, __WASI_FDFLAGS_APPEND, STDOUT_RIGHTS);
  expect_fdstat(2, __WASI_FILETYPE_REGULAR_FILE, 0, STDOUT_RIGHTS);
  CHECK(!isatty(0) && !isatty(1) && !isatty(2));
  put(1, "stdin reads, stdout and stderr write\n");

  for (uint32_t fd = 0; fd < 3; fd++) nothing_else(fd);
  char buf[64];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  uint32_t n;
  CHECK_ERR(raw_fd_write(0, P(&iov), 1, P(&n)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_read(1, P(&iov), 1, P(&n)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_read(2, P(&iov), 1, P(&n)), E_NOTCAPABLE);
  put(1, "nothing else: no seek, truncate, allocate, set-times or set-flags\n");

  __wasi_filestat_t fst;
  OK(raw_fd_filestat_get(0, P(&fst)));
  if (!pipe) CHECK_EQ(fst.size, 76);  // stdio.in
  OK(raw_fd_filestat_get(1, P(&fst)));
  __wasi_subscription_t subs[2] = {{.userdata = 1}, {.userdata = 2}};
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = 0;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = 1;
  __wasi_event_t ev[2];
  uint32_t nev;
  OK(raw_poll_oneoff(P(subs), P(ev), 2, P(&nev)));
  CHECK_EQ(nev, 2);
  CHECK(ev[0].error == 0 && ev[1].error == 0);
  // The pipe never ends: read no more than its first line needs.
  OK(raw_fd_read(0, P(&iov), 1, P(&n)));
  char *nl = memchr(buf, '\n', n);
  CHECK(nl != NULL);
  __wasi_ciovec_t line[2] = {{(const uint8_t *)"stdin begins: ", 14}, {(const uint8_t *)buf, nl + 1 - buf}};
  OK(raw_fd_write(1, P(line), 2, P(&n)));
  put(1, "stat and poll work\n");

  // Moved to another number, stdin and stdout keep their rights.
  int dir = preopen_fd("/sandbox");
  CHECK(dir >= 3);
  uint32_t out, in;
  OK(open_at(dir, "hello.txt", 0, R(FD_READ), 0, &out));
  OK(open_at(dir, "sub/a.txt", 0, R(FD_READ), 0, &in));
  OK(raw_fd_renumber(1, out));
  OK(raw_fd_renumber(0, in));
  expect_fdstat(out, __WASI_FILETYPE_REGULAR_FILE, __WASI_FDFLAGS_APPEND, STDOUT_RIGHTS);
  expect_fdstat(in, pipe ? __WASI_FILETYPE_UNKNOWN : __WASI_FILETYPE_REGULAR_FILE, 0, STDIN_RIGHTS);
  nothing_else(out);
  nothing_else(in);
  put(out, "renumbered: the same rights\n");
  return 0;
}
