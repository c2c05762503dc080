#include "oci/layer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "oci/archive_lib.h"
#include "oci/digest.h"

namespace wharf::oci {
namespace {

namespace fs = std::filesystem;

struct Sink {
  std::vector<uint8_t>* out;
};

la_ssize_t sinkWrite(struct archive*, void* ctx, const void* buf, size_t n) {
  auto* s = static_cast<Sink*>(ctx);
  const auto* p = static_cast<const uint8_t*>(buf);
  s->out->insert(s->out->end(), p, p + n);
  return static_cast<la_ssize_t>(n);
}

Error archiveError(const ArchiveLib* A, struct archive* a, const std::string& what) {
  const char* msg = A->archive_error_string(a);
  return makeError(what + ": " + (msg ? msg : "libarchive error"));
}

// The tar bytes, deterministically.
Expected<std::vector<uint8_t>> writeTar(const ArchiveLib* A, const std::vector<LayerEntry>& entries,
                                        int64_t mtime) {
  std::vector<uint8_t> out;
  Sink sink{&out};
  struct archive* a = A->archive_write_new();
  A->archive_write_set_format_pax_restricted(a);
  A->archive_write_set_bytes_in_last_block(a, 1);
  if (A->archive_write_open(a, &sink, nullptr, sinkWrite, nullptr) != ARCHIVE_OK) {
    Error e = archiveError(A, a, "cannot write layer");
    A->archive_write_free(a);
    return e;
  }
  struct archive_entry* e = A->archive_entry_new();
  for (const LayerEntry& le : entries) {
    A->archive_entry_clear(e);
    std::string path = le.kind == LayerEntry::Dir ? le.path + "/" : le.path;
    A->archive_entry_set_pathname(e, path.c_str());
    A->archive_entry_set_mtime(e, mtime, 0);
    A->archive_entry_set_uid(e, 0);
    A->archive_entry_set_gid(e, 0);
    switch (le.kind) {
      case LayerEntry::File:
        A->archive_entry_set_filetype(e, AE_IFREG);
        A->archive_entry_set_perm(e, le.executable ? 0755 : 0644);
        A->archive_entry_set_size(e, static_cast<la_int64_t>(le.data.size()));
        break;
      case LayerEntry::Dir:
        A->archive_entry_set_filetype(e, AE_IFDIR);
        A->archive_entry_set_perm(e, 0755);
        A->archive_entry_set_size(e, 0);
        break;
      case LayerEntry::Symlink:
        A->archive_entry_set_filetype(e, AE_IFLNK);
        A->archive_entry_set_perm(e, 0777);
        A->archive_entry_set_symlink(e, le.target.c_str());
        A->archive_entry_set_size(e, 0);
        break;
    }
    bool ok = A->archive_write_header(a, e) == ARCHIVE_OK;
    if (ok && le.kind == LayerEntry::File && !le.data.empty())
      ok =
          A->archive_write_data(a, le.data.data(), le.data.size()) == static_cast<la_ssize_t>(le.data.size());
    if (!ok) {
      Error err = archiveError(A, a, "cannot write layer entry " + le.path);
      A->archive_entry_free(e);
      A->archive_write_free(a);
      return err;
    }
  }
  A->archive_entry_free(e);
  bool closed = A->archive_write_close(a) == ARCHIVE_OK;
  Error err = closed ? Error{} : archiveError(A, a, "cannot write layer");
  A->archive_write_free(a);
  if (!closed) return err;
  return out;
}

// gzip of `data` with no timestamp or name in the header.
Expected<std::vector<uint8_t>> gzip(const ArchiveLib* A, std::span<const uint8_t> data) {
  std::vector<uint8_t> out;
  Sink sink{&out};
  struct archive* a = A->archive_write_new();
  A->archive_write_set_format_raw(a);
  A->archive_write_add_filter_gzip(a);
  A->archive_write_set_bytes_in_last_block(a, 1);
  if (A->archive_write_set_options(a, "gzip:!timestamp,gzip:compression-level=9") != ARCHIVE_OK ||
      A->archive_write_open(a, &sink, nullptr, sinkWrite, nullptr) != ARCHIVE_OK) {
    Error e = archiveError(A, a, "cannot compress layer");
    A->archive_write_free(a);
    return e;
  }
  struct archive_entry* e = A->archive_entry_new();
  A->archive_entry_set_pathname(e, "layer.tar");
  A->archive_entry_set_filetype(e, AE_IFREG);
  A->archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
  bool ok = A->archive_write_header(a, e) == ARCHIVE_OK &&
            A->archive_write_data(a, data.data(), data.size()) == static_cast<la_ssize_t>(data.size()) &&
            A->archive_write_close(a) == ARCHIVE_OK;
  Error err = ok ? Error{} : archiveError(A, a, "cannot compress layer");
  A->archive_entry_free(e);
  A->archive_write_free(a);
  if (!ok) return err;
  return out;
}

Expected<std::vector<uint8_t>> readHostFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return makeError("cannot read " + path + ": " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  uint8_t buf[65536];
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int e = errno;
      ::close(fd);
      return makeError("cannot read " + path + ": " + std::strerror(e));
    }
    if (r == 0) break;
    bytes.insert(bytes.end(), buf, buf + r);
  }
  ::close(fd);
  return bytes;
}

