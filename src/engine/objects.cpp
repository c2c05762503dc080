// Calls and the accessors an embedder uses on functions, globals, tables and
// memories.
#include <cstring>

#include "engine/engine.h"

namespace wharf {

Expected<CallResult> callFunction(FuncInst* f, std::span<const TypedValue> args) {
  const FuncType& type = *f->type;
  if (args.size() != type.params.size())
    return makeError("wrong number of arguments: expected " + std::to_string(type.params.size()) + ", got " +
                     std::to_string(args.size()));
  std::vector<Value> in(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != type.params[i])
      return makeError("argument " + std::to_string(i) + " has type " + args[i].type.name() + ", expected " +
                       type.params[i].name());
    in[i] = args[i].value;
  }
  std::vector<Value> out(type.results.size());
  CallResult r;
  r.trap = interp::call(f, in, out);
  if (r.ok()) {
    r.values.reserve(out.size());
    for (size_t i = 0; i < out.size(); ++i) r.values.push_back({type.results[i], out[i]});
  }
  return r;
}

Expected<CallResult> invoke(Instance& inst, std::string_view name, std::span<const TypedValue> args) {
  const Export* e = inst.findExport(name);
  if (!e) return makeError("unknown export \"" + std::string(name) + "\"");
  if (e->kind != ExternKind::Func) return makeError("export \"" + std::string(name) + "\" is not a function");
  return callFunction(inst.funcs[e->index], args);
}

TypedValue globalGet(const GlobalInst& g) { return {g.type.type, g.value}; }

Expected<void> globalSet(GlobalInst& g, const TypedValue& v) {
  if (g.type.mut != Mutability::Var) return makeError("immutable global");
  if (v.type != g.type.type) return makeError("type mismatch");
  g.value = v.value;
  return {};
}

uint64_t tableSize(const TableInst& t) { return t.elems.size(); }

std::optional<Ref> tableGet(const TableInst& t, uint64_t index) {
  if (index >= t.elems.size()) return std::nullopt;
  return t.elems[index];
}

bool tableSet(TableInst& t, uint64_t index, Ref r) {
  if (index >= t.elems.size()) return false;
  t.elems[index] = r;
  return true;
}

int64_t tableGrow(TableInst& t, uint64_t delta, Ref init) { return t.grow(delta, init); }

std::span<uint8_t> memoryData(LinearMemory& m) { return {m.base(), static_cast<size_t>(m.sizeBytes())}; }

int64_t memoryGrow(LinearMemory& m, uint64_t deltaPages) { return m.grow(deltaPages); }

bool memoryRead(const LinearMemory& m, uint64_t addr, std::span<uint8_t> out) {
  if (!m.inBounds(addr, out.size())) return false;
  if (!out.empty()) std::memcpy(out.data(), m.base() + addr, out.size());
  return true;
}

bool memoryWrite(LinearMemory& m, uint64_t addr, std::span<const uint8_t> in) {
  if (!m.inBounds(addr, in.size())) return false;
  if (!in.empty()) std::memcpy(m.base() + addr, in.data(), in.size());
  return true;
}

TypedValue defaultValue(ValType t) { return {t, Value()}; }

}  // namespace wharf
