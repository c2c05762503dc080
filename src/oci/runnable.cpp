#include "oci/runnable.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "oci/digest.h"
#include "oci/layer.h"
#include "oci/media.h"
#include "oci/reference.h"

namespace wharf::oci {
namespace {

constexpr int64_t kMaxDocument = 4 << 20;  // manifests, indexes and configs

bool isHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return !s.empty();
}

}  // namespace

Expected<ResolvedImage> resolveTarget(const Store& store, const Descriptor& target) {
  ResolvedImage r;
  r.target = target;
  Descriptor manifestDesc = target;
  if (media::isIndex(target.mediaType)) {
    if (target.size > kMaxDocument) return makeError("image index " + target.digest + " is too large");
    WHARF_TRY(bytes, store.readBlob(target));
    WHARF_TRY(index, parseIndex(bytes));
    const Descriptor* chosen = chooseWasmPlatform(index);
    if (!chosen) {
      std::string platforms;
      for (const Descriptor& d : index.manifests)
        if (d.platform) platforms += (platforms.empty() ? "" : ", ") + d.platform->str();
      return makeError("image has no wasip1/wasm manifest (it offers " +
                       (platforms.empty() ? std::string("no platforms") : platforms) + ")");
    }
    manifestDesc = *chosen;
  }
  if (!media::isManifest(manifestDesc.mediaType))
    return makeError("unsupported image media type \"" + manifestDesc.mediaType + "\"");
  if (manifestDesc.size > kMaxDocument)
    return makeError("image manifest " + manifestDesc.digest + " is too large");
  WHARF_TRY(mbytes, store.readBlob(manifestDesc));
  WHARF_TRY(manifest, parseManifest(mbytes));
  if (manifest.config.size > kMaxDocument)
    return makeError("image config " + manifest.config.digest + " is too large");
  WHARF_TRY(cbytes, store.readBlob(manifest.config));
  WHARF_TRY(config, parseConfig(manifest.config.mediaType, cbytes));
  if (config.wasmArtifact && manifest.layers.size() != 1)
    return makeError("malformed Wasm artifact: " + std::to_string(manifest.layers.size()) +
                     " layers (the format allows exactly one)");
  if (!config.wasmArtifact && !config.diffIds.empty()) {
    size_t tarLayers = 0;
    for (const Descriptor& l : manifest.layers) tarLayers += media::isTarLayer(l.mediaType);
    if (tarLayers != config.diffIds.size() && tarLayers == manifest.layers.size())
      return makeError("malformed image: " + std::to_string(manifest.layers.size()) + " layers but " +
                       std::to_string(config.diffIds.size()) + " diff_ids in its config");
  }
  r.manifestDesc = manifestDesc;
  r.manifest = std::move(manifest);
  r.config = std::move(config);
  return r;
}

Expected<ResolvedImage> findImage(const Store& store, const std::string& text) {
  std::vector<NamedImage> images = store.images();
  std::string hex = text.starts_with("sha256:") ? text.substr(7) : text;
  if (auto ref = parseReference(text); ref) {
    if (ref->digest.empty()) {
      for (const NamedImage& img : images)
        if (img.name == ref->str()) {
          WHARF_TRY(r, resolveTarget(store, img.target));
          r.name = img.name;
          return r;
        }
    } else {
      for (const NamedImage& img : images)
        if (img.target.digest == ref->digest &&
            (ref->tag.empty() || img.name == ref->name() + ":" + ref->tag)) {
          WHARF_TRY(r, resolveTarget(store, img.target));
          r.name = img.name;
          return r;
        }
    }
  }
  // An ID prefix.
  if (hex.size() >= 4 && hex.size() <= 64 && isHex(hex)) {
    const NamedImage* found = nullptr;
    for (const NamedImage& img : images)
      if (digestHex(img.target.digest).substr(0, hex.size()) == hex) {
        if (found && found->target.digest != img.target.digest)
          return makeError("image ID " + text + " is ambiguous (it matches several images)");
        found = &img;
      }
    if (found) {
      WHARF_TRY(r, resolveTarget(store, found->target));
      r.name = found->name;
      return r;
    }
  }
  if (auto ref = parseReference(text); !ref && !(hex.size() >= 4 && isHex(hex))) return ref.takeError();
  return makeError("no such image: " + text);
}

