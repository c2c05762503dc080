// fd_* and path_*: descriptors, files and directories. Every guest pointer
// is checked before any effect; every path goes through the sandbox
// (wasi/sandbox.h).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>
#include <vector>

#include "wasi/functions.h"
#include "wasi/metering.h"
#include "wasi/sandbox.h"

namespace wharf::wasi {

Errno guestString(const GuestMemory& mem, uint32_t ptr, uint32_t len, std::string& out) {
  if (!mem.ok(ptr, len)) return err::Fault;
  if (len >= kPathMax) return err::NameTooLong;
  out.assign(reinterpret_cast<const char*>(mem.at(ptr)), len);
  return checkPath(out);
}

Errno guestIovecs(const GuestMemory& mem, uint32_t iovs, uint32_t count, std::vector<iovec>& out) {
  if (!mem.ok(iovs, uint64_t(count) * layout::kIovec)) return err::Fault;
  // Readers and writers may act on fewer buffers than given, as readv does.
  count = std::min<uint32_t>(count, IOV_MAX);
  out.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = mem.load<uint32_t>(iovs + i * layout::kIovec);
    uint32_t len = mem.load<uint32_t>(iovs + i * layout::kIovec + 4);
    if (!mem.ok(buf, len)) return err::Fault;
    out[i] = iovec{mem.at(buf), len};
  }
  return err::Success;
}

void storeFilestat(const GuestMemory& mem, uint32_t ptr, const struct stat& st) {
  auto ns = [](const timespec& t) { return uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec); };
  std::memset(mem.at(ptr), 0, layout::kFilestat);
  mem.store<uint64_t>(ptr + 0, st.st_dev);
  mem.store<uint64_t>(ptr + 8, st.st_ino);
  mem.store<uint8_t>(ptr + 16, uint8_t(fileTypeOfMode(st.st_mode)));
  mem.store<uint64_t>(ptr + 24, st.st_nlink);
  mem.store<uint64_t>(ptr + 32, uint64_t(st.st_size));
  mem.store<uint64_t>(ptr + 40, ns(st.st_atim));
  mem.store<uint64_t>(ptr + 48, ns(st.st_mtim));
  mem.store<uint64_t>(ptr + 56, ns(st.st_ctim));
}

// The timespec pair utimensat takes, from WASI times and fstflags.
Errno timesFor(uint64_t atim, uint64_t mtim, uint32_t flags, timespec ts[2]) {
  if (flags & ~uint32_t(fstflag::Atim | fstflag::AtimNow | fstflag::Mtim | fstflag::MtimNow))
    return err::Inval;
  if ((flags & fstflag::Atim) && (flags & fstflag::AtimNow)) return err::Inval;
  if ((flags & fstflag::Mtim) && (flags & fstflag::MtimNow)) return err::Inval;
  auto one = [](uint64_t t, bool set, bool now) {
    if (now) return timespec{0, UTIME_NOW};
    if (set) return timespec{time_t(t / 1000000000u), long(t % 1000000000u)};
    return timespec{0, UTIME_OMIT};
  };
  ts[0] = one(atim, flags & fstflag::Atim, flags & fstflag::AtimNow);
  ts[1] = one(mtim, flags & fstflag::Mtim, flags & fstflag::MtimNow);
  return err::Success;
}

namespace fn {
namespace {

#define WASI_TRY(expr)                 \
  do {                                 \
    Errno e_ = (expr);                 \
    if (e_ != err::Success) return e_; \
  } while (0)

#define WASI_FD(var, fd, rights)                         \
  Errno var##Error_ = err::Success;                      \
  Descriptor* var = c.get((fd), (rights), &var##Error_); \
  if (!var) return var##Error_

uint32_t u32(const Value* a, int i) { return a[i].i32; }
uint64_t u64(const Value* a, int i) { return a[i].i64; }

Errno hostResult(long r) { return r < 0 ? lastError() : err::Success; }

// Reads, retrying when a signal interrupts the host call: the guest never
// asked for EINTR semantics.
template <typename F>
long retry(F f) {
  long r;
  do r = f();
  while (r < 0 && errno == EINTR);
  return r;
}

}  // namespace

uint32_t fd_advise(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::FdAdvise);
  static const int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_WILLNEED,
                                POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE,    POSIX_FADV_RANDOM};
  uint32_t advice = u32(a, 3);
  if (advice > 5 || int64_t(u64(a, 1)) < 0 || int64_t(u64(a, 2)) < 0) return err::Inval;
  if (d->type == FileType::Directory) return err::BadF;
  int r = ::posix_fadvise(d->hostFd, off_t(u64(a, 1)), off_t(u64(a, 2)), kAdvice[advice]);
  return fromHostErrno(r);
}

