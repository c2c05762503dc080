// Registry authentication: WWW-Authenticate challenges, and credentials as
// Docker keeps them (config.json `auths`, `credsStore`, `credHelpers`), so
// `docker login` and `wharf login` share them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/expected.h"

namespace wharf::registry {

struct Challenge {
  std::string scheme;                         // "bearer" or "basic" (lowercased)
  std::map<std::string, std::string> params;  // realm, service, scope, ...
};
// The first challenge of a WWW-Authenticate value
// (`Bearer realm="https://auth",service="reg",scope="repository:a:pull"`).
std::optional<Challenge> parseChallenge(std::string_view header);

std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);

struct Credentials {
  std::string username, secret;
  bool empty() const { return username.empty() && secret.empty(); }
};

// $WHARF_CONFIG, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
std::string configPath();
// The key of a registry in config.json: Docker Hub is "https://index.docker.io/v1/".
std::string configKey(std::string_view registry);
// "https://index.docker.io/v1/", "registry-1.docker.io", "http://h:5000/v2/" -> the registry's name.
std::string normaliseRegistry(std::string_view text);

// The stored credentials for `registry` (none: empty), from `auths` or the
// credential helper config.json names for it.
Expected<Credentials> loadCredentials(std::string_view registry, const std::string& path = configPath());
// Stores (or, with empty credentials, removes) them, keeping every other
// key of config.json; written atomically with mode 0600. Returns false from
// erase when there was nothing to remove.
Expected<void> storeCredentials(std::string_view registry, const Credentials& creds,
                                const std::string& path = configPath());
Expected<bool> eraseCredentials(std::string_view registry, const std::string& path = configPath());

}  // namespace wharf::registry
