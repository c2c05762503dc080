// Runtime values. Inside the interpreter values live in untyped 8-byte slots
// (v128 takes two); at API boundaries they carry their type.
#pragma once

#include <cstdint>
#include <cstring>

#include "common/types.h"

namespace wharf {

struct FuncInst;

// A reference: a FuncInst* for funcref, an embedder-owned pointer for
// externref; nullptr is the null reference of either type.
using Ref = void*;

union Value {
  uint32_t i32;
  uint64_t i64;
  float f32;
  double f64;
  V128 v128;
  Ref ref;

  Value() : v128{} {}
  static Value fromI32(uint32_t v) {
    Value x;
    x.i32 = v;
    return x;
  }
  static Value fromI64(uint64_t v) {
    Value x;
    x.i64 = v;
    return x;
  }
  static Value fromF32Bits(uint32_t bits) {
    Value x;
    std::memcpy(&x.f32, &bits, 4);
    return x;
  }
  static Value fromF64Bits(uint64_t bits) {
    Value x;
    std::memcpy(&x.f64, &bits, 8);
    return x;
  }
  static Value fromV128(const V128& v) {
    Value x;
    x.v128 = v;
    return x;
  }
  static Value fromRef(Ref r) {
    Value x;
    x.ref = r;
    return x;
  }
  uint32_t f32Bits() const {
    uint32_t b;
    std::memcpy(&b, &f32, 4);
    return b;
  }
  uint64_t f64Bits() const {
    uint64_t b;
    std::memcpy(&b, &f64, 8);
    return b;
  }
};

// A value with its type, as the embedding API and the spec runner see it.
struct TypedValue {
  ValType type;
  Value value;
};

}  // namespace wharf
