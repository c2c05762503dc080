// Image layers: deterministic gzip tar layers for `wharf build`, and safe
// unpacking of layers into a rootfs directory.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/expected.h"

namespace wharf::oci {

struct LayerEntry {
  enum Kind { File, Dir, Symlink } kind = File;
  std::string path;           // inside the image, without a leading '/'
  std::vector<uint8_t> data;  // File
  std::string target;         // Symlink
  bool executable = false;
};

struct BuiltLayer {
  std::vector<uint8_t> gzip;  // the blob
  std::string diffId;         // digest of the uncompressed tar
};

// A tar of the entries, sorted by path, with their parent directories,
// owner 0:0, modes 0644/0755, timestamps `mtime`; gzip with a fixed header.
// The same entries always give the same bytes.
Expected<BuiltLayer> buildLayer(std::vector<LayerEntry> entries, int64_t mtime);

// Adds a host file or directory (recursively; symlinks kept as links) as
// entries under `guestPath`.
Expected<void> addHostPath(const std::string& hostPath, const std::string& guestPath,
                           std::vector<LayerEntry>& entries);

// Unpacks a tar layer (gzip, zstd or plain) over `dir`, applying OCI
// whiteouts. Entries that would leave `dir` (absolute paths, "..",
// through symlinks) and device nodes are refused.
Expected<void> unpackLayer(std::span<const uint8_t> blob, const std::string& dir);

// The sha256 digest of a layer's uncompressed contents (its diff_id).
Expected<std::string> layerDiffId(std::span<const uint8_t> blob);

}  // namespace wharf::oci
