#include "registry/http.h"

#include <arpa/inet.h>
#include <strings.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>

#include "registry/curl_lib.h"

namespace wharf::registry {

bool isLoopback(std::string_view r) {
  std::string_view host = r;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') == std::string_view::npos ? 0 : host.find(']') - 1);
    return host == "::1";
  }
  if (size_t colon = host.find(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  if (host == "localhost") return true;
  in_addr a;
  std::string h(host);
  return ::inet_pton(AF_INET, h.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

std::string describeFailure(const HttpResponse& resp) {
  auto j = nlohmann::json::parse(resp.body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("errors") && j["errors"].is_array() &&
      !j["errors"].empty() && j["errors"][0].is_object()) {
    const auto& e = j["errors"][0];
    std::string code = e.value("code", ""), message = e.value("message", "");
    for (char& c : code) c = c == '_' ? ' ' : char(std::tolower(static_cast<unsigned char>(c)));
    if (code.empty()) return message;
    if (message.empty() || message == code) return code;
    return code + ": " + message;
  }
  if (resp.status == 401) return "unauthorized: authentication required";
  if (resp.status == 404) return "not found";
  return "HTTP status " + std::to_string(resp.status);
}

namespace {

const CurlLib* L = nullptr;

struct Transfer {
  HttpResponse* resp;
  const HttpRequest* req;
  bool noBodySink = false;
  bool started = false;
  Error sinkError;
  bool sinkFailed = false;
  // progress
  std::chrono::steady_clock::time_point lastDraw{};
  int64_t offset = 0;  // bytes already there before this attempt
};

size_t onHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    t->resp->headers.clear();  // a new response (after a redirect or 100)
    size_t sp = line.find(' ');
    t->resp->status =
        sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
    std::string_view v = line.substr(colon + 1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    t->resp->headers[name] = std::string(v);
  }
  return size * n;
}

size_t onData(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  bool success = t->resp->status >= 200 && t->resp->status < 300;
  if (success && !t->started) {
    t->started = true;
    if (t->req->onBody) {
      auto r = t->req->onBody(t->resp->status);
      if (!r) {
        t->sinkError = r.takeError();
        t->sinkFailed = true;
        return 0;
      }
    }
  }
  if (success && t->req->sink && !t->noBodySink) {
    auto r = t->req->sink(data, len);
    if (!r) {
      t->sinkError = r.takeError();
      t->sinkFailed = true;
      return 0;
    }
    return len;
  }
  size_t cap = success ? t->req->maxBody : size_t{64} << 10;
  if (t->resp->body.size() + len > cap) {
    if (!success) return len;  // an error page: its start is enough
    t->sinkError = makeError("response is larger than " + std::to_string(cap >> 20) + " MiB");
    t->sinkFailed = true;
    return 0;
  }
  t->resp->body.append(data, len);
  return len;
}

std::string humanBytes(double n) {
  const char* u[] = {"B", "kB", "MB", "GB"};
  int i = 0;
  while (n >= 1000 && i < 3) n /= 1000, ++i;
  char buf[32];
  std::snprintf(buf, sizeof buf, i ? "%.1f %s" : "%.0f %s", n, u[i]);
  return buf;
}

int onProgress(void* user, curl_off_t dlTotal, curl_off_t dlNow, curl_off_t, curl_off_t ulNow) {
  auto* t = static_cast<Transfer*>(user);
  auto now = std::chrono::steady_clock::now();
  if (now - t->lastDraw < std::chrono::milliseconds(100)) return 0;
  t->lastDraw = now;
  int64_t total = t->req->progressTotal;
  int64_t done = t->offset + (dlNow ? dlNow : ulNow);
  if (total <= 0) return 0;
  if (done > total) done = total;
  int width = 30, fill = int(done * width / total);
  std::string bar(size_t(fill), '=');
  if (fill < width) bar += '>';
  bar.resize(size_t(width), ' ');
  std::fprintf(stderr, "\r%s [%s] %s/%s\x1b[K", t->req->progressLabel.c_str(), bar.c_str(),
               humanBytes(double(done)).c_str(), humanBytes(double(total)).c_str());
  return 0;
}

}  // namespace

struct Session::Attempt {
  CURLcode code = CURLE_OK;
  std::string curlError;
  HttpResponse resp;
  bool sinkFailed = false;
  Error sinkError;
};

Session::~Session() {
  if (curl_) L->curl_easy_cleanup(static_cast<CURL*>(curl_));
}

std::string Session::url(const std::string& path) const {
  if (path.starts_with("http://") || path.starts_with("https://")) return path;
  return base_ + path;
}

Session::Attempt Session::perform(const HttpRequest& req, const std::vector<std::string>& extra,
                                  bool noBodySink) {
  Attempt a;
  CURL* h = static_cast<CURL*>(curl_);
  L->curl_easy_reset(h);
  char errbuf[CURL_ERROR_SIZE] = "";
  Transfer t{&a.resp, &req};
  t.noBodySink = noBodySink;
  if (req.progressStart) t.offset = req.progressStart();
  std::string u = url(req.path);
  L->curl_easy_setopt(h, CURLOPT_URL, u.c_str());
  L->curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  L->curl_easy_setopt(h, CURLOPT_USERAGENT, "wharf/0.1");
  L->curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  L->curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
  // A stalled transfer (under 1 byte/s for 30 s) is a dropped connection.
  L->curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  L->curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
  L->curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
  L->curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  L->curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onData);
  L->curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  L->curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  L->curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, opts_.insecure ? "http,https" : "https");
  std::string ca = opts_.caFile;
  if (ca.empty())
    if (const char* env = std::getenv("SSL_CERT_FILE"); env && *env) ca = env;
  if (!ca.empty()) L->curl_easy_setopt(h, CURLOPT_CAINFO, ca.c_str());
  if (opts_.insecure) {
    L->curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    L->curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (req.method == "GET" || req.method == "HEAD") {
    // Registries redirect blob GETs to storage; curl drops our
    // Authorization header when the redirect leaves the registry's host.
    L->curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    L->curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    if (req.method == "HEAD") L->curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    if (req.method == "POST")
      L->curl_easy_setopt(h, CURLOPT_POST, 1L);
    else
      L->curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    L->curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.empty() ? "" : (const char*)req.body.data());
    L->curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(req.body.size()));
  }
  curl_slist* headers = nullptr;
  headers = L->curl_slist_append(headers, "Expect:");
  bool typed = false;
  for (const std::string& s : req.headers)
    typed |= s.size() > 13 && strncasecmp(s.c_str(), "content-type:", 13) == 0;
  if (req.method != "GET" && req.method != "HEAD" && !typed)
    headers = L->curl_slist_append(headers, "Content-Type: application/octet-stream");
  if (!authHeader_.empty()) headers = L->curl_slist_append(headers, authHeader_.c_str());
  for (const std::string& s : req.headers) headers = L->curl_slist_append(headers, s.c_str());
  for (const std::string& s : extra) headers = L->curl_slist_append(headers, s.c_str());
  L->curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  if (opts_.progress && !req.progressLabel.empty()) {
    L->curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    L->curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, onProgress);
    L->curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  }
  a.code = L->curl_easy_perform(h);
  L->curl_slist_free_all(headers);
  if (a.code != CURLE_OK) {
    long osErr = 0;
    L->curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &osErr);
    if (osErr &&
        (a.code == CURLE_COULDNT_CONNECT || a.code == CURLE_RECV_ERROR || a.code == CURLE_SEND_ERROR))
      a.curlError = std::strerror(int(osErr));
    else
      a.curlError = *errbuf ? errbuf : L->curl_easy_strerror(a.code);
  }
  a.sinkFailed = t.sinkFailed;
  a.sinkError = std::move(t.sinkError);
  return a;
}

