// Media types of the OCI image spec, Docker's schema 2 and the CNCF Wasm
// artifact, in one place.
#pragma once

#include <string_view>

namespace wharf::oci::media {

inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayerTar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
// The CNCF Wasm OCI artifact (cncf/tag-runtime wasm-oci-artifact).
inline constexpr std::string_view kWasmConfig = "application/vnd.wasm.config.v0+json";
inline constexpr std::string_view kWasmLayer = "application/wasm";
// runwasi's name for a component layer inside an ordinary OCI image.
inline constexpr std::string_view kWasmComponentLayer =
    "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm";

inline bool isManifest(std::string_view t) { return t == kOciManifest || t == kDockerManifest; }
inline bool isIndex(std::string_view t) { return t == kOciIndex || t == kDockerList; }
inline bool isTarLayer(std::string_view t) {
  return t == kOciLayerTar || t == kOciLayerGzip || t == kDockerLayerGzip ||
         t == "application/vnd.docker.image.rootfs.diff.tar";
}
inline bool isWasmLayer(std::string_view t) { return t == kWasmLayer || t == kWasmComponentLayer; }

}  // namespace wharf::oci::media
