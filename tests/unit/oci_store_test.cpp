#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "oci/build.h"
#include "oci/digest.h"
#include "oci/layer.h"
#include "oci/media.h"
#include "oci/reference.h"
#include "oci/runnable.h"
#include "oci/store.h"

using namespace wharf;
using namespace wharf::oci;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/wharf-oci-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::vector<uint8_t> bytesOf(std::string_view s) { return {s.begin(), s.end()}; }

// The smallest valid module with a `_start` export.
const std::vector<uint8_t> kModule = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60,
                                      0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, 0x5f, 0x73,
                                      0x74, 0x61, 0x72, 0x74, 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};

std::string writeModule(const std::string& dir) {
  std::string path = dir + "/app.wasm";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(kModule.data()), kModule.size());
  return path;
}

// One regular file in a ustar archive, written by hand so that the test
// controls exactly which entries there are.
std::vector<uint8_t> rawTar(const std::string& name, const std::string& data) {
  std::vector<uint8_t> tar(512, 0);
  auto put = [&](size_t off, const std::string& s) { std::copy(s.begin(), s.end(), tar.begin() + off); };
  auto octal = [](uint64_t v, int width) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*llo", width - 1, static_cast<unsigned long long>(v));
    return std::string(buf);
  };
  put(0, name);
  put(100, octal(0644, 8));
  put(108, octal(0, 8));
  put(116, octal(0, 8));
  put(124, octal(data.size(), 12));
  put(136, octal(0, 12));
  tar[156] = '0';
  put(257, std::string("ustar\0"
                       "00",
                       8));
  put(148, "        ");
  unsigned sum = 0;
  for (uint8_t b : tar) sum += b;
  put(148, octal(sum, 7));
  tar[155] = ' ';
  std::vector<uint8_t> body(data.begin(), data.end());
  body.resize((data.size() + 511) / 512 * 512, 0);
  tar.insert(tar.end(), body.begin(), body.end());
  tar.resize(tar.size() + 1024, 0);
  return tar;
}

}  // namespace

TEST(OciReference, NormalisesAsDocker) {
  struct Case {
    const char* in;
    const char* full;
    const char* familiar;
  } cases[] = {
      {"hello", "docker.io/library/hello:latest", "hello:latest"},
      {"user/app:v1", "docker.io/user/app:v1", "user/app:v1"},
      {"docker.io/library/x", "docker.io/library/x:latest", "x:latest"},
      {"index.docker.io/a/b:c", "docker.io/a/b:c", "a/b:c"},
      {"localhost:5000/a/b:tag", "localhost:5000/a/b:tag", "localhost:5000/a/b:tag"},
      {"localhost/a", "localhost/a:latest", "localhost/a:latest"},
      {"127.0.0.1:5000/x", "127.0.0.1:5000/x:latest", "127.0.0.1:5000/x:latest"},
      {"ghcr.io/o/r/deep/name:1.0-rc_1", "ghcr.io/o/r/deep/name:1.0-rc_1", "ghcr.io/o/r/deep/name:1.0-rc_1"},
      {"a__b/c-d--e.f", "docker.io/a__b/c-d--e.f:latest", "a__b/c-d--e.f:latest"},
  };
  for (const Case& c : cases) {
    auto ref = parseReference(c.in);
    ASSERT_TRUE(ref.ok()) << c.in << ": " << ref.error().message;
    EXPECT_EQ(ref->str(), c.full) << c.in;
    EXPECT_EQ(ref->familiar(), c.familiar) << c.in;
  }
  std::string d = "sha256:" + std::string(64, 'a');
  auto byDigest = parseReference("app@" + d);
  ASSERT_TRUE(byDigest.ok());
  EXPECT_EQ(byDigest->tag, "");
  EXPECT_EQ(byDigest->str(), "docker.io/library/app@" + d);
  EXPECT_EQ(parseReference("docker.io/x").value().apiHost(), "registry-1.docker.io");
}

TEST(OciReference, RefusesMalformedNames) {
  for (const char* bad : {"", "Hello", "a//b", "a/", "-a", "a:", "a:-tag", "a@sha256:abc", "a@md5:", "a..b",
                          "host:port/x", ":tag", "a/b_"}) {
    auto ref = parseReference(bad);
    EXPECT_FALSE(ref.ok()) << bad;
    if (!ref.ok()) EXPECT_NE(ref.error().message.find("invalid reference"), std::string::npos) << bad;
  }
}

