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
  [[gnu::always_inline]] inline bool read(Instr& out);

  // read() in two steps, for loops that dispatch on the opcode themselves
  // (one indirect jump per instruction instead of two): readOpcode() sets
  // op and offset, then readImmediates<opInfo(op).imm>() the rest. The common
  // shapes (a single-byte opcode, one LEB index or i32, a memarg, an empty
  // block type) are read inline; prefixed opcodes, other immediates, every
  // error and the last bytes before `end` take the out-of-line paths.
  [[gnu::always_inline]] inline bool readOpcode(Instr& out);
  template <ImmKind K>
  [[gnu::always_inline]] inline bool readImmediates(Instr& out);

  Error error() const { return makeError(errMessage_, errOffset_); }

 private:
  bool readOpcodeSlow(Instr& out);
  bool readImmediatesSlow(Instr& out);

  std::span<const uint8_t> bytes_;
  uint32_t pos_;
  uint32_t end_;
  std::vector<uint32_t> brScratch_;
  const char* errMessage_ = "";
  uint32_t errOffset_ = 0;
};

namespace instr_detail {

// Opcode per first byte (-1: a prefix byte or illegal), built from opcodes.def.
struct ByteTable {
  int16_t op[256];
  constexpr ByteTable() : op{} {
    for (auto& v : op) v = -1;
    for (uint16_t i = 0; i < kNumOpcodes; ++i)
      if (kOpInfo[i].prefix == 0) op[kOpInfo[i].code] = int16_t(i);
  }
};
inline constexpr ByteTable kByteTable;

// Immediate kind per opcode, packed densely (OpInfo is much larger).
struct ImmTable {
  ImmKind imm[kNumOpcodes];
  constexpr ImmTable() : imm{} {
    for (uint16_t i = 0; i < kNumOpcodes; ++i) imm[i] = kOpInfo[i].imm;
  }
};
inline constexpr ImmTable kImmTable;

// Unsigned 32-bit LEB of at most 5 bytes, with all 5 known to be readable.
// False on anything the exact decoder must judge (too long, too large).
[[gnu::always_inline]] inline bool fastU32(const uint8_t* d, uint32_t& p, uint32_t& out) {
  uint8_t c = d[p];
  if (!(c & 0x80)) [[likely]] {  // one byte: most indices
    out = c;
    p += 1;
    return true;
  }
  uint32_t v = c & 0x7F;
  for (unsigned i = 1; i < 5; ++i) {
    c = d[p + i];
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
  uint8_t c = d[p];
  if (!(c & 0x80)) [[likely]] {
    out = int32_t(uint32_t(c) << 25) >> 25;  // sign-extend 7 bits
    p += 1;
    return true;
  }
  uint32_t v = c & 0x7F;
  for (unsigned i = 1; i < 5; ++i) {
    c = d[p + i];
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

// For loops that keep their position in a register and read the commonest
// instructions themselves (InstrReader's members live in memory): how the
// immediates of a single-byte opcode are laid out, when that is simple.
enum class Shape : uint8_t {
  Other,   // prefixed, illegal, or immediates left to InstrReader
  None,    // no immediates
  U32,     // one u32 LEB (an index)
  I32,     // one s32 LEB
  MemArg,  // two u32 LEBs, the first (alignment) below 32
  F32,     // 4 bytes
  F64,     // 8 bytes
};

struct ShapeTable {
  Shape shape[256];
  constexpr ShapeTable() : shape{} {
    for (uint16_t i = 0; i < kNumOpcodes; ++i) {
      if (kOpInfo[i].prefix != 0) continue;
      Shape& s = shape[kOpInfo[i].code];
      switch (kOpInfo[i].imm) {
        case ImmKind::None: s = Shape::None; break;
        case ImmKind::Label:
        case ImmKind::Func:
        case ImmKind::Local:
        case ImmKind::Global:
        case ImmKind::Table: s = Shape::U32; break;
        case ImmKind::I32: s = Shape::I32; break;
        case ImmKind::MemArg: s = Shape::MemArg; break;
        case ImmKind::F32: s = Shape::F32; break;
        case ImmKind::F64: s = Shape::F64; break;
        default: s = Shape::Other; break;
      }
    }
  }
};
inline constexpr ShapeTable kShapeTable;

// Readable bytes a register loop needs from an opcode to use the fast readers.
inline constexpr uint32_t kFastWindow = 16;

}  // namespace instr_detail

inline bool InstrReader::readOpcode(Instr& in) {
  uint32_t p = pos_;
  if (p < end_) [[likely]] {
    int16_t code = instr_detail::kByteTable.op[bytes_[p]];
    if (code >= 0) [[likely]] {
      in.op = Opcode(code);
      in.offset = p;
      pos_ = p + 1;
      return true;
    }
  }
  return readOpcodeSlow(in);
}

template <ImmKind K>
inline bool InstrReader::readImmediates(Instr& in) {
  using namespace instr_detail;
  const uint8_t* d = bytes_.data();
  uint32_t p = pos_;
  // Enough bytes for the longest immediate read here (a memarg: two 5-byte LEBs).
  bool room = end_ - p >= 10;  // pos_ <= end_ always
  if constexpr (K == ImmKind::None) {
    return true;
  } else if constexpr (K == ImmKind::Label || K == ImmKind::Func || K == ImmKind::Local ||
                       K == ImmKind::Global || K == ImmKind::Table || K == ImmKind::Data ||
                       K == ImmKind::Elem) {
    if (room && fastU32(d, p, in.index)) [[likely]] {
      pos_ = p;
      return true;
    }
  } else if constexpr (K == ImmKind::I32) {
    if (room && fastS32(d, p, in.i32)) [[likely]] {
      pos_ = p;
      return true;
    }
  } else if constexpr (K == ImmKind::MemArg) {
    uint32_t flags, offset;
    if (room && fastU32(d, p, flags) && flags < 32 && fastU32(d, p, offset)) [[likely]] {
      in.mem.alignLog2 = flags;
      in.mem.memory = 0;
      in.mem.offset = offset;
      pos_ = p;
      return true;
    }
  } else if constexpr (K == ImmKind::BlockType) {
    if (p < end_ && d[p] == 0x40) [[likely]] {
      in.block.kind = BlockType::Empty;
      pos_ = p + 1;
      return true;
    }
  }
  return readImmediatesSlow(in);
}

inline bool InstrReader::read(Instr& in) {
  if (!readOpcode(in)) return false;
  switch (instr_detail::kImmTable.imm[uint16_t(in.op)]) {
#define WHARF_IMM(K) \
  case ImmKind::K: return readImmediates<ImmKind::K>(in);
    WHARF_IMM(None)
    WHARF_IMM(BlockType)
    WHARF_IMM(Label)
    WHARF_IMM(BrTable)
    WHARF_IMM(Func)
    WHARF_IMM(CallIndirect)
    WHARF_IMM(Local)
    WHARF_IMM(Global)
    WHARF_IMM(Table)
    WHARF_IMM(MemArg)
    WHARF_IMM(Memory)
    WHARF_IMM(I32)
    WHARF_IMM(I64)
    WHARF_IMM(F32)
    WHARF_IMM(F64)
    WHARF_IMM(V128)
    WHARF_IMM(Lane)
    WHARF_IMM(Shuffle)
    WHARF_IMM(MemArgLane)
    WHARF_IMM(HeapType)
    WHARF_IMM(SelectT)
    WHARF_IMM(MemoryInit)
    WHARF_IMM(Data)
    WHARF_IMM(MemoryCopy)
    WHARF_IMM(TableInit)
    WHARF_IMM(Elem)
    WHARF_IMM(TableCopy)
#undef WHARF_IMM
  }
  return readImmediatesSlow(in);
}

}  // namespace wharf