uint32_t fd_allocate(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::FdAllocate);
  int64_t offset = int64_t(u64(a, 1)), len = int64_t(u64(a, 2));
  if (offset < 0 || len <= 0 || offset > INT64_MAX - len) return err::Inval;
  if (d->type == FileType::Directory) return err::BadF;
  int r = ::posix_fallocate(d->hostFd, offset, len);
  return fromHostErrno(r);
}

uint32_t fd_close(Context::Impl& c, const Value* a) {
  if (!c.get(u32(a, 0))) return err::BadF;
  c.close(u32(a, 0));
  return err::Success;
}

uint32_t fd_datasync(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::FdDatasync);
  return hostResult(::fdatasync(d->hostFd));
}

uint32_t fd_sync(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::FdSync);
  return hostResult(::fsync(d->hostFd));
}

uint32_t fd_fdstat_get(Context::Impl& c, const Value* a) {
  Descriptor* d = c.get(u32(a, 0));
  if (!d) return err::BadF;
  uint32_t out = u32(a, 1);
  if (!c.mem.ok(out, layout::kFdstat)) return err::Fault;
  uint16_t flags = 0;
  int fl = ::fcntl(d->hostFd, F_GETFL);
  if (fl >= 0) {
    if (fl & O_APPEND) flags |= fdflag::Append;
    if (fl & O_NONBLOCK) flags |= fdflag::Nonblock;
    if ((fl & O_SYNC) == O_SYNC)
      flags |= fdflag::Sync;
    else if (fl & O_DSYNC)
      flags |= fdflag::Dsync;
  }
  std::memset(c.mem.at(out), 0, layout::kFdstat);
  c.mem.store<uint8_t>(out, uint8_t(d->type));
  c.mem.store<uint16_t>(out + 2, flags);
  c.mem.store<uint64_t>(out + 8, d->base);
  c.mem.store<uint64_t>(out + 16, d->inheriting);
  return err::Success;
}

uint32_t fd_fdstat_set_flags(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::FdFdstatSetFlags);
  uint32_t flags = u32(a, 1);
  if (flags & ~uint32_t(fdflag::Append | fdflag::Dsync | fdflag::Nonblock | fdflag::Rsync | fdflag::Sync))
    return err::Inval;
  // Linux cannot switch synchronous I/O on for an open file.
  if (flags & (fdflag::Dsync | fdflag::Rsync | fdflag::Sync)) return err::NotSup;
  int fl = ::fcntl(d->hostFd, F_GETFL);
  if (fl < 0) return lastError();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & fdflag::Append) fl |= O_APPEND;
  if (flags & fdflag::Nonblock) fl |= O_NONBLOCK;
  return hostResult(::fcntl(d->hostFd, F_SETFL, fl));
}

uint32_t fd_fdstat_set_rights(Context::Impl& c, const Value* a) {
  Descriptor* d = c.get(u32(a, 0));
  if (!d) return err::BadF;
  Rights base = u64(a, 1), inheriting = u64(a, 2);
  // Rights can only be dropped.
  if ((base & ~d->base) || (inheriting & ~d->inheriting)) return err::NotCapable;
  d->base = base;
  d->inheriting = inheriting;
  return err::Success;
}

uint32_t fd_filestat_get(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::FdFilestatGet);
  uint32_t out = u32(a, 1);
  if (!c.mem.ok(out, layout::kFilestat)) return err::Fault;
  struct stat st;
  if (::fstat(d->hostFd, &st) != 0) return lastError();
  storeFilestat(c.mem, out, st);
  if (d->type == FileType::SocketStream) c.mem.store<uint8_t>(out + 16, uint8_t(d->type));
  return err::Success;
}

uint32_t fd_filestat_set_size(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::FdFilestatSetSize);
  if (int64_t(u64(a, 1)) < 0) return err::Inval;
  return hostResult(::ftruncate(d->hostFd, off_t(u64(a, 1))));
}

