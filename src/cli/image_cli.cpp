#include "cli/image_cli.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <set>

#include "cli/registry_cli.h"
#include "oci/build.h"
#include "oci/digest.h"
#include "oci/media.h"
#include "oci/reference.h"
#include "oci/runnable.h"
#include "oci/store.h"
#include "oci/transfer.h"

namespace wharf::cli {
namespace {

struct ImageArgs {
  // build
  std::string tag, module, workdir;
  std::vector<std::string> entrypoint, cmd, env, labels, adds;
  bool artifact = false, linuxCompat = false;
  // images / rmi / tag / save / load / prune
  bool quiet = false, force = false;
  std::vector<std::string> names;
  std::string source, target, output, input;
};

ImageArgs args;
CLI::App *buildCmd, *imagesCmd, *rmiCmd, *tagCmd, *saveCmd, *loadCmd, *imageCmd, *pruneCmd;

Expected<oci::Store> openStore() { return oci::Store::open(oci::Store::defaultRoot()); }

// Docker's sizes: decimal units.
std::string humanSize(int64_t n) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f%s" : "%.3g%s", v, units[u]);
  return buf;
}

// Every blob under `d` that the store has, with its size.
void blobsOf(const oci::Store& store, const oci::Descriptor& d, std::map<std::string, int64_t>& out) {
  if (out.count(d.digest) || !store.hasBlob(d.digest)) return;
  out[d.digest] = d.size;
  if (!oci::media::isManifest(d.mediaType) && !oci::media::isIndex(d.mediaType)) return;
  auto bytes = store.readBlob(d);
  if (!bytes) return;
  auto children = oci::childDescriptors(d.mediaType, *bytes);
  if (!children) return;
  for (const oci::Descriptor& c : *children) blobsOf(store, c, out);
}

int64_t imageSize(const oci::Store& store, const oci::Descriptor& d) {
  std::map<std::string, int64_t> blobs;
  blobsOf(store, d, blobs);
  int64_t total = 0;
  for (auto& [digest, size] : blobs) total += size;
  return total;
}

std::string shortId(const std::string& digest) { return std::string(oci::digestHex(digest).substr(0, 12)); }

Expected<std::pair<std::string, std::string>> splitPair(const std::string& s, char sep, const char* what) {
  size_t at = s.find(sep);
  if (at == std::string::npos || at == 0)
    return makeError(std::string(what) + " \"" + s + "\" is not in the form " +
                     (sep == '=' ? "KEY=VALUE" : "HOST:GUEST"));
  return std::make_pair(s.substr(0, at), s.substr(at + 1));
}

int buildImage() {
  auto ref = oci::parseReference(args.tag);
  if (!ref) return reportError(ref.error());
  if (!ref->digest.empty()) return reportError("a build is named by a tag, not a digest: " + args.tag);
  oci::BuildSpec spec;
  spec.name = ref->str();
  spec.modulePath = args.module;
  spec.entrypoint = args.entrypoint;
  spec.cmd = args.cmd;
  spec.workdir = args.workdir;
  spec.artifact = args.artifact;
  spec.linuxCompat = args.linuxCompat;
  for (const std::string& e : args.env) {
    if (e.find('=') == std::string::npos || e[0] == '=')
      return reportError("--env \"" + e + "\" is not in the form KEY=VALUE");
    spec.env.push_back(e);
  }
  for (const std::string& l : args.labels) {
    auto kv = splitPair(l, '=', "--label");
    if (!kv) return reportError(kv.error());
    spec.labels.push_back(*kv);
  }
  for (const std::string& a : args.adds) {
    auto hg = splitPair(a, ':', "--add");
    if (!hg) return reportError(hg.error());
    spec.adds.push_back(*hg);
  }
  auto store = openStore();
  if (!store) return reportError(store.error());
  auto built = oci::buildImage(*store, spec);
  if (!built) return reportError(built.error());
  std::printf("%s %s (%s)\n", ref->familiar().c_str(), built->target.digest.c_str(),
              humanSize(built->totalSize).c_str());
  return kExitOk;
}

int listImages() {
  auto store = openStore();
  if (!store) return reportError(store.error());
  std::vector<oci::NamedImage> images = store->images();
  if (args.quiet) {
    std::set<std::string> printed;
    for (const oci::NamedImage& img : images)
      if (printed.insert(img.target.digest).second) std::printf("%s\n", shortId(img.target.digest).c_str());
    return kExitOk;
  }
  struct Row {
    std::string repo, tag, id, size;
  };
  std::vector<Row> rows;
  for (const oci::NamedImage& img : images) {
    Row r;
    auto ref = oci::parseReference(img.name);
    r.repo = ref ? oci::familiarName(ref->name()) : img.name;
    r.tag = ref && !ref->tag.empty() ? ref->tag : "<none>";
    r.id = shortId(img.target.digest);
    r.size = humanSize(imageSize(*store, img.target));
    rows.push_back(r);
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return std::tie(a.repo, a.tag) < std::tie(b.repo, b.tag); });
  size_t w = 10, t = 3;
  for (const Row& r : rows) {
    w = std::max(w, r.repo.size());
    t = std::max(t, r.tag.size());
  }
  std::printf("%-*s   %-*s   %-12s   %s\n", int(w), "REPOSITORY", int(t), "TAG", "IMAGE ID", "SIZE");
  for (const Row& r : rows)
    std::printf("%-*s   %-*s   %-12s   %s\n", int(w), r.repo.c_str(), int(t), r.tag.c_str(), r.id.c_str(),
                r.size.c_str());
  return kExitOk;
}

