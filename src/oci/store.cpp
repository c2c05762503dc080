#include "oci/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include "oci/digest.h"
#include "oci/media.h"
#include "oci/reference.h"

namespace wharf::oci {
namespace {

std::string errnoText(int err) { return std::strerror(err); }

Error sysError(const std::string& what, const std::string& path, int err = errno) {
  return makeError(what + " " + path + ": " + errnoText(err));
}

Expected<void> mkdirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return makeError("cannot create " + path + ": " + ec.message());
  return {};
}

Expected<void> writeAll(int fd, const void* data, size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return sysError("cannot write", path);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return {};
}

void fsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string dirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

// A temp name unique across processes and threads.
std::string tempName(const std::string& dir, const char* tag) {
  static std::atomic<uint64_t> counter{0};
  return dir + "/" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

Expected<std::vector<uint8_t>> readFile(const std::string& path, int64_t maxSize, int* errOut = nullptr) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errOut) *errOut = errno;
    return sysError("cannot open", path);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return sysError("cannot stat", path, e);
  }
  if (st.st_size > maxSize) {
    ::close(fd);
    return makeError(path + " is larger than " + std::to_string(maxSize) + " bytes");
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < bytes.size()) {
    ssize_t r = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      int e = r < 0 ? errno : EIO;
      ::close(fd);
      return sysError("cannot read", path, e);
    }
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  return bytes;
}

// Temp names are "<tag>-<pid>-<n>": is that process still running?
bool ownerAlive(const std::string& fname) {
  size_t dash = fname.find('-');
  if (dash == std::string::npos) return false;
  long pid = std::strtol(fname.c_str() + dash + 1, nullptr, 10);
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

}  // namespace

// ---- FileLock

FileLock& FileLock::operator=(FileLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

Expected<FileLock> FileLock::acquire(const std::string& path, Mode mode, bool wait) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return sysError("cannot open lock", path);
  int op = (mode == Shared ? LOCK_SH : LOCK_EX) | (wait ? 0 : LOCK_NB);
  while (::flock(fd, op) != 0) {
    if (errno == EINTR) continue;
    int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) return FileLock();
    return sysError("cannot lock", path, e);
  }
  return FileLock(fd);
}

// ---- atomic files

Expected<void> writeFileAtomic(const std::string& path, std::span<const uint8_t> bytes,
                               const std::string& tmpDir) {
  std::string tmp = tempName(tmpDir.empty() ? dirOf(path) : tmpDir, "write");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return sysError("cannot create", tmp);
  auto wrote = writeAll(fd, bytes.data(), bytes.size(), tmp);
  if (wrote && ::fsync(fd) != 0) wrote = sysError("cannot sync", tmp);
  ::close(fd);
  if (wrote && ::rename(tmp.c_str(), path.c_str()) != 0) wrote = sysError("cannot rename into", path);
  if (!wrote) {
    ::unlink(tmp.c_str());
    return wrote;
  }
  fsyncDir(dirOf(path));
  return {};
}

// ---- Store

std::string Store::defaultRoot() {
  if (const char* s = std::getenv("WHARF_STORE"); s && *s) return s;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x == '/') return std::string(x) + "/wharf";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/root") + "/.local/share/wharf";
}

Expected<Store> Store::open(const std::string& root) {
  Store s(root);
  WHARF_CHECK(mkdirs(root + "/blobs/sha256"));
  WHARF_CHECK(mkdirs(root + "/tmp"));
  WHARF_CHECK(mkdirs(root + "/rootfs"));
  std::string layout = root + "/oci-layout";
  if (::access(layout.c_str(), F_OK) != 0) {
    static const std::string kLayout = R"({"imageLayoutVersion":"1.0.0"})";
    WHARF_CHECK(writeFileAtomic(
        layout, std::span(reinterpret_cast<const uint8_t*>(kLayout.data()), kLayout.size()), root + "/tmp"));
  }
  return s;
}

std::string Store::blobPath(std::string_view digest) const {
  return root_ + "/blobs/sha256/" + std::string(digestHex(digest));
}

