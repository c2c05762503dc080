// Shared helpers for the WASI preview1 test programs.
//
// The raw_* functions are the wasi_snapshot_preview1 imports declared with
// their exact core-wasm signatures (pointers and lengths as plain i32), so a
// test can pass any guest address or length -- e.g. an out-of-bounds pointer
// or a path length that does not match a NUL -- which wasi-libc's typed
// wrappers (which call strlen) cannot.
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define WASI_IMPORT(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

typedef uint32_t ptr_t;  // a guest address
#define P(x) ((ptr_t)(uintptr_t)(x))
#define SP(s) P(s), (uint32_t)strlen(s)  // path pointer + length

WASI_IMPORT(args_get) int32_t raw_args_get(ptr_t argv, ptr_t buf);
WASI_IMPORT(args_sizes_get) int32_t raw_args_sizes_get(ptr_t argc, ptr_t bufsize);
WASI_IMPORT(environ_get) int32_t raw_environ_get(ptr_t env, ptr_t buf);
WASI_IMPORT(environ_sizes_get) int32_t raw_environ_sizes_get(ptr_t count, ptr_t bufsize);
WASI_IMPORT(clock_res_get) int32_t raw_clock_res_get(uint32_t id, ptr_t res);
WASI_IMPORT(clock_time_get) int32_t raw_clock_time_get(uint32_t id, uint64_t precision, ptr_t time);
WASI_IMPORT(fd_advise) int32_t raw_fd_advise(uint32_t fd, uint64_t off, uint64_t len, uint32_t advice);
WASI_IMPORT(fd_allocate) int32_t raw_fd_allocate(uint32_t fd, uint64_t off, uint64_t len);
WASI_IMPORT(fd_close) int32_t raw_fd_close(uint32_t fd);
WASI_IMPORT(fd_datasync) int32_t raw_fd_datasync(uint32_t fd);
WASI_IMPORT(fd_fdstat_get) int32_t raw_fd_fdstat_get(uint32_t fd, ptr_t stat);
WASI_IMPORT(fd_fdstat_set_flags) int32_t raw_fd_fdstat_set_flags(uint32_t fd, uint32_t flags);
WASI_IMPORT(fd_fdstat_set_rights) int32_t raw_fd_fdstat_set_rights(uint32_t fd, uint64_t base, uint64_t inh);
WASI_IMPORT(fd_filestat_get) int32_t raw_fd_filestat_get(uint32_t fd, ptr_t stat);
WASI_IMPORT(fd_filestat_set_size) int32_t raw_fd_filestat_set_size(uint32_t fd, uint64_t size);
WASI_IMPORT(fd_filestat_set_times) int32_t raw_fd_filestat_set_times(uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst);
WASI_IMPORT(fd_pread) int32_t raw_fd_pread(uint32_t fd, ptr_t iovs, uint32_t n, uint64_t off, ptr_t nread);
WASI_IMPORT(fd_prestat_get) int32_t raw_fd_prestat_get(uint32_t fd, ptr_t prestat);
WASI_IMPORT(fd_prestat_dir_name) int32_t raw_fd_prestat_dir_name(uint32_t fd, ptr_t buf, uint32_t len);
WASI_IMPORT(fd_pwrite) int32_t raw_fd_pwrite(uint32_t fd, ptr_t iovs, uint32_t n, uint64_t off, ptr_t nwritten);
WASI_IMPORT(fd_read) int32_t raw_fd_read(uint32_t fd, ptr_t iovs, uint32_t n, ptr_t nread);
WASI_IMPORT(fd_readdir) int32_t raw_fd_readdir(uint32_t fd, ptr_t buf, uint32_t len, uint64_t cookie, ptr_t used);
WASI_IMPORT(fd_renumber) int32_t raw_fd_renumber(uint32_t fd, uint32_t to);
WASI_IMPORT(fd_seek) int32_t raw_fd_seek(uint32_t fd, int64_t off, uint32_t whence, ptr_t newoff);
WASI_IMPORT(fd_sync) int32_t raw_fd_sync(uint32_t fd);
WASI_IMPORT(fd_tell) int32_t raw_fd_tell(uint32_t fd, ptr_t off);
WASI_IMPORT(fd_write) int32_t raw_fd_write(uint32_t fd, ptr_t iovs, uint32_t n, ptr_t nwritten);
WASI_IMPORT(path_create_directory) int32_t raw_path_create_directory(uint32_t fd, ptr_t path, uint32_t len);
WASI_IMPORT(path_filestat_get) int32_t raw_path_filestat_get(uint32_t fd, uint32_t flags, ptr_t path, uint32_t len, ptr_t stat);
WASI_IMPORT(path_filestat_set_times) int32_t raw_path_filestat_set_times(uint32_t fd, uint32_t flags, ptr_t path, uint32_t len, uint64_t atim, uint64_t mtim, uint32_t fst);
WASI_IMPORT(path_link) int32_t raw_path_link(uint32_t oldfd, uint32_t oldflags, ptr_t oldpath, uint32_t oldlen, uint32_t newfd, ptr_t newpath, uint32_t newlen);
WASI_IMPORT(path_open) int32_t raw_path_open(uint32_t fd, uint32_t dirflags, ptr_t path, uint32_t len, uint32_t oflags, uint64_t base, uint64_t inh, uint32_t fdflags, ptr_t newfd);
WASI_IMPORT(path_readlink) int32_t raw_path_readlink(uint32_t fd, ptr_t path, uint32_t len, ptr_t buf, uint32_t buflen, ptr_t used);
WASI_IMPORT(path_remove_directory) int32_t raw_path_remove_directory(uint32_t fd, ptr_t path, uint32_t len);
WASI_IMPORT(path_rename) int32_t raw_path_rename(uint32_t fd, ptr_t oldpath, uint32_t oldlen, uint32_t newfd, ptr_t newpath, uint32_t newlen);
WASI_IMPORT(path_symlink) int32_t raw_path_symlink(ptr_t target, uint32_t tlen, uint32_t fd, ptr_t path, uint32_t len);
WASI_IMPORT(path_unlink_file) int32_t raw_path_unlink_file(uint32_t fd, ptr_t path, uint32_t len);
WASI_IMPORT(poll_oneoff) int32_t raw_poll_oneoff(ptr_t in, ptr_t out, uint32_t n, ptr_t nevents);
WASI_IMPORT(proc_exit) _Noreturn void raw_proc_exit(uint32_t code);
WASI_IMPORT(proc_raise) int32_t raw_proc_raise(uint32_t sig);
WASI_IMPORT(sched_yield) int32_t raw_sched_yield(void);
WASI_IMPORT(random_get) int32_t raw_random_get(ptr_t buf, uint32_t len);
WASI_IMPORT(sock_accept) int32_t raw_sock_accept(uint32_t fd, uint32_t flags, ptr_t newfd);
WASI_IMPORT(sock_recv) int32_t raw_sock_recv(uint32_t fd, ptr_t iovs, uint32_t n, uint32_t riflags, ptr_t nread, ptr_t roflags);
WASI_IMPORT(sock_send) int32_t raw_sock_send(uint32_t fd, ptr_t iovs, uint32_t n, uint32_t siflags, ptr_t nwritten);
WASI_IMPORT(sock_shutdown) int32_t raw_sock_shutdown(uint32_t fd, uint32_t how);

// Guest addresses past the end of linear memory (memory is far below 4 GiB
// in every test), plus one that wraps around when a length is added.
#define BAD_PTR ((ptr_t)0xFFFFFFF0u)
#define WRAP_PTR ((ptr_t)0xFFFFFFFFu)
static inline ptr_t mem_end(void) { return (ptr_t)(__builtin_wasm_memory_size(0) * 65536u); }

static const char *const errno_names[] = {
  "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY",
  "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET",
  "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM",
  "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK",
  "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS",
  "NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC", "NOSYS",
  "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY", "NXIO",
  "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS",
  "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE"};
static inline const char *errname(int e) {
  static char buf[16];
  if (e >= 0 && e < (int)(sizeof errno_names / sizeof *errno_names)) return errno_names[e];
  snprintf(buf, sizeof buf, "errno(%d)", e);
  return buf;
}

// Checks print the failing line to stdout (so it lands in the compared
// output) and exit 1. Built with -DKEEP_GOING (by hand, when investigating)
// they report every failure instead of stopping at the first.
#ifdef KEEP_GOING
#define FAIL_STOP() (void)0
#else
#define FAIL_STOP() exit(1)
#endif
#define FAIL_AT(...)                                   \
  do {                                                 \
    printf("FAIL %s:%d: ", __FILE_NAME__, __LINE__);   \
    printf(__VA_ARGS__);                               \
    printf("\n");                                      \
    FAIL_STOP();                                       \
  } while (0)
#define CHECK(c) \
  do { if (!(c)) FAIL_AT("%s", #c); } while (0)
#define CHECK_EQ(a, b)                                                         \
  do {                                                                         \
    long long a_ = (long long)(a), b_ = (long long)(b);                        \
    if (a_ != b_) FAIL_AT("%s == %lld, want %s == %lld", #a, a_, #b, b_);      \
  } while (0)
// CHECK_ERR(call, E...): the call returns one of the listed errnos (0 = success).
#define CHECK_ERR(call, ...) CHECK_ERR_(#call, call, __VA_ARGS__)
#define OK(call) CHECK_ERR_(#call, call, 0)
#define CHECK_ERR_(text, call, ...)                                            \
  do {                                                                         \
    int e_ = (call);                                                           \
    const int want_[] = {__VA_ARGS__};                                         \
    int ok_ = 0;                                                               \
    for (unsigned i_ = 0; i_ < sizeof want_ / sizeof *want_; i_++)             \
      ok_ |= e_ == want_[i_];                                                  \
    if (!ok_) FAIL_AT("%s = %s, want %s%s", text, errname(e_),                 \
                      errname(want_[0]), sizeof want_ > sizeof(int) ? " (or alternatives)" : ""); \
  } while (0)

#define E_SUCCESS __WASI_ERRNO_SUCCESS
#define E_BADF __WASI_ERRNO_BADF
#define E_FAULT __WASI_ERRNO_FAULT
#define E_INVAL __WASI_ERRNO_INVAL
#define E_NOENT __WASI_ERRNO_NOENT
#define E_EXIST __WASI_ERRNO_EXIST
#define E_NOTDIR __WASI_ERRNO_NOTDIR
#define E_ISDIR __WASI_ERRNO_ISDIR
#define E_NOTEMPTY __WASI_ERRNO_NOTEMPTY
#define E_NOTCAPABLE __WASI_ERRNO_NOTCAPABLE
#define E_PERM __WASI_ERRNO_PERM
#define E_ACCES __WASI_ERRNO_ACCES
#define E_LOOP __WASI_ERRNO_LOOP
#define E_ROFS __WASI_ERRNO_ROFS
#define E_NOTSOCK __WASI_ERRNO_NOTSOCK
#define E_NOTSUP __WASI_ERRNO_NOTSUP
#define E_NOSYS __WASI_ERRNO_NOSYS
#define E_SPIPE __WASI_ERRNO_SPIPE
#define E_MFILE __WASI_ERRNO_MFILE
#define E_NFILE __WASI_ERRNO_NFILE
#define E_AGAIN __WASI_ERRNO_AGAIN
#define E_XDEV __WASI_ERRNO_XDEV
#define E_NAMETOOLONG __WASI_ERRNO_NAMETOOLONG
#define E_NOBUFS __WASI_ERRNO_NOBUFS
#define E_RANGE __WASI_ERRNO_RANGE
#define E_OVERFLOW __WASI_ERRNO_OVERFLOW

// Every right; path_open callers ask for these and get what the directory allows.
#define RIGHTS_ALL ((uint64_t)0x3FFFFFFF)
#define R(x) __WASI_RIGHTS_##x
// The rights that apply to a directory (asking a directory for write rights
// may fail with EISDIR, as for POSIX open).
#define DIR_RIGHTS                                                                        \
  (R(PATH_CREATE_DIRECTORY) | R(PATH_CREATE_FILE) | R(PATH_LINK_SOURCE) |                 \
   R(PATH_LINK_TARGET) | R(PATH_OPEN) | R(FD_READDIR) | R(PATH_READLINK) |                \
   R(PATH_RENAME_SOURCE) | R(PATH_RENAME_TARGET) | R(PATH_FILESTAT_GET) |                 \
   R(PATH_FILESTAT_SET_SIZE) | R(PATH_FILESTAT_SET_TIMES) | R(FD_FILESTAT_GET) |          \
   R(FD_FILESTAT_SET_TIMES) | R(PATH_SYMLINK) | R(PATH_REMOVE_DIRECTORY) | R(PATH_UNLINK_FILE))

// Opens PATH under DIRFD; returns the errno, the fd through *fd.
// Like wasi-libc, asks only for rights the directory can hand on (asking for
// more may fail with ENOTCAPABLE; rights.c tests that).
static inline int open_at(uint32_t dirfd, const char *path, uint32_t oflags, uint64_t base,
                          uint32_t fdflags, uint32_t *fd) {
  __wasi_fdstat_t st;
  int e = raw_fd_fdstat_get(dirfd, P(&st));
  if (e) return e;
  return raw_path_open(dirfd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, SP(path), oflags,
                       base & st.fs_rights_inheriting, st.fs_rights_inheriting, fdflags, P(fd));
}

// Reads the whole file at PATH (following symlinks) into buf; returns the errno.
static inline int slurp(uint32_t dirfd, const char *path, char *buf, size_t cap, uint32_t *len) {
  uint32_t fd;
  int e = open_at(dirfd, path, 0, R(FD_READ), 0, &fd);
  if (e) return e;
  uint32_t total = 0;
  for (;;) {
    __wasi_iovec_t iov = {(uint8_t *)buf + total, cap - 1 - total};
    uint32_t n = 0;
    e = raw_fd_read(fd, P(&iov), 1, P(&n));
    if (e || n == 0) break;
    total += n;
    if (total == cap - 1) break;
  }
  buf[total] = 0;
  if (len) *len = total;
  (void)raw_fd_close(fd);
  return e;
}

// Writes a string to a new or truncated file; returns the errno.
static inline int spit(uint32_t dirfd, const char *path, const char *text) {
  uint32_t fd;
  int e = open_at(dirfd, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R(FD_WRITE), 0, &fd);
  if (e) return e;
  __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
  uint32_t n;
  e = raw_fd_write(fd, P(&iov), 1, P(&n));
  (void)raw_fd_close(fd);
  return e;
}

// The preopened directory fd whose guest name is NAME, or -1.
static inline int preopen_fd(const char *name) {
  for (uint32_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t ps;
    if (raw_fd_prestat_get(fd, P(&ps)) != 0) continue;
    char buf[256];
    if (ps.u.dir.pr_name_len >= sizeof buf) continue;
    if (raw_fd_prestat_dir_name(fd, P(buf), ps.u.dir.pr_name_len) != 0) continue;
    buf[ps.u.dir.pr_name_len] = 0;
    if (strcmp(buf, name) == 0) return (int)fd;
  }
  return -1;
}
