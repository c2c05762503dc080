// Content digests ("sha256:<64 hex>"), the identity of every blob in an
// OCI store or registry.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/expected.h"

namespace wharf::oci {

// Incremental SHA-256 (OpenSSL's, linked statically: it costs nothing at
// process start, which `wharf run IMAGE` and the OCI runtime care about).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  std::string hexDigest();  // finishes; the object cannot be updated after
 private:
  alignas(16) unsigned char state_[128];
};

std::string sha256Hex(std::span<const uint8_t> bytes);
inline std::string sha256Digest(std::span<const uint8_t> bytes) { return "sha256:" + sha256Hex(bytes); }
inline std::string sha256Digest(std::string_view s) {
  return sha256Digest(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

// A digest this store can hold and verify: "sha256:" + 64 lowercase hex.
// (The OCI spec allows other algorithms; they are refused by name.)
Expected<void> checkDigest(std::string_view digest);
// The hex part of a valid digest.
inline std::string_view digestHex(std::string_view digest) { return digest.substr(7); }

}  // namespace wharf::oci