bool Store::hasBlob(std::string_view digest) const {
  if (!checkDigest(digest)) return false;
  return ::access(blobPath(digest).c_str(), F_OK) == 0;
}

Expected<std::string> Store::putBlob(std::span<const uint8_t> bytes, std::string_view expectedDigest,
                                     int64_t expectedSize) {
  std::string digest = sha256Digest(bytes);
  if (!expectedDigest.empty()) {
    WHARF_CHECK(checkDigest(expectedDigest));
    if (expectedSize >= 0 && static_cast<int64_t>(bytes.size()) != expectedSize)
      return makeError("blob " + std::string(expectedDigest) + " has " + std::to_string(bytes.size()) +
                       " bytes, expected " + std::to_string(expectedSize));
    if (digest != expectedDigest)
      return makeError("blob " + std::string(expectedDigest) + " does not match its digest (got " + digest +
                       ")");
  }
  if (hasBlob(digest)) return digest;
  WHARF_CHECK(writeFileAtomic(blobPath(digest), bytes, tmpDir()));
  return digest;
}

Expected<std::vector<uint8_t>> Store::readBlob(std::string_view digest, int64_t maxSize) const {
  WHARF_CHECK(checkDigest(digest));
  std::string path = blobPath(digest);
  int err = 0;
  auto bytes = readFile(path, maxSize, &err);
  if (!bytes) {
    if (err == ENOENT)
      return makeError("blob " + std::string(digest) + " is missing from the store " + root_);
    return bytes.takeError();
  }
  if (sha256Digest(*bytes) != digest) {
    // Corrupt: never used, and removed so that a pull fetches it again.
    ::unlink(path.c_str());
    return makeError("blob " + std::string(digest) +
                     " in the store is corrupt (removed; pull the image again)");
  }
  return bytes;
}

Expected<std::vector<uint8_t>> Store::readBlob(const Descriptor& d) const {
  WHARF_TRY(bytes, readBlob(d.digest, d.size));
  if (static_cast<int64_t>(bytes.size()) != d.size)
    return makeError("blob " + d.digest + " has " + std::to_string(bytes.size()) +
                     " bytes, its descriptor says " + std::to_string(d.size));
  return bytes;
}

// ---- downloads

Store::Download::Download(Download&& o) noexcept
    : path_(std::move(o.path_)),
      finalPath_(std::move(o.finalPath_)),
      digest_(std::move(o.digest_)),
      expectedSize_(o.expectedSize_),
      fd_(o.fd_),
      size_(o.size_),
      lock_(std::move(o.lock_)) {
  o.fd_ = -1;
}

Store::Download::~Download() {
  if (fd_ >= 0) ::close(fd_);
}

Expected<void> Store::Download::append(const void* data, size_t n) {
  if (expectedSize_ >= 0 && size_ + n > static_cast<uint64_t>(expectedSize_))
    return makeError("blob " + digest_ + " is longer than its " + std::to_string(expectedSize_) + " bytes");
  WHARF_CHECK(writeAll(fd_, data, n, path_));
  size_ += n;
  return {};
}

Expected<void> Store::Download::restart() {
  if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) return sysError("cannot truncate", path_);
  size_ = 0;
  return {};
}

