#include "registry/registry.h"

#include <algorithm>
#include <set>

#include "oci/digest.h"
#include "oci/media.h"

namespace wharf::registry {
namespace {

constexpr size_t kMaxDocument = size_t{4} << 20;  // manifests, indexes and configs

const char* const kAcceptManifests =
    "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

std::string shortDigest(const std::string& d) {
  size_t colon = d.find(':');
  return colon == std::string::npos ? d : d.substr(colon + 1, 12);
}

std::string sha256Of(std::span<const uint8_t> bytes) {
  oci::Sha256 h;
  h.update(bytes.data(), bytes.size());
  return "sha256:" + h.hexDigest();
}

void say(const TransferOptions& o, const std::string& line) {
  if (o.status) o.status(line);
}

struct Document {
  std::vector<uint8_t> bytes;
  std::string mediaType, digest;
};

// The media type a document declares, else the one the server sent.
std::string documentType(std::span<const uint8_t> bytes, std::string contentType) {
  auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("mediaType") && j["mediaType"].is_string())
    return j["mediaType"];
  if (size_t semi = contentType.find(';'); semi != std::string::npos) contentType.resize(semi);
  while (!contentType.empty() && contentType.back() == ' ') contentType.pop_back();
  // An OCI manifest may omit mediaType; its shape tells.
  if (!j.is_discarded() && j.is_object() && contentType.empty())
    return std::string(j.contains("manifests") ? oci::media::kOciIndex : oci::media::kOciManifest);
  return contentType;
}

// A manifest or index by tag or digest. By digest, the bytes must hash to
// it; by tag, to the digest the registry says it serves.
Expected<Document> fetchDocument(Session& s, const std::string& repo, const std::string& tagOrDigest,
                                 const oci::Descriptor* expected) {
  HttpRequest r;
  r.path = "/v2/" + repo + "/manifests/" + tagOrDigest;
  r.headers = {kAcceptManifests};
  r.maxBody = kMaxDocument;
  WHARF_TRY(resp, s.request(r));
  std::string what = repo + (tagOrDigest.starts_with("sha256:") ? "@" : ":") + tagOrDigest;
  if (resp.status == 404) return makeError(s.registry() + "/" + what + ": manifest unknown (not found)");
  if (resp.status != 200) return makeError(s.registry() + "/" + what + ": " + describeFailure(resp));
  Document doc;
  doc.bytes.assign(resp.body.begin(), resp.body.end());
  doc.digest = sha256Of(doc.bytes);
  if (tagOrDigest.starts_with("sha256:") && doc.digest != tagOrDigest)
    return makeError(s.registry() + "/" + what +
                     ": the registry sent a manifest that does not match its digest (got " + doc.digest +
                     ")");
  if (std::string said = resp.header("docker-content-digest");
      !said.empty() && said.starts_with("sha256:") && said != doc.digest)
    return makeError(s.registry() + "/" + what + ": manifest digest " + doc.digest +
                     " differs from the registry's Docker-Content-Digest " + said);
  if (expected && (int64_t(doc.bytes.size()) != expected->size))
    return makeError(s.registry() + "/" + what + ": manifest has " + std::to_string(doc.bytes.size()) +
                     " bytes, its descriptor says " + std::to_string(expected->size));
  doc.mediaType = documentType(doc.bytes, resp.header("content-type"));
  if (!oci::media::isManifest(doc.mediaType) && !oci::media::isIndex(doc.mediaType))
    return makeError(s.registry() + "/" + what + ": not an image manifest or index (media type \"" +
                     doc.mediaType + "\")");
  return doc;
}

// A small blob (a config) into memory, verified.
Expected<std::vector<uint8_t>> fetchSmallBlob(Session& s, const std::string& repo, const oci::Descriptor& d) {
  if (d.size < 0 || size_t(d.size) > kMaxDocument)
    return makeError("blob " + d.digest + " is too large for a config (" + std::to_string(d.size) +
                     " bytes)");
  HttpRequest r;
  r.path = "/v2/" + repo + "/blobs/" + d.digest;
  r.maxBody = kMaxDocument;
  WHARF_TRY(resp, s.request(r));
  if (resp.status != 200)
    return makeError(s.registry() + "/" + repo + ": blob " + d.digest + ": " + describeFailure(resp));
  std::vector<uint8_t> bytes(resp.body.begin(), resp.body.end());
  if (int64_t(bytes.size()) != d.size)
    return makeError("blob " + d.digest + " arrived with " + std::to_string(bytes.size()) +
                     " bytes, expected " + std::to_string(d.size));
  if (std::string got = sha256Of(bytes); got != d.digest)
    return makeError("blob " + d.digest + " from " + s.registry() + " does not match its digest (got " + got +
                     ")");
  return bytes;
}

// A layer, streamed into the store; an interrupted transfer resumes with a
// Range request (now or at the next pull) where the partial file stops.
Expected<void> fetchBlob(Session& s, const std::string& repo, const oci::Descriptor& d, oci::Store& store) {
  WHARF_TRY(dl, store.download(d));
  if (d.size >= 0 && dl.size() == uint64_t(d.size)) return dl.commit();  // complete from an earlier pull
  HttpRequest r;
  r.path = "/v2/" + repo + "/blobs/" + d.digest;
  r.attemptHeaders = [&dl]() -> std::vector<std::string> {
    if (dl.size() == 0) return {};
    return {"Range: bytes=" + std::to_string(dl.size()) + "-"};
  };
  r.onBody = [&dl](long status) -> Expected<void> {
    if (status != 206 && dl.size() > 0) return dl.restart();  // the server ignored the range
    return {};
  };
  r.sink = [&dl](const char* p, size_t n) { return dl.append(p, n); };
  r.progressLabel = shortDigest(d.digest);
  r.progressTotal = d.size;
  r.progressStart = [&dl]() { return int64_t(dl.size()); };
  WHARF_TRY(resp, s.request(r));
  if (resp.status != 200 && resp.status != 206)
    return makeError(s.registry() + "/" + repo + ": blob " + d.digest + ": " + describeFailure(resp));
  auto done = dl.commit();
  if (!done) return makeError(s.registry() + "/" + repo + ": " + done.error().message);
  return {};
}

// Fetches a manifest's config and layers (those the store lacks), then the
// manifest itself, so the store never holds a manifest without its blobs.
Expected<void> pullManifest(Session& s, const std::string& repo, const Document& doc, oci::Store& store,
                            const TransferOptions& opts) {
  WHARF_TRY(manifest, oci::parseManifest(doc.bytes));
  if (!store.hasBlob(manifest.config.digest)) {
    WHARF_TRY(config, fetchSmallBlob(s, repo, manifest.config));
    WHARF_CHECK(oci::parseConfig(manifest.config.mediaType, config));
    WHARF_CHECK(store.putBlob(config, manifest.config.digest, manifest.config.size));
  }
  for (const oci::Descriptor& layer : manifest.layers) {
    if (store.hasBlob(layer.digest)) {
      say(opts, shortDigest(layer.digest) + ": Already exists");
      continue;
    }
    WHARF_CHECK(fetchBlob(s, repo, layer, store));
    say(opts, shortDigest(layer.digest) + ": Pull complete");
  }
  WHARF_CHECK(store.putBlob(doc.bytes, doc.digest, int64_t(doc.bytes.size())));
  return {};
}

}  // namespace