Expected<std::string> ensureRootfs(Store& store, const Descriptor& manifestDesc) {
  std::string dir = store.rootfsPath(manifestDesc.digest);
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return dir;
  WHARF_TRY(writing, store.lockForWriting());
  WHARF_TRY(r, resolveTarget(store, manifestDesc));
  static std::atomic<uint64_t> counter{0};
  std::string tmp =
      store.tmpDir() + "/rootfs-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  if (::mkdir(tmp.c_str(), 0755) != 0) return makeError("cannot create " + tmp + ": " + std::strerror(errno));
  auto cleanup = [&] {
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
  };
  size_t tarIndex = 0;
  for (const Descriptor& layer : r.manifest.layers) {
    if (!media::isTarLayer(layer.mediaType)) continue;
    auto blob = store.readBlob(layer);
    if (!blob) {
      cleanup();
      return blob.takeError();
    }
    if (tarIndex < r.config.diffIds.size()) {
      auto diffId = layerDiffId(*blob);
      if (!diffId || *diffId != r.config.diffIds[tarIndex]) {
        cleanup();
        return makeError("layer " + layer.digest + " does not match its diff_id in the image config");
      }
    }
    ++tarIndex;
    if (auto ok = unpackLayer(*blob, tmp); !ok) {
      cleanup();
      return makeError("layer " + layer.digest + ": " + ok.error().message);
    }
  }
  if (::rename(tmp.c_str(), dir.c_str()) != 0) {
    int err = errno;
    cleanup();
    // Another process unpacked it first: theirs is as good as ours.
    if (!(err == EEXIST || err == ENOTEMPTY))
      return makeError("cannot create " + dir + ": " + std::strerror(err));
  }
  return dir;
}

Expected<RunnableImage> prepareRun(Store& store, const ResolvedImage& image,
                                   const std::optional<std::vector<std::string>>& args) {
  RunnableImage run;
  const ImageConfig& c = image.config;
  run.env = c.env;
  run.workdir = c.workingDir;
  if (c.wasmArtifact) {
    const Descriptor& layer = image.manifest.layers[0];
    if (!media::isWasmLayer(layer.mediaType))
      return makeError("malformed Wasm artifact: its layer has media type \"" + layer.mediaType + "\"");
    WHARF_TRY(module, store.readBlob(layer));
    run.module = std::move(module);
    run.argv0 = "/app.wasm";
    if (args) run.args = *args;
    return run;
  }
  std::vector<std::string> argv = c.entrypoint;
  std::vector<std::string> cmd = args ? *args : c.cmd;
  argv.insert(argv.end(), cmd.begin(), cmd.end());
  // An OCI image whose layer is the module itself (runwasi's form).
  for (const Descriptor& layer : image.manifest.layers)
    if (media::isWasmLayer(layer.mediaType)) {
      WHARF_TRY(module, store.readBlob(layer));
      run.module = std::move(module);
      run.argv0 = argv.empty() ? "/app.wasm" : argv[0];
      if (!argv.empty()) run.args.assign(argv.begin() + 1, argv.end());
      return run;
    }
  if (argv.empty()) return makeError("image " + image.name + " has no entrypoint or command");
  std::string rootfsLock = store.rootfsPath(image.manifestDesc.digest) + ".lock";
  WHARF_TRY(inUse, FileLock::acquire(rootfsLock, FileLock::Shared));
  WHARF_TRY(rootfs, ensureRootfs(store, image.manifestDesc));
  run.rootfsInUse = std::move(inUse);
  run.rootfs = rootfs;
  run.argv0 = argv[0];
  run.args.assign(argv.begin() + 1, argv.end());
  std::string path = argv[0];
  if (size_t hash = path.find('#'); hash != std::string::npos) {
    run.invoke = path.substr(hash + 1);
    path = path.substr(0, hash);
    run.argv0 = path;
  }
  // The module is read beneath the rootfs only: no "..", no absolute or
  // escaping symlinks (RESOLVE_IN_ROOT treats them as relative to it).
  int rootFd = ::open(rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootFd < 0) return makeError("cannot open " + rootfs + ": " + std::strerror(errno));
  std::string rel = path;
  while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
  int fd = -1;
  if (!rel.empty()) {
    struct open_how how = {};
    how.flags = O_RDONLY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    fd = static_cast<int>(::syscall(SYS_openat2, rootFd, rel.c_str(), &how, sizeof how));
  }
  int err = errno;
  ::close(rootFd);
  if (fd < 0) return makeError("the image's entrypoint " + path + " cannot be opened: " + std::strerror(err));
  std::vector<uint8_t> bytes;
  uint8_t buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      ::close(fd);
      return makeError("cannot read the image's entrypoint " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buf, buf + n);
  }
  ::close(fd);
  run.module = std::move(bytes);
  return run;
}

}  // namespace wharf::oci
