// Opcode enumeration and per-opcode facts, all derived from opcodes.def.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/types.h"

namespace wharf {

// Kinds of immediates that follow an opcode in the binary format.
enum class ImmKind : uint8_t {
  None,
  BlockType,     // blocktype
  Label,         // labelidx
  BrTable,       // vec(labelidx) labelidx
  Func,          // funcidx
  CallIndirect,  // typeidx tableidx
  Local,         // localidx
  Global,        // globalidx
  Table,         // tableidx
  MemArg,        // align offset (memidx when align bit 6 is set, multi-memory)
  Memory,        // memidx (a single 0x00 byte in 2.0)
  I32,           // i32 (signed LEB)
  I64,           // i64 (signed LEB)
  F32,           // 4 bytes
  F64,           // 8 bytes
  V128,          // 16 bytes
  Lane,          // one lane-index byte
  Shuffle,       // 16 lane-index bytes
  MemArgLane,    // memarg, lane byte
  HeapType,      // heaptype (ref.null)
  SelectT,       // vec(valtype)
  MemoryInit,    // dataidx memidx
  Data,          // dataidx
  MemoryCopy,    // memidx memidx (dst, src)
  TableInit,     // elemidx tableidx
  Elem,          // elemidx
  TableCopy,     // tableidx tableidx (dst, src)
};

enum class Feature : uint8_t { Mvp, SignExt, SatConv, Bulk, RefTypes, Simd };

enum OpFlags : uint8_t { kConst = 1 };

enum class Opcode : uint16_t {
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) name,
#include "common/opcodes.def"
#undef WHARF_OP
};

constexpr uint16_t kNumOpcodes = 0
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) +1
#include "common/opcodes.def"
#undef WHARF_OP
    ;

// A simple operand signature: up to 3 params and 1 result of numeric/vector type.
struct OpSignature {
  uint8_t numParams = 0;
  uint8_t numResults = 0;
  ValType::Kind params[3] = {};
  ValType::Kind result = ValType::I32;
  bool known = false;  // false: the signature depends on immediates or context
};

constexpr ValType::Kind sigLetterKind(char c) {
  switch (c) {
    case 'i': return ValType::I32;
    case 'l': return ValType::I64;
    case 'f': return ValType::F32;
    case 'd': return ValType::F64;
    default: return ValType::V128;
  }
}

constexpr OpSignature parseSignature(std::string_view s) {
  OpSignature sig;
  if (s.empty()) return sig;
  sig.known = true;
  size_t i = 0;
  for (; s[i] != ':'; ++i) sig.params[sig.numParams++] = sigLetterKind(s[i]);
  for (++i; i < s.size(); ++i) {
    sig.result = sigLetterKind(s[i]);
    ++sig.numResults;
  }
  return sig;
}

struct OpInfo {
  std::string_view text;
  uint8_t prefix;
  uint32_t code;
  ImmKind imm;
  OpSignature sig;
  Feature feature;
  uint8_t flags;
};

inline constexpr OpInfo kOpInfo[] = {
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) \
  {text, prefix, code, ImmKind::imm, parseSignature(sig), Feature::feature, flags},
#include "common/opcodes.def"
#undef WHARF_OP
};

constexpr const OpInfo& opInfo(Opcode op) { return kOpInfo[static_cast<uint16_t>(op)]; }
// Mnemonic for printing ("select_t" prints as "select").
std::string_view opName(Opcode op);

// Binary lookup: prefix 0 / 0xFC / 0xFD with its code. nullopt = illegal opcode.
std::optional<Opcode> lookupOpcode(uint8_t prefix, uint32_t code);
// Text lookup by mnemonic ("i32.add"). "select" maps to Select; the text parser
// switches to SelectT when a result type follows.
std::optional<Opcode> lookupOpcodeByName(std::string_view text);

// Natural alignment (log2 bytes) of a memory access opcode, or -1.
int naturalAlignmentLog2(Opcode op);
// Bytes accessed by a memory access opcode (load/store/lane variants), or 0.
uint32_t memoryAccessBytes(Opcode op);
// Number of lanes for a Lane / MemArgLane opcode (e.g. 16 for i8x16.extract_lane_s).
uint32_t laneCount(Opcode op);

}  // namespace wharf
