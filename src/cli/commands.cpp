#include "cli/commands.h"

#include <sys/stat.h>

#include <cstdio>
#include <iostream>

#include "binary/decoder.h"
#include "binary/inspect.h"
#include "cli/image_cli.h"
#include "validate/validator.h"
#include "wast/runner.h"

namespace wharf::cli {

// `wharf run X` / `wharf inspect X`: a file if there is one (or X names
// one by its extension), else an image.
bool namesImage(const std::string& x) {
  struct stat st;
  if (::stat(x.c_str(), &st) == 0) return false;
  return !(x.ends_with(".wasm") || x.ends_with(".wat") || x.starts_with("/") || x.starts_with("./") ||
           x.starts_with("../") || x.empty() || x == "-");
}

int runCommand(const RunCommand& cmd) {
  if (namesImage(cmd.file)) return runImage(cmd);
  host::GuestSpec spec;
  spec.modulePath = cmd.file;
  spec.invoke = cmd.invoke;
  spec.args = cmd.args;
  spec.dirs = cmd.dirs;
  spec.env = host::composeEnvironment(cmd.env, cmd.envInherit);
  spec.tcpListen = cmd.tcpListen;
  spec.limits = cmd.limits;
  return host::runGuest(spec);
}

int validateCommand(const std::string& file) {
  auto bytes = host::readModuleBytes(file);
  if (!bytes.ok()) return reportError(bytes.error());
  auto valid = decodeAndValidate(std::move(bytes).value());
  if (!valid.ok()) return reportError(valid.error());
  return kExitOk;
}

int inspectCommand(const std::string& file) {
  if (namesImage(file)) return inspectImage(file);
  auto bytes = host::readModuleBytes(file);
  if (!bytes.ok()) return reportError(bytes.error());
  auto module = decodeModule(std::move(bytes).value());
  if (!module.ok()) return reportError(module.error());
  std::fputs(describeModule(**module).c_str(), stdout);
  return kExitOk;
}

int wastCommand(const WastCommand& cmd) {
  uint64_t passed = 0, failed = 0;
  for (const std::string& file : cmd.files) {
    wast::FileReport report = wast::runWastFile(file);
    wast::printReport(report, std::cout, cmd.verbose);
    std::cout.flush();
    passed += report.passed;
    failed += report.failed;
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed ? kExitError : kExitOk;
}

}  // namespace wharf::cli
