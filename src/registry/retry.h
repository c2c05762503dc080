// When and how long to wait before trying a registry request again.
#pragma once

#include <optional>
#include <string_view>

namespace wharf::registry {

struct RetryPolicy {
  int attempts = 4;          // in all, the first included
  double baseSeconds = 0.2;  // wait before retry n (0-based): base * 2^n
  double maxSeconds = 30;    // no wait is longer (Retry-After included)

  // Too many requests and server errors are worth another try; 501 (not
  // implemented) and 505 are answers, not hiccups.
  static bool retryStatus(long status) {
    return status == 429 || (status >= 500 && status != 501 && status != 505);
  }
  double delay(int retry, std::optional<double> retryAfter = std::nullopt) const;
};

// Retry-After: delta-seconds or an HTTP date (relative to `now`, seconds
// since the epoch). Null when malformed.
std::optional<double> parseRetryAfter(std::string_view value, double now);

// libcurl errors worth another try: a dropped or stalled connection.
// Refused connections and unknown hosts are not (they fail fast and clear).
bool retryableCurlCode(int code);

}  // namespace wharf::registry
