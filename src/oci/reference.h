// Image references in Docker's syntax, normalised as Docker does:
//   hello              -> docker.io/library/hello:latest
//   user/app:v1        -> docker.io/user/app:v1
//   localhost:5000/a/b -> localhost:5000/a/b:latest
//   app@sha256:...     -> docker.io/library/app@sha256:... (no tag)
#pragma once

#include <string>
#include <string_view>

#include "common/expected.h"

namespace wharf::oci {

inline constexpr std::string_view kDockerHub = "docker.io";

struct Reference {
  std::string registry;    // "docker.io", "localhost:5000", "ghcr.io"
  std::string repository;  // "library/hello", "a/b"
  std::string tag;         // empty only when a digest is given
  std::string digest;      // "sha256:..." or empty

  std::string name() const { return registry + "/" + repository; }
  // The full normalised form, the name an image keeps in the store and in
  // saved archives (containerd's `io.containerd.image.name`).
  std::string str() const;
  // The short form Docker prints ("hello:latest", "localhost:5000/a/b:v1").
  std::string familiar() const;
  // Where to send API calls: Docker Hub's API host differs from its name.
  std::string apiHost() const { return registry == kDockerHub ? "registry-1.docker.io" : registry; }
};

Expected<Reference> parseReference(std::string_view text);

// The familiar form of a normalised repository name ("docker.io/library/x" -> "x").
std::string familiarName(std::string_view name);

}  // namespace wharf::oci