TEST(OciDigest, KnownValuesAndChecks) {
  EXPECT_EQ(sha256Digest(std::string_view("")),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Digest(std::string_view("abc")),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(checkDigest("sha256:" + std::string(64, '0')).ok());
  EXPECT_FALSE(checkDigest("sha256:" + std::string(63, '0')).ok());
  EXPECT_FALSE(checkDigest("sha256:" + std::string(64, 'A')).ok());
  EXPECT_FALSE(checkDigest("sha512:" + std::string(128, '0')).ok());
  EXPECT_FALSE(checkDigest("sha256:../../etc/passwd").ok());
}

TEST(OciStore, BlobsAreVerifiedWhenWrittenAndRead) {
  TempDir t;
  auto store = Store::open(t.path);
  ASSERT_TRUE(store.ok());
  auto data = bytesOf("some blob");
  auto wrong = store->putBlob(data, sha256Digest(std::string_view("other")));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("does not match its digest"), std::string::npos);
  auto d = store->putBlob(data);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(store->hasBlob(*d));
  EXPECT_EQ(store->readBlob(*d).value(), data);
  // Tampered on disk: refused, and removed so a pull fetches it again.
  std::ofstream(store->blobPath(*d), std::ios::trunc) << "tampered";
  auto r = store->readBlob(*d);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("corrupt"), std::string::npos);
  EXPECT_FALSE(store->hasBlob(*d));
  // Nothing is left in tmp/.
  EXPECT_TRUE(std::filesystem::is_empty(t.path + "/tmp"));
}

TEST(OciStore, DownloadsResumeAndVerify) {
  TempDir t;
  auto store = Store::open(t.path);
  ASSERT_TRUE(store.ok());
  auto data = bytesOf("0123456789abcdef");
  Descriptor d{std::string(media::kOciLayerGzip), sha256Digest(data), static_cast<int64_t>(data.size())};
  {
    auto dl = store->download(d);
    ASSERT_TRUE(dl.ok());
    EXPECT_EQ(dl->size(), 0u);
    ASSERT_TRUE(dl->append(data.data(), 6).ok());
  }  // the connection dropped
  {
    auto dl = store->download(d);
    ASSERT_TRUE(dl.ok());
    EXPECT_EQ(dl->size(), 6u);  // resumes
    ASSERT_TRUE(dl->append(data.data() + 6, data.size() - 6).ok());
    EXPECT_FALSE(dl->append("x", 1).ok());  // longer than its descriptor
    ASSERT_TRUE(dl->commit().ok());
  }
  EXPECT_EQ(store->readBlob(d).value(), data);
  // A corrupt download is refused and leaves no blob.
  auto other = bytesOf("fedcba9876543210");
  Descriptor o{std::string(media::kOciLayerGzip), sha256Digest(other), static_cast<int64_t>(other.size())};
  auto dl = store->download(o);
  ASSERT_TRUE(dl.ok());
  ASSERT_TRUE(dl->append(data.data(), data.size()).ok());
  EXPECT_FALSE(dl->commit().ok());
  EXPECT_FALSE(store->hasBlob(o.digest));
}

TEST(OciStore, NamesSurviveConcurrentWriters) {
  TempDir t;
  auto store = Store::open(t.path);
  ASSERT_TRUE(store.ok());
  auto digest = store->putBlob(bytesOf("{}"));
  ASSERT_TRUE(digest.ok());
  Descriptor target{std::string(media::kOciManifest), *digest, 2};
  constexpr int kProcs = 4, kNames = 25;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    if (pid == 0) {
      auto s = Store::open(t.path);
      for (int i = 0; i < kNames; ++i)
        if (!s->setName("docker.io/library/n" + std::to_string(p) + ":" + std::to_string(i), target))
          _exit(1);
      _exit(0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(store->images().size(), size_t(kProcs * kNames));
}

TEST(OciBuild, ReproducibleSmallAndRunnable) {
  TempDir t;
  std::string module = writeModule(t.path);
  std::string digests[2];
  for (int i = 0; i < 2; ++i) {
    auto store = Store::open(t.path + "/store" + std::to_string(i));
    ASSERT_TRUE(store.ok());
    BuildSpec spec;
    spec.name = "docker.io/library/app:latest";
    spec.modulePath = module;
    spec.env = {"A=1"};
    auto built = buildImage(*store, spec);
    ASSERT_TRUE(built.ok()) << built.error().message;
    digests[i] = built->target.digest;
    EXPECT_LT(built->totalSize, 100 * 1024);
    auto found = findImage(*store, "app");
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ(found->config.platform.str(), "wasip1/wasm");
    EXPECT_EQ(found->config.entrypoint, std::vector<std::string>{"/app.wasm"});
    auto run = prepareRun(*store, *found, std::vector<std::string>{"x"});
    ASSERT_TRUE(run.ok()) << run.error().message;
    EXPECT_EQ(run->module, kModule);
    EXPECT_EQ(run->argv0, "/app.wasm");
    EXPECT_EQ(run->args, std::vector<std::string>{"x"});
    EXPECT_EQ(run->env, std::vector<std::string>{"A=1"});
    EXPECT_FALSE(run->rootfs.empty());
  }
  EXPECT_EQ(digests[0], digests[1]);
}

TEST(OciBuild, ArtifactAndCompatIndex) {
  TempDir t;
  std::string module = writeModule(t.path);
  auto store = Store::open(t.path + "/store");
  ASSERT_TRUE(store.ok());
  BuildSpec art;
  art.name = "docker.io/library/art:latest";
  art.modulePath = module;
  art.artifact = true;
  ASSERT_TRUE(buildImage(*store, art).ok());
  auto a = findImage(*store, "art");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->config.wasmArtifact);
  ASSERT_EQ(a->manifest.layers.size(), 1u);
  EXPECT_EQ(a->manifest.layers[0].mediaType, media::kWasmLayer);
  EXPECT_EQ(prepareRun(*store, *a, std::nullopt).value().module, kModule);

  BuildSpec compat;
  compat.name = "docker.io/library/compat:latest";
  compat.modulePath = module;
  compat.linuxCompat = true;
  auto built = buildImage(*store, compat);
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(built->target.mediaType, media::kOciIndex);
  auto idx = parseIndex(store->readBlob(built->target).value());
  ASSERT_TRUE(idx.ok());
  ASSERT_EQ(idx->manifests.size(), 3u);
  EXPECT_EQ(idx->manifests[1].platform->str(), "linux/amd64");
  EXPECT_EQ(idx->manifests[2].platform->str(), "linux/arm64/v8");
  auto c = findImage(*store, "compat");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->config.platform.str(), "wasip1/wasm");
}

