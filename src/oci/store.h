// The local image store: an OCI image layout (oci-layout, index.json,
// blobs/sha256/<hex>) under $WHARF_STORE, else $XDG_DATA_HOME/wharf, else
// ~/.local/share/wharf. Any OCI tool can read it as a layout.
//
// Integrity: a blob is verified against its digest when it is written and
// again whenever it is read for use; a blob that fails is reported (and
// removed, so that the next pull fetches it again), never used.
// Atomicity: blobs and index.json are written to <root>/tmp, fsync'ed and
// renamed into place, so a crash or a full disk leaves the old state.
// Concurrency (flock on files under <root>):
//   - `lock`, shared: held by whatever adds blobs or names (pull, build,
//     load) for its whole operation; exclusive: garbage collection, which
//     therefore never deletes a blob that a running pull has written but
//     not yet named. GC tries without waiting and otherwise leaves the work
//     to a later prune.
//   - `index.lock`, exclusive, briefly: around every read-modify-write of
//     index.json, so two processes naming images at once lose neither name.
//   - `rootfs/<hex>.lock`, shared while a guest runs from an unpacked rootfs,
//     so GC keeps it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/expected.h"
#include "oci/image.h"

namespace wharf::oci {

// An flock held until destruction.
class FileLock {
 public:
  FileLock() = default;
  FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileLock& operator=(FileLock&& o) noexcept;
  ~FileLock();
  bool held() const { return fd_ >= 0; }
  enum Mode { Shared, Exclusive };
  // Waits for the lock unless `wait` is false (then an empty lock if busy).
  static Expected<FileLock> acquire(const std::string& path, Mode mode, bool wait = true);

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct NamedImage {
  std::string name;   // the full normalised reference, "docker.io/library/x:tag"
  Descriptor target;  // a manifest or an index
};

struct PruneReport {
  uint64_t blobsRemoved = 0, bytesRemoved = 0, rootfsRemoved = 0;
  bool skipped = false;  // another process held the store; nothing done
};

class Store {
 public:
  static std::string defaultRoot();
  // Opens (creating if need be) the store at `root`.
  static Expected<Store> open(const std::string& root);

  const std::string& root() const { return root_; }
  std::string blobPath(std::string_view digest) const;
  bool hasBlob(std::string_view digest) const;

  // Writes bytes as a blob. With an expected digest (and size >= 0), bytes
  // that do not match are refused; returns the digest.
  Expected<std::string> putBlob(std::span<const uint8_t> bytes, std::string_view expectedDigest = {},
                                int64_t expectedSize = -1);
  // A blob's bytes, verified (and at most `maxSize` of them).
  Expected<std::vector<uint8_t>> readBlob(std::string_view digest, int64_t maxSize = int64_t{1} << 32) const;
  Expected<std::vector<uint8_t>> readBlob(const Descriptor& d) const;

  // A blob that arrives in pieces (a download): appended to a partial file
  // that survives a failure, so a later attempt resumes where it stopped.
  class Download {
   public:
    Download(Download&&) noexcept;
    ~Download();
    uint64_t size() const { return size_; }  // bytes already there
    Expected<void> append(const void* data, size_t n);
    Expected<void> restart();  // the bytes so far are wrong: start again
    // Verifies the whole file against the digest and size, then moves it
    // into blobs/; on mismatch the partial file is deleted.
    Expected<void> commit();

   private:
    friend class Store;
    Download() = default;
    std::string path_, finalPath_, digest_;
    int64_t expectedSize_ = -1;
    int fd_ = -1;
    uint64_t size_ = 0;
    FileLock lock_;
  };
  Expected<Download> download(const Descriptor& d);

  std::vector<NamedImage> images() const;
  std::optional<Descriptor> lookup(std::string_view name) const;
  // Points `name` at `target` (replacing what it named).
  Expected<void> setName(const std::string& name, const Descriptor& target);
  // Removes names; returns how many existed.
  Expected<size_t> removeNames(const std::vector<std::string>& names);

  // Removes blobs no name reaches (directly or through manifests and
  // indexes), unused unpacked rootfs directories and stale temp files.
  Expected<PruneReport> prune(bool wait);

  // The shared lock of the store, held by operations that add blobs.
  Expected<FileLock> lockForWriting() const;

  // Directory for an unpacked rootfs of the manifest `digest`.
  std::string rootfsPath(std::string_view digest) const;
  std::string tmpDir() const { return root_ + "/tmp"; }

 private:
  explicit Store(std::string root) : root_(std::move(root)) {}
  Expected<std::vector<NamedImage>> readIndex() const;
  Expected<void> writeIndex(const std::vector<NamedImage>& images);
  std::string root_;
};

// Writes `bytes` to `path` atomically: a temp file beside it (or in
// `tmpDir`), fsync, rename, fsync of the directory.
Expected<void> writeFileAtomic(const std::string& path, std::span<const uint8_t> bytes,
                               const std::string& tmpDir = {});

}  // namespace wharf::oci