Expected<Credentials> credentialsFor(const std::string& registry) { return loadCredentials(registry); }

Expected<PullResult> pull(oci::Store& store, const oci::Reference& ref, const TransferOptions& opts) {
  WHARF_TRY(creds, credentialsFor(ref.registry));
  WHARF_TRY(session, Session::open(ref.apiHost(), opts.connect, creds));
  // Held until the name is set: a concurrent prune must not take blobs
  // that are fetched but not yet named.
  WHARF_TRY(lock, store.lockForWriting());
  const std::string& repo = ref.repository;
  WHARF_TRY(top, fetchDocument(*session, repo, ref.digest.empty() ? ref.tag : ref.digest, nullptr));
  oci::Descriptor target;
  target.mediaType = top.mediaType;
  target.digest = top.digest;
  target.size = int64_t(top.bytes.size());
  say(opts, (ref.digest.empty() ? ref.tag : shortDigest(ref.digest)) + ": Pulling from " + ref.name());
  if (oci::media::isIndex(top.mediaType)) {
    WHARF_TRY(index, oci::parseIndex(top.bytes));
    const oci::Descriptor* chosen = oci::chooseWasmPlatform(index);
    if (!chosen) {
      std::string offered;
      for (const oci::Descriptor& m : index.manifests)
        if (m.platform) offered += (offered.empty() ? "" : ", ") + m.platform->str();
      return makeError(ref.str() + " has no Wasm image (wasip1/wasm, wasi/wasm or wasi/wasm32)" +
                       (offered.empty() ? std::string() : "; it offers " + offered));
    }
    if (!store.hasBlob(chosen->digest)) {
      WHARF_TRY(doc, fetchDocument(*session, repo, chosen->digest, chosen));
      if (!oci::media::isManifest(doc.mediaType))
        return makeError(ref.str() + ": index entry " + chosen->digest + " is not a manifest");
      WHARF_CHECK(pullManifest(*session, repo, doc, store, opts));
    }
    // Other platforms that share the Wasm layer (the linux/* entries of
    // `wharf build --linux-compat`) cost a manifest and a config: keep them,
    // so that `wharf save` and `wharf push` pass the image on whole.
    for (const oci::Descriptor& m : index.manifests) {
      if (&m == chosen || store.hasBlob(m.digest) || !oci::media::isManifest(m.mediaType)) continue;
      auto doc = fetchDocument(*session, repo, m.digest, &m);
      if (!doc) continue;
      auto manifest = oci::parseManifest(doc->bytes);
      if (!manifest || !std::all_of(manifest->layers.begin(), manifest->layers.end(),
                                    [&](const oci::Descriptor& l) { return store.hasBlob(l.digest); }))
        continue;
      WHARF_CHECK(pullManifest(*session, repo, *doc, store, opts));
    }
    WHARF_CHECK(store.putBlob(top.bytes, top.digest, target.size));
  } else {
    WHARF_CHECK(pullManifest(*session, repo, top, store, opts));
  }
  PullResult result;
  result.name = ref.str();
  result.target = target;
  auto before = store.lookup(result.name);
  result.changed = !before || before->digest != target.digest;
  WHARF_CHECK(store.setName(result.name, target));
  say(opts, "Digest: " + target.digest);
  return result;
}