uint32_t fd_filestat_set_times(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::FdFilestatSetTimes);
  timespec ts[2];
  WASI_TRY(timesFor(u64(a, 1), u64(a, 2), u32(a, 3), ts));
  return hostResult(::futimens(d->hostFd, ts));
}

namespace {

// fd_read/write/pread/pwrite: check the fd's rights, the result pointer,
// an offset (if any) and every iovec before the host call `io` (in pieces
// for a metered write: wasi/metering.h).
template <typename Io>
uint32_t vectored(Context::Impl& c, const Value* a, Rights rights, int resultArg, bool hasOffset, bool write,
                  Io io) {
  WASI_FD(d, u32(a, 0), rights);
  uint32_t out = u32(a, resultArg);
  if (!c.mem.ok(out, 4)) return err::Fault;
  if (hasOffset && int64_t(u64(a, 3)) < 0) return err::Inval;
  std::vector<iovec> iov;
  WASI_TRY(guestIovecs(c.mem, u32(a, 1), u32(a, 2), iov));
  if (d->type == FileType::Directory) return err::IsDir;
  long n = meteredIo(c, iov, write, [&](const iovec* v, int count, uint64_t done) {
    return retry([&] { return io(d->hostFd, v, count, done); });
  });
  if (n == kIoTrapped) return kRaiseTrap;
  if (n < 0) return lastError();
  c.mem.store<uint32_t>(out, uint32_t(n));
  return err::Success;
}

}  // namespace

uint32_t fd_pread(Context::Impl& c, const Value* a) {
  return vectored(
      c, a, right::FdRead | right::FdSeek, 4, true, false,
      [a](int fd, const iovec* v, int n, uint64_t) { return ::preadv(fd, v, n, off_t(u64(a, 3))); });
}

uint32_t fd_pwrite(Context::Impl& c, const Value* a) {
  return vectored(c, a, right::FdWrite | right::FdSeek, 4, true, true,
                  [a](int fd, const iovec* v, int n, uint64_t done) {
                    return ::pwritev(fd, v, n, off_t(u64(a, 3) + done));
                  });
}

uint32_t fd_read(Context::Impl& c, const Value* a) {
  return vectored(c, a, right::FdRead, 3, false, false,
                  [](int fd, const iovec* v, int n, uint64_t) { return ::readv(fd, v, n); });
}

uint32_t fd_write(Context::Impl& c, const Value* a) {
  return vectored(c, a, right::FdWrite, 3, false, true,
                  [](int fd, const iovec* v, int n, uint64_t) { return ::writev(fd, v, n); });
}

uint32_t fd_prestat_get(Context::Impl& c, const Value* a) {
  Descriptor* d = c.get(u32(a, 0));
  // wasi-libc scans fds from 3 until EBADF: anything not a preopened
  // directory answers EBADF.
  if (!d || !d->preopen) return err::BadF;
  uint32_t out = u32(a, 1);
  if (!c.mem.ok(out, layout::kPrestat)) return err::Fault;
  std::memset(c.mem.at(out), 0, layout::kPrestat);
  c.mem.store<uint32_t>(out + 4, uint32_t(d->preopenName.size()));
  return err::Success;
}

uint32_t fd_prestat_dir_name(Context::Impl& c, const Value* a) {
  Descriptor* d = c.get(u32(a, 0));
  if (!d || !d->preopen) return err::BadF;
  uint32_t out = u32(a, 1), len = u32(a, 2);
  if (!c.mem.ok(out, len)) return err::Fault;
  if (len < d->preopenName.size()) return err::NameTooLong;
  std::memcpy(c.mem.at(out), d->preopenName.data(), d->preopenName.size());
  return err::Success;
}

namespace {

FileType direntType(unsigned char t) {
  switch (t) {
    case DT_REG: return FileType::RegularFile;
    case DT_DIR: return FileType::Directory;
    case DT_LNK: return FileType::SymbolicLink;
    case DT_CHR: return FileType::CharacterDevice;
    case DT_BLK: return FileType::BlockDevice;
    case DT_SOCK: return FileType::SocketStream;
    default: return FileType::Unknown;
  }
}

struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

// Host bytes read per getdents64 call: room for the longest entry (a
// 255-byte name) and then about as much as the guest asked for, so a small
// guest buffer does not make every call read a whole block of entries.
constexpr size_t kDirReadMin = 1024, kDirReadMax = 16384;

}  // namespace