int removeImages() {
  auto store = openStore();
  if (!store) return reportError(store.error());
  int status = kExitOk;
  for (const std::string& text : args.names) {
    // A name removes that name; an ID removes every name of the image
    // (with --force when there are several, as Docker asks).
    std::vector<std::string> names;
    auto ref = oci::parseReference(text);
    if (ref && store->lookup(ref->str())) {
      names.push_back(ref->str());
    } else {
      auto found = oci::findImage(*store, text);
      if (!found) {
        std::fprintf(stderr, "wharf: error: no such image: %s\n", text.c_str());
        status = kExitError;
        continue;
      }
      for (const oci::NamedImage& img : store->images())
        if (img.target.digest == found->target.digest) names.push_back(img.name);
      if (names.size() > 1 && !args.force) {
        std::fprintf(stderr, "wharf: error: image %s has %zu names; remove them by name or use --force\n",
                     text.c_str(), names.size());
        status = kExitError;
        continue;
      }
    }
    auto removed = store->removeNames(names);
    if (!removed) return reportError(removed.error());
    for (const std::string& n : names) {
      auto r = oci::parseReference(n);
      std::printf("Untagged: %s\n", r ? r->familiar().c_str() : n.c_str());
    }
  }
  // Blobs no other name needs go now, unless another wharf is busy with
  // the store (then `wharf image prune` collects them later).
  auto pruned = store->prune(/*wait=*/false);
  if (!pruned) return reportError(pruned.error());
  if (pruned->blobsRemoved)
    std::printf("Deleted: %llu blobs (%s)\n", static_cast<unsigned long long>(pruned->blobsRemoved),
                humanSize(static_cast<int64_t>(pruned->bytesRemoved)).c_str());
  return status;
}

int tagImage() {
  auto store = openStore();
  if (!store) return reportError(store.error());
  auto found = oci::findImage(*store, args.source);
  if (!found) return reportError(found.error());
  auto ref = oci::parseReference(args.target);
  if (!ref) return reportError(ref.error());
  if (!ref->digest.empty()) return reportError("a tag cannot name a digest: " + args.target);
  if (auto ok = store->setName(ref->str(), found->target); !ok) return reportError(ok.error());
  return kExitOk;
}

int pruneImages() {
  auto store = openStore();
  if (!store) return reportError(store.error());
  auto pruned = store->prune(/*wait=*/true);
  if (!pruned) return reportError(pruned.error());
  std::printf("Deleted %llu blobs, %llu unpacked images; reclaimed %s\n",
              static_cast<unsigned long long>(pruned->blobsRemoved),
              static_cast<unsigned long long>(pruned->rootfsRemoved),
              humanSize(static_cast<int64_t>(pruned->bytesRemoved)).c_str());
  return kExitOk;
}

