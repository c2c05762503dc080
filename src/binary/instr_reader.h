// Reads one instruction (opcode + immediates) at a time from a function body
// or constant expression, in place. Shared by the decoder (structural check),
// the validator, the interpreter's code generator and constant evaluation, so
// the binary encoding of instructions is written down exactly once.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/expected.h"
#include "common/opcodes.h"
#include "common/types.h"

namespace wharf {

struct BlockType {
  enum Kind : uint8_t { Empty, Value, TypeIndex } kind = Empty;
  ValType type;        // Value
  uint32_t index = 0;  // TypeIndex
};

struct MemArg {
  uint32_t alignLog2 = 0;
  uint64_t offset = 0;
  uint32_t memory = 0;
};

struct Instr {
  Opcode op = Opcode::Nop;
  uint32_t offset = 0;  // byte offset of the opcode within the module

  // Immediates; which fields are meaningful depends on opInfo(op).imm.
  uint32_t index = 0;   // label/func/type/local/global/table/memory/data/elem index; dst for copies
  uint32_t index2 = 0;  // call_indirect: table; memory.init: memory; table.init: table; copies: src
  int32_t i32 = 0;
  int64_t i64 = 0;
  uint32_t f32bits = 0;
  uint64_t f64bits = 0;
  V128 v128;  // v128.const value, or i8x16.shuffle lane indices
  uint8_t lane = 0;
  BlockType block;
  MemArg mem;
  ValType type;  // ref.null heap type as a ref type; select_t result type (the first one)
  // select_t: `index` holds how many result types were listed (2.0 requires
  // exactly one; the validator reports other counts).
  // br_table: targets then the default, valid until the next call of next().
  std::span<const uint32_t> brTargets;  // excluding the default
  uint32_t brDefault = 0;
};

class InstrReader {
 public:
  // Reads bytes[pos, end); `moduleBytes` is the module buffer so offsets in
  // errors are absolute.
  InstrReader(std::span<const uint8_t> moduleBytes, uint32_t pos, uint32_t end)
      : bytes_(moduleBytes), pos_(pos), end_(end) {}

  // Repositions the reader over bytes[pos, end) of the same module, keeping
  // its scratch storage (so one reader can serve many function bodies).
  void reset(uint32_t pos, uint32_t end) {
    pos_ = pos;
    end_ = end;
  }

  bool atEnd() const { return pos_ >= end_; }
  uint32_t position() const { return pos_; }

  // Decodes the next instruction. Errors use the spec testsuite's wording:
  // "unexpected end", "illegal opcode", "integer representation too long",
  // "integer too large", "malformed reference type", "zero byte expected", ...
  // Running past `end` is "unexpected end of section or function".
  Expected<Instr> next();

  // Allocation- and copy-free form of next() for hot loops: decodes into
  // `out`, writing only the fields meaningful for the opcode's ImmKind (plus
  // op and offset). Returns false on malformed input; error() describes it.
  bool read(Instr& out);
  Error error() const { return makeError(errMessage_, errOffset_); }

 private:
  std::span<const uint8_t> bytes_;
  uint32_t pos_;
  uint32_t end_;
  std::vector<uint32_t> brScratch_;
  const char* errMessage_ = "";
  uint32_t errOffset_ = 0;
};

}  // namespace wharf