// Entries stream from the host directory: a cookie is the kernel's d_off
// (the position after that entry, as telldir(3) gives it; 0 is the start),
// so a call seeks there and copies what it reads straight into the guest's
// buffer. A descriptor keeps no listing, and a call uses one fixed buffer.
uint32_t fd_readdir(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::FdReaddir);
  uint32_t buf = u32(a, 1), len = u32(a, 2), usedOut = u32(a, 4);
  uint64_t cookie = u64(a, 3);
  if (!c.mem.ok(buf, len) || !c.mem.ok(usedOut, 4)) return err::Fault;
  if (d->type != FileType::Directory) return err::NotDir;
  // Cookies past 2^63 are no position (lseek says EINVAL).
  if (::lseek(d->hostFd, off_t(cookie), SEEK_SET) < 0) return lastError();
  alignas(8) char host[kDirReadMax];
  size_t want = std::clamp<size_t>(size_t(len) + 256, kDirReadMin, kDirReadMax);
  // A full buffer (bufused == buf_len) tells the guest to call again, from
  // the d_next of the last entry it received whole; the last one may be cut.
  uint32_t used = 0;
  while (used < len) {
    long n = retry([&] { return syscall(SYS_getdents64, d->hostFd, host, want); });
    if (n < 0) return lastError();
    if (n == 0) break;  // end of the directory
    for (long off = 0; off < n && used < len;) {
      auto* e = reinterpret_cast<LinuxDirent64*>(host + off);
      off += e->d_reclen;
      FileType type = direntType(e->d_type);
      if (e->d_type == DT_UNKNOWN) {
        struct stat st;
        if (::fstatat(d->hostFd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) type = fileTypeOfMode(st.st_mode);
      }
      uint8_t header[layout::kDirent] = {};
      uint64_t next = uint64_t(e->d_off);
      uint32_t namlen = uint32_t(std::strlen(e->d_name));
      std::memcpy(header + 0, &next, 8);
      std::memcpy(header + 8, &e->d_ino, 8);
      std::memcpy(header + 16, &namlen, 4);
      header[20] = uint8_t(type);
      uint32_t k = std::min<uint32_t>(layout::kDirent, len - used);
      std::memcpy(c.mem.at(buf + used), header, k);
      used += k;
      k = std::min<uint32_t>(namlen, len - used);
      std::memcpy(c.mem.at(buf + used), e->d_name, k);
      used += k;
    }
  }
  c.mem.store<uint32_t>(usedOut, used);
  return err::Success;
}

uint32_t fd_renumber(Context::Impl& c, const Value* a) {
  uint32_t from = u32(a, 0), to = u32(a, 1);
  // Both must be open: `to` is "the file descriptor to overwrite" (witx),
  // not a free number to claim as with dup2 (Node and Wasmtime agree).
  if (!c.get(from) || !c.get(to)) return err::BadF;
  if (from == to) return err::Success;
  c.close(to);  // the one descriptor fewer: `from` moves into its place
  c.fds[to] = std::move(c.fds[from]);
  c.fds[from] = Descriptor{};
  return err::Success;
}

uint32_t fd_seek(Context::Impl& c, const Value* a) {
  int64_t offset = int64_t(u64(a, 1));
  uint32_t whence = u32(a, 2), out = u32(a, 3);
  // Asking where we are needs only fd_tell.
  Rights need = offset == 0 && whence == WhenceCur ? right::FdTell : right::FdSeek;
  Descriptor* d = c.get(u32(a, 0));
  if (!d) return err::BadF;
  if (!(d->base & (need | right::FdSeek))) return err::NotCapable;
  if (!c.mem.ok(out, 8)) return err::Fault;
  static const int kWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > 2) return err::Inval;
  if (d->type == FileType::Directory) return err::BadF;
  off_t r = ::lseek(d->hostFd, offset, kWhence[whence]);
  if (r < 0) return lastError();
  c.mem.store<uint64_t>(out, uint64_t(r));
  return err::Success;
}

uint32_t fd_tell(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::FdTell);
  uint32_t out = u32(a, 1);
  if (!c.mem.ok(out, 8)) return err::Fault;
  off_t r = ::lseek(d->hostFd, 0, SEEK_CUR);
  if (r < 0) return lastError();
  c.mem.store<uint64_t>(out, uint64_t(r));
  return err::Success;
}

// ---- paths ----

