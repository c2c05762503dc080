#include "engine/values.h"

#include <charconv>
#include <cinttypes>
#include <cstdio>

namespace wharf {
namespace {

template <typename Float, typename Bits>
std::string formatFloat(Float f, Bits bits, int mantissaBits) {
  const Bits signBit = Bits{1} << (sizeof(Bits) * 8 - 1);
  const Bits payloadMask = (Bits{1} << mantissaBits) - 1;
  const Bits quietBit = Bits{1} << (mantissaBits - 1);
  std::string sign = (bits & signBit) ? "-" : "";
  if (f != f) {
    Bits payload = bits & payloadMask;
    if (payload == quietBit) return sign + "nan";
    char buf[32];
    std::snprintf(buf, sizeof buf, "nan:0x%" PRIx64, static_cast<uint64_t>(payload));
    return sign + buf;
  }
  if (f == Float(1) / Float(0)) return "inf";
  if (f == -Float(1) / Float(0)) return "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f);  // shortest round-trip form
  return std::string(buf, r.ptr);
}

}  // namespace

std::string formatValue(const TypedValue& v) {
  switch (v.type.kind()) {
    case ValType::I32: return std::to_string(static_cast<int32_t>(v.value.i32));
    case ValType::I64: return std::to_string(static_cast<int64_t>(v.value.i64));
    case ValType::F32: return formatFloat(v.value.f32, v.value.f32Bits(), 23);
    case ValType::F64: return formatFloat(v.value.f64, v.value.f64Bits(), 52);
    case ValType::V128: {
      std::string s;
      for (unsigned i = 0; i < 4; ++i) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%s0x%08" PRIx32, i ? " " : "", v.value.v128.lane<uint32_t>(i));
        s += buf;
      }
      return s;
    }
    case ValType::Ref:
      if (v.value.ref == nullptr) return "null";
      return v.type.heapType() == HeapType::Extern ? "externref" : "funcref";
    case ValType::Bottom: break;
  }
  return "?";
}

std::string formatTypedValue(const TypedValue& v) { return v.type.name() + ":" + formatValue(v); }

}  // namespace wharf