// ---- push

namespace {

std::string withQuery(std::string location, const std::string& query) {
  return location + (location.find('?') == std::string::npos ? "?" : "&") + query;
}

// Starts an upload (or mounts the blob from another repository); returns
// the upload's location, or "" when the blob was mounted.
Expected<std::string> startUpload(Session& s, const std::string& repo, const std::string& digest,
                                  const std::vector<std::string>& mountFrom, const TransferOptions& opts) {
  for (const std::string& from : mountFrom) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + from;
    WHARF_TRY(resp, s.request(r));
    if (resp.status == 201) {
      say(opts, shortDigest(digest) + ": Mounted from " + from);
      return std::string();
    }
    if (resp.status == 202 && !resp.header("location").empty()) return resp.header("location");
  }
  HttpRequest r;
  r.method = "POST";
  r.path = "/v2/" + repo + "/blobs/uploads/";
  WHARF_TRY(resp, s.request(r));
  if (resp.status != 202 || resp.header("location").empty())
    return makeError(s.registry() + "/" + repo + ": cannot start an upload: " + describeFailure(resp));
  return resp.header("location");
}

Expected<void> uploadBlob(Session& s, const std::string& repo, const oci::Descriptor& d,
                          std::span<const uint8_t> bytes, const std::vector<std::string>& mountFrom,
                          const TransferOptions& opts) {
  HttpRequest head;
  head.method = "HEAD";
  head.path = "/v2/" + repo + "/blobs/" + d.digest;
  WHARF_TRY(exists, s.request(head));
  if (exists.status == 200) {
    say(opts, shortDigest(d.digest) + ": Layer already exists");
    return {};
  }
  WHARF_TRY(location, startUpload(s, repo, d.digest, mountFrom, opts));
  if (location.empty()) return {};
  std::span<const uint8_t> rest = bytes;
  if (opts.chunkSize > 0 && int64_t(bytes.size()) > opts.chunkSize) {
    // Chunked: PATCH each piece with its Content-Range; every answer gives
    // the location of the next.
    for (size_t at = 0; at < bytes.size();) {
      size_t n = std::min(bytes.size() - at, size_t(opts.chunkSize));
      HttpRequest p;
      p.method = "PATCH";
      p.path = location;
      p.body = bytes.subspan(at, n);
      p.headers = {"Content-Range: " + std::to_string(at) + "-" + std::to_string(at + n - 1)};
      p.progressLabel = shortDigest(d.digest);
      p.progressTotal = d.size;
      p.progressStart = [at]() { return int64_t(at); };
      WHARF_TRY(resp, s.request(p));
      if (resp.status != 202)
        return makeError(s.registry() + "/" + repo + ": upload of " + d.digest +
                         " refused: " + describeFailure(resp));
      if (!resp.header("location").empty()) location = resp.header("location");
      at += n;
    }
    rest = {};
  }
  HttpRequest put;
  put.method = "PUT";
  put.path = withQuery(location, "digest=" + d.digest);
  put.body = rest;
  put.progressLabel = rest.empty() ? "" : shortDigest(d.digest);
  put.progressTotal = d.size;
  WHARF_TRY(resp, s.request(put));
  if (resp.status != 201 && resp.status != 204)
    return makeError(s.registry() + "/" + repo + ": upload of " + d.digest +
                     " refused: " + describeFailure(resp));
  say(opts, shortDigest(d.digest) + ": Pushed");
  return {};
}

