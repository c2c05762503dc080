#include "oci/archive_lib.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace wharf::oci {

Expected<const ArchiveLib*> archiveLib() {
  static ArchiveLib lib;
  static std::string error;
  static std::once_flag once;
  std::call_once(once, [] {
    void* h = ::dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      error = std::string("cannot load libarchive (install libarchive13): ") + ::dlerror();
      return;
    }
#define WHARF_ARCHIVE_RESOLVE(f)                            \
  lib.f = reinterpret_cast<decltype(&::f)>(::dlsym(h, #f)); \
  if (!lib.f) {                                             \
    error = "libarchive.so.13 has no " #f;                  \
    return;                                                 \
  }
    WHARF_ARCHIVE_FUNCTIONS(WHARF_ARCHIVE_RESOLVE)
#undef WHARF_ARCHIVE_RESOLVE
  });
  if (!error.empty()) return makeError(error);
  return &lib;
}

}  // namespace wharf::oci
