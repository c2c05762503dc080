// Image documents and references from registries and archives are
// untrusted: parsing never crashes, and what parses round-trips. The first
// byte picks the parser; the rest is its input. Layers (mode 4) are
// unpacked into a temp directory, which must hold everything they made.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "fuzz_check.h"
#include "oci/image.h"
#include "oci/layer.h"
#include "oci/media.h"
#include "oci/reference.h"

using namespace wharf;
using namespace wharf::oci;

namespace {

void checkDescriptorRoundTrip(const Descriptor& d) {
  auto again = parseDescriptor(nlohmann::json::parse(d.toJson().dump()), "fuzz");
  FUZZ_CHECK(again.ok(), "descriptor %s does not parse again", d.digest.c_str());
  FUZZ_CHECK(again->digest == d.digest && again->size == d.size && again->mediaType == d.mediaType &&
                 again->annotations == d.annotations && again->platform == d.platform,
             "descriptor %s changed in a round trip", d.digest.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::span<const uint8_t> in(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto m = parseManifest(in);
      if (!m.ok()) break;
      checkDescriptorRoundTrip(m->config);
      for (const Descriptor& l : m->layers) checkDescriptorRoundTrip(l);
      auto children = childDescriptors(media::kOciManifest, in);
      FUZZ_CHECK(children.ok() && children->size() == m->layers.size() + 1, "children of a manifest");
      break;
    }
    case 1: {
      auto idx = parseIndex(in);
      if (!idx.ok()) break;
      for (const Descriptor& d : idx->manifests) checkDescriptorRoundTrip(d);
      if (const Descriptor* w = chooseWasmPlatform(*idx))
        FUZZ_CHECK(w->platform.has_value(), "platformless choice");
      break;
    }
    case 2: {
      (void)parseConfig(media::kOciConfig, in);
      (void)parseConfig(media::kWasmConfig, in);
      break;
    }
    case 3: {
      std::string text(in.begin(), in.end());
      auto ref = parseReference(text);
      if (!ref.ok()) break;
      auto again = parseReference(ref->str());
      FUZZ_CHECK(again.ok(), "\"%s\" normalised to \"%s\", which does not parse", text.c_str(),
                 ref->str().c_str());
      FUZZ_CHECK(again->str() == ref->str(), "normalising \"%s\" is not idempotent", text.c_str());
      auto familiar = parseReference(ref->familiar());
      FUZZ_CHECK(familiar.ok() && familiar->str() == ref->str(), "familiar form of \"%s\"", text.c_str());
      break;
    }
    case 4: {
      char tmpl[] = "/tmp/wharf-fuzz-oci-XXXXXX";
      if (!::mkdtemp(tmpl)) break;
      std::string root = std::string(tmpl) + "/root";
      std::filesystem::create_directory(root);
      std::string canary = std::string(tmpl) + "/outside";
      (void)unpackLayer(in, root);
      FUZZ_CHECK(!std::filesystem::exists(canary), "a layer wrote outside its root");
      size_t entries = 0;
      for (auto it = std::filesystem::directory_iterator(tmpl); it != std::filesystem::directory_iterator();
           ++it)
        ++entries;
      FUZZ_CHECK(entries == 1, "a layer created files beside its root");
      std::filesystem::remove_all(tmpl);
      break;
    }
  }
  return 0;
}