Expected<std::string> putManifest(Session& s, const std::string& repo, const std::string& tagOrDigest,
                                  const oci::Descriptor& d, std::span<const uint8_t> bytes) {
  HttpRequest r;
  r.method = "PUT";
  r.path = "/v2/" + repo + "/manifests/" + tagOrDigest;
  r.headers = {"Content-Type: " + d.mediaType};
  r.body = bytes;
  WHARF_TRY(resp, s.request(r));
  if (resp.status != 201 && resp.status != 200)
    return makeError(s.registry() + "/" + repo + ": manifest " + tagOrDigest +
                     " refused: " + describeFailure(resp));
  std::string served = resp.header("docker-content-digest");
  if (!served.empty() && served != d.digest)
    return makeError(s.registry() + "/" + repo + ": the registry stored the manifest as " + served +
                     ", not " + d.digest);
  return d.digest;
}

Expected<void> pushManifest(Session& s, const oci::Store& store, const std::string& repo,
                            const oci::Descriptor& d, const std::string& tag,
                            const std::vector<std::string>& mountFrom, const TransferOptions& opts) {
  WHARF_TRY(bytes, store.readBlob(d));
  WHARF_TRY(manifest, oci::parseManifest(bytes));
  std::vector<oci::Descriptor> blobs = manifest.layers;
  blobs.insert(blobs.begin(), manifest.config);
  for (const oci::Descriptor& b : blobs) {
    WHARF_TRY(blob, store.readBlob(b));
    WHARF_CHECK(uploadBlob(s, repo, b, blob, mountFrom, opts));
  }
  WHARF_CHECK(putManifest(s, repo, tag.empty() ? d.digest : tag, d, bytes));
  return {};
}

}  // namespace

Expected<std::string> push(const oci::Store& store, const oci::Descriptor& target, const oci::Reference& dest,
                           const TransferOptions& opts) {
  WHARF_TRY(creds, credentialsFor(dest.registry));
  WHARF_TRY(session, Session::open(dest.apiHost(), opts.connect, creds));
  const std::string& repo = dest.repository;
  std::string tag = dest.digest.empty() ? dest.tag : dest.digest;
  if (!dest.digest.empty() && dest.digest != target.digest)
    return makeError(dest.str() + " names a digest the image does not have (" + target.digest + ")");
  // Repositories of the same registry that hold this image under a name in
  // the store: the registry can mount blobs from them instead of receiving
  // them again.
  std::vector<std::string> mountFrom;
  std::set<std::string> seen;
  for (const oci::NamedImage& img : store.images()) {
    auto r = oci::parseReference(img.name);
    if (!r || r->registry != dest.registry || r->repository == repo || img.target.digest != target.digest)
      continue;
    if (seen.insert(r->repository).second && mountFrom.size() < 3) mountFrom.push_back(r->repository);
  }
  say(opts, "The push refers to repository [" + dest.name() + "]");
  if (oci::media::isIndex(target.mediaType)) {
    WHARF_TRY(bytes, store.readBlob(target));
    WHARF_TRY(index, oci::parseIndex(bytes));
    for (const oci::Descriptor& m : index.manifests) {
      if (!store.hasBlob(m.digest))
        return makeError("cannot push " + dest.str() + ": the store lacks its " +
                         (m.platform ? m.platform->str() : std::string("manifest")) + " entry " + m.digest +
                         " (it was not pulled)");
      if (!oci::media::isManifest(m.mediaType)) return makeError("cannot push nested index " + m.digest);
      WHARF_CHECK(pushManifest(*session, store, repo, m, "", mountFrom, opts));
    }
    WHARF_CHECK(putManifest(*session, repo, tag, target, bytes));
  } else if (oci::media::isManifest(target.mediaType)) {
    WHARF_CHECK(pushManifest(*session, store, repo, target, tag, mountFrom, opts));
  } else {
    return makeError("cannot push " + target.mediaType);
  }
  say(opts, tag + ": digest: " + target.digest + " size: " + std::to_string(target.size));
  return target.digest;
}

}  // namespace wharf::registry
