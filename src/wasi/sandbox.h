// Path resolution that never leaves a preopened directory: `..` above it,
// absolute paths, symlinks whose targets (or intermediate components) lead
// outside, and /proc magic links are all refused with ENOTCAPABLE or ELOOP.
// openat2(RESOLVE_BENEATH) does the walk in the kernel, atomically with
// respect to concurrent renames; where the kernel lacks it (or a seccomp
// filter hides it), a component-by-component walk with O_NOFOLLOW gives the
// same answers.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "wasi/abi.h"

namespace wharf::wasi {

struct Opened {
  int fd = -1;
  Errno error = err::Success;
};

// Opens `path` beneath directory `dirFd` with open(2) `flags` (O_CLOEXEC is
// added). The last component is followed only if `followFinal`.
Opened openBeneath(int dirFd, std::string_view path, int flags, mode_t mode, bool followFinal);

// A path split for the *at(2) calls: `fd` is the directory holding the last
// component (resolved beneath the preopen) and `name` that component, never
// empty and never "..". Closes `fd` when it owns it.
class ParentPath {
 public:
  ParentPath(int dirFd, std::string_view path);
  ~ParentPath();
  ParentPath(const ParentPath&) = delete;
  ParentPath& operator=(const ParentPath&) = delete;

  Errno error() const { return error_; }
  int fd() const { return fd_; }
  const char* name() const { return name_.c_str(); }
  // The path ended in '/': the object must be a directory.
  bool trailingSlash() const { return trailingSlash_; }

 private:
  int fd_ = -1;
  bool owned_ = false;
  std::string name_;
  bool trailingSlash_ = false;
  Errno error_ = err::Success;
};

// Checks what every guest path must satisfy before use (no NUL bytes).
Errno checkPath(std::string_view path);

// Tests force the portable walk (WHARF_NO_OPENAT2=1 in the environment
// does the same for the wharf binary).
void setUseOpenat2(bool use);

}  // namespace wharf::wasi
