#include "oci/image.h"

#include "oci/digest.h"
#include "oci/media.h"

namespace wharf::oci {
namespace {

using json = nlohmann::json;

Expected<json> parseJson(std::span<const uint8_t> bytes, const char* what) {
  json j = json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return makeError(std::string("malformed ") + what + ": not valid JSON");
  if (!j.is_object()) return makeError(std::string("malformed ") + what + ": not a JSON object");
  return j;
}

Expected<std::string> optString(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string()) return makeError("malformed " + where + ": \"" + key + "\" is not a string");
  return it->get<std::string>();
}

Expected<std::vector<std::string>> optStrings(const json& j, const char* key, const std::string& where) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array())
    return makeError("malformed " + where + ": \"" + key + "\" is not an array of strings");
  for (const json& e : *it) {
    if (!e.is_string())
      return makeError("malformed " + where + ": \"" + key + "\" is not an array of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

Expected<std::map<std::string, std::string>> optStringMap(const json& j, const char* key,
                                                          const std::string& where) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object())
    return makeError("malformed " + where + ": \"" + key + "\" is not an object of strings");
  for (auto& [k, v] : it->items()) {
    if (!v.is_string())
      return makeError("malformed " + where + ": \"" + key + "\" is not an object of strings");
    out[k] = v.get<std::string>();
  }
  return out;
}

}  // namespace

nlohmann::ordered_json Descriptor::toJson() const {
  nlohmann::ordered_json j;
  j["mediaType"] = mediaType;
  j["digest"] = digest;
  j["size"] = size;
  if (!artifactType.empty()) j["artifactType"] = artifactType;
  if (!annotations.empty()) j["annotations"] = annotations;
  if (platform) {
    j["platform"]["architecture"] = platform->architecture;
    j["platform"]["os"] = platform->os;
    if (!platform->variant.empty()) j["platform"]["variant"] = platform->variant;
  }
  return j;
}

Expected<Descriptor> parseDescriptor(const json& j, const std::string& where) {
  if (!j.is_object()) return makeError("malformed " + where + ": a descriptor is not an object");
  Descriptor d;
  WHARF_TRY(mediaType, optString(j, "mediaType", where));
  WHARF_TRY(digest, optString(j, "digest", where));
  d.mediaType = mediaType;
  d.digest = digest;
  if (d.mediaType.empty()) return makeError("malformed " + where + ": a descriptor has no mediaType");
  if (auto ok = checkDigest(d.digest); !ok)
    return makeError("malformed " + where + ": " + ok.error().message);
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_integer() || size->get<int64_t>() < 0)
    return makeError("malformed " + where + ": descriptor " + d.digest + " has no valid size");
  d.size = size->get<int64_t>();
  WHARF_TRY(annotations, optStringMap(j, "annotations", where));
  d.annotations = std::move(annotations);
  WHARF_TRY(artifactType, optString(j, "artifactType", where));
  d.artifactType = artifactType;
  if (auto p = j.find("platform"); p != j.end() && !p->is_null()) {
    if (!p->is_object()) return makeError("malformed " + where + ": \"platform\" is not an object");
    Platform plat;
    WHARF_TRY(os, optString(*p, "os", where));
    WHARF_TRY(arch, optString(*p, "architecture", where));
    WHARF_TRY(variant, optString(*p, "variant", where));
    plat.os = os;
    plat.architecture = arch;
    plat.variant = variant;
    d.platform = plat;
  }
  return d;
}

Expected<Manifest> parseManifest(std::span<const uint8_t> bytes) {
  const std::string where = "image manifest";
  WHARF_TRY(j, parseJson(bytes, "image manifest"));
  Manifest m;
  if (auto v = j.find("schemaVersion"); v == j.end() || !v->is_number_integer() || v->get<int>() != 2)
    return makeError("malformed image manifest: schemaVersion is not 2");
  WHARF_TRY(mediaType, optString(j, "mediaType", where));
  m.mediaType = mediaType.empty() ? std::string(media::kOciManifest) : mediaType;
  if (!media::isManifest(m.mediaType))
    return makeError("malformed image manifest: unexpected mediaType \"" + m.mediaType + "\"");
  WHARF_TRY(artifactType, optString(j, "artifactType", where));
  m.artifactType = artifactType;
  auto config = j.find("config");
  if (config == j.end()) return makeError("malformed image manifest: no config");
  WHARF_TRY(configDesc, parseDescriptor(*config, where));
  m.config = std::move(configDesc);
  auto layers = j.find("layers");
  if (layers == j.end() || !layers->is_array()) return makeError("malformed image manifest: no layers array");
  for (const json& l : *layers) {
    WHARF_TRY(layer, parseDescriptor(l, where));
    m.layers.push_back(std::move(layer));
  }
  WHARF_TRY(annotations, optStringMap(j, "annotations", where));
  m.annotations = std::move(annotations);
  return m;
}

