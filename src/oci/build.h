// `wharf build`: a Wasm module (and files) into an image in the store.
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"
#include "oci/image.h"
#include "oci/store.h"

namespace wharf::oci {

struct BuildSpec {
  std::string name;                     // normalised reference to tag the result with
  std::string modulePath;               // host path of the module
  std::vector<std::string> entrypoint;  // default: the module's path in the image
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // "K=V"
  std::string workdir;
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::pair<std::string, std::string>> adds;  // host path, image path
  bool artifact = false;                                  // the CNCF Wasm artifact instead of an OCI image
  bool linuxCompat = false;  // an index with linux/amd64 and linux/arm64 entries too
};

struct BuildResult {
  Descriptor target;      // what the name points at (a manifest or an index)
  int64_t totalSize = 0;  // every blob of the image, once
};

// The timestamp written into images: $SOURCE_DATE_EPOCH if set, else 0,
// so that the same inputs give the same digest.
int64_t buildTimestamp();

Expected<BuildResult> buildImage(Store& store, const BuildSpec& spec);

}  // namespace wharf::oci
