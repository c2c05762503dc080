// The .wast script format of the WebAssembly spec testsuite: modules, actions
// and assertions, parsed into plain data for a runner to execute.
//
// Text modules are encoded to binary at parse time (see wat_parser.h). A text
// module that fails to parse does not abort the script: the error is stored
// in its ModuleSource so the runner can judge it (for assert_malformed it is
// the expected outcome). `(module quote ...)` text is kept unparsed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "common/types.h"

namespace wharf::script {

enum class ValueType : uint8_t { I32, I64, F32, F64, V128, FuncRef, ExternRef };

// How a v128 literal was written (it only matters for printing and, in
// results, for which lanes are floats).
enum class LaneShape : uint8_t { I8x16, I16x8, I32x4, I64x2, F32x4, F64x2 };
uint32_t laneCount(LaneShape shape);

// A concrete argument or expected result value.
struct Value {
  ValueType type = ValueType::I32;
  // I32: the 32 bits, zero-extended; I64: the 64 bits; F32/F64: the IEEE-754
  // bits (so NaN payloads survive); ExternRef: N of `(ref.extern N)`.
  uint64_t bits = 0;
  V128 v128{};                         // V128: the 16 bytes, little-endian lanes
  LaneShape shape = LaneShape::I32x4;  // V128: the shape it was written in
  bool isNull = false;                 // FuncRef/ExternRef: `(ref.null func|extern)`

  uint32_t i32() const { return uint32_t(bits); }
  uint64_t i64() const { return bits; }
  uint32_t f32Bits() const { return uint32_t(bits); }
  uint64_t f64Bits() const { return bits; }
};

enum class NanPattern : uint8_t {
  None,        // an exact value
  Canonical,   // nan:canonical: the canonical NaN of the type, either sign
  Arithmetic,  // nan:arithmetic: any NaN whose most significant payload bit is set
};

// An expected result of assert_return.
struct ResultPattern {
  enum class Kind : uint8_t {
    Exact,         // `value` must match: numbers and v128 bit-for-bit, refs by null-ness/type or extern N
    Nan,           // `type` is F32/F64; `nan` says which NaNs match
    V128Lanes,     // v128 with some NaN lanes: lane i matches laneNans[i], or the lane of `value` exactly
    AnyFuncRef,    // `(ref.func)`: any non-null funcref
    AnyExternRef,  // `(ref.extern)`: any non-null externref
    Either,        // `(either r1 r2 ...)`: any alternative matches
  };
  Kind kind = Kind::Exact;
  ValueType type = ValueType::I32;          // every kind but Either
  Value value;                              // Exact, V128Lanes (exact lanes and shape)
  NanPattern nan = NanPattern::None;        // Nan
  std::vector<NanPattern> laneNans;         // V128Lanes: one per lane of value.shape (F32x4 or F64x2)
  std::vector<ResultPattern> alternatives;  // Either
};

// A module as written in the script.
struct ModuleSource {
  enum class Kind : uint8_t {
    Text,    // (module ...) in text: `bytes` is its encoding, or `error` is set
    Binary,  // (module binary "..."): `bytes` as given
    Quote,   // (module quote "..."): `text` holds the concatenated strings, unparsed
  };
  Kind kind = Kind::Text;
  std::string name;            // "$id" when the module is named, else empty
  std::vector<uint8_t> bytes;  // Text (on success) and Binary
  std::string text;            // Quote
  std::optional<Error> error;  // Text: the parse error; offsets are into the script text
  uint32_t line = 0;           // line of the `(module`
  size_t sourceBegin = 0;      // byte range of the whole `(module ...)` form in the script
  size_t sourceEnd = 0;
};

// Parses/encodes any kind of ModuleSource: Binary → bytes, Text → bytes or
// the stored error, Quote → parseWatModule(text).
Expected<std::vector<uint8_t>> encodeModule(const ModuleSource& m);

struct Action {
  enum class Kind : uint8_t { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::string module;       // "$id" of a named module, or empty for the latest module
  std::string field;        // export name (bytes of the string literal)
  std::vector<Value> args;  // Invoke only
};

struct Command {
  enum class Kind : uint8_t {
    Module,                // module
    Register,              // (register "as" $mod?): registerAs, registerModule
    Action,                // a bare (invoke ...) or (get ...): action
    AssertReturn,          // action, expected
    AssertTrap,            // action, or module when hasModule; message
    AssertExhaustion,      // action, message
    AssertMalformed,       // module, message
    AssertInvalid,         // module, message
    AssertUnlinkable,      // module, message
    AssertUninstantiable,  // module, message
  };
  Kind kind = Kind::Module;
  uint32_t line = 0;  // 1-based line of the command's opening parenthesis

  ModuleSource module;     // Module and the module assertions (and AssertTrap when hasModule)
  bool hasModule = false;  // whether `module` is meaningful
  Action action;           // Action, AssertReturn, AssertTrap (unless hasModule), AssertExhaustion
  std::vector<ResultPattern> expected;  // AssertReturn
  std::string message;                  // the expected failure text of assertions
  std::string registerAs;               // Register: the import module name
  std::string registerModule;           // Register: "$id" of the module, or empty for the latest
};

struct Script {
  std::vector<Command> commands;
};

// Parses a whole script. Fails only on script-level syntax errors (messages
// with line:column, as for modules); module errors are stored per command.
// A file holding just module fields is read as a script with one module.
Expected<Script> parseWastScript(std::string_view text);

}  // namespace wharf::script
