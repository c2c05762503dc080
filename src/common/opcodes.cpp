#include "common/opcodes.h"

#include <algorithm>
#include <array>

namespace wharf {
namespace {

constexpr uint32_t kMaxFdCode = 0x114;  // room for relaxed SIMD (3.0)

struct Tables {
  std::array<int16_t, 256> single{};
  std::array<int16_t, 32> fc{};
  std::array<int16_t, kMaxFdCode> fd{};
};

constexpr Tables buildTables() {
  Tables t;
  for (auto& v : t.single) v = -1;
  for (auto& v : t.fc) v = -1;
  for (auto& v : t.fd) v = -1;
  for (uint16_t i = 0; i < kNumOpcodes; ++i) {
    const OpInfo& info = kOpInfo[i];
    if (info.prefix == 0) t.single[info.code] = static_cast<int16_t>(i);
    if (info.prefix == 0xFC) t.fc[info.code] = static_cast<int16_t>(i);
    if (info.prefix == 0xFD) t.fd[info.code] = static_cast<int16_t>(i);
  }
  return t;
}

constexpr Tables kTables = buildTables();

// Sorted (name, opcode) pairs for binary search by mnemonic, built at compile time.
struct NameEntry {
  std::string_view name;
  uint16_t op;
};

constexpr std::array<NameEntry, kNumOpcodes> buildNames() {
  std::array<NameEntry, kNumOpcodes> a{};
  for (uint16_t i = 0; i < kNumOpcodes; ++i) a[i] = {kOpInfo[i].text, i};
  std::sort(a.begin(), a.end(), [](const NameEntry& x, const NameEntry& y) { return x.name < y.name; });
  return a;
}

constexpr auto kNames = buildNames();

}  // namespace

std::string_view opName(Opcode op) {
  if (op == Opcode::SelectT) return "select";
  return opInfo(op).text;
}

std::optional<Opcode> lookupOpcode(uint8_t prefix, uint32_t code) {
  int16_t v = -1;
  if (prefix == 0 && code < kTables.single.size()) v = kTables.single[code];
  if (prefix == 0xFC && code < kTables.fc.size()) v = kTables.fc[code];
  if (prefix == 0xFD && code < kTables.fd.size()) v = kTables.fd[code];
  if (v < 0) return std::nullopt;
  return static_cast<Opcode>(v);
}

std::optional<Opcode> lookupOpcodeByName(std::string_view text) {
  auto it = std::lower_bound(kNames.begin(), kNames.end(), text,
                             [](const NameEntry& e, std::string_view t) { return e.name < t; });
  if (it == kNames.end() || it->name != text || text == "select_t") return std::nullopt;
  return static_cast<Opcode>(it->op);
}

uint32_t memoryAccessBytes(Opcode op) {
  switch (op) {
    case Opcode::I32Load8S: case Opcode::I32Load8U: case Opcode::I64Load8S: case Opcode::I64Load8U:
    case Opcode::I32Store8: case Opcode::I64Store8: case Opcode::V128Load8Splat:
    case Opcode::V128Load8Lane: case Opcode::V128Store8Lane:
      return 1;
    case Opcode::I32Load16S: case Opcode::I32Load16U: case Opcode::I64Load16S: case Opcode::I64Load16U:
    case Opcode::I32Store16: case Opcode::I64Store16: case Opcode::V128Load16Splat:
    case Opcode::V128Load16Lane: case Opcode::V128Store16Lane:
      return 2;
    case Opcode::I32Load: case Opcode::F32Load: case Opcode::I64Load32S: case Opcode::I64Load32U:
    case Opcode::I32Store: case Opcode::F32Store: case Opcode::I64Store32: case Opcode::V128Load32Splat:
    case Opcode::V128Load32Zero: case Opcode::V128Load32Lane: case Opcode::V128Store32Lane:
      return 4;
    case Opcode::I64Load: case Opcode::F64Load: case Opcode::I64Store: case Opcode::F64Store:
    case Opcode::V128Load8x8S: case Opcode::V128Load8x8U: case Opcode::V128Load16x4S:
    case Opcode::V128Load16x4U: case Opcode::V128Load32x2S: case Opcode::V128Load32x2U:
    case Opcode::V128Load64Splat: case Opcode::V128Load64Zero: case Opcode::V128Load64Lane:
    case Opcode::V128Store64Lane:
      return 8;
    case Opcode::V128Load: case Opcode::V128Store:
      return 16;
    default:
      return 0;
  }
}

int naturalAlignmentLog2(Opcode op) {
  switch (memoryAccessBytes(op)) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    case 16: return 4;
    default: return -1;
  }
}

uint32_t laneCount(Opcode op) {
  std::string_view t = opInfo(op).text;
  if (op == Opcode::V128Load8Lane || op == Opcode::V128Store8Lane) return 16;
  if (op == Opcode::V128Load16Lane || op == Opcode::V128Store16Lane) return 8;
  if (op == Opcode::V128Load32Lane || op == Opcode::V128Store32Lane) return 4;
  if (op == Opcode::V128Load64Lane || op == Opcode::V128Store64Lane) return 2;
  if (t.starts_with("i8x16")) return 16;
  if (t.starts_with("i16x8")) return 8;
  if (t.starts_with("i32x4") || t.starts_with("f32x4")) return 4;
  if (t.starts_with("i64x2") || t.starts_with("f64x2")) return 2;
  return 0;
}

}  // namespace wharf
