// Pull and push of images over the OCI distribution API, between a
// registry and the local store. Everything fetched is verified against its
// digest before the store names it; a failed pull leaves the store as it
// was (a partial blob in tmp/, kept so that the next pull resumes it).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/expected.h"
#include "oci/image.h"
#include "oci/reference.h"
#include "oci/store.h"
#include "registry/http.h"

namespace wharf::registry {

struct TransferOptions {
  ConnectOptions connect;
  // Blobs larger than this go up in chunks of this size (PATCH with
  // Content-Range); smaller ones in one PUT. 0: always one PUT.
  int64_t chunkSize = int64_t{8} << 20;
  // One line per step ("sha256:ab12…: already exists"), for a terminal or a log.
  std::function<void(const std::string&)> status;
};

struct PullResult {
  std::string name;  // the full reference it is stored under ("" for a digest pull)
  oci::Descriptor target;
  bool changed = false;  // the name now points somewhere new
};

// Fetches the manifest (or index) `ref` names and every blob the Wasm image
// under it needs, then names it in the store.
Expected<PullResult> pull(oci::Store& store, const oci::Reference& ref, const TransferOptions& opts);

// Sends `target` (a manifest or an index, with the blobs it reaches that
// the store has) to the repository and tag of `dest`. Blobs the registry
// already has are not sent; blobs another repository of the same registry
// has (known from the store's names) are mounted. Returns the digest the
// registry now serves.
Expected<std::string> push(const oci::Store& store, const oci::Descriptor& target, const oci::Reference& dest,
                           const TransferOptions& opts);

// The credentials for a registry: config.json (or its credential helper).
Expected<Credentials> credentialsFor(const std::string& registry);

}  // namespace wharf::registry
