#include "registry/retry.h"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <string>

namespace wharf::registry {

double RetryPolicy::delay(int retry, std::optional<double> retryAfter) const {
  double d = baseSeconds * std::ldexp(1.0, std::clamp(retry, 0, 30));
  if (retryAfter && *retryAfter > d) d = *retryAfter;
  return std::min(d, maxSeconds);
}

std::optional<double> parseRetryAfter(std::string_view value, double now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::nullopt;
    return std::stod(std::string(value));
  }
  std::tm tm{};
  std::string s(value);
  const char* end = ::strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end) return std::nullopt;
  double when = static_cast<double>(::timegm(&tm));
  return std::max(0.0, when - now);
}

bool retryableCurlCode(int code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:  // a reset during the handshake
      return true;
    default: return false;
  }
}

}  // namespace wharf::registry
