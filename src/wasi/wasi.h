// WASI preview 1 (`wasi_snapshot_preview1`) for one guest instance, with
// capability-based authority: the guest reaches only the directories,
// environment, arguments and listening sockets its Options grant.
//
//   auto ctx = wasi::Context::create(options);        // opens preopens, binds sockets
//   imports: ctx->resolve(store, "wasi_snapshot_preview1", name)
//   instantiate, then ctx->bindMemory(instance's "memory" export)
//   call "_start"; a Trap of kind Exit carries proc_exit's code
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "runtime/instance.h"

namespace wharf::wasi {

inline constexpr std::string_view kModuleName = "wasi_snapshot_preview1";

struct Preopen {
  std::string hostPath;
  std::string guestPath;  // the name the guest sees (fd_prestat_dir_name)
  bool readOnly = false;
};

struct Options {
  std::vector<std::string> args;                // argv, argv[0] included
  std::vector<std::string> env;                 // "KEY=VALUE"
  std::vector<Preopen> dirs;                    // fds 3, 4, ... in this order
  std::vector<std::string> tcpListen;           // "ADDR:PORT", fds after the directories
  uint32_t maxOpenFiles = 1024;                 // guest descriptors, stdio and preopens included
  int stdinFd = 0, stdoutFd = 1, stderrFd = 2;  // host descriptors behind fds 0-2 (not owned)
};

class Context {
 public:
  // Opens every preopen and listening socket; fails with a one-line message
  // (e.g. "--dir /nope: No such file or directory").
  static Expected<std::unique_ptr<Context>> create(const Options& options);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  // The host function for import `module`.`name`, created in `store`, or
  // nullptr if WASI has no such function.
  FuncInst* resolve(Store& store, std::string_view module, std::string_view name);
  // The memory that guest pointers refer to (the instance's "memory" export).
  void bindMemory(LinearMemory* memory);

  struct Impl;

 private:
  explicit Context(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Every wasi_snapshot_preview1 function name, in functions.def order.
std::vector<std::string_view> functionNames();

}  // namespace wharf::wasi