Expected<void> Store::Download::commit() {
  if (::fsync(fd_) != 0) return sysError("cannot sync", path_);
  // Hash what is on disk: the bytes of earlier attempts count too.
  if (::lseek(fd_, 0, SEEK_SET) != 0) return sysError("cannot read", path_);
  Sha256 h;
  std::vector<char> buf(1 << 16);
  uint64_t total = 0;
  for (;;) {
    ssize_t r = ::read(fd_, buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return sysError("cannot read", path_);
    if (r == 0) break;
    h.update(buf.data(), static_cast<size_t>(r));
    total += static_cast<uint64_t>(r);
  }
  std::string got = "sha256:" + h.hexDigest();
  if ((expectedSize_ >= 0 && total != static_cast<uint64_t>(expectedSize_)) || got != digest_) {
    ::unlink(path_.c_str());
    if (expectedSize_ >= 0 && total != static_cast<uint64_t>(expectedSize_))
      return makeError("blob " + digest_ + " arrived with " + std::to_string(total) + " bytes, expected " +
                       std::to_string(expectedSize_));
    return makeError("blob " + digest_ + " does not match its digest (got " + got + ")");
  }
  if (::rename(path_.c_str(), finalPath_.c_str()) != 0) return sysError("cannot rename into", finalPath_);
  fsyncDir(dirOf(finalPath_));
  ::close(fd_);
  fd_ = -1;
  return {};
}

Expected<Store::Download> Store::download(const Descriptor& d) {
  WHARF_CHECK(checkDigest(d.digest));
  Download dl;
  dl.digest_ = d.digest;
  dl.expectedSize_ = d.size;
  dl.finalPath_ = blobPath(d.digest);
  // One partial file per digest, so a later pull resumes it; a second
  // process pulling the same blob at the same time writes its own.
  std::string partial = tmpDir() + "/partial-" + std::string(digestHex(d.digest));
  WHARF_TRY(lock, FileLock::acquire(partial + ".lock", FileLock::Exclusive, /*wait=*/false));
  if (lock.held()) {
    dl.path_ = partial;
    dl.lock_ = std::move(lock);
  } else {
    dl.path_ = tempName(tmpDir(), "download");
  }
  dl.fd_ = ::open(dl.path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (dl.fd_ < 0) return sysError("cannot create", dl.path_);
  struct stat st;
  if (::fstat(dl.fd_, &st) != 0) return sysError("cannot stat", dl.path_);
  dl.size_ = static_cast<uint64_t>(st.st_size);
  if (d.size >= 0 && dl.size_ > static_cast<uint64_t>(d.size)) WHARF_CHECK(dl.restart());
  return dl;
}

// ---- names

Expected<std::vector<NamedImage>> Store::readIndex() const {
  std::vector<NamedImage> out;
  int err = 0;
  auto bytes = readFile(root_ + "/index.json", int64_t{64} << 20, &err);
  if (!bytes) {
    if (err == ENOENT) return out;
    return bytes.takeError();
  }
  auto idx = parseIndex(*bytes);
  if (!idx) return makeError(root_ + "/index.json: " + idx.error().message);
  for (Descriptor& d : idx->manifests) {
    std::string name;
    if (auto it = d.annotations.find(kAnnotationImageName); it != d.annotations.end()) name = it->second;
    if (name.empty()) continue;
    out.push_back({name, std::move(d)});
  }
  return out;
}

Expected<void> Store::writeIndex(const std::vector<NamedImage>& images) {
  nlohmann::ordered_json j;
  j["schemaVersion"] = 2;
  j["mediaType"] = media::kOciIndex;
  j["manifests"] = nlohmann::ordered_json::array();
  for (const NamedImage& img : images) {
    Descriptor d = img.target;
    d.annotations[kAnnotationImageName] = img.name;
    if (auto ref = parseReference(img.name); ref && !ref->tag.empty())
      d.annotations[kAnnotationRefName] = ref->tag;
    j["manifests"].push_back(d.toJson());
  }
  std::vector<uint8_t> bytes = jsonBytes(j);
  return writeFileAtomic(root_ + "/index.json", bytes, tmpDir());
}

std::vector<NamedImage> Store::images() const {
  auto idx = readIndex();
  return idx ? std::move(idx).value() : std::vector<NamedImage>{};
}

std::optional<Descriptor> Store::lookup(std::string_view name) const {
  for (NamedImage& img : images())
    if (img.name == name) return std::move(img.target);
  return std::nullopt;
}

Expected<void> Store::setName(const std::string& name, const Descriptor& target) {
  WHARF_TRY(lock, FileLock::acquire(root_ + "/index.lock", FileLock::Exclusive));
  WHARF_TRY(images, readIndex());
  Descriptor d = target;
  d.annotations.erase(kAnnotationImageName);
  d.annotations.erase(kAnnotationRefName);
  bool replaced = false;
  for (NamedImage& img : images)
    if (img.name == name) {
      img.target = d;
      replaced = true;
    }
  if (!replaced) images.push_back({name, d});
  return writeIndex(images);
}

Expected<size_t> Store::removeNames(const std::vector<std::string>& names) {
  WHARF_TRY(lock, FileLock::acquire(root_ + "/index.lock", FileLock::Exclusive));
  WHARF_TRY(images, readIndex());
  size_t before = images.size();
  std::erase_if(images, [&](const NamedImage& img) {
    for (const std::string& n : names)
      if (img.name == n) return true;
    return false;
  });
  size_t removed = before - images.size();
  if (removed) WHARF_CHECK(writeIndex(images));
  return removed;
}

Expected<FileLock> Store::lockForWriting() const {
  return FileLock::acquire(root_ + "/lock", FileLock::Shared);
}

std::string Store::rootfsPath(std::string_view digest) const {
  return root_ + "/rootfs/" + std::string(digestHex(digest));
}

Expected<PruneReport> Store::prune(bool wait) {
  PruneReport report;
  WHARF_TRY(gcLock, FileLock::acquire(root_ + "/lock", FileLock::Exclusive, wait));
  if (!gcLock.held()) {
    report.skipped = true;
    return report;
  }
  WHARF_TRY(images, readIndex());
  // Mark: everything reachable from a name. A missing or corrupt blob ends
  // the walk below it (its children may then be collected; a pull repairs).
  std::set<std::string> live;
  std::vector<Descriptor> work;
  for (const NamedImage& img : images) work.push_back(img.target);
  while (!work.empty()) {
    Descriptor d = std::move(work.back());
    work.pop_back();
    if (checkDigest(d.digest) && !live.insert(d.digest).second) continue;
    if (!media::isManifest(d.mediaType) && !media::isIndex(d.mediaType)) continue;
    auto bytes = readBlob(d.digest, int64_t{64} << 20);
    if (!bytes) continue;
    auto children = childDescriptors(d.mediaType, *bytes);
    if (!children) continue;
    for (Descriptor& c : *children) work.push_back(std::move(c));
  }
  // Sweep blobs.
  std::string blobDir = root_ + "/blobs/sha256";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(blobDir, ec)) {
    std::string digest = "sha256:" + e.path().filename().string();
    if (live.count(digest)) continue;
    uint64_t size = e.is_regular_file(ec) ? e.file_size(ec) : 0;
    if (::unlink(e.path().c_str()) == 0) {
      report.blobsRemoved++;
      report.bytesRemoved += size;
    }
  }
  // Sweep unpacked rootfs directories whose manifest is gone and that no
  // running guest holds.
  for (const auto& e : std::filesystem::directory_iterator(root_ + "/rootfs", ec)) {
    std::string fname = e.path().filename().string();
    if (fname.size() != 64 || live.count("sha256:" + fname)) continue;
    std::string lockPath = e.path().string() + ".lock";
    auto inUse = FileLock::acquire(lockPath, FileLock::Exclusive, /*wait=*/false);
    if (!inUse || !inUse->held()) continue;
    std::filesystem::remove_all(e.path(), ec);
    if (!ec) report.rootfsRemoved++;
    ::unlink(lockPath.c_str());
  }
  // Temp files of processes that died (partial downloads are kept only
  // while a live pull holds their lock; a later pull would resume them, but
  // prune is the user asking for the space back).
  for (const auto& e : std::filesystem::directory_iterator(tmpDir(), ec)) {
    std::string fname = e.path().filename().string();
    if (fname.ends_with(".lock")) continue;
    if (fname.starts_with("partial-")) {
      auto busy = FileLock::acquire(e.path().string() + ".lock", FileLock::Exclusive, false);
      if (!busy || !busy->held()) continue;
      ::unlink((e.path().string() + ".lock").c_str());
    } else if (ownerAlive(fname)) {
      continue;  // another process is writing it right now
    }
    std::filesystem::remove_all(e.path(), ec);
  }
  return report;
}

}  // namespace wharf::oci
