#include "cli/registry_cli.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "oci/reference.h"
#include "oci/runnable.h"
#include "registry/auth.h"
#include "registry/registry.h"

namespace wharf::cli {
namespace {

struct RegistryArgs {
  std::string image, target, registry, username, password, caFile;
  bool passwordStdin = false, insecure = false, quiet = false;
  int64_t chunkSize = int64_t{8} << 20;
  int retries = 4;
};

RegistryArgs args;
CLI::App *pullCmd, *pushCmd, *loginCmd, *logoutCmd;

void addConnectionFlags(CLI::App* cmd) {
  cmd->add_option("--ca-file", args.caFile,
                  "Trust this CA certificate (PEM) for the registry (also: $SSL_CERT_FILE)")
      ->type_name("FILE");
  cmd->add_flag(
      "--insecure", args.insecure,
      "Allow plain http and unverified TLS for this registry (loopback registries may always use http)");
  cmd->add_option("--retries", args.retries, "Attempts per request on 429, 5xx and dropped connections")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
}

registry::TransferOptions transferOptions(bool toStdout) {
  registry::TransferOptions o;
  o.connect.insecure = args.insecure;
  o.connect.caFile = args.caFile;
  o.connect.retry.attempts = args.retries;
  // Bars only on a terminal; a pipe or a log gets the status lines alone.
  o.connect.progress = !args.quiet && ::isatty(STDERR_FILENO);
  o.chunkSize = args.chunkSize;
  if (!args.quiet)
    o.status = [toStdout](const std::string& line) {
      std::fprintf(toStdout ? stdout : stderr, "%s\n", line.c_str());
      std::fflush(toStdout ? stdout : stderr);
    };
  return o;
}

Expected<oci::Store> openStore() { return oci::Store::open(oci::Store::defaultRoot()); }

int pullImage() {
  auto ref = oci::parseReference(args.image);
  if (!ref) return reportError(ref.error());
  auto store = openStore();
  if (!store) return reportError(store.error());
  auto pulled = registry::pull(*store, *ref, transferOptions(true));
  if (!pulled) return reportError("cannot pull " + ref->familiar() + ": " + pulled.error().message);
  if (!args.quiet)
    std::printf("Status: %s for %s\n", pulled->changed ? "Downloaded newer image" : "Image is up to date",
                ref->familiar().c_str());
  else
    std::printf("%s\n", ref->str().c_str());
  return kExitOk;
}

int pushImage() {
  auto store = openStore();
  if (!store) return reportError(store.error());
  auto found = oci::findImage(*store, args.image);
  if (!found) return reportError(found.error());
  std::string destText = args.target.empty() ? args.image : args.target;
  auto dest = oci::parseReference(destText);
  if (!dest) return reportError(dest.error());
  auto pushed = registry::push(*store, found->target, *dest, transferOptions(true));
  if (!pushed) return reportError("cannot push " + dest->familiar() + ": " + pushed.error().message);
  if (args.quiet) std::printf("%s\n", pushed->c_str());
  return kExitOk;
}

// A password from the terminal (echo off), or the first line of stdin.
std::optional<std::string> readSecret(bool prompt) {
  termios old{};
  bool tty = prompt && ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    std::fprintf(stderr, "Password: ");
    termios quiet = old;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::fputc('\n', stderr);
  }
  if (!ok && line.empty()) return std::nullopt;
  while (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int login() {
  std::string reg = registry::normaliseRegistry(args.registry.empty() ? "docker.io" : args.registry);
  registry::Credentials creds{args.username, args.password};
  if (creds.username.empty()) {
    if (::isatty(STDIN_FILENO)) {
      std::fprintf(stderr, "Username: ");
      std::getline(std::cin, creds.username);
    }
    if (creds.username.empty()) return reportError("login to " + reg + " needs a username (-u)");
  }
  if (args.passwordStdin || creds.secret.empty()) {
    if (!args.passwordStdin && !::isatty(STDIN_FILENO))
      return reportError("login to " + reg + " needs a password (-p, --password-stdin or a terminal)");
    auto secret = readSecret(!args.passwordStdin);
    if (!secret || secret->empty()) return reportError("login to " + reg + ": no password given");
    creds.secret = *secret;
  }
  registry::ConnectOptions c;
  c.insecure = args.insecure;
  c.caFile = args.caFile;
  c.retry.attempts = args.retries;
  std::string host = reg == "docker.io" ? "registry-1.docker.io" : reg;
  auto session = registry::Session::open(host, c, creds);
  if (!session) return reportError("login to " + reg + " failed: " + session.error().message);
  if (auto ok = (*session)->checkAuth(); !ok)
    return reportError("login to " + reg + " failed: " + ok.error().message);
  if (auto ok = registry::storeCredentials(reg, creds); !ok) return reportError(ok.error());
  std::printf("Login Succeeded\n");
  return kExitOk;
}

int logout() {
  std::string reg = registry::normaliseRegistry(args.registry.empty() ? "docker.io" : args.registry);
  auto erased = registry::eraseCredentials(reg);
  if (!erased) return reportError(erased.error());
  if (*erased)
    std::printf("Removing login credentials for %s\n", reg.c_str());
  else
    std::printf("Not logged in to %s\n", reg.c_str());
  return kExitOk;
}

}  // namespace

void addRegistryCommands(CLI::App& app) {
  const char* credentials =
      "Credentials come from `wharf login` / `docker login`: $WHARF_CONFIG, $DOCKER_CONFIG/config.json or\n"
      "~/.docker/config.json (credsStore and credHelpers included).";
  pullCmd = app.add_subcommand("pull", "Fetch an image from a registry into the store");
  pullCmd->add_option("IMAGE", args.image, "[REGISTRY/]REPOSITORY[:TAG|@DIGEST]")->required();
  pullCmd->add_flag("-q,--quiet", args.quiet, "Print only the image's name");
  addConnectionFlags(pullCmd);
  pullCmd->footer(credentials);

  pushCmd = app.add_subcommand("push", "Send an image from the store to a registry");
  pushCmd->add_option("IMAGE", args.image, "The image's name in the store (also where it goes)")->required();
  pushCmd->add_option("TARGET", args.target, "Push to this reference instead of IMAGE's name");
  pushCmd->add_flag("-q,--quiet", args.quiet, "Print only the pushed digest");
  pushCmd
      ->add_option("--chunk-size", args.chunkSize,
                   "Upload blobs larger than this in chunks of this many bytes (0: one request)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40))
      ->capture_default_str();
  addConnectionFlags(pushCmd);
  pushCmd->footer(credentials);

  loginCmd = app.add_subcommand("login", "Store credentials for a registry (checked against it first)");
  loginCmd->add_option("REGISTRY", args.registry, "host[:port] (default: docker.io)");
  loginCmd->add_option("-u,--username", args.username, "User name");
  loginCmd->add_option("-p,--password", args.password,
                       "Password (visible to other users: prefer --password-stdin)");
  loginCmd->add_flag("--password-stdin", args.passwordStdin, "Read the password from stdin");
  addConnectionFlags(loginCmd);
  loginCmd->footer(credentials);

  logoutCmd = app.add_subcommand("logout", "Remove stored credentials for a registry");
  logoutCmd->add_option("REGISTRY", args.registry, "host[:port] (default: docker.io)");
}

std::optional<int> runRegistryCommands() {
  if (pullCmd->parsed()) return pullImage();
  if (pushCmd->parsed()) return pushImage();
  if (loginCmd->parsed()) return login();
  if (logoutCmd->parsed()) return logout();
  return std::nullopt;
}

Expected<void> pullForRun(oci::Store& store, const std::string& text) {
  WHARF_TRY(ref, oci::parseReference(text));
  registry::TransferOptions o;
  bool tty = ::isatty(STDERR_FILENO);
  o.connect.progress = tty;
  if (tty) {
    std::fprintf(stderr, "Unable to find image '%s' locally\n", ref.familiar().c_str());
    o.status = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  }
  WHARF_CHECK(registry::pull(store, ref, o));
  return {};
}

}  // namespace wharf::cli
