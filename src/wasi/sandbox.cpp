#include "wasi/sandbox.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "wasi/context.h"

namespace wharf::wasi {
namespace {

// 0 unknown, 1 available, 2 not available.
std::atomic<int> gOpenat2{0};

bool openat2Enabled() {
  int v = gOpenat2.load(std::memory_order_relaxed);
  if (v == 0) {
    const char* off = std::getenv("WHARF_NO_OPENAT2");
    v = off && *off && *off != '0' ? 2 : 1;
    gOpenat2.store(v, std::memory_order_relaxed);
  }
  return v == 1;
}

constexpr int kMaxSymlinks = 40;  // as Linux's own limit
// Directories the portable walk may be inside at once: a path of kPathMax
// bytes names at most this many levels.
constexpr size_t kMaxDepth = kPathMax / 2;

Opened fail(int hostErrno) {
  return {-1, hostErrno == EXDEV ? Errno(err::NotCapable) : fromHostErrno(hostErrno)};
}

// Opens with openat2; nullopt-like {-2} when the syscall is missing.
Opened viaOpenat2(int dirFd, const char* path, int flags, mode_t mode, bool followFinal) {
  struct open_how how = {};
  how.flags = uint64_t(flags | O_CLOEXEC | (followFinal ? 0 : O_NOFOLLOW));
  how.mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    long fd = syscall(SYS_openat2, dirFd, path, &how, sizeof how);
    if (fd >= 0) return {int(fd), err::Success};
    // EAGAIN: a concurrent rename made the kernel unsure; try again.
    if ((errno == EAGAIN || errno == EINTR) && attempt < 64) continue;
    if (errno == ENOSYS) return {-2, err::NoSys};
    return fail(errno);
  }
}

// The directories the portable walk is inside, innermost last; closes them.
struct DirStack {
  std::vector<int> fds;
  ~DirStack() {
    for (int fd : fds) ::close(fd);
  }
};

// The portable walk: one component at a time, never following a symlink
// in the kernel; symlink targets are spliced in front of the rest of the
// path and `..` pops the stack of directories walked into, refusing to pop
// the root. The rest of the path is a stack of pieces -- views of the
// guest's path and of the link targets read so far -- consumed a component
// at a time, so the memory a walk uses is bounded by kPathMax, kMaxSymlinks
// and kMaxDepth, whatever the path.
Opened viaWalk(int root, std::string_view path, int flags, mode_t mode, bool followFinal) {
  std::vector<std::string_view> pending{path};   // back() is walked first
  std::vector<std::unique_ptr<char[]>> targets;  // link targets, viewed by later pieces
  DirStack stack;
  int links = 0;
  // The next component; every piece has one more component than slashes.
  auto next = [&] {
    std::string_view& top = pending.back();
    size_t slash = top.find('/');
    std::string_view c = top.substr(0, slash);
    if (slash == std::string_view::npos)
      pending.pop_back();
    else
      top.remove_prefix(slash + 1);
    return c;
  };
  char name[kPathMax];  // the component, NUL-terminated for the *at calls
  auto splice = [&](int dir) -> Errno {
    char target[kPathMax];
    ssize_t n = ::readlinkat(dir, name, target, sizeof target);
    if (n < 0) return errno == EINVAL ? err::Success : fromHostErrno(errno);  // EINVAL: not a link
    if (++links > kMaxSymlinks) return err::Loop;
    if (n == 0) return err::NoEnt;
    if (size_t(n) >= sizeof target) return err::NameTooLong;  // Linux makes none this long
    if (target[0] == '/') return err::NotCapable;
    targets.push_back(std::make_unique<char[]>(size_t(n)));
    std::memcpy(targets.back().get(), target, size_t(n));
    pending.emplace_back(targets.back().get(), size_t(n));
    return err::Loop;  // "spliced": the caller continues the walk
  };
  while (!pending.empty()) {
    std::string_view c = next();
    bool last = pending.empty();
    int cur = stack.fds.empty() ? root : stack.fds.back();
    if (c == "..") {
      if (stack.fds.empty()) return {-1, err::NotCapable};
      ::close(stack.fds.back());
      stack.fds.pop_back();
      c = ".";
      cur = stack.fds.empty() ? root : stack.fds.back();
    }
    if (c.empty() || c == ".") {
      if (!last) continue;
      int fd = ::openat(cur, ".", flags | O_CLOEXEC, mode);
      return fd >= 0 ? Opened{fd, err::Success} : fail(errno);
    }
    std::memcpy(name, c.data(), c.size());  // c is shorter than kPathMax: it is part of one piece
    name[c.size()] = '\0';
    if (!last) {
      // Deeper than any path of kPathMax bytes names directly: only links
      // lead there, and the walk would hold a descriptor per level.
      if (stack.fds.size() >= kMaxDepth) return {-1, err::NameTooLong};
      int fd = ::openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        stack.fds.push_back(fd);
        continue;
      }
      int e = errno;
      if (e == ENOTDIR || e == ELOOP) {
        Errno s = splice(cur);
        if (s == err::Loop && links <= kMaxSymlinks) continue;
        if (s != err::Success) return {-1, s};
      }
      return fail(e);
    }
    bool exclusive = (flags & O_CREAT) && (flags & O_EXCL);
    if (followFinal && !exclusive) {
      Errno s = splice(cur);
      if (s == err::Loop && links <= kMaxSymlinks) continue;
      if (s != err::Success && s != err::NoEnt) return {-1, s};
    }
    int fd = ::openat(cur, name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
    int e = errno;
    // A symlink swapped in after the check above: walk it on the next round.
    if (fd < 0 && followFinal && !exclusive && e == ELOOP && links < kMaxSymlinks) {
      pending.push_back(c);
      continue;
    }
    return fd >= 0 ? Opened{fd, err::Success} : fail(e);
  }
  return {-1, err::NoEnt};
}

}  // namespace

