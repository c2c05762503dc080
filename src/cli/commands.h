// The `wharf` subcommands. Each returns the process exit status:
//   0 success, 1 error (unreadable, malformed, invalid or unlinkable module,
//   bad arguments, failing .wast assertions), 2 usage error, 134 trap (the
//   status of a native program that aborts, as Wasmtime does). `wharf run`
//   of a WASI program exits with the guest's proc_exit code.
// Errors are printed as exactly one line on stderr:
//   wharf: error: <message> (at byte 0x..)     (the offset when known)
// A trap prints one line, then its backtrace (innermost call first):
//   wharf: trap: <message>
//     0: <function name> (func <index>)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wharf::cli {

enum ExitCode : int { kExitOk = 0, kExitError = 1, kExitUsage = 2, kExitTrap = 134 };

struct DirGrant {
  std::string hostPath, guestPath;
  bool readOnly = false;
};

struct RunCommand {
  std::string file;
  std::string invoke;             // export to call; empty: `_start` if exported
  std::vector<std::string> args;  // the guest's argv[1..], or --invoke's parameters
  // WASI grants.
  std::vector<DirGrant> dirs;    // in command-line order
  std::vector<std::string> env;  // "K=V", or "K" for the host's value
  bool envInherit = false;
  std::vector<std::string> tcpListen;
  // Limits; -1 / 0 / nullopt: none. Off limits cost nothing at run time.
  int64_t fuel = -1;                  // instruction budget (code is metered only with a budget)
  std::optional<uint64_t> maxMemory;  // bytes: memories, tables, stacks (0 is a real zero)
  double timeoutSeconds = 0;          // wall clock
  uint32_t maxCallDepth = 0;
  uint32_t maxOpenFiles = 1024;
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
