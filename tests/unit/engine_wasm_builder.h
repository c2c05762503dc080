// Tiny helpers to write WebAssembly binaries by hand in tests, so the engine
// tests need neither the text parser nor external tools.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace wharf::testing {

using Bytes = std::vector<uint8_t>;

inline void append(Bytes& out, const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); }

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) append(out, p);
  return out;
}

inline Bytes uleb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
  return out;
}

inline Bytes sleb(int64_t v) {
  Bytes out;
  while (true) {
    uint8_t b = v & 0x7f;
    v >>= 7;  // arithmetic shift
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return out;
  }
}

inline Bytes name(const std::string& s) {
  Bytes out = uleb(s.size());
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

// A vector: element count, then the elements.
inline Bytes vec(std::initializer_list<Bytes> items) {
  Bytes out = uleb(items.size());
  for (const Bytes& i : items) append(out, i);
  return out;
}

inline Bytes section(uint8_t id, const Bytes& contents) {
  return cat({{id}, uleb(contents.size()), contents});
}

inline Bytes wasmModule(std::initializer_list<Bytes> sections) {
  Bytes out = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) append(out, s);
  return out;
}

constexpr uint8_t kI32 = 0x7f, kI64 = 0x7e, kF32 = 0x7d, kF64 = 0x7c, kFuncRef = 0x70, kExternRef = 0x6f;
constexpr uint8_t kEnd = 0x0b;

// Section ids.
constexpr uint8_t kTypeSec = 1, kImportSec = 2, kFuncSec = 3, kTableSec = 4, kMemSec = 5, kGlobalSec = 6,
                  kExportSec = 7, kStartSec = 8, kElemSec = 9, kCodeSec = 10, kDataSec = 11,
                  kDataCountSec = 12;

inline Bytes funcType(Bytes params, Bytes results) {
  Bytes out = {0x60};
  append(out, uleb(params.size()));
  append(out, params);
  append(out, uleb(results.size()));
  append(out, results);
  return out;
}

inline Bytes limits(uint32_t min) { return cat({{0x00}, uleb(min)}); }
inline Bytes limits(uint32_t min, uint32_t max) { return cat({{0x01}, uleb(min), uleb(max)}); }

// Constant expressions (with their `end`).
inline Bytes i32Const(int32_t v) { return cat({{0x41}, sleb(v), {kEnd}}); }
inline Bytes i64Const(int64_t v) { return cat({{0x42}, sleb(v), {kEnd}}); }
inline Bytes globalGet(uint32_t idx) { return cat({{0x23}, uleb(idx), {kEnd}}); }
inline Bytes refFunc(uint32_t idx) { return cat({{0xd2}, uleb(idx), {kEnd}}); }
inline Bytes refNull(uint8_t heap) { return {0xd0, heap, kEnd}; }

inline Bytes importFunc(const std::string& m, const std::string& n, uint32_t typeIdx) {
  return cat({name(m), name(n), {0x00}, uleb(typeIdx)});
}
inline Bytes importTable(const std::string& m, const std::string& n, uint8_t elem, Bytes lim) {
  return cat({name(m), name(n), {0x01, elem}, lim});
}
inline Bytes importMemory(const std::string& m, const std::string& n, Bytes lim) {
  return cat({name(m), name(n), {0x02}, lim});
}
inline Bytes importGlobal(const std::string& m, const std::string& n, uint8_t type, bool mut) {
  return cat({name(m), name(n), {0x03, type, uint8_t(mut ? 1 : 0)}});
}
inline Bytes exportEntry(const std::string& n, uint8_t kind, uint32_t idx) {
  return cat({name(n), {kind}, uleb(idx)});
}
inline Bytes global(uint8_t type, bool mut, Bytes init) { return cat({{type, uint8_t(mut ? 1 : 0)}, init}); }

// A function body: no locals, the given instructions, then `end`.
inline Bytes body(Bytes instrs) {
  Bytes b = cat({{0x00}, instrs, {kEnd}});
  return cat({uleb(b.size()), b});
}

// Active data segment for memory 0 at a constant offset.
inline Bytes activeData(int32_t offset, const std::string& bytes) {
  return cat({{0x00}, i32Const(offset), name(bytes)});
}
inline Bytes passiveData(const std::string& bytes) { return cat({{0x01}, name(bytes)}); }

// Active element segment (table 0, function indices) at a constant offset.
inline Bytes activeElem(int32_t offset, std::initializer_list<uint32_t> funcs) {
  Bytes out = cat({{0x00}, i32Const(offset), uleb(funcs.size())});
  for (uint32_t f : funcs) append(out, uleb(f));
  return out;
}
inline Bytes passiveElem(std::initializer_list<uint32_t> funcs) {
  Bytes out = cat({{0x01, 0x00}, uleb(funcs.size())});
  for (uint32_t f : funcs) append(out, uleb(f));
  return out;
}
inline Bytes declarativeElem(std::initializer_list<uint32_t> funcs) {
  Bytes out = cat({{0x03, 0x00}, uleb(funcs.size())});
  for (uint32_t f : funcs) append(out, uleb(f));
  return out;
}

}  // namespace wharf::testing