void setUseOpenat2(bool use) { gOpenat2.store(use ? 1 : 2); }

Errno checkPath(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) return err::Inval;
  // WASI strings are UTF-8: refuse anything else (overlong forms and
  // surrogates included) rather than hand the host arbitrary bytes.
  for (size_t i = 0; i < path.size();) {
    auto b = static_cast<unsigned char>(path[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
    if (n == 0 || b > 0xF4 || i + n > path.size()) return err::IlSeq;
    uint32_t cp = b & (0x3F >> (n - 1));
    for (size_t k = 1; k < n; ++k) {
      auto c = static_cast<unsigned char>(path[i + k]);
      if ((c & 0xC0) != 0x80) return err::IlSeq;
      cp = cp << 6 | (c & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return err::IlSeq;
    i += n;
  }
  return err::Success;
}

Opened openBeneath(int dirFd, std::string_view path, int flags, mode_t mode, bool followFinal) {
  if (path.empty()) return {-1, err::NoEnt};
  if (path.size() >= kPathMax) return {-1, err::NameTooLong};
  if (path[0] == '/') return {-1, err::NotCapable};
  if (openat2Enabled()) {
    char terminated[kPathMax];
    std::memcpy(terminated, path.data(), path.size());
    terminated[path.size()] = '\0';
    Opened r = viaOpenat2(dirFd, terminated, flags, mode, followFinal);
    if (r.fd != -2) return r;
    gOpenat2.store(2);
  }
  return viaWalk(dirFd, path, flags, mode, followFinal);
}

ParentPath::ParentPath(int dirFd, std::string_view path) {
  if (path.empty()) {
    error_ = err::NoEnt;
    return;
  }
  if (path.size() >= kPathMax) {
    error_ = err::NameTooLong;
    return;
  }
  if (path[0] == '/') {
    error_ = err::NotCapable;
    return;
  }
  while (path.size() > 1 && path.back() == '/') {
    path.remove_suffix(1);
    trailingSlash_ = true;
  }
  size_t slash = path.rfind('/');
  std::string_view dir = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name == "..") {
    // The parent of ".." lies further up; resolve the whole path (beneath)
    // and name it ".", so no *at call ever sees "..".
    dir = path;
    name = ".";
  }
  name_ = std::string(name);
  if (dir.empty()) {
    fd_ = dirFd;
    return;
  }
  Opened o = openBeneath(dirFd, dir, O_PATH | O_DIRECTORY, 0, true);
  if (o.fd < 0) {
    error_ = o.error;
    return;
  }
  fd_ = o.fd;
  owned_ = true;
}

ParentPath::~ParentPath() {
  if (owned_) ::close(fd_);
}

}  // namespace wharf::wasi
