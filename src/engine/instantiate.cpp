// Module instantiation (spec 2.0 "instantiate"): match imports, allocate the
// instance's objects, initialise tables and memories from active segments,
// run the start function.
#include <cstring>

#include "engine/const_expr.h"
#include "engine/engine.h"

namespace wharf {
namespace {

std::string importName(const Import& imp) { return "\"" + imp.module + "\" \"" + imp.name + "\""; }

// Fast import check on the hot path; builds the readable types only to
// explain a mismatch.
Expected<void> checkImport(const LoadedModule& lm, const Import& imp, const Extern& x) {
  bool ok = x.kind == imp.kind;
  if (ok) {
    switch (imp.kind) {
      case ExternKind::Func: ok = x.func && x.func->typeId == lm.typeIds[imp.funcType]; break;
      case ExternKind::Table: ok = x.table != nullptr; break;
      case ExternKind::Memory: ok = x.memory != nullptr; break;
      case ExternKind::Global: ok = x.global != nullptr; break;
    }
    if (ok && imp.kind != ExternKind::Func) {
      ExternType expected;
      expected.kind = imp.kind;
      expected.table = imp.table;
      expected.memory = imp.memory;
      expected.global = imp.global;
      ok = matchExternType(externType(x), expected).ok();
    }
  }
  if (ok) return {};
  ExternType expected;
  expected.kind = imp.kind;
  switch (imp.kind) {
    case ExternKind::Func: expected.func = lm.module->types[imp.funcType]; break;
    case ExternKind::Table: expected.table = imp.table; break;
    case ExternKind::Memory: expected.memory = imp.memory; break;
    case ExternKind::Global: expected.global = imp.global; break;
  }
  bool present = (x.kind == ExternKind::Func && x.func) || (x.kind == ExternKind::Table && x.table) ||
                 (x.kind == ExternKind::Memory && x.memory) || (x.kind == ExternKind::Global && x.global);
  return makeError("incompatible import type for " + importName(imp) + ": expected " + expected.toString() +
                   ", got " + (present ? externType(x).toString() : std::string("nothing")));
}

uint64_t offsetValue(const Value& v, IndexType t) { return t == IndexType::I64 ? v.i64 : v.i32; }

}  // namespace

InstantiateResult instantiate(Store& store, const std::shared_ptr<const LoadedModule>& lm,
                              std::span<const Extern> imports) {
  const Module& m = *lm->module;
  if (imports.size() != m.imports.size())
    return InstantiateResult::linkError(makeError("wrong number of imports: expected " +
                                                  std::to_string(m.imports.size()) + ", got " +
                                                  std::to_string(imports.size())));
  for (size_t i = 0; i < imports.size(); ++i) {
    auto ok = checkImport(*lm, m.imports[i], imports[i]);
    if (!ok.ok()) return InstantiateResult::linkError(ok.takeError());
  }
  for (size_t i = m.numImportedTables; i < m.tables.size(); ++i)
    if (m.tables[i].limits.min > TableInst::kMaxElems)
      return InstantiateResult::resourceError(makeError("table allocation failed: too many elements"));

  Instance* inst = store.newInstance();
  // Aliasing pointer: the instance keeps the whole LoadedModule (and so the
  // compiled code tierModule points to) alive, while looking like a Module.
  inst->module = std::shared_ptr<const Module>(lm, lm->module.get());
  inst->tierModule = lm->code.get();
  inst->budget = store.resourceBudget();

  inst->funcs.reserve(m.funcs.size());
  inst->tables.reserve(m.tables.size());
  inst->memories.reserve(m.memories.size());
  inst->globals.reserve(m.globals.size());
  for (const Extern& x : imports) {
    switch (x.kind) {
      case ExternKind::Func: inst->funcs.push_back(x.func); break;
      case ExternKind::Table: inst->tables.push_back(x.table); break;
      case ExternKind::Memory: inst->memories.push_back(x.memory); break;
      case ExternKind::Global: inst->globals.push_back(x.global); break;
    }
  }

  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    FuncInst* f = store.newFunc();
    uint32_t typeIndex = m.functions[i].typeIndex;
    f->type = &m.types[typeIndex];
    f->typeId = lm->typeIds[typeIndex];
    f->instance = inst;
    f->funcIndex = m.numImportedFuncs + i;
    f->code = interp::functionCode(*lm->code, i);
    inst->funcs.push_back(f);
  }
  auto overLimit = [&](const char* what, uint64_t bytes) {
    return InstantiateResult::resourceError(makeError(
        std::string(what) + " allocation failed: " + std::to_string(bytes) + " bytes exceed the limit of " +
        std::to_string(store.resourceBudget()->limit()) + " bytes"));
  };
  for (size_t i = m.numImportedTables; i < m.tables.size(); ++i) {
    auto t = store.addTable(m.tables[i], nullptr);
    if (!t.ok()) return InstantiateResult::resourceError(t.takeError());
    inst->tables.push_back(*t);
  }
  for (size_t i = m.numImportedMemories; i < m.memories.size(); ++i) {
    LinearMemory* mem = store.addMemory(m.memories[i]);
    if (!mem && store.resourceBudget() &&
        m.memories[i].limits.min * kPageSize >
            store.resourceBudget()->limit() - store.resourceBudget()->used())
      return overLimit("memory", m.memories[i].limits.min * kPageSize);
    if (!mem) return InstantiateResult::resourceError(makeError("memory allocation failed"));
    inst->memories.push_back(mem);
  }
  if (!inst->memories.empty()) inst->memBase0 = inst->memories[0]->base();

