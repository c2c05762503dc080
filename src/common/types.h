// WebAssembly types shared by every stage. Kept general enough for Wasm 3.0:
// reference types carry a heap type (abstract or a type index) and
// nullability, limits are 64-bit, and memories/tables carry an index type.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace wharf {

// Abstract heap types. Type-index heap types (3.0) use HeapType::Index.
enum class HeapType : uint8_t { Func, Extern, Index };

class ValType {
 public:
  enum Kind : uint8_t { I32, I64, F32, F64, V128, Ref, Bottom };

  constexpr ValType() = default;
  static constexpr ValType i32() { return ValType(I32); }
  static constexpr ValType i64() { return ValType(I64); }
  static constexpr ValType f32() { return ValType(F32); }
  static constexpr ValType f64() { return ValType(F64); }
  static constexpr ValType v128() { return ValType(V128); }
  static constexpr ValType funcref() { return ref(HeapType::Func, true); }
  static constexpr ValType externref() { return ref(HeapType::Extern, true); }
  static constexpr ValType ref(HeapType heap, bool nullable, uint32_t index = 0) {
    ValType t(Ref);
    t.heap_ = heap;
    t.nullable_ = nullable;
    t.index_ = index;
    return t;
  }
  // The validator's "unknown" operand type on a polymorphic stack.
  static constexpr ValType bottom() { return ValType(Bottom); }

  constexpr Kind kind() const { return kind_; }
  constexpr bool isNum() const { return kind_ <= F64; }
  constexpr bool isVec() const { return kind_ == V128; }
  constexpr bool isRef() const { return kind_ == Ref; }
  constexpr HeapType heapType() const { return heap_; }
  constexpr bool nullable() const { return nullable_; }
  constexpr uint32_t typeIndex() const { return index_; }
  // Interpreter slots (8 bytes each) a value of this type occupies.
  constexpr uint32_t slots() const { return kind_ == V128 ? 2 : 1; }

  constexpr bool operator==(const ValType& o) const {
    if (kind_ != o.kind_) return false;
    if (kind_ != Ref) return true;
    return heap_ == o.heap_ && nullable_ == o.nullable_ && (heap_ != HeapType::Index || index_ == o.index_);
  }
  constexpr bool operator!=(const ValType& o) const { return !(*this == o); }

  std::string name() const;  // "i32", "funcref", "(ref null 3)", ...

  // Binary encoding of a value type, or nullopt. Only the 2.0 codes for now.
  static std::optional<ValType> fromCode(uint8_t code);

 private:
  constexpr explicit ValType(Kind k) : kind_(k) {}
  Kind kind_ = I32;
  HeapType heap_ = HeapType::Func;
  bool nullable_ = true;
  uint32_t index_ = 0;
};

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
  std::string toString() const;  // "[i32 i32] -> [i64]"
};

// Index type of a memory or table (memory64 / table64 in 3.0).
enum class IndexType : uint8_t { I32, I64 };

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  IndexType indexType = IndexType::I32;
  bool shared = false;
  bool operator==(const Limits&) const = default;
};

struct TableType {
  ValType elem = ValType::funcref();
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

enum class Mutability : uint8_t { Const, Var };

struct GlobalType {
  ValType type;
  Mutability mut = Mutability::Const;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* externKindName(ExternKind k);

constexpr uint32_t kPageSize = 65536;
constexpr uint64_t kMaxPages32 = 65536;  // 4 GiB

// A 128-bit vector value, stored little-endian as in memory.
struct V128 {
  alignas(16) std::array<uint8_t, 16> bytes{};
  template <typename T>
  T lane(unsigned i) const {
    T v;
    std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
    return v;
  }
  template <typename T>
  void setLane(unsigned i, T v) {
    std::memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T));
  }
  bool operator==(const V128&) const = default;
};

}  // namespace wharf
