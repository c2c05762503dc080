// The state behind a wasi::Context: descriptor table, grants, guest memory
// access. Shared by the files implementing the WASI functions.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/instance.h"
#include "wasi/abi.h"
#include "wasi/wasi.h"

namespace wharf::wasi {

struct Descriptor {
  int hostFd = -1;
  bool ownsHostFd = true;  // false for the host's stdio
  FileType type = FileType::Unknown;
  Rights base = 0, inheriting = 0;
  std::string preopenName;  // non-empty: a preopened directory
  bool preopen = false;
};

// A guest pointer+length range checked against the memory's current size.
// Memory can grow (never move) during a call, so the size is read each time.
class GuestMemory {
 public:
  LinearMemory* memory = nullptr;
  bool ok(uint64_t ptr, uint64_t len) const { return memory && memory->inBounds(ptr, len); }
  uint8_t* at(uint64_t ptr) const { return memory->base() + ptr; }
  template <typename T>
  T load(uint64_t ptr) const {
    T v;
    std::memcpy(&v, at(ptr), sizeof(T));
    return v;
  }
  template <typename T>
  void store(uint64_t ptr, T v) const {
    std::memcpy(at(ptr), &v, sizeof(T));
  }
};

// The value WASI functions return when they raise Context::Impl::trap
// instead of an errno (proc_exit, a timed-out wait).
constexpr uint32_t kRaiseTrap = 0xffff'ffff;

struct Context::Impl {
  Options options;
  std::vector<std::string> args, env;
  std::vector<Descriptor> fds;  // index = guest fd; hostFd < 0: free
  uint32_t openCount = 0;
  GuestMemory mem;
  Trap trap;  // set before returning kRaiseTrap

  ~Impl();
  Descriptor* get(uint32_t fd) { return fd < fds.size() && fds[fd].hostFd >= 0 ? &fds[fd] : nullptr; }
  // The descriptor if it has all of `rights`; otherwise *error says why.
  Descriptor* get(uint32_t fd, Rights rights, Errno* error) {
    Descriptor* d = get(fd);
    if (!d)
      *error = err::BadF;
    else if ((d->base & rights) != rights)
      *error = err::NotCapable, d = nullptr;
    return d;
  }
  // Room for one more descriptor, or EMFILE at the open-file limit. Called
  // before the host call that makes one, so that a refused open has no
  // effect (no file created or truncated, no connection taken); afterwards
  // add() cannot fail and allocates nothing. Invalidates Descriptor
  // pointers.
  Errno reserve();
  // Takes ownership of `hostFd`; EMFILE beyond the open-file limit.
  Errno add(Descriptor d, uint32_t* guestFd);
  void close(uint32_t fd);
};

// Linux's PATH_MAX, which counts the terminating NUL: a path (or symlink
// target) of this many bytes or more is ENAMETOOLONG, in both resolution
// modes and before the host sees or copies it.
constexpr size_t kPathMax = 4096;

// Guest data, checked: EFAULT when out of bounds; ENAMETOOLONG from
// kPathMax bytes on (before anything is copied); a path with a NUL byte is
// EINVAL.
Errno guestString(const GuestMemory& mem, uint32_t ptr, uint32_t len, std::string& out);
// At most IOV_MAX buffers, each checked.
Errno guestIovecs(const GuestMemory& mem, uint32_t iovs, uint32_t count, std::vector<struct iovec>& out);

// errno of the host -> WASI errno.
Errno fromHostErrno(int e);
inline Errno lastError() { return fromHostErrno(errno); }

FileType fileTypeOfMode(mode_t mode);
// The rights a descriptor of this type can have at most.
Rights maxRightsFor(FileType t);

}  // namespace wharf::wasi