// "a/./b//c/" -> "a/b/c"; empty if it climbs out with "..".
std::string cleanPath(std::string_view p) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view c = p.substr(i, j - i);
    if (c == "..") {
      if (parts.empty()) return "";
      parts.pop_back();
    } else if (!c.empty() && c != ".") {
      parts.emplace_back(c);
    }
    i = j + 1;
  }
  std::string out;
  for (const std::string& c : parts) out += (out.empty() ? "" : "/") + c;
  return out;
}

}  // namespace

Expected<BuiltLayer> buildLayer(std::vector<LayerEntry> entries, int64_t mtime) {
  WHARF_TRY(A, archiveLib());
  // Parent directories, each once; later entries for a path replace earlier ones.
  std::map<std::string, LayerEntry> byPath;
  for (LayerEntry& e : entries) {
    std::string clean = cleanPath(e.path);
    if (clean.empty()) return makeError("invalid path in image: \"" + e.path + "\"");
    for (size_t s = clean.find('/'); s != std::string::npos; s = clean.find('/', s + 1)) {
      std::string parent = clean.substr(0, s);
      auto it = byPath.find(parent);
      if (it == byPath.end()) {
        LayerEntry d;
        d.kind = LayerEntry::Dir;
        d.path = parent;
        byPath[parent] = std::move(d);
      } else if (it->second.kind != LayerEntry::Dir) {
        return makeError("\"/" + parent + "\" is both a file and a directory in the image");
      }
    }
    e.path = clean;
    if (auto it = byPath.find(clean);
        it != byPath.end() && it->second.kind == LayerEntry::Dir && e.kind == LayerEntry::Dir)
      continue;
    byPath[clean] = std::move(e);
  }
  std::vector<LayerEntry> sorted;
  for (auto& [path, e] : byPath) sorted.push_back(std::move(e));
  WHARF_TRY(tar, writeTar(A, sorted, mtime));
  BuiltLayer layer;
  layer.diffId = sha256Digest(tar);
  WHARF_TRY(gz, gzip(A, tar));
  layer.gzip = std::move(gz);
  return layer;
}