Expected<std::unique_ptr<Session>> Session::open(const std::string& registry, const ConnectOptions& opts,
                                                 Credentials creds) {
  WHARF_TRY(lib, curlLib());
  L = lib;
  std::unique_ptr<Session> s(new Session);
  s->curl_ = L->curl_easy_init();
  if (!s->curl_) return makeError("cannot initialise libcurl");
  s->registry_ = registry;
  s->opts_ = opts;
  s->creds_ = std::move(creds);
  std::string host = registry == "docker.io" ? "registry-1.docker.io" : registry;
  bool httpAllowed = opts.insecure || isLoopback(host);
  s->base_ = "https://" + host;
  HttpRequest probe;
  probe.path = "/v2/";
  Attempt a = s->perform(probe, {});
  // A plain-http server answers a TLS hello with garbage: where http is
  // allowed, that means "speak http".
  if (httpAllowed && a.code == CURLE_SSL_CONNECT_ERROR) {
    s->base_ = "http://" + host;
    a = s->perform(probe, {});
  }
  for (int retry = 0; a.code != CURLE_OK && retryableCurlCode(a.code) && retry + 1 < opts.retry.attempts;
       ++retry) {
    std::this_thread::sleep_for(std::chrono::duration<double>(opts.retry.delay(retry)));
    a = s->perform(probe, {});
  }
  if (a.code != CURLE_OK) {
    if (a.code == CURLE_PEER_FAILED_VERIFICATION)
      return makeError("registry " + registry + ": TLS certificate not trusted (" + a.curlError +
                       "; use --ca-file, SSL_CERT_FILE, or --insecure)");
    return makeError("registry " + registry + " unreachable: " + a.curlError);
  }
  return s;
}

