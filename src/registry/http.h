// One registry's HTTP API over libcurl: the scheme (https, or http where
// allowed), authentication (anonymous, Basic, Bearer tokens per scope) and
// retries with backoff, under every request.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/expected.h"
#include "registry/auth.h"
#include "registry/retry.h"

namespace wharf::registry {

struct ConnectOptions {
  bool insecure = false;  // http allowed, and https certificates not verified
  std::string caFile;     // else $SSL_CERT_FILE, else the system's CAs
  RetryPolicy retry;
  bool progress = false;  // progress bars on stderr
};

// Loopback registries (localhost, 127.0.0.0/8, [::1]) may speak plain http.
bool isLoopback(std::string_view registry);

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // "/v2/..." or an absolute URL (upload locations)
  std::vector<std::string> headers;
  std::span<const uint8_t> body;
  // Where a 2xx body goes (else into HttpResponse::body, at most maxBody).
  std::function<Expected<void>(const char*, size_t)> sink;
  // Headers computed before each attempt (Range: from what has arrived).
  std::function<std::vector<std::string>()> attemptHeaders;
  // Called with the status before a 2xx body's first byte.
  std::function<Expected<void>(long)> onBody;
  size_t maxBody = size_t{4} << 20;
  std::string progressLabel;  // non-empty: a progress bar
  int64_t progressTotal = 0;
  // Bytes already there before an attempt (a resumed download's), so the
  // bar starts where the blob stands.
  std::function<int64_t()> progressStart;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class Session {
 public:
  // Checks `GET /v2/` (choosing the scheme) and gives a session for it.
  static Expected<std::unique_ptr<Session>> open(const std::string& registry, const ConnectOptions& opts,
                                                 Credentials creds);
  ~Session();
  Session(const Session&) = delete;

  // Performs the request with auth and retries; any final status is a
  // response (the caller decides), transport failures are errors.
  Expected<HttpResponse> request(HttpRequest req);
  const std::string& base() const { return base_; }  // "https://host:port"
  const std::string& registry() const { return registry_; }
  // Did the registry accept our credentials (or need none)?
  Expected<void> checkAuth();

 private:
  Session() = default;
  struct Attempt;
  Attempt perform(const HttpRequest& req, const std::vector<std::string>& extra, bool noBodySink = false);
  Expected<bool> authenticate(const HttpResponse& resp);
  std::string url(const std::string& path) const;

  void* curl_ = nullptr;
  std::string registry_, base_;
  ConnectOptions opts_;
  Credentials creds_;
  std::string authHeader_;
  std::map<std::string, std::string> tokens_;  // by scope
  bool sentBasic_ = false;
};

// "unauthorized: authentication required" from a registry's error body
// ({"errors":[{"code","message"}]}), else the status.
std::string describeFailure(const HttpResponse& resp);

}  // namespace wharf::registry
