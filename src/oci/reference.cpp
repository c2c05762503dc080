#include "oci/reference.h"

#include <cctype>

#include "oci/digest.h"

namespace wharf::oci {
namespace {

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
bool validPathComponent(std::string_view s) {
  if (s.empty() || !isLowerAlnum(s.front()) || !isLowerAlnum(s.back())) return false;
  for (size_t i = 0; i < s.size();) {
    if (isLowerAlnum(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    if (s[i] == '.') {
      j = i + 1;
    } else if (s[i] == '_') {
      j = i + 1;
      if (j < s.size() && s[j] == '_') ++j;
    } else if (s[i] == '-') {
      while (j < s.size() && s[j] == '-') ++j;
    } else {
      return false;
    }
    if (j >= s.size() || !isLowerAlnum(s[j])) return false;
    i = j;
  }
  return true;
}

// host := label ("." label)*, label := alnum ([alnum-]* alnum)?, then [":" port].
// Bracketed IPv6 literals are accepted as they are.
bool validDomain(std::string_view s) {
  std::string_view host = s, port;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return false;
    host = s.substr(0, close + 1);
    if (close + 1 < s.size()) {
      if (s[close + 1] != ':') return false;
      port = s.substr(close + 2);
      if (port.empty()) return false;
    }
  } else if (size_t colon = s.find(':'); colon != std::string_view::npos) {
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (port.empty()) return false;
  }
  for (char c : port)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  if (host.empty()) return false;
  if (host.front() == '[') return host.size() > 2;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view label =
        host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || !std::isalnum(static_cast<unsigned char>(label.front())) ||
        !std::isalnum(static_cast<unsigned char>(label.back())))
      return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

// tag := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
bool validTag(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(s.front())) return false;
  for (char c : s)
    if (!word(c) && c != '.' && c != '-') return false;
  return true;
}

}  // namespace

std::string Reference::str() const {
  std::string s = name();
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

std::string familiarName(std::string_view name) {
  std::string prefix = std::string(kDockerHub) + "/";
  if (name.substr(0, prefix.size()) != prefix) return std::string(name);
  name.remove_prefix(prefix.size());
  if (name.substr(0, 8) == "library/" && name.find('/', 8) == std::string_view::npos) name.remove_prefix(8);
  return std::string(name);
}

std::string Reference::familiar() const {
  std::string s = familiarName(name());
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

Expected<Reference> parseReference(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return makeError("invalid reference \"" + std::string(text) + "\": " + why);
  };
  if (text.empty()) return bad("empty");
  Reference ref;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    if (auto ok = checkDigest(ref.digest); !ok) return bad(ok.error().message);
    rest = rest.substr(0, at);
  }
  // A tag follows the last ':' after the last '/' (a ':' before it is a port).
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    if (!validTag(ref.tag)) return bad("invalid tag \"" + ref.tag + "\"");
    rest = rest.substr(0, colon);
  }
  // The first component names a registry if it looks like a host.
  size_t first = rest.find('/');
  std::string_view path = rest;
  if (first != std::string_view::npos) {
    std::string_view head = rest.substr(0, first);
    bool hasUpper = false;
    for (char c : head) hasUpper = hasUpper || std::isupper(static_cast<unsigned char>(c));
    if (head.find_first_of(".:") != std::string_view::npos || head == "localhost" || hasUpper ||
        head.front() == '[') {
      if (!validDomain(head)) return bad("invalid registry \"" + std::string(head) + "\"");
      ref.registry = std::string(head);
      path = rest.substr(first + 1);
    }
  }
  if (ref.registry.empty() || ref.registry == "index.docker.io") ref.registry = std::string(kDockerHub);
  if (path.empty()) return bad("no repository name");
  for (size_t start = 0;;) {
    size_t end = path.find('/', start);
    std::string_view comp =
        path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!validPathComponent(comp)) {
      bool upper = false;
      for (char c : comp) upper = upper || std::isupper(static_cast<unsigned char>(c));
      return bad(upper ? "repository names must be lowercase"
                       : "invalid repository name component \"" + std::string(comp) + "\"");
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  ref.repository = std::string(path);
  if (ref.registry == kDockerHub && ref.repository.find('/') == std::string::npos)
    ref.repository = "library/" + ref.repository;
  if (ref.name().size() > 255) return bad("name longer than 255 characters");
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace wharf::oci
