// Resource clamping shared by the fuzz targets that instantiate modules, like
// an embedder's resource limiter: memories may reach at most kMaxPages and
// tables kMaxTableElems, and modules whose minimums already exceed that are
// skipped. Applied to the module before loading, the clamp also holds during
// the start function, which runs inside instantiate().
#pragma once

#include <cstdint>
#include <memory>

#include "binary/module.h"

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

}  // namespace wharf::fuzz
