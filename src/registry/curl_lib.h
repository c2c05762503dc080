// libcurl, opened on first use. Linking it would load it and its TLS, LDAP,
// SSH, IDN and Kerberos libraries at every start (about 9 ms on this
// machine, ten times a whole `wharf run` of a hello image); only pull, push
// and login need it.
#pragma once

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "common/expected.h"

namespace wharf::registry {

#define WHARF_CURL_FUNCTIONS(X)                                                                         \
  X(curl_global_init)                                                                                   \
  X(curl_easy_init)                                                                                     \
  X(curl_easy_setopt) X(curl_easy_perform) X(curl_easy_cleanup) X(curl_easy_reset) X(curl_easy_getinfo) \
      X(curl_easy_strerror) X(curl_slist_append) X(curl_slist_free_all)

struct CurlLib {
#define WHARF_CURL_POINTER(f) decltype(&::f) f;
  WHARF_CURL_FUNCTIONS(WHARF_CURL_POINTER)
#undef WHARF_CURL_POINTER
};

// The library, or why it cannot be used ("install libcurl4").
Expected<const CurlLib*> curlLib();

}  // namespace wharf::registry
