#include "oci/build.h"

#include <cstdlib>
#include <ctime>

#include "oci/digest.h"
#include "oci/layer.h"
#include "oci/media.h"
#include "oci/runnable.h"

namespace wharf::oci {
namespace {

using ojson = nlohmann::ordered_json;

std::string rfc3339(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm;
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string baseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Expected<Descriptor> put(Store& store, std::string_view mediaType, const std::vector<uint8_t>& bytes) {
  WHARF_TRY(digest, store.putBlob(bytes));
  Descriptor d;
  d.mediaType = std::string(mediaType);
  d.digest = digest;
  d.size = static_cast<int64_t>(bytes.size());
  return d;
}

Expected<Descriptor> putManifest(Store& store, const Descriptor& config,
                                 const std::vector<Descriptor>& layers) {
  ojson m;
  m["schemaVersion"] = 2;
  m["mediaType"] = media::kOciManifest;
  m["config"] = config.toJson();
  m["layers"] = ojson::array();
  for (const Descriptor& l : layers) m["layers"].push_back(l.toJson());
  return put(store, media::kOciManifest, jsonBytes(m));
}

}  // namespace

int64_t buildTimestamp() {
  if (const char* s = std::getenv("SOURCE_DATE_EPOCH"); s && *s) {
    char* end;
    long long v = std::strtoll(s, &end, 10);
    if (*end == 0 && v >= 0) return v;
  }
  return 0;
}

Expected<BuildResult> buildImage(Store& store, const BuildSpec& spec) {
  WHARF_TRY(writing, store.lockForWriting());
  std::vector<LayerEntry> entries;
  WHARF_TRY(moduleEntries, [&]() -> Expected<std::vector<LayerEntry>> {
    std::vector<LayerEntry> e;
    WHARF_CHECK(addHostPath(spec.modulePath, baseName(spec.modulePath), e));
    return e;
  }());
  if (moduleEntries.size() != 1 || moduleEntries[0].kind != LayerEntry::File)
    return makeError(spec.modulePath + " is not a file");
  const std::vector<uint8_t>& module = moduleEntries[0].data;
  if (module.size() < 8 ||
      std::string_view(reinterpret_cast<const char*>(module.data()), 4) != std::string_view("\0asm", 4))
    return makeError(spec.modulePath + " is not a WebAssembly binary module (no \\0asm header)");
  std::string modulePathInImage = "/" + baseName(spec.modulePath);
  int64_t now = buildTimestamp();
  BuildResult result;

  if (spec.artifact) {
    if (!spec.adds.empty() || !spec.env.empty() || !spec.entrypoint.empty() || !spec.cmd.empty() ||
        !spec.workdir.empty() || !spec.labels.empty() || spec.linuxCompat)
      return makeError(
          "--artifact images hold one module and nothing else (no --add, --env, --entrypoint, --cmd, "
          "--workdir, --label or --linux-compat)");
    WHARF_TRY(layer, put(store, media::kWasmLayer, module));
    ojson config;
    config["created"] = rfc3339(now);
    config["architecture"] = "wasm";
    config["os"] = "wasip1";
    config["layerDigests"] = ojson::array({layer.digest});
    WHARF_TRY(configDesc, put(store, media::kWasmConfig, jsonBytes(config)));
    WHARF_TRY(manifest, putManifest(store, configDesc, {layer}));
    result.target = manifest;
    result.totalSize = manifest.size + configDesc.size + layer.size;
    WHARF_CHECK(store.setName(spec.name, result.target));
    return result;
  }

  entries.push_back(std::move(moduleEntries[0]));
  for (const auto& [host, guest] : spec.adds) WHARF_CHECK(addHostPath(host, guest, entries));
  WHARF_TRY(layer, buildLayer(std::move(entries), now));
  WHARF_TRY(layerDesc, put(store, media::kOciLayerGzip, layer.gzip));

  auto configFor = [&](const Platform& p) -> ojson {
    ojson c;
    c["created"] = rfc3339(now);
    c["architecture"] = p.architecture;
    c["os"] = p.os;
    if (!p.variant.empty()) c["variant"] = p.variant;
    ojson cfg = ojson::object();
    cfg["Entrypoint"] =
        spec.entrypoint.empty() ? std::vector<std::string>{modulePathInImage} : spec.entrypoint;
    if (!spec.cmd.empty()) cfg["Cmd"] = spec.cmd;
    if (!spec.env.empty()) cfg["Env"] = spec.env;
    cfg["WorkingDir"] = spec.workdir.empty() ? "/" : spec.workdir;
    if (!spec.labels.empty()) {
      ojson labels = ojson::object();
      for (const auto& [k, v] : spec.labels) labels[k] = v;
      cfg["Labels"] = labels;
    }
    c["config"] = cfg;
    c["rootfs"]["type"] = "layers";
    c["rootfs"]["diff_ids"] = ojson::array({layer.diffId});
    c["history"] = ojson::array({ojson{{"created", rfc3339(now)}, {"created_by", "wharf build"}}});
    return c;
  };

  std::vector<Platform> platforms = {{"wasip1", "wasm", ""}};
  if (spec.linuxCompat) {
    platforms.push_back({"linux", "amd64", ""});
    platforms.push_back({"linux", "arm64", "v8"});
  }
  result.totalSize = layerDesc.size;
  std::vector<Descriptor> manifests;
  for (const Platform& p : platforms) {
    WHARF_TRY(configDesc, put(store, media::kOciConfig, jsonBytes(configFor(p))));
    WHARF_TRY(manifest, putManifest(store, configDesc, {layerDesc}));
    manifest.platform = p;
    result.totalSize += configDesc.size + manifest.size;
    manifests.push_back(manifest);
  }
  if (manifests.size() == 1) {
    result.target = manifests[0];
    result.target.platform.reset();
  } else {
    ojson idx;
    idx["schemaVersion"] = 2;
    idx["mediaType"] = media::kOciIndex;
    idx["manifests"] = ojson::array();
    for (const Descriptor& m : manifests) idx["manifests"].push_back(m.toJson());
    WHARF_TRY(index, put(store, media::kOciIndex, jsonBytes(idx)));
    result.target = index;
    result.totalSize += index.size;
  }
  WHARF_CHECK(store.setName(spec.name, result.target));
  // Unpack now, so that the first run is as fast as every other.
  WHARF_TRY(unpacked, ensureRootfs(store, manifests[0]));
  (void)unpacked;
  return result;
}

}  // namespace wharf::oci