Expected<void> addHostPath(const std::string& hostPath, const std::string& guestPath,
                           std::vector<LayerEntry>& entries) {
  std::string guest = cleanPath(guestPath);
  if (guest.empty() && cleanPath(guestPath + "/x") != "x")
    return makeError("invalid path in image: \"" + guestPath + "\"");
  struct stat st;
  if (::lstat(hostPath.c_str(), &st) != 0)
    return makeError("cannot add " + hostPath + ": " + std::strerror(errno));
  LayerEntry e;
  e.path = guest;
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    fs::path target = fs::read_symlink(hostPath, ec);
    if (ec) return makeError("cannot read link " + hostPath + ": " + ec.message());
    e.kind = LayerEntry::Symlink;
    e.target = target.string();
  } else if (S_ISREG(st.st_mode)) {
    WHARF_TRY(bytes, readHostFile(hostPath));
    e.data = std::move(bytes);
    e.executable = (st.st_mode & 0111) != 0;
  } else if (S_ISDIR(st.st_mode)) {
    e.kind = LayerEntry::Dir;
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& d : fs::directory_iterator(hostPath, ec)) names.push_back(d.path().filename().string());
    if (ec) return makeError("cannot list " + hostPath + ": " + ec.message());
    std::sort(names.begin(), names.end());
    for (const std::string& n : names)
      WHARF_CHECK(addHostPath(hostPath + "/" + n, guest.empty() ? n : guest + "/" + n, entries));
  } else {
    return makeError("cannot add " + hostPath + ": not a file, directory or symlink");
  }
  if (!e.path.empty()) entries.push_back(std::move(e));
  return {};
}

