// Runs one WASI guest with the capabilities and limits its caller grants:
// the one implementation behind `wharf run`, the OCI runtime (`wharf-runc`)
// and, later, the serverless host.
//
// Exit statuses: 0 success, 1 error before the guest runs (unreadable,
// malformed, invalid or unlinkable module), 134 trap (the status of a native
// program that aborts, as Wasmtime does), else the guest's proc_exit code.
// Problems are printed as exactly one line on stderr:
//   wharf: error: <message> (at byte 0x..)     (the offset when known)
// A trap prints one line, then its backtrace (innermost call first):
//   wharf: trap: <message>
//     0: <function name> (func <index>)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"

namespace wharf::host {

enum ExitCode : int { kExitOk = 0, kExitError = 1, kExitUsage = 2, kExitTrap = 134 };

struct DirGrant {
  std::string hostPath, guestPath;
  bool readOnly = false;
};

// -1 / 0 / nullopt: none. Limits that are off cost nothing at run time.
struct Limits {
  int64_t fuel = -1;                  // instruction budget (code is metered only with a budget)
  std::optional<uint64_t> maxMemory;  // bytes: memories, tables, stacks (0 is a real zero)
  double timeoutSeconds = 0;          // wall clock, loading included
  uint32_t maxCallDepth = 0;
  uint32_t maxOpenFiles = 1024;
};

// What a message names as the source of a limit, so that a user sees the
// knob they turned ("--max-memory" on the command line, a container's
// memory limit under the OCI runtime).
struct LimitNames {
  std::string memory = "--max-memory";
  std::string timeout = "--timeout";
};

struct GuestSpec {
  std::string modulePath;                           // read from here unless moduleBytes is set
  std::optional<std::vector<uint8_t>> moduleBytes;  // a binary module already in memory
  std::string argv0;                                // the guest's argv[0]; empty: modulePath
  std::string invoke;                               // export to call; empty: `_start` if exported
  std::vector<std::string> args;                    // argv[1..], or --invoke's parameters
  std::vector<DirGrant> dirs;                       // preopens, in this order (fds 3, 4, ...)
  std::vector<std::string> env;                     // "K=V", exactly what the guest sees
  std::vector<std::string> tcpListen;               // listening sockets to open, "ADDR:PORT"
  Limits limits;
  LimitNames limitNames;
};

// Loads, links and runs the guest; returns its exit status (above). Also
// ignores SIGPIPE for the process, so that a guest writing to a closed pipe
// gets EPIPE as a native program ignoring it would.
int runGuest(const GuestSpec& spec);

// A module file: a binary module as is (recognised by its `\0asm` magic),
// anything else as text format, encoded to binary.
Expected<std::vector<uint8_t>> readModuleBytes(const std::string& path);

// The guest environment for "K=V" / "K" (the host's value, skipped when
// unset) entries, later entries replacing earlier ones of the same name;
// with `inheritAll`, the host's whole environment comes first.
std::vector<std::string> composeEnvironment(const std::vector<std::string>& entries, bool inheritAll);

// Prints `wharf: error: <message>` (on one line) on stderr; returns kExitError.
int reportError(const std::string& message);
int reportError(const Error& error);

}  // namespace wharf::host
