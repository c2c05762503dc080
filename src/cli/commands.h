// The `wharf` subcommands. Each returns the process exit status (see
// host/guest.h: 0 success, 1 error, 2 usage error, 134 trap, else the
// guest's proc_exit code), and reports problems as one line on stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/guest.h"

namespace wharf::cli {

using host::DirGrant;
using host::kExitError;
using host::kExitOk;
using host::kExitTrap;
using host::kExitUsage;
using host::reportError;

// `wharf run`: what the command line grants; host::runGuest does the rest.
struct RunCommand {
  std::string file;
  std::string invoke;             // export to call; empty: `_start` if exported
  std::vector<std::string> args;  // the guest's argv[1..], or --invoke's parameters
  std::vector<DirGrant> dirs;     // in command-line order
  std::vector<std::string> env;   // "K=V", or "K" for the host's value
  bool envInherit = false;
  std::vector<std::string> tcpListen;
  host::Limits limits;
  std::string pull = "missing";  // an image: missing | always | never (Docker's --pull)
};
int runCommand(const RunCommand& cmd);

int validateCommand(const std::string& file);
int inspectCommand(const std::string& file);

struct WastCommand {
  std::vector<std::string> files;
  bool verbose = false;  // also list text-format message mismatches
};
int wastCommand(const WastCommand& cmd);

}  // namespace wharf::cli
