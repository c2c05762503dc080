#include "oci/digest.h"

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <cstring>

namespace wharf::oci {

// The low-level SHA-256 functions, unlike EVP, need no provider set-up at
// the first call; they are deprecated in OpenSSL 3 only in favour of EVP.
static_assert(sizeof(SHA256_CTX) <= 128);

Sha256::Sha256() { SHA256_Init(reinterpret_cast<SHA256_CTX*>(state_)); }
Sha256::~Sha256() = default;

void Sha256::update(const void* data, size_t size) {
  SHA256_Update(reinterpret_cast<SHA256_CTX*>(state_), data, size);
}

std::string Sha256::hexDigest() {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_Final(md, reinterpret_cast<SHA256_CTX*>(state_));
  static const char kHex[] = "0123456789abcdef";
  std::string hex(2 * sizeof md, '0');
  for (size_t i = 0; i < sizeof md; ++i) {
    hex[2 * i] = kHex[md[i] >> 4];
    hex[2 * i + 1] = kHex[md[i] & 15];
  }
  return hex;
}

std::string sha256Hex(std::span<const uint8_t> bytes) {
  Sha256 h;
  h.update(bytes.data(), bytes.size());
  return h.hexDigest();
}

Expected<void> checkDigest(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return makeError("invalid digest \"" + std::string(digest) + "\" (expected sha256:<64 hex digits>)");
  if (digest.substr(0, colon) != "sha256")
    return makeError("unsupported digest algorithm \"" + std::string(digest.substr(0, colon)) + "\"");
  std::string_view hex = digest.substr(colon + 1);
  bool good = hex.size() == 64;
  for (char c : hex) good = good && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!good)
    return makeError("invalid digest \"" + std::string(digest) + "\" (expected sha256:<64 hex digits>)");
  return {};
}

}  // namespace wharf::oci
