// From a name in the store to what a guest needs to run: the module's
// bytes, its argv and environment, and the image's files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "oci/image.h"
#include "oci/store.h"

namespace wharf::oci {

struct ResolvedImage {
  std::string name;         // the name it was found under (empty if found by digest)
  Descriptor target;        // what the name points at
  Descriptor manifestDesc;  // the Wasm manifest (chosen from an index if need be)
  Manifest manifest;
  ImageConfig config;
};

// Finds an image by name ("hello", "localhost:5000/a:v1"), by digest or by
// an ID prefix of at least 4 hex digits as `wharf images` prints it.
Expected<ResolvedImage> findImage(const Store& store, const std::string& text);
// The Wasm manifest and config under a manifest or index descriptor.
Expected<ResolvedImage> resolveTarget(const Store& store, const Descriptor& target);

// The unpacked files of a manifest's tar layers (each layer verified
// against its digest and its diff_id), unpacked once; the directory.
Expected<std::string> ensureRootfs(Store& store, const Descriptor& manifestDesc);

struct RunnableImage {
  std::vector<uint8_t> module;
  std::string argv0;   // the module's path in the image
  std::string invoke;  // an export named by "path#export", else empty
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string rootfs;  // the image's files, or empty (a Wasm artifact)
  std::string workdir;
  FileLock rootfsInUse;  // keeps prune away while the guest runs
};

// `args`: replaces the image's Cmd (as `docker run IMAGE ARGS...` does).
Expected<RunnableImage> prepareRun(Store& store, const ResolvedImage& image,
                                   const std::optional<std::vector<std::string>>& args);

}  // namespace wharf::oci