  // Globals see the imported globals and those defined before them (3.0
  // relaxes 2.0's "imported only"; validation enforces whichever applies).
  for (const Global& g : m.globalDefs) {
    ConstExprContext ctx{m, inst->globals, inst->funcs};
    auto v = evalConstExpr(ctx, g.init);
    if (!v.ok()) return InstantiateResult::linkError(v.takeError());
    inst->globals.push_back(store.addGlobal(g.type, *v));
  }

  ConstExprContext ctx{m, inst->globals, inst->funcs};
  inst->elems.reserve(m.elems.size());
  for (const ElemSegment& seg : m.elems) {
    ElemInst& e = inst->elems.emplace_back();
    e.type = seg.type;
    if (seg.mode == SegmentMode::Declarative) continue;  // dropped at once; only declares ref.func targets
    e.elems.reserve(seg.size());
    if (seg.usesExprs) {
      for (const ConstExpr& expr : seg.exprs) {
        auto v = evalConstExpr(ctx, expr);
        if (!v.ok()) return InstantiateResult::linkError(v.takeError());
        e.elems.push_back(v->ref);
      }
    } else {
      for (uint32_t fi : seg.funcIndices) e.elems.push_back(inst->funcs[fi]);
    }
  }
  inst->datas.reserve(m.datas.size());
  for (const DataSegment& seg : m.datas) inst->datas.push_back(DataInst{{m.data(seg.init), seg.init.size}});

  // Active segments: table.init / memory.init then drop, in order. A
  // trapping segment leaves the writes of earlier ones in place.
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode != SegmentMode::Active) continue;
    TableInst* table = inst->tables[seg.table];
    auto off = evalConstExpr(ctx, seg.offset);
    if (!off.ok()) return InstantiateResult::linkError(off.takeError());
    uint64_t dst = offsetValue(*off, table->type.limits.indexType);
    std::vector<Ref>& src = inst->elems[i].elems;
    if (dst > table->elems.size() || src.size() > table->elems.size() - dst)
      return InstantiateResult::trapped(Trap{TrapKind::OutOfBoundsTable});
    std::copy(src.begin(), src.end(), table->elems.begin() + dst);
    src.clear();
    src.shrink_to_fit();
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    LinearMemory* mem = inst->memories[seg.memory];
    auto off = evalConstExpr(ctx, seg.offset);
    if (!off.ok()) return InstantiateResult::linkError(off.takeError());
    uint64_t dst = offsetValue(*off, mem->type().limits.indexType);
    std::span<const uint8_t> bytes = inst->datas[i].bytes;
    if (!mem->inBounds(dst, bytes.size()))
      return InstantiateResult::trapped(Trap{TrapKind::OutOfBoundsMemory});
    if (!bytes.empty()) std::memcpy(mem->base() + dst, bytes.data(), bytes.size());
    inst->datas[i].bytes = {};
  }

  if (m.start) {
    Trap t = interp::call(inst->funcs[*m.start], {}, {});
    if (t.kind != TrapKind::None) return InstantiateResult::trapped(std::move(t));
  }
  return InstantiateResult::success(inst);
}

std::optional<Extern> instanceExport(Instance& inst, std::string_view name) {
  const Export* e = inst.findExport(name);
  if (!e) return std::nullopt;
  return exportOf(inst, *e);
}

std::vector<Extern> instanceExports(Instance& inst) {
  std::vector<Extern> out;
  out.reserve(inst.module->exports.size());
  for (const Export& e : inst.module->exports) out.push_back(exportOf(inst, e));
  return out;
}

}  // namespace wharf
