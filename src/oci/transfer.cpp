#include "oci/transfer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "oci/archive_lib.h"
#include "oci/digest.h"
#include "oci/media.h"
#include "oci/reference.h"
#include "oci/runnable.h"

namespace wharf::oci {
namespace {

using ojson = nlohmann::ordered_json;

Error archiveError(const ArchiveLib* A, struct archive* a, const std::string& what) {
  const char* msg = A->archive_error_string(a);
  return makeError(what + ": " + (msg ? msg : "libarchive error"));
}

struct FileSink {
  int fd;
  int error = 0;
};

la_ssize_t fileWrite(struct archive*, void* ctx, const void* buf, size_t n) {
  auto* s = static_cast<FileSink*>(ctx);
  const char* p = static_cast<const char*>(buf);
  size_t left = n;
  while (left) {
    ssize_t w = ::write(s->fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      s->error = errno;
      return -1;
    }
    p += w;
    left -= static_cast<size_t>(w);
  }
  return static_cast<la_ssize_t>(n);
}

// Every blob under `d` in the store, `d` first (parents before children).
Expected<void> collectBlobs(const Store& store, const Descriptor& d, std::vector<Descriptor>& out,
                            std::set<std::string>& seen) {
  if (!seen.insert(d.digest).second) return {};
  out.push_back(d);
  if (!media::isManifest(d.mediaType) && !media::isIndex(d.mediaType)) return {};
  WHARF_TRY(bytes, store.readBlob(d));
  WHARF_TRY(children, childDescriptors(d.mediaType, bytes));
  for (const Descriptor& c : children) {
    // An index may list platforms that were never pulled: skip those.
    if (media::isIndex(d.mediaType) && !store.hasBlob(c.digest)) continue;
    WHARF_CHECK(collectBlobs(store, c, out, seen));
  }
  return {};
}

}  // namespace

Expected<void> saveImages(const Store& store, const std::vector<std::string>& images,
                          const std::string& tarPath) {
  WHARF_TRY(A, archiveLib());
  struct Item {
    std::string name;
    Descriptor target;
    ResolvedImage resolved;
  };
  std::vector<Item> items;
  for (const std::string& text : images) {
    WHARF_TRY(r, findImage(store, text));
    items.push_back({r.name, r.target, r});
  }
  std::vector<Descriptor> blobs;
  std::set<std::string> seen;
  for (const Item& it : items) WHARF_CHECK(collectBlobs(store, it.target, blobs, seen));

  ojson index;
  index["schemaVersion"] = 2;
  index["mediaType"] = media::kOciIndex;
  index["manifests"] = ojson::array();
  ojson dockerManifest = ojson::array();
  for (const Item& it : items) {
    Descriptor d = it.target;
    if (!it.name.empty()) {
      d.annotations[kAnnotationImageName] = it.name;
      if (auto ref = parseReference(it.name); ref && !ref->tag.empty())
        d.annotations[kAnnotationRefName] = ref->tag;
    }
    index["manifests"].push_back(d.toJson());
    // Docker's loader reads one manifest per image: it takes only Linux
    // images, so the linux/amd64 entry of a compat index if there is one.
    Descriptor manifestDesc = it.resolved.manifestDesc;
    if (media::isIndex(it.target.mediaType)) {
      WHARF_TRY(bytes, store.readBlob(it.target));
      WHARF_TRY(idx, parseIndex(bytes));
      for (const Descriptor& m : idx.manifests)
        if (m.platform && m.platform->os == "linux" && m.platform->architecture == "amd64" &&
            store.hasBlob(m.digest))
          manifestDesc = m;
    }
    WHARF_TRY(mbytes, store.readBlob(manifestDesc));
    WHARF_TRY(manifest, parseManifest(mbytes));
    ojson entry;
    entry["Config"] = "blobs/sha256/" + std::string(digestHex(manifest.config.digest));
    entry["RepoTags"] = ojson::array();
    if (!it.name.empty()) {
      if (auto ref = parseReference(it.name); ref && !ref->tag.empty())
        entry["RepoTags"].push_back(ref->familiar());
    }
    entry["Layers"] = ojson::array();
    for (const Descriptor& l : manifest.layers)
      entry["Layers"].push_back("blobs/sha256/" + std::string(digestHex(l.digest)));
    dockerManifest.push_back(entry);
  }

  // Write to a temp file beside the target, renamed when complete.
  std::string tmp = tarPath + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return makeError("cannot create " + tmp + ": " + std::strerror(errno));
  FileSink sink{fd};
  struct archive* a = A->archive_write_new();
  A->archive_write_set_format_pax_restricted(a);
  struct archive_entry* e = A->archive_entry_new();
  auto fail = [&](Error err) {
    A->archive_entry_free(e);
    A->archive_write_free(a);
    ::close(fd);
    ::unlink(tmp.c_str());
    return err;
  };
  if (A->archive_write_open(a, &sink, nullptr, fileWrite, nullptr) != ARCHIVE_OK)
    return fail(archiveError(A, a, "cannot write " + tarPath));
  auto addEntry = [&](const std::string& path, std::span<const uint8_t> data, bool dir) -> bool {
    A->archive_entry_clear(e);
    A->archive_entry_set_pathname(e, path.c_str());
    A->archive_entry_set_mtime(e, 0, 0);
    A->archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
    A->archive_entry_set_perm(e, dir ? 0755 : 0644);
    A->archive_entry_set_size(e, dir ? 0 : static_cast<la_int64_t>(data.size()));
    if (A->archive_write_header(a, e) != ARCHIVE_OK) return false;
    return dir || data.empty() ||
           A->archive_write_data(a, data.data(), data.size()) == static_cast<la_ssize_t>(data.size());
  };
  auto text = [](const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); };
  bool ok = addEntry("oci-layout", text(R"({"imageLayoutVersion":"1.0.0"})"), false) &&
            addEntry("index.json", jsonBytes(index), false) &&
            addEntry("manifest.json", jsonBytes(dockerManifest), false) && addEntry("blobs/", {}, true) &&
            addEntry("blobs/sha256/", {}, true);
  for (size_t i = 0; ok && i < blobs.size(); ++i) {
    auto bytes = store.readBlob(blobs[i]);
    if (!bytes) return fail(bytes.takeError());
    ok = addEntry("blobs/sha256/" + std::string(digestHex(blobs[i].digest)), *bytes, false);
  }
  if (!ok || A->archive_write_close(a) != ARCHIVE_OK) {
    if (sink.error) return fail(makeError("cannot write " + tarPath + ": " + std::strerror(sink.error)));
    return fail(archiveError(A, a, "cannot write " + tarPath));
  }
  A->archive_entry_free(e);
  A->archive_write_free(a);
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), tarPath.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return makeError("cannot write " + tarPath + ": " + std::strerror(err));
  }
  return {};
}

