// What the fuzz targets that instantiate modules share: resource clamping,
// like an embedder's resource limiter, and import stubs. Clamping: memories may reach at most kMaxPages and
// tables kMaxTableElems, and modules whose minimums already exceed that are
// skipped. Applied to the module before loading, the clamp also holds during
// the start function, which runs inside instantiate().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "binary/module.h"
#include "runtime/instance.h"

namespace wharf::fuzz {

inline constexpr uint64_t kMaxPages = 256;         // 16 MiB per memory
inline constexpr uint64_t kMaxTableElems = 10000;  // per table

inline bool clampLimits(Limits& limits, uint64_t cap) {
  if (limits.min > cap) return false;
  if (!limits.max || *limits.max > cap) limits.max = cap;
  return true;
}

// A copy of `m` with every memory and table limited as described above, or
// null if a minimum is already too large.
inline std::shared_ptr<const Module> clampResources(const Module& m) {
  auto out = std::make_shared<Module>(m);
  for (MemoryType& mem : out->memories)
    if (!clampLimits(mem.limits, kMaxPages)) return nullptr;
  for (TableType& table : out->tables)
    if (!clampLimits(table.limits, kMaxTableElems)) return nullptr;
  for (Import& imp : out->imports) {
    if (imp.kind == ExternKind::Memory && !clampLimits(imp.memory.limits, kMaxPages)) return nullptr;
    if (imp.kind == ExternKind::Table && !clampLimits(imp.table.limits, kMaxTableElems)) return nullptr;
  }
  return out;
}

// An object of exactly the import's type with zero/null contents; a function
// runs `fn`. Null if the memory or table cannot be made.
inline std::optional<Extern> makeStub(Store& store, const ImportType& imp, HostFn fn) {
  Extern x;
  x.kind = imp.type.kind;
  switch (imp.type.kind) {
    case ExternKind::Func: x.func = store.addHostFunc(imp.type.func, std::move(fn)); break;
    case ExternKind::Table: {
      auto table = store.addTable(imp.type.table, nullptr);
      if (!table.ok()) return std::nullopt;
      x.table = *table;
      break;
    }
    case ExternKind::Memory:
      x.memory = store.addMemory(imp.type.memory);
      if (!x.memory) return std::nullopt;
      x.memory->setLimitPages(kMaxPages);
      break;
    case ExternKind::Global: x.global = store.addGlobal(imp.type.global, Value{}); break;
  }
  return x;
}

}  // namespace wharf::fuzz
