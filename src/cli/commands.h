// The `wharf` subcommands. Each returns the process exit status:
//   0 success, 1 error (unreadable, malformed, invalid or unlinkable module,
//   bad arguments, failing .wast assertions), 2 usage error, 3 trap.
// Errors are printed as exactly one line on stderr:
//   wharf: error: <message> (at byte 0x..)     (the offset when known)
//   wharf: trap: <message>
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wharf::cli {

enum ExitCode : int { kExitOk = 0, kExitError = 1, kExitUsage = 2, kExitTrap = 3 };

struct RunCommand {
  std::string file;
  std::string invoke;             // export to call; empty: `_start` if exported
  std::vector<std::string> args;  // one per parameter
  int64_t fuel = -1;              // instruction budget; -1: unlimited (code is not metered)
};
int runCommand(const RunCommand& cmd);

int validateCommand(const std::string& file);
int inspectCommand(const std::string& file);

struct WastCommand {
  std::vector<std::string> files;
  bool verbose = false;  // also list text-format message mismatches
};
int wastCommand(const WastCommand& cmd);

// Prints `wharf: error: <message>` on stderr and returns kExitError.
int reportError(const std::string& message);

}  // namespace wharf::cli