namespace {

// The guest path at (ptr, len), checked.
#define WASI_PATH(var, ptr, len) \
  std::string var;               \
  WASI_TRY(guestString(c.mem, (ptr), (len), var))

#define WASI_PARENT(var, dirFd, path) \
  ParentPath var((dirFd), (path));    \
  if (var.error() != err::Success) return var.error()

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

uint32_t path_create_directory(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::PathCreateDirectory);
  WASI_PATH(path, u32(a, 1), u32(a, 2));
  WASI_PARENT(p, d->hostFd, path);
  return hostResult(::mkdirat(p.fd(), p.name(), 0777));
}

uint32_t path_filestat_get(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::PathFilestatGet);
  if (u32(a, 1) & ~kLookupSymlinkFollow) return err::Inval;
  bool follow = u32(a, 1) & kLookupSymlinkFollow;
  WASI_PATH(path, u32(a, 2), u32(a, 3));
  uint32_t out = u32(a, 4);
  if (!c.mem.ok(out, layout::kFilestat)) return err::Fault;
  struct stat st;
  if (follow) {
    Opened o = openBeneath(d->hostFd, path, O_PATH, 0, true);
    if (o.fd < 0) return o.error;
    FdCloser closer{o.fd};
    if (::fstat(o.fd, &st) != 0) return lastError();
  } else {
    WASI_PARENT(p, d->hostFd, path);
    if (::fstatat(p.fd(), p.name(), &st, AT_SYMLINK_NOFOLLOW) != 0) return lastError();
    if (p.trailingSlash() && !S_ISDIR(st.st_mode)) return err::NotDir;
  }
  storeFilestat(c.mem, out, st);
  return err::Success;
}

