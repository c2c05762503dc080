#include "registry/auth.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

extern char** environ;

namespace wharf::registry {

std::optional<Challenge> parseChallenge(std::string_view h) {
  size_t i = 0;
  auto skipSpace = [&] {
    while (i < h.size() && (h[i] == ' ' || h[i] == '\t')) ++i;
  };
  skipSpace();
  size_t start = i;
  while (i < h.size() && h[i] != ' ' && h[i] != '\t' && h[i] != ',') ++i;
  if (i == start) return std::nullopt;
  Challenge c;
  for (size_t k = start; k < i; ++k) c.scheme += char(std::tolower(static_cast<unsigned char>(h[k])));
  // auth-param := token "=" ( token | quoted-string ), comma-separated.
  for (;;) {
    skipSpace();
    while (i < h.size() && (h[i] == ',' || h[i] == ' ')) ++i;
    if (i >= h.size()) break;
    size_t ks = i;
    while (i < h.size() && h[i] != '=' && h[i] != ',' && h[i] != ' ') ++i;
    std::string key;
    for (size_t k = ks; k < i; ++k) key += char(std::tolower(static_cast<unsigned char>(h[k])));
    skipSpace();
    if (i >= h.size() || h[i] != '=') {
      // A second challenge ("Basic realm=..., Bearer ...") or token68: stop.
      break;
    }
    ++i;
    skipSpace();
    std::string value;
    if (i < h.size() && h[i] == '"') {
      ++i;
      while (i < h.size() && h[i] != '"') {
        if (h[i] == '\\' && i + 1 < h.size()) ++i;
        value += h[i++];
      }
      if (i >= h.size()) return std::nullopt;  // unterminated
      ++i;
    } else {
      while (i < h.size() && h[i] != ',' && h[i] != ' ') value += h[i++];
    }
    c.params[key] = value;
  }
  return c;
}

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8 | uint8_t(in[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (size_t rest = in.size() - i) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16 | (rest > 1 ? uint32_t(uint8_t(in[i + 1])) << 8 : 0);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += rest > 1 ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64Decode(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad) return std::nullopt;  // data after padding
    const char* p = c ? std::strchr(kB64, c) : nullptr;
    if (!p) return std::nullopt;
    acc = acc << 6 | uint32_t(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  if (pad > 2 || (in.size() % 4 != 0 && pad)) return std::nullopt;
  return out;
}

std::string configPath() {
  if (const char* w = std::getenv("WHARF_CONFIG"); w && *w) return w;
  if (const char* d = std::getenv("DOCKER_CONFIG"); d && *d) return std::string(d) + "/config.json";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/root") + "/.docker/config.json";
}

std::string normaliseRegistry(std::string_view t) {
  if (t.starts_with("https://"))
    t.remove_prefix(8);
  else if (t.starts_with("http://"))
    t.remove_prefix(7);
  if (size_t slash = t.find('/'); slash != std::string_view::npos) t = t.substr(0, slash);
  std::string s(t);
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (s.empty() || s == "index.docker.io" || s == "registry-1.docker.io" || s == "registry.hub.docker.com")
    return "docker.io";
  return s;
}

std::string configKey(std::string_view registry) {
  std::string r = normaliseRegistry(registry);
  return r == "docker.io" ? "https://index.docker.io/v1/" : r;
}

namespace {

Expected<nlohmann::json> readConfig(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    if (errno == ENOENT) return nlohmann::json::object();
    return makeError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::stringstream ss;
  ss << f.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return makeError(path + " is not a JSON object");
  return j;
}

Expected<void> writeConfig(const std::string& path, const nlohmann::json& j) {
  std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
  if (!dir.empty()) ::mkdir(dir.c_str(), 0700);
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return makeError("cannot write " + tmp + ": " + std::strerror(errno));
  std::string text = j.dump(1, '\t') + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return makeError("cannot write " + path + ": " + std::strerror(e));
  }
  return {};
}

// The key in `auths` (or credHelpers) that names the registry, in any of
// the spellings Docker has written over the years.
const nlohmann::json* findKey(const nlohmann::json& obj, std::string_view registry, std::string* keyOut) {
  if (!obj.is_object()) return nullptr;
  std::string want = normaliseRegistry(registry);
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (normaliseRegistry(it.key()) == want) {
      if (keyOut) *keyOut = it.key();
      return &*it;
    }
  return nullptr;
}

// Runs `docker-credential-HELPER ACTION` with `input` on stdin; its stdout.
Expected<std::string> runHelper(const std::string& helper, const char* action, const std::string& input,
                                int* status) {
  std::string prog = "docker-credential-" + helper;
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
    return makeError(std::string("cannot run ") + prog + ": " + std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  char* argv[] = {prog.data(), const_cast<char*>(action), nullptr};
  pid_t pid;
  int rc = ::posix_spawnp(&pid, prog.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    return makeError("cannot run credential helper " + prog + ": " + std::strerror(rc));
  }
  (void)!::write(in[1], input.data(), input.size());
  ::close(in[1]);
  std::string result;
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || result.size() > (1 << 20)) break;
    result.append(buf, size_t(n));
  }
  ::close(out[0]);
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
  return result;
}

std::string helperFor(const nlohmann::json& cfg, std::string_view registry) {
  if (auto helpers = cfg.find("credHelpers"); helpers != cfg.end())
    if (const nlohmann::json* h = findKey(*helpers, registry, nullptr); h && h->is_string()) return *h;
  if (auto s = cfg.find("credsStore"); s != cfg.end() && s->is_string()) return *s;
  return {};
}

std::string firstLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (size_t nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

}  // namespace

Expected<Credentials> loadCredentials(std::string_view registry, const std::string& path) {
  WHARF_TRY(cfg, readConfig(path));
  if (std::string helper = helperFor(cfg, registry); !helper.empty()) {
    int status = 0;
    WHARF_TRY(out, runHelper(helper, "get", configKey(registry), &status));
    if (status != 0) return Credentials{};  // "credentials not found in native keychain"
    auto j = nlohmann::json::parse(out, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return makeError("credential helper docker-credential-" + helper + " gave malformed output");
    return Credentials{j.value("Username", ""), j.value("Secret", "")};
  }
  const nlohmann::json* entry = nullptr;
  if (auto auths = cfg.find("auths"); auths != cfg.end()) entry = findKey(*auths, registry, nullptr);
  if (!entry || !entry->is_object()) return Credentials{};
  if (auto a = entry->find("auth"); a != entry->end() && a->is_string() && !a->get<std::string>().empty()) {
    auto decoded = base64Decode(a->get<std::string>());
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return makeError(path + ": malformed auth for " + std::string(registry));
    return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  }
  if (entry->contains("identitytoken") && (*entry)["identitytoken"].is_string())
    return Credentials{"<token>", (*entry)["identitytoken"]};
  return Credentials{};
}

Expected<void> storeCredentials(std::string_view registry, const Credentials& creds,
                                const std::string& path) {
  WHARF_TRY(cfg, readConfig(path));
  if (std::string helper = helperFor(cfg, registry); !helper.empty()) {
    nlohmann::json in = {
        {"ServerURL", configKey(registry)}, {"Username", creds.username}, {"Secret", creds.secret}};
    int status = 0;
    WHARF_TRY(out, runHelper(helper, "store", in.dump(), &status));
    if (status != 0) return makeError("docker-credential-" + helper + " store failed: " + firstLine(out));
    return {};
  }
  nlohmann::json& auths = cfg["auths"];
  if (!auths.is_object()) auths = nlohmann::json::object();
  std::string key = configKey(registry);
  findKey(auths, registry, &key);
  nlohmann::json& entry = auths[key];
  if (!entry.is_object()) entry = nlohmann::json::object();
  entry["auth"] = base64Encode(creds.username + ":" + creds.secret);
  return writeConfig(path, cfg);
}

Expected<bool> eraseCredentials(std::string_view registry, const std::string& path) {
  WHARF_TRY(cfg, readConfig(path));
  if (std::string helper = helperFor(cfg, registry); !helper.empty()) {
    int status = 0;
    WHARF_TRY(out, runHelper(helper, "erase", configKey(registry), &status));
    return status == 0;
  }
  auto auths = cfg.find("auths");
  std::string key;
  if (auths == cfg.end() || !findKey(*auths, registry, &key)) return false;
  auths->erase(key);
  WHARF_CHECK(writeConfig(path, cfg));
  return true;
}

}  // namespace wharf::registry
