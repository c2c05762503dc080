// The OCI image documents (descriptor, manifest, index, config) and the
// CNCF Wasm artifact's config, parsed strictly: a malformed document is one
// clear error naming what is wrong, never a partial image.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/expected.h"

namespace wharf::oci {

struct Platform {
  std::string os, architecture, variant;
  bool operator==(const Platform&) const = default;
  std::string str() const { return os + "/" + architecture + (variant.empty() ? "" : "/" + variant); }
};

struct Descriptor {
  std::string mediaType;
  std::string digest;
  int64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
  std::string artifactType;

  nlohmann::ordered_json toJson() const;
};

struct Manifest {
  std::string mediaType;  // the manifest's own type
  std::string artifactType;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
};

struct Index {
  std::string mediaType;
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
};

// What an image asks for when it runs (OCI config's `config` object, or
// the defaults of a Wasm artifact).
struct ImageConfig {
  Platform platform;
  std::vector<std::string> entrypoint, cmd, env;
  std::string workingDir;
  std::map<std::string, std::string> labels;
  std::vector<std::string> diffIds;       // OCI config rootfs.diff_ids
  std::vector<std::string> layerDigests;  // Wasm artifact config
  std::string created;
  bool wasmArtifact = false;
};

// Annotation keys for an image's name in an index.json.
inline constexpr const char* kAnnotationImageName = "io.containerd.image.name";
inline constexpr const char* kAnnotationRefName = "org.opencontainers.image.ref.name";

Expected<Descriptor> parseDescriptor(const nlohmann::json& j, const std::string& where);
Expected<Manifest> parseManifest(std::span<const uint8_t> bytes);
Expected<Index> parseIndex(std::span<const uint8_t> bytes);
Expected<ImageConfig> parseConfig(std::string_view mediaType, std::span<const uint8_t> bytes);

// The blobs a manifest or index refers to directly (config + layers, or its
// manifests). Other media types have none.
Expected<std::vector<Descriptor>> childDescriptors(std::string_view mediaType,
                                                   std::span<const uint8_t> bytes);

// Chooses the Wasm entry of an index: os wasip1/wasm, then wasi/wasm and
// wasi/wasm32 (the names earlier tools used). Null when there is none.
const Descriptor* chooseWasmPlatform(const Index& index);

// Bytes of a JSON document as written into a blob: compact, keys in the
// order given, so the same document always has the same digest.
std::vector<uint8_t> jsonBytes(const nlohmann::ordered_json& j);

}  // namespace wharf::oci
