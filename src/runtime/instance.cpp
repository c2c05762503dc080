#include "runtime/instance.h"

#include <algorithm>
#include <mutex>

namespace wharf {

int64_t TableInst::grow(uint64_t delta, Ref init) {
  uint64_t old = elems.size();
  uint64_t limit = std::min(maxSize(), kMaxElems);
  if (delta > limit || old + delta > limit) return -1;
  if (budget && !budget->charge(delta * sizeof(Ref))) return -1;
  elems.resize(old + delta, init);
  return static_cast<int64_t>(old);
}

namespace {
std::mutex gTypeMutex;
}

TypeRegistry& TypeRegistry::instance() {
  static TypeRegistry registry;
  return registry;
}

uint32_t TypeRegistry::intern(const FuncType& type) {
  std::lock_guard lock(gTypeMutex);
  // Linear scan is fine for now: modules have few distinct types and
  // interning happens once per module load, not per instance.
  for (size_t i = 0; i < types_.size(); ++i)
    if (types_[i] == type) return static_cast<uint32_t>(i);
  types_.push_back(type);
  return static_cast<uint32_t>(types_.size() - 1);
}

const FuncType& TypeRegistry::type(uint32_t id) const {
  std::lock_guard lock(gTypeMutex);
  return types_[id];
}

const Export* Instance::findExport(std::string_view name) const {
  for (const Export& e : module->exports)
    if (e.name == name) return &e;
  return nullptr;
}

Extern exportOf(Instance& inst, const Export& e) {
  Extern x;
  x.kind = e.kind;
  switch (e.kind) {
    case ExternKind::Func: x.func = inst.funcs[e.index]; break;
    case ExternKind::Table: x.table = inst.tables[e.index]; break;
    case ExternKind::Memory: x.memory = inst.memories[e.index]; break;
    case ExternKind::Global: x.global = inst.globals[e.index]; break;
  }
  return x;
}

Store::~Store() = default;

FuncInst* Store::addHostFunc(const FuncType& type, HostFn fn) {
  FuncInst& f = funcs_.emplace_back();
  f.ownedType = std::make_shared<FuncType>(type);
  f.type = f.ownedType.get();
  f.typeId = TypeRegistry::instance().intern(type);
  f.host = std::move(fn);
  return &f;
}

TableInst* Store::addTable(const TableType& type, Ref init) {
  if (budget_ && !budget_->charge(type.limits.min * sizeof(Ref))) return nullptr;
  TableInst& t = tables_.emplace_back();
  t.type = type;
  t.budget = budget_.get();
  t.elems.assign(type.limits.min, init);
  return &t;
}

LinearMemory* Store::addMemory(const MemoryType& type) {
  auto m = LinearMemory::create(type, budget_.get());
  if (!m) return nullptr;
  memories_.emplace_back(*m);
  return *m;
}

GlobalInst* Store::addGlobal(const GlobalType& type, Value v) {
  GlobalInst& g = globals_.emplace_back();
  g.type = type;
  g.value = v;
  return &g;
}

Instance* Store::newInstance() { return instances_.emplace_back(std::make_unique<Instance>()).get(); }

}  // namespace wharf