namespace {

struct Reader {
  const ArchiveLib* A;
  struct archive* a;
  Reader(const ArchiveLib* lib, struct archive* handle) : A(lib), a(handle) {}
  Reader(Reader&& o) noexcept : A(o.A), a(o.a) { o.a = nullptr; }
  Reader(const Reader&) = delete;
  ~Reader() {
    if (a) A->archive_read_free(a);
  }
};

Expected<Reader> openLayer(std::span<const uint8_t> blob) {
  WHARF_TRY(A, archiveLib());
  Reader r(A, A->archive_read_new());
  A->archive_read_support_filter_gzip(r.a);
  A->archive_read_support_filter_zstd(r.a);
  A->archive_read_support_filter_none(r.a);
  A->archive_read_support_format_tar(r.a);
  if (A->archive_read_open_memory(r.a, blob.data(), blob.size()) != ARCHIVE_OK)
    return archiveError(A, r.a, "malformed layer");
  return r;
}

// Removes `path` (a file, link or tree) if it exists.
void removePath(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

// True if no component of `rel` below `dir` is a symlink (so writing there
// stays inside `dir`).
bool staysInside(const std::string& dir, const std::string& rel) {
  std::string cur = dir;
  size_t i = 0;
  while (true) {
    size_t j = rel.find('/', i);
    if (j == std::string::npos) return true;
    cur += "/" + rel.substr(i, j - i);
    struct stat st;
    if (::lstat(cur.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) return false;
    i = j + 1;
  }
}

}  // namespace

Expected<void> unpackLayer(std::span<const uint8_t> blob, const std::string& dir) {
  WHARF_TRY(r, openLayer(blob));
  const ArchiveLib* A = r.A;
  for (;;) {
    struct archive_entry* e;
    int rc = A->archive_read_next_header(r.a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return archiveError(A, r.a, "malformed layer");
    const char* rawName = A->archive_entry_pathname(e);
    std::string name = rawName ? rawName : "";
    std::string rel = cleanPath(name);
    if (rel.empty()) {
      if (cleanPath(name + "/x") == "x") continue;  // "./" itself
      return makeError("layer entry \"" + name + "\" leaves the image's root");
    }
    if (!staysInside(dir, rel))
      return makeError("layer entry \"" + name + "\" leaves the image's root through a link");
    std::string base = rel.substr(rel.rfind('/') == std::string::npos ? 0 : rel.rfind('/') + 1);
    std::string parentRel = rel.size() > base.size() ? rel.substr(0, rel.size() - base.size() - 1) : "";
    std::string parent = parentRel.empty() ? dir : dir + "/" + parentRel;
    // OCI whiteouts: ".wh..wh..opq" empties its directory, ".wh.x" removes x.
    if (base == ".wh..wh..opq") {
      std::error_code ec;
      for (const auto& d : fs::directory_iterator(parent, ec)) removePath(d.path().string());
      continue;
    }
    if (base.starts_with(".wh.")) {
      removePath(parent + "/" + base.substr(4));
      continue;
    }
    std::string path = dir + "/" + rel;
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) return makeError("cannot create " + parent + ": " + ec.message());
    mode_t type = A->archive_entry_filetype(e);
    mode_t perm = A->archive_entry_perm(e) & 07777 & ~mode_t(06000);  // never setuid/setgid
    struct stat st;
    bool exists = ::lstat(path.c_str(), &st) == 0;
    if (exists && !(type == AE_IFDIR && S_ISDIR(st.st_mode))) removePath(path);
    if (const char* hard = A->archive_entry_hardlink(e)) {
      std::string target = cleanPath(hard);
      if (target.empty() || !staysInside(dir, target))
        return makeError("layer entry \"" + name + "\" links outside the image's root");
      if (::link((dir + "/" + target).c_str(), path.c_str()) != 0)
        return makeError("cannot link " + path + ": " + std::strerror(errno));
      continue;
    }
    if (type == AE_IFDIR) {
      if (!exists && ::mkdir(path.c_str(), perm | 0700) != 0)
        return makeError("cannot create " + path + ": " + std::strerror(errno));
      ::chmod(path.c_str(), perm | 0700);
    } else if (type == AE_IFLNK) {
      const char* target = A->archive_entry_symlink(e);
      if (::symlink(target ? target : "", path.c_str()) != 0)
        return makeError("cannot create link " + path + ": " + std::strerror(errno));
    } else if (type == AE_IFREG) {
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm | 0600);
      if (fd < 0) return makeError("cannot create " + path + ": " + std::strerror(errno));
      const void* buf;
      size_t size;
      la_int64_t offset;
      for (;;) {
        int drc = A->archive_read_data_block(r.a, &buf, &size, &offset);
        if (drc == ARCHIVE_EOF) break;
        if (drc != ARCHIVE_OK) {
          ::close(fd);
          return archiveError(A, r.a, "malformed layer (entry " + name + ")");
        }
        if (::pwrite(fd, buf, size, offset) != static_cast<ssize_t>(size)) {
          int err = errno;
          ::close(fd);
          return makeError("cannot write " + path + ": " + std::strerror(err));
        }
      }
      if (::fchmod(fd, perm) != 0 || ::close(fd) != 0)
        return makeError("cannot write " + path + ": " + std::strerror(errno));
    }
    // Devices, FIFOs and sockets have no place in a Wasm image: skipped.
  }
  return {};
}

Expected<std::string> layerDiffId(std::span<const uint8_t> blob) {
  WHARF_TRY(A, archiveLib());
  struct archive* a = A->archive_read_new();
  A->archive_read_support_filter_gzip(a);
  A->archive_read_support_filter_zstd(a);
  A->archive_read_support_filter_none(a);
  A->archive_read_support_format_raw(a);
  Sha256 h;
  struct archive_entry* e;
  bool ok = A->archive_read_open_memory(a, blob.data(), blob.size()) == ARCHIVE_OK &&
            A->archive_read_next_header(a, &e) == ARCHIVE_OK;
  if (ok) {
    const void* buf;
    size_t size;
    la_int64_t offset;
    for (;;) {
      int rc = A->archive_read_data_block(a, &buf, &size, &offset);
      if (rc == ARCHIVE_EOF) break;
      if (rc != ARCHIVE_OK) {
        ok = false;
        break;
      }
      h.update(buf, size);
    }
  }
  Error err = ok ? Error{} : archiveError(A, a, "malformed layer");
  A->archive_read_free(a);
  if (!ok) return err;
  return "sha256:" + h.hexDigest();
}

}  // namespace wharf::oci
