// Traps are values: a kind (shared by every execution tier) plus, for host
// errors, a message. The texts are the spec testsuite's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wharf {

enum class TrapKind : uint8_t {
  None,
  Unreachable,
  IntegerDivideByZero,
  IntegerOverflow,
  InvalidConversion,
  OutOfBoundsMemory,
  OutOfBoundsTable,
  UndefinedElement,
  UninitializedElement,
  IndirectCallTypeMismatch,
  CallStackExhausted,
  NullReference,
  OutOfFuel,
  Interrupted,  // wall-clock timeout
  Exit,         // the guest asked to exit (WASI proc_exit); not an error
  Host,         // a host function failed; see Trap::message
};

const char* trapMessage(TrapKind kind);

// One wasm activation in a trap's backtrace.
struct TraceFrame {
  uint32_t funcIndex = 0;
  std::string name;  // from the name section, else an export name; may be empty
};

struct Trap {
  TrapKind kind = TrapKind::None;
  std::string message;   // host errors; otherwise empty and trapMessage(kind) applies
  int32_t exitCode = 0;  // TrapKind::Exit
  // Innermost activation first. Very deep stacks keep their innermost and
  // outermost frames; `omittedFrames` counts those left out between them.
  std::vector<TraceFrame> backtrace;
  uint64_t omittedFrames = 0;

  std::string describe() const { return message.empty() ? trapMessage(kind) : message; }
};

}  // namespace wharf
