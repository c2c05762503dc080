#include "common/types.h"

namespace wharf {

std::string ValType::name() const {
  switch (kind_) {
    case I32: return "i32";
    case I64: return "i64";
    case F32: return "f32";
    case F64: return "f64";
    case V128: return "v128";
    case Bottom: return "(unknown)";
    case Ref: break;
  }
  if (nullable_ && heap_ == HeapType::Func) return "funcref";
  if (nullable_ && heap_ == HeapType::Extern) return "externref";
  std::string s = nullable_ ? "(ref null " : "(ref ";
  switch (heap_) {
    case HeapType::Func: s += "func"; break;
    case HeapType::Extern: s += "extern"; break;
    case HeapType::Index: s += std::to_string(index_); break;
  }
  return s + ")";
}

std::optional<ValType> ValType::fromCode(uint8_t code) {
  switch (code) {
    case 0x7F: return i32();
    case 0x7E: return i64();
    case 0x7D: return f32();
    case 0x7C: return f64();
    case 0x7B: return v128();
    case 0x70: return funcref();
    case 0x6F: return externref();
    default: return std::nullopt;
  }
}

std::string FuncType::toString() const {
  std::string s = "[";
  for (size_t i = 0; i < params.size(); ++i) s += (i ? " " : "") + params[i].name();
  s += "] -> [";
  for (size_t i = 0; i < results.size(); ++i) s += (i ? " " : "") + results[i].name();
  return s + "]";
}

const char* externKindName(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "?";
}

}  // namespace wharf