uint32_t path_filestat_set_times(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::PathFilestatSetTimes);
  if (u32(a, 1) & ~kLookupSymlinkFollow) return err::Inval;
  bool follow = u32(a, 1) & kLookupSymlinkFollow;
  WASI_PATH(path, u32(a, 2), u32(a, 3));
  timespec ts[2];
  WASI_TRY(timesFor(u64(a, 4), u64(a, 5), u32(a, 6), ts));
  WASI_PARENT(p, d->hostFd, path);
  struct stat st;
  if (follow && ::fstatat(p.fd(), p.name(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    // Follow the link beneath the preopen, then set the target's times
    // through a descriptor (utimensat would follow it on the host side).
    Opened o = openBeneath(d->hostFd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, true);
    if (o.fd < 0) return o.error;
    FdCloser closer{o.fd};
    return hostResult(::futimens(o.fd, ts));
  }
  // Not a link (or not following): a symlink swapped in meanwhile is
  // itself updated, never its target.
  return hostResult(::utimensat(p.fd(), p.name(), ts, AT_SYMLINK_NOFOLLOW));
}

uint32_t path_link(Context::Impl& c, const Value* a) {
  WASI_FD(from, u32(a, 0), right::PathLinkSource);
  if (u32(a, 1) & ~kLookupSymlinkFollow) return err::Inval;
  bool follow = u32(a, 1) & kLookupSymlinkFollow;
  WASI_PATH(oldPath, u32(a, 2), u32(a, 3));
  WASI_FD(to, u32(a, 4), right::PathLinkTarget);
  WASI_PATH(newPath, u32(a, 5), u32(a, 6));
  WASI_PARENT(np, to->hostFd, newPath);
  // A new name ending in '/' can only be made as a directory, so link(2)
  // answers EEXIST if the name is taken and ENOENT otherwise (after looking
  // up the old path).
  auto slashedNewName = [&np] {
    struct stat st;
    return ::fstatat(np.fd(), np.name(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? err::Exist : err::NoEnt;
  };
  if (follow) {
    // linkat's own AT_SYMLINK_FOLLOW would follow a link out of the
    // sandbox; resolve it beneath the preopen first and link the result.
    Opened o = openBeneath(from->hostFd, oldPath, O_PATH, 0, true);
    if (o.fd < 0) return o.error;
    FdCloser closer{o.fd};
    if (np.trailingSlash()) return slashedNewName();
    if (::linkat(o.fd, "", np.fd(), np.name(), AT_EMPTY_PATH) == 0) return err::Success;
    if (errno != ENOENT && errno != EPERM) return lastError();
    std::string self = "/proc/self/fd/" + std::to_string(o.fd);
    return hostResult(::linkat(AT_FDCWD, self.c_str(), np.fd(), np.name(), AT_SYMLINK_FOLLOW));
  }
  WASI_PARENT(op, from->hostFd, oldPath);
  if (np.trailingSlash() || op.trailingSlash()) {
    struct stat st;
    if (::fstatat(op.fd(), op.name(), &st, AT_SYMLINK_NOFOLLOW) != 0) return lastError();
    if (op.trailingSlash() && !S_ISDIR(st.st_mode)) return err::NotDir;
    if (np.trailingSlash()) return slashedNewName();
  }
  return hostResult(::linkat(op.fd(), op.name(), np.fd(), np.name(), 0));
}

uint32_t path_open(Context::Impl& c, const Value* a) {
  uint32_t dirflags = u32(a, 1), oflags = u32(a, 4), fdflags = u32(a, 7), out = u32(a, 8);
  Rights base = u64(a, 5), inheriting = u64(a, 6);
  Rights need = right::PathOpen;
  if (oflags & oflag::Creat) need |= right::PathCreateFile;
  if (oflags & oflag::Trunc) need |= right::PathFilestatSetSize;
  WASI_FD(d, u32(a, 0), need);
  WASI_PATH(path, u32(a, 2), u32(a, 3));
  if (!c.mem.ok(out, 4)) return err::Fault;
  if (oflags & ~uint32_t(oflag::Creat | oflag::Directory | oflag::Excl | oflag::Trunc)) return err::Inval;
  if (dirflags & ~kLookupSymlinkFollow) return err::Inval;
  if ((oflags & oflag::Directory) && (oflags & (oflag::Creat | oflag::Trunc))) return err::Inval;
  if (fdflags & ~uint32_t(fdflag::Append | fdflag::Dsync | fdflag::Nonblock | fdflag::Rsync | fdflag::Sync))
    return err::Inval;

  // The new descriptor gets what was asked for, within what the directory
  // passes on. The host file is opened for writing only if that survives,
  // so a read-only preopen never yields a writable host descriptor.
  // Rights that would let the new descriptor change file contents must be
  // inheritable, or the open fails (as a write open on a read-only mount
  // does). Other rights beyond the directory's are dropped silently, which
  // programs rely on (Rust's std asks for metadata rights on every open).
  constexpr Rights kContentWriting =
      right::FdWrite | right::FdAllocate | right::FdFilestatSetSize | right::FdDatasync;
  if ((base | inheriting) & kContentWriting & ~d->inheriting) return err::NotCapable;
  base &= d->inheriting;
  inheriting &= d->inheriting;
  if ((fdflags & fdflag::Append) && !(d->inheriting & right::FdWrite)) return err::NotCapable;
  if ((fdflags & fdflag::Dsync) && !(d->inheriting & right::FdDatasync)) return err::NotCapable;
  if ((fdflags & (fdflag::Rsync | fdflag::Sync)) && !(d->inheriting & right::FdSync)) return err::NotCapable;
  // The host access mode: only rights that need a writable host descriptor
  // make one. fsync and fdatasync work on a read-only one, so fd_sync and
  // fd_datasync (part of a directory's own rights) never do: a preopen
  // reopened with its own rights is opened O_RDONLY, not refused as a
  // directory opened for writing.
  bool wantsRead = base & (right::FdRead | right::FdReaddir);
  bool wantsWrite = base & (right::FdWrite | right::FdAllocate | right::FdFilestatSetSize);
  int flags = O_NOCTTY | (!wantsWrite ? O_RDONLY : wantsRead ? O_RDWR : O_WRONLY);
  if (oflags & oflag::Directory) flags |= O_DIRECTORY;  // and writing to one: EISDIR
  if (oflags & oflag::Creat) flags |= O_CREAT;
  if (oflags & oflag::Excl) flags |= O_EXCL;
  if (oflags & oflag::Trunc) flags |= O_TRUNC;
  if (fdflags & fdflag::Append) flags |= O_APPEND;
  if (fdflags & fdflag::Nonblock) flags |= O_NONBLOCK;
  if (fdflags & fdflag::Dsync) flags |= O_DSYNC;
  if (fdflags & (fdflag::Sync | fdflag::Rsync)) flags |= O_SYNC;
  // Truncating needs write access on the host.
  if ((flags & O_TRUNC) && (flags & O_ACCMODE) == O_RDONLY) flags = (flags & ~O_ACCMODE) | O_WRONLY;

  // At the open-file limit nothing may happen: no file created or truncated.
  // (Reserving may move the table: `d` is not used after it.)
  int dirFd = d->hostFd;
  WASI_TRY(c.reserve());
  Opened o = openBeneath(dirFd, path, flags, 0666, dirflags & kLookupSymlinkFollow);
  if (o.fd < 0) {
    // A directory opened for writing: EISDIR, as POSIX says.
    return o.error;
  }
  struct stat st;
  if (::fstat(o.fd, &st) != 0) {
    Errno e = lastError();
    ::close(o.fd);
    return e;
  }
  Descriptor nd;
  nd.hostFd = o.fd;
  nd.type = fileTypeOfMode(st.st_mode);
  nd.base = base & maxRightsFor(nd.type);
  nd.inheriting = inheriting;
  uint32_t guestFd;
  WASI_TRY(c.add(std::move(nd), &guestFd));
  c.mem.store<uint32_t>(out, guestFd);
  return err::Success;
}

uint32_t path_readlink(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::PathReadlink);
  WASI_PATH(path, u32(a, 1), u32(a, 2));
  uint32_t buf = u32(a, 3), len = u32(a, 4), out = u32(a, 5);
  if (!c.mem.ok(buf, len) || !c.mem.ok(out, 4)) return err::Fault;
  WASI_PARENT(p, d->hostFd, path);
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(p.fd(), p.name(), target, sizeof target);
  if (n < 0) return lastError();
  uint32_t copied = std::min<uint32_t>(uint32_t(n), len);  // truncated, as readlink(2) does
  std::memcpy(c.mem.at(buf), target, copied);
  c.mem.store<uint32_t>(out, copied);
  return err::Success;
}

uint32_t path_remove_directory(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::PathRemoveDirectory);
  WASI_PATH(path, u32(a, 1), u32(a, 2));
  WASI_PARENT(p, d->hostFd, path);
  return hostResult(::unlinkat(p.fd(), p.name(), AT_REMOVEDIR));
}

uint32_t path_rename(Context::Impl& c, const Value* a) {
  WASI_FD(from, u32(a, 0), right::PathRenameSource);
  WASI_PATH(oldPath, u32(a, 1), u32(a, 2));
  WASI_FD(to, u32(a, 3), right::PathRenameTarget);
  WASI_PATH(newPath, u32(a, 4), u32(a, 5));
  WASI_PARENT(op, from->hostFd, oldPath);
  WASI_PARENT(np, to->hostFd, newPath);
  if (op.trailingSlash() || np.trailingSlash()) {
    // A trailing slash names a directory: renaming a file so is ENOTDIR.
    struct stat st;
    if (::fstatat(op.fd(), op.name(), &st, AT_SYMLINK_NOFOLLOW) != 0) return lastError();
    if (!S_ISDIR(st.st_mode)) return err::NotDir;
  }
  return hostResult(::renameat(op.fd(), op.name(), np.fd(), np.name()));
}

uint32_t path_symlink(Context::Impl& c, const Value* a) {
  WASI_PATH(target, u32(a, 0), u32(a, 1));
  WASI_FD(d, u32(a, 2), right::PathSymlink);
  WASI_PATH(path, u32(a, 3), u32(a, 4));
  // Absolute targets could only ever name host paths: refuse to create them.
  if (!target.empty() && target[0] == '/') return err::NotCapable;
  WASI_PARENT(p, d->hostFd, path);
  if (p.trailingSlash()) {
    struct stat st;
    return ::fstatat(p.fd(), p.name(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? err::Exist : err::NoEnt;
  }
  return hostResult(::symlinkat(target.c_str(), p.fd(), p.name()));
}

uint32_t path_unlink_file(Context::Impl& c, const Value* a) {
  WASI_FD(d, u32(a, 0), right::PathUnlinkFile);
  WASI_PATH(path, u32(a, 1), u32(a, 2));
  WASI_PARENT(p, d->hostFd, path);
  if (p.trailingSlash()) {
    struct stat st;
    if (::fstatat(p.fd(), p.name(), &st, AT_SYMLINK_NOFOLLOW) != 0) return lastError();
    return S_ISDIR(st.st_mode) ? err::IsDir : err::NotDir;
  }
  return hostResult(::unlinkat(p.fd(), p.name(), 0));
}

}  // namespace fn
}  // namespace wharf::wasi