TEST(OciPrune, KeepsWhatNamesReachAndRemovesTheRest) {
  TempDir t;
  std::string module = writeModule(t.path);
  auto store = Store::open(t.path + "/store");
  ASSERT_TRUE(store.ok());
  BuildSpec spec;
  spec.name = "docker.io/library/keep:latest";
  spec.modulePath = module;
  ASSERT_TRUE(buildImage(*store, spec).ok());
  spec.name = "docker.io/library/drop:latest";
  spec.env = {"X=1"};  // another config and manifest, the same layer
  ASSERT_TRUE(buildImage(*store, spec).ok());
  auto stray = store->putBlob(bytesOf("stray"));
  ASSERT_TRUE(stray.ok());
  ASSERT_EQ(store->removeNames({"docker.io/library/drop:latest"}).value(), 1u);
  auto report = store->prune(true);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->blobsRemoved, 3u);  // drop's manifest and config, the stray blob
  EXPECT_EQ(report->rootfsRemoved, 1u);
  auto keep = findImage(*store, "keep");
  ASSERT_TRUE(keep.ok());
  EXPECT_TRUE(prepareRun(*store, *keep, std::nullopt).ok());
  EXPECT_FALSE(findImage(*store, "drop").ok());
}

TEST(OciImage, MalformedDocumentsAreOneClearError) {
  struct Case {
    const char* json;
    const char* message;
  } cases[] = {
      {"not json", "malformed image manifest: not valid JSON"},
      {"[]", "malformed image manifest: not a JSON object"},
      {R"({"schemaVersion":1})", "schemaVersion is not 2"},
      {R"({"schemaVersion":2,"layers":[]})", "no config"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:00","size":1},"layers":[]})",
       "invalid digest"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":-1},"layers":[]})",
       "has no valid size"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":1}})",
       "no layers array"},
  };
  for (const Case& c : cases) {
    auto m = parseManifest(bytesOf(c.json));
    ASSERT_FALSE(m.ok()) << c.json;
    EXPECT_NE(m.error().message.find(c.message), std::string::npos) << m.error().message;
  }
}

TEST(OciLayer, UnpackRefusesEscapes) {
  TempDir t;
  // A layer with a symlink to / and a file written through it.
  std::vector<LayerEntry> entries;
  LayerEntry link;
  link.kind = LayerEntry::Symlink;
  link.path = "escape";
  link.target = "/tmp";
  entries.push_back(link);
  auto layer = buildLayer(entries, 0);
  ASSERT_TRUE(layer.ok());
  std::string root = t.path + "/root";
  std::filesystem::create_directories(root);
  ASSERT_TRUE(unpackLayer(layer->gzip, root).ok());
  // A hand-made tar (no parent entry, so the link stays) writing through it.
  std::string owned = "wharf-oci-test-owned-" + std::to_string(::getpid());
  auto r = unpackLayer(rawTar("escape/" + owned, "x"), root);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("leaves the image's root"), std::string::npos) << r.error().message;
  EXPECT_FALSE(std::filesystem::exists("/tmp/" + owned));
  r = unpackLayer(rawTar("../" + owned, "x"), root);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(std::filesystem::exists(t.path + "/" + owned));
  EXPECT_FALSE(unpackLayer(bytesOf("not a tar at all, not even close to one"), root).ok());
  // Whiteouts remove what lower layers made.
  LayerEntry file;
  file.path = "dir/a";
  file.data = bytesOf("a");
  ASSERT_TRUE(unpackLayer(buildLayer({file}, 0).value().gzip, root).ok());
  EXPECT_TRUE(std::filesystem::exists(root + "/dir/a"));
  LayerEntry wh;
  wh.path = "dir/.wh.a";
  ASSERT_TRUE(unpackLayer(buildLayer({wh}, 0).value().gzip, root).ok());
  EXPECT_FALSE(std::filesystem::exists(root + "/dir/a"));
}