int saveImages() {
  auto store = openStore();
  if (!store) return reportError(store.error());
  if (auto ok = oci::saveImages(*store, args.names, args.output); !ok) return reportError(ok.error());
  return kExitOk;
}

int loadImages() {
  auto store = openStore();
  if (!store) return reportError(store.error());
  auto loaded = oci::loadImages(*store, args.input);
  if (!loaded) return reportError(loaded.error());
  for (const oci::LoadedImage& img : *loaded) {
    auto ref = oci::parseReference(img.name);
    if (img.name.empty())
      std::printf("Loaded image ID: %s\n", img.target.digest.c_str());
    else
      std::printf("Loaded image: %s\n", ref ? ref->familiar().c_str() : img.name.c_str());
  }
  return kExitOk;
}

}  // namespace

void addImageCommands(CLI::App& app) {
  buildCmd = app.add_subcommand("build", "Build an image from a Wasm module");
  buildCmd->add_option("-t,--tag", args.tag, "Name of the image (NAME[:TAG])")
      ->required()
      ->type_name("NAME[:TAG]");
  buildCmd->add_option("MODULE", args.module, "The WebAssembly module (.wasm)")
      ->required()
      ->type_name("MODULE");
  buildCmd
      ->add_option("--entrypoint", args.entrypoint,
                   "The image's entrypoint, one element per use (default: the module's path in the image)")
      ->allow_extra_args(false)
      ->type_name("ARG");
  buildCmd->add_option("--cmd", args.cmd, "Default arguments after the entrypoint, one per use")
      ->allow_extra_args(false)
      ->type_name("ARG");
  buildCmd->add_option("--env", args.env, "Set an environment variable in the image")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  buildCmd->add_option("--workdir", args.workdir, "The image's working directory")->type_name("DIR");
  buildCmd->add_option("--label", args.labels, "Add a label to the image")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  buildCmd->add_option("--add", args.adds, "Copy a host file or directory into the image at GUEST")
      ->allow_extra_args(false)
      ->type_name("HOST:GUEST");
  buildCmd->add_flag("--artifact", args.artifact,
                     "Build the CNCF Wasm OCI artifact (one application/wasm layer) instead of an OCI image");
  buildCmd->add_flag("--linux-compat", args.linuxCompat,
                     "Also offer the image as linux/amd64 and linux/arm64 (an image index), for Kubernetes "
                     "nodes and Docker that take only Linux images");
  buildCmd->footer(
      "The same inputs always give the same image digest (timestamps are $SOURCE_DATE_EPOCH, or 0).\n"
      "Images go to the store in $WHARF_STORE, or $XDG_DATA_HOME/wharf (~/.local/share/wharf).");

  imagesCmd = app.add_subcommand("images", "List the images in the store");
  imagesCmd->add_flag("-q,--quiet", args.quiet, "Print only image IDs");

  rmiCmd = app.add_subcommand("rmi", "Remove images from the store");
  rmiCmd->add_option("IMAGE", args.names, "Names or IDs")->required();
  rmiCmd->add_flag("-f,--force", args.force, "Remove every name of an image given by ID");

  tagCmd = app.add_subcommand("tag", "Give an image another name");
  tagCmd->add_option("SOURCE", args.source, "Name or ID")->required();
  tagCmd->add_option("TARGET", args.target, "New name (NAME[:TAG])")->required();

  saveCmd =
      app.add_subcommand("save", "Write images to a tar archive (OCI layout; also read by docker load)");
  saveCmd->add_option("-o,--output", args.output, "The archive to write")->required()->type_name("FILE.tar");
  saveCmd->add_option("IMAGE", args.names, "Names or IDs")->required();

  loadCmd = app.add_subcommand("load", "Read images from a tar archive (OCI layout)");
  loadCmd->add_option("-i,--input", args.input, "The archive to read")->required()->type_name("FILE.tar");

  imageCmd = app.add_subcommand("image", "Manage images");
  imageCmd->require_subcommand(1);
  pruneCmd = imageCmd->add_subcommand("prune", "Remove blobs that no image uses");
  pruneCmd->add_flag("-f,--force", args.force,
                     "Do not ask (accepted for Docker compatibility; prune never asks)");
}