Expected<bool> Session::authenticate(const HttpResponse& resp) {
  auto ch = parseChallenge(resp.header("www-authenticate"));
  if (!ch) return false;
  if (ch->scheme == "basic") {
    if (creds_.empty() || sentBasic_) return false;
    authHeader_ = "Authorization: Basic " + base64Encode(creds_.username + ":" + creds_.secret);
    sentBasic_ = true;
    return true;
  }
  if (ch->scheme != "bearer") return false;
  std::string scope = ch->params["scope"];
  if (auto it = tokens_.find(scope);
      it != tokens_.end() && "Authorization: Bearer " + it->second != authHeader_) {
    authHeader_ = "Authorization: Bearer " + it->second;
    return true;
  }
  std::string realm = ch->params["realm"];
  if (realm.empty()) return false;
  std::string q = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  auto enc = [](const std::string& v) {
    std::string o;
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
        o += char(c);
      else {
        char b[4];
        std::snprintf(b, sizeof b, "%%%02X", c);
        o += b;
      }
    }
    return o;
  };
  if (!ch->params["service"].empty()) q += "service=" + enc(ch->params["service"]) + "&";
  if (!scope.empty()) q += "scope=" + enc(scope);
  HttpRequest tr;
  tr.path = q;
  tr.maxBody = 1 << 20;
  std::string saved = authHeader_;
  authHeader_ =
      creds_.empty() ? "" : "Authorization: Basic " + base64Encode(creds_.username + ":" + creds_.secret);
  Attempt a = perform(tr, {});
  authHeader_ = saved;
  if (a.code != CURLE_OK) return makeError("token server " + realm + " unreachable: " + a.curlError);
  if (a.resp.status != 200) return makeError(describeFailure(a.resp.status == 401 ? a.resp : resp));
  auto j = nlohmann::json::parse(a.resp.body, nullptr, false);
  std::string token;
  if (!j.is_discarded() && j.is_object()) {
    if (j.contains("token") && j["token"].is_string())
      token = j["token"];
    else if (j.contains("access_token") && j["access_token"].is_string())
      token = j["access_token"];
  }
  if (token.empty()) return makeError("token server " + realm + " gave no token");
  tokens_[scope] = token;
  std::string next = "Authorization: Bearer " + token;
  if (next == authHeader_) return false;  // that token is already refused
  authHeader_ = next;
  return true;
}

Expected<HttpResponse> Session::request(HttpRequest req) {
  int authRounds = 0;
  for (int attempt = 0;; ++attempt) {
    std::vector<std::string> extra;
    if (req.attemptHeaders) extra = req.attemptHeaders();
    Attempt a = perform(req, extra);
    if (a.sinkFailed) {
      if (opts_.progress && !req.progressLabel.empty()) std::fputc('\n', stderr);
      return std::move(a.sinkError);
    }
    bool last = attempt + 1 >= opts_.retry.attempts;
    if (a.code != CURLE_OK) {
      if (last || !retryableCurlCode(a.code)) {
        if (opts_.progress && !req.progressLabel.empty()) std::fputc('\n', stderr);
        return makeError("registry " + registry_ + ": " + a.curlError);
      }
      std::this_thread::sleep_for(std::chrono::duration<double>(opts_.retry.delay(attempt)));
      continue;
    }
    if (a.resp.status == 401 && authRounds < 2) {
      ++authRounds;
      WHARF_TRY(again, authenticate(a.resp));
      if (again) {
        --attempt;  // not a failure of the registry's
        continue;
      }
    }
    if (RetryPolicy::retryStatus(a.resp.status) && !last) {
      auto after = parseRetryAfter(a.resp.header("retry-after"), double(std::time(nullptr)));
      std::this_thread::sleep_for(std::chrono::duration<double>(opts_.retry.delay(attempt, after)));
      continue;
    }
    if (opts_.progress && !req.progressLabel.empty()) std::fputc('\n', stderr);
    return std::move(a.resp);
  }
}

Expected<void> Session::checkAuth() {
  HttpRequest r;
  r.path = "/v2/";
  WHARF_TRY(resp, request(r));
  if (resp.status == 200) return {};
  return makeError(describeFailure(resp));
}

}  // namespace wharf::registry