Expected<Index> parseIndex(std::span<const uint8_t> bytes) {
  const std::string where = "image index";
  WHARF_TRY(j, parseJson(bytes, "image index"));
  Index idx;
  if (auto v = j.find("schemaVersion"); v == j.end() || !v->is_number_integer() || v->get<int>() != 2)
    return makeError("malformed image index: schemaVersion is not 2");
  WHARF_TRY(mediaType, optString(j, "mediaType", where));
  idx.mediaType = mediaType.empty() ? std::string(media::kOciIndex) : mediaType;
  if (!media::isIndex(idx.mediaType))
    return makeError("malformed image index: unexpected mediaType \"" + idx.mediaType + "\"");
  auto manifests = j.find("manifests");
  if (manifests == j.end() || !manifests->is_array())
    return makeError("malformed image index: no manifests array");
  for (const json& m : *manifests) {
    WHARF_TRY(desc, parseDescriptor(m, where));
    idx.manifests.push_back(std::move(desc));
  }
  WHARF_TRY(annotations, optStringMap(j, "annotations", where));
  idx.annotations = std::move(annotations);
  return idx;
}

Expected<ImageConfig> parseConfig(std::string_view mediaType, std::span<const uint8_t> bytes) {
  const std::string where = "image config";
  WHARF_TRY(j, parseJson(bytes, "image config"));
  ImageConfig c;
  WHARF_TRY(os, optString(j, "os", where));
  WHARF_TRY(arch, optString(j, "architecture", where));
  WHARF_TRY(variant, optString(j, "variant", where));
  WHARF_TRY(created, optString(j, "created", where));
  c.platform = {os, arch, variant};
  c.created = created;
  if (mediaType == media::kWasmConfig) {
    c.wasmArtifact = true;
    WHARF_TRY(layerDigests, optStrings(j, "layerDigests", where));
    c.layerDigests = std::move(layerDigests);
    return c;
  }
  if (auto cfg = j.find("config"); cfg != j.end() && !cfg->is_null()) {
    if (!cfg->is_object()) return makeError("malformed image config: \"config\" is not an object");
    WHARF_TRY(entrypoint, optStrings(*cfg, "Entrypoint", where));
    WHARF_TRY(cmd, optStrings(*cfg, "Cmd", where));
    WHARF_TRY(env, optStrings(*cfg, "Env", where));
    WHARF_TRY(workingDir, optString(*cfg, "WorkingDir", where));
    WHARF_TRY(labels, optStringMap(*cfg, "Labels", where));
    c.entrypoint = std::move(entrypoint);
    c.cmd = std::move(cmd);
    c.env = std::move(env);
    c.workingDir = workingDir;
    c.labels = std::move(labels);
  }
  if (auto rootfs = j.find("rootfs"); rootfs != j.end() && rootfs->is_object()) {
    WHARF_TRY(diffIds, optStrings(*rootfs, "diff_ids", where));
    c.diffIds = std::move(diffIds);
  }
  return c;
}

Expected<std::vector<Descriptor>> childDescriptors(std::string_view mediaType,
                                                   std::span<const uint8_t> bytes) {
  std::vector<Descriptor> out;
  if (media::isManifest(mediaType)) {
    WHARF_TRY(m, parseManifest(bytes));
    out.push_back(m.config);
    for (Descriptor& l : m.layers) out.push_back(std::move(l));
  } else if (media::isIndex(mediaType)) {
    WHARF_TRY(idx, parseIndex(bytes));
    out = std::move(idx.manifests);
  }
  return out;
}

const Descriptor* chooseWasmPlatform(const Index& index) {
  static const Platform kPreferred[] = {{"wasip1", "wasm", ""}, {"wasi", "wasm", ""}, {"wasi", "wasm32", ""}};
  for (const Platform& want : kPreferred)
    for (const Descriptor& d : index.manifests)
      if (d.platform && d.platform->os == want.os && d.platform->architecture == want.architecture) return &d;
  return nullptr;
}

std::vector<uint8_t> jsonBytes(const nlohmann::ordered_json& j) {
  std::string s = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return std::vector<uint8_t>(s.begin(), s.end());
}

}  // namespace wharf::oci
