#include "registry/curl_lib.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace wharf::registry {

Expected<const CurlLib*> curlLib() {
  static CurlLib lib;
  static std::string error;
  static std::once_flag once;
  std::call_once(once, [] {
    void* h = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      error = std::string("cannot load libcurl (install libcurl4): ") + ::dlerror();
      return;
    }
#define WHARF_CURL_RESOLVE(f)                               \
  lib.f = reinterpret_cast<decltype(&::f)>(::dlsym(h, #f)); \
  if (!lib.f) {                                             \
    error = "libcurl.so.4 has no " #f;                      \
    return;                                                 \
  }
    WHARF_CURL_FUNCTIONS(WHARF_CURL_RESOLVE)
#undef WHARF_CURL_RESOLVE
    if (lib.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) error = "cannot initialise libcurl";
  });
  if (!error.empty()) return makeError(error);
  return &lib;
}

}  // namespace wharf::registry