std::optional<int> runImageCommands() {
  if (buildCmd->parsed()) return buildImage();
  if (imagesCmd->parsed()) return listImages();
  if (rmiCmd->parsed()) return removeImages();
  if (tagCmd->parsed()) return tagImage();
  if (saveCmd->parsed()) return saveImages();
  if (loadCmd->parsed()) return loadImages();
  if (pruneCmd->parsed()) return pruneImages();
  return std::nullopt;
}

int runImage(const RunCommand& cmd) {
  auto store = openStore();
  if (!store) return reportError(store.error());
  if (cmd.pull == "always")
    if (auto pulled = pullForRun(*store, cmd.file); !pulled) return reportError(pulled.error());
  auto found = oci::findImage(*store, cmd.file);
  if (!found && cmd.pull == "never") return reportError(found.error());
  if (!found) {
    // Docker's `run`: an image the store lacks is pulled first.
    auto pulled = pullForRun(*store, cmd.file);
    if (!pulled) return reportError(found.error().message + "; pulling it failed: " + pulled.error().message);
    found = oci::findImage(*store, cmd.file);
    if (!found) return reportError(found.error());
  }
  std::optional<std::vector<std::string>> imageArgs;
  if (!cmd.args.empty() || !cmd.invoke.empty()) imageArgs = cmd.args;
  auto run = oci::prepareRun(*store, *found, imageArgs);
  if (!run) return reportError(found->name + ": " + run.error().message);
  host::GuestSpec spec;
  spec.modulePath = cmd.file;
  spec.moduleBytes = std::move(run->module);
  spec.argv0 = run->argv0;
  spec.invoke = cmd.invoke.empty() ? run->invoke : cmd.invoke;
  spec.args = cmd.invoke.empty() ? run->args : cmd.args;
  // The image's files are the guest's "/", read-only; grants come after.
  if (!run->rootfs.empty()) spec.dirs.push_back({run->rootfs, "/", true});
  spec.dirs.insert(spec.dirs.end(), cmd.dirs.begin(), cmd.dirs.end());
  std::vector<std::string> env = run->env;
  std::vector<std::string> extra = host::composeEnvironment(cmd.env, cmd.envInherit);
  env.insert(env.end(), extra.begin(), extra.end());
  spec.env = host::composeEnvironment(env, false);
  spec.tcpListen = cmd.tcpListen;
  spec.limits = cmd.limits;
  return host::runGuest(spec);
}

int inspectImage(const std::string& image) {
  auto store = openStore();
  if (!store) return reportError(store.error());
  auto found = oci::findImage(*store, image);
  if (!found) return reportError(found.error());
  auto mbytes = store->readBlob(found->manifestDesc);
  if (!mbytes) return reportError(mbytes.error());
  auto cbytes = store->readBlob(found->manifest.config);
  if (!cbytes) return reportError(cbytes.error());
  nlohmann::ordered_json out;
  auto ref = oci::parseReference(found->name);
  out["Name"] = found->name;
  out["Id"] = found->target.digest;
  out["MediaType"] = found->target.mediaType;
  out["Platform"] = found->config.platform.str();
  out["Format"] = found->config.wasmArtifact ? "CNCF Wasm artifact" : "OCI image";
  std::map<std::string, int64_t> blobs;
  blobsOf(*store, found->target, blobs);
  int64_t total = 0;
  for (auto& [d, s] : blobs) total += s;
  out["Size"] = total;
  out["Sizes"]["Manifest"] = found->manifestDesc.size;
  out["Sizes"]["Config"] = found->manifest.config.size;
  int64_t layers = 0;
  for (const oci::Descriptor& l : found->manifest.layers) layers += l.size;
  out["Sizes"]["Layers"] = layers;
  if (found->target.digest != found->manifestDesc.digest) out["Sizes"]["Index"] = found->target.size;
  out["ManifestDigest"] = found->manifestDesc.digest;
  out["Manifest"] = nlohmann::ordered_json::parse(mbytes->begin(), mbytes->end(), nullptr, false);
  out["Config"] = nlohmann::ordered_json::parse(cbytes->begin(), cbytes->end(), nullptr, false);
  std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  return kExitOk;
}

}  // namespace wharf::cli