Expected<std::vector<LoadedImage>> loadImages(Store& store, const std::string& tarPath) {
  WHARF_TRY(A, archiveLib());
  WHARF_TRY(writing, store.lockForWriting());
  struct archive* a = A->archive_read_new();
  A->archive_read_support_filter_gzip(a);
  A->archive_read_support_filter_zstd(a);
  A->archive_read_support_filter_none(a);
  A->archive_read_support_format_tar(a);
  struct Closer {
    const ArchiveLib* A;
    struct archive* a;
    ~Closer() { A->archive_read_free(a); }
  } closer{A, a};
  if (::access(tarPath.c_str(), R_OK) != 0)
    return makeError("cannot read " + tarPath + ": " + std::strerror(errno));
  if (A->archive_read_open_filename(a, tarPath.c_str(), 1 << 16) != ARCHIVE_OK)
    return archiveError(A, a, tarPath + " is not a valid image archive");
  std::vector<uint8_t> indexBytes;
  bool haveLayout = false;
  for (;;) {
    struct archive_entry* e;
    int rc = A->archive_read_next_header(a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
      return archiveError(A, a, tarPath + " is not a valid image archive");
    std::string path = A->archive_entry_pathname(e) ? A->archive_entry_pathname(e) : "";
    while (path.starts_with("./")) path.erase(0, 2);
    if (A->archive_entry_filetype(e) != AE_IFREG) continue;
    if (path == "index.json") {
      if (A->archive_entry_size(e) > (4 << 20)) return makeError(tarPath + ": index.json is too large");
      indexBytes.resize(static_cast<size_t>(A->archive_entry_size(e)));
      if (A->archive_read_data(a, indexBytes.data(), indexBytes.size()) !=
          static_cast<la_ssize_t>(indexBytes.size()))
        return archiveError(A, a, tarPath + ": cannot read index.json");
      continue;
    }
    if (path == "oci-layout") haveLayout = true;
    if (!path.starts_with("blobs/sha256/")) continue;
    Descriptor d;
    d.digest = "sha256:" + path.substr(13);
    d.size = A->archive_entry_size(e);
    if (!checkDigest(d.digest)) return makeError(tarPath + ": unexpected file " + path);
    if (store.hasBlob(d.digest)) continue;
    WHARF_TRY(dl, store.download(d));
    if (dl.size()) WHARF_CHECK(dl.restart());
    const void* buf;
    size_t size;
    la_int64_t offset;
    for (;;) {
      int drc = A->archive_read_data_block(a, &buf, &size, &offset);
      if (drc == ARCHIVE_EOF) break;
      if (drc != ARCHIVE_OK) return archiveError(A, a, tarPath + " is truncated or damaged (" + path + ")");
      WHARF_CHECK(dl.append(buf, size));
    }
    if (auto ok = dl.commit(); !ok) return makeError(tarPath + ": " + ok.error().message);
  }
  if (indexBytes.empty())
    return makeError(tarPath + " is not an OCI image archive (no index.json" +
                     std::string(haveLayout ? "" : ", no oci-layout") + ")");
  auto index = parseIndex(indexBytes);
  if (!index) return makeError(tarPath + ": " + index.error().message);
  // Everything named must be complete before any name is set.
  std::vector<LoadedImage> loaded;
  for (const Descriptor& d : index->manifests) {
    auto resolved = resolveTarget(store, d);
    if (!resolved) return makeError(tarPath + ": image " + d.digest + ": " + resolved.error().message);
    for (const Descriptor& l : resolved->manifest.layers)
      if (!store.hasBlob(l.digest)) return makeError(tarPath + ": layer " + l.digest + " is missing");
    LoadedImage img;
    img.target = d;
    img.target.annotations.clear();
    std::string name;
    if (auto it = d.annotations.find(kAnnotationImageName); it != d.annotations.end()) name = it->second;
    if (name.empty())
      if (auto it = d.annotations.find(kAnnotationRefName); it != d.annotations.end()) name = it->second;
    if (!name.empty()) {
      auto ref = parseReference(name);
      if (!ref) return makeError(tarPath + ": " + ref.error().message);
      img.name = ref->str();
    }
    loaded.push_back(std::move(img));
  }
  for (const LoadedImage& img : loaded) {
    if (!img.name.empty()) WHARF_CHECK(store.setName(img.name, img.target));
    WHARF_TRY(r, resolveTarget(store, img.target));
    WHARF_TRY(rootfs, ensureRootfs(store, r.manifestDesc));
    (void)rootfs;
  }
  return loaded;
}

}  // namespace wharf::oci
