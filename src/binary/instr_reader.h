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
  // Inline: the common shapes (no immediate, one LEB index or i32, a memarg,
  // an empty block type) are read here; everything else, every error and the
  // last bytes before `end` go through readSlow().
  [[gnu::always_inline]] inline bool read(Instr& out);
  Error error() const { return makeError(errMessage_, errOffset_); }

 private:
  bool readSlow(Instr& out);

  std::span<const uint8_t> bytes_;
  uint32_t pos_;
  uint32_t end_;
  std::vector<uint32_t> brScratch_;
  const char* errMessage_ = "";
  uint32_t errOffset_ = 0;
};

namespace instr_detail {

// How read() takes the immediates of a single-byte opcode.
enum class Fast : uint8_t { Slow, None, U32, I32, MemArg, Block };

// Indexed by the first byte of an instruction, built from opcodes.def.
struct ByteTable {
  int16_t op[256];
  Fast fast[256];
  constexpr ByteTable() : op{}, fast{} {
    for (uint16_t i = 0; i < kNumOpcodes; ++i) {
      if (kOpInfo[i].prefix != 0) continue;
      uint32_t b = kOpInfo[i].code;
      op[b] = int16_t(i);
      switch (kOpInfo[i].imm) {
        case ImmKind::None: fast[b] = Fast::None; break;
        case ImmKind::Label:
        case ImmKind::Func:
        case ImmKind::Local:
        case ImmKind::Global:
        case ImmKind::Table: fast[b] = Fast::U32; break;
        case ImmKind::I32: fast[b] = Fast::I32; break;
        case ImmKind::MemArg: fast[b] = Fast::MemArg; break;
        case ImmKind::BlockType: fast[b] = Fast::Block; break;
        default: fast[b] = Fast::Slow; break;
      }
    }
  }
};
inline constexpr ByteTable kByteTable;

// The longest fast-path instruction: opcode + memarg of two 5-byte LEBs.
inline constexpr uint32_t kFastWindow = 11;

// Unsigned 32-bit LEB of at most 5 bytes, with all 5 known to be readable.
// False on anything the exact decoder must judge (too long, too large).
[[gnu::always_inline]] inline bool fastU32(const uint8_t* d, uint32_t& p, uint32_t& out) {
  uint32_t v = 0;
  for (unsigned i = 0; i < 5; ++i) {
    uint8_t c = d[p + i];
    v |= uint32_t(c & 0x7F) << (7 * i);
    if (!(c & 0x80)) {
      if (i == 4 && c >= 0x10) return false;  // bits beyond 32
      out = v;
      p += i + 1;
      return true;
    }
  }
  return false;
}

// Signed 32-bit LEB, as fastU32.
[[gnu::always_inline]] inline bool fastS32(const uint8_t* d, uint32_t& p, int32_t& out) {
  uint32_t v = 0;
  for (unsigned i = 0; i < 5; ++i) {
    uint8_t c = d[p + i];
    v |= uint32_t(c & 0x7F) << (7 * i);
    if (!(c & 0x80)) {
      if (i == 4) {
        if ((c & 0x78) != 0 && (c & 0x78) != 0x78) return false;  // bits beyond 32 must copy the sign
      } else if (c & 0x40) {
        v |= ~uint32_t{0} << (7 * (i + 1));
      }
      out = int32_t(v);
      p += i + 1;
      return true;
    }
  }
  return false;
}

}  // namespace instr_detail

inline bool InstrReader::read(Instr& in) {
  using namespace instr_detail;
  uint32_t p = pos_;
  if (p >= end_ || end_ - p < kFastWindow) [[unlikely]]
    return readSlow(in);
  const uint8_t* d = bytes_.data();
  uint8_t b = d[p];
  uint32_t q = p + 1;
  switch (kByteTable.fast[b]) {
    case Fast::None: break;
    case Fast::U32:
      if (!fastU32(d, q, in.index)) return readSlow(in);
      break;
    case Fast::I32:
      if (!fastS32(d, q, in.i32)) return readSlow(in);
      break;
    case Fast::MemArg: {
      uint32_t flags, offset;
      if (!fastU32(d, q, flags) || flags >= 32 || !fastU32(d, q, offset)) return readSlow(in);
      in.mem.alignLog2 = flags;
      in.mem.memory = 0;
      in.mem.offset = offset;
      break;
    }
    case Fast::Block:
      if (d[q] != 0x40) return readSlow(in);
      in.block.kind = BlockType::Empty;
      ++q;
      break;
    case Fast::Slow: return readSlow(in);
  }
  in.op = Opcode(kByteTable.op[b]);
  in.offset = p;
  pos_ = q;
  return true;
}

}  // namespace wharf
