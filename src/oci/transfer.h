// `wharf save` / `wharf load`: images as one tar that OCI tools and Docker
// read. The tar is an OCI image layout (oci-layout, index.json, blobs/)
// whose index.json names each image in full (io.containerd.image.name, as
// `ctr images import` reads it; org.opencontainers.image.ref.name is the
// tag, as skopeo's oci-archive: reads it), plus Docker's manifest.json so
// that `docker load` takes it too.
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"
#include "oci/store.h"

namespace wharf::oci {

// `images`: names or IDs, as findImage accepts them.
Expected<void> saveImages(const Store& store, const std::vector<std::string>& images,
                          const std::string& tarPath);

struct LoadedImage {
  std::string name;  // empty if the archive gave it no name
  Descriptor target;
};
Expected<std::vector<LoadedImage>> loadImages(Store& store, const std::string& tarPath);

}  // namespace wharf::oci
