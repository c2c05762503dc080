#include "runtime/instance.h"

#include <algorithm>
#include <mutex>
#include <new>
#include <unordered_map>

#include "common/hash.h"

namespace wharf {

namespace {

// Charges a table's bytes to the store's bound and its limit, or to neither.
TableInst::Alloc chargeTable(TableInst& t, uint64_t bytes) {
  if (t.storeTables && !t.storeTables->charge(bytes)) return TableInst::Alloc::OverStoreBound;
  if (t.budget && !t.budget->charge(bytes)) {
    if (t.storeTables) t.storeTables->release(bytes);
    return TableInst::Alloc::OverLimit;
  }
  return TableInst::Alloc::Ok;
}

void releaseTable(TableInst& t, uint64_t bytes) {
  if (t.storeTables) t.storeTables->release(bytes);
  if (t.budget) t.budget->release(bytes);
}

// The bytes both budgets can still give.
uint64_t tableRoom(const TableInst& t) {
  uint64_t room = t.storeTables ? t.storeTables->available() : UINT64_MAX;
  return t.budget ? std::min(room, t.budget->available()) : room;
}

}  // namespace

TableInst::Alloc TableInst::reallocate(uint64_t capacity) {
  // The copy needs the old and the new buffer at once, so both are charged
  // until the old one is freed.
  if (Alloc a = chargeTable(*this, capacity * sizeof(Ref)); a != Alloc::Ok) return a;
  try {
    std::vector<Ref> moved;
    moved.reserve(capacity);  // exactly `capacity` (libstdc++, libc++)
    moved.assign(elems.begin(), elems.end());
    elems.swap(moved);
  } catch (const std::bad_alloc&) {
    releaseTable(*this, capacity * sizeof(Ref));
    return Alloc::OutOfMemory;
  }
  releaseTable(*this, allocated * sizeof(Ref));
  allocated = capacity;
  return Alloc::Ok;
}

int64_t TableInst::grow(uint64_t delta, Ref init) {
  uint64_t old = elems.size();
  uint64_t limit = std::min(maxSize(), kMaxElems);
  if (delta > limit || old + delta > limit) return -1;
  uint64_t size = old + delta;
  if (size > allocated) {
    // Doubling keeps a grow-by-one loop linear. When the budgets cannot hold
    // the doubled buffer beside the old one, take all they can: the next
    // growth then fails at once instead of copying the table each time.
    uint64_t capacity = std::min({std::max(allocated * 2, size), limit, tableRoom(*this) / sizeof(Ref)});
    if (reallocate(std::max(capacity, size)) != Alloc::Ok) return -1;
  }
  elems.resize(size, init);  // within the capacity: neither allocates nor throws
  return static_cast<int64_t>(old);
}

namespace {
std::mutex gTypeMutex;

// Types come from modules: their hash is seeded (common/hash.h).
const uint64_t kTypeHashSeed = processHashSeed();

uint64_t hashOf(const FuncType& t) {
  uint64_t h = mix64(kTypeHashSeed ^ t.params.size());
  auto add = [&h](ValType v) {
    uint64_t bits = uint64_t(v.kind()) | uint64_t(v.isRef() ? uint8_t(v.heapType()) : 0) << 8 |
                    uint64_t(v.isRef() && v.nullable()) << 16 | uint64_t(v.typeIndex()) << 32;
    h = mix64(h ^ bits);
  };
  for (ValType v : t.params) add(v);
  h = mix64(h ^ (t.results.size() << 20));
  for (ValType v : t.results) add(v);
  return h;
}

// Interned ids by hash (guarded by gTypeMutex).
std::unordered_multimap<uint64_t, uint32_t>& typeIndex() {
  static std::unordered_multimap<uint64_t, uint32_t> index;
  return index;
}
}  // namespace

TypeRegistry& TypeRegistry::instance() {
  static TypeRegistry registry;
  return registry;
}

uint32_t TypeRegistry::intern(const FuncType& type) {
  uint64_t h = hashOf(type);
  std::lock_guard lock(gTypeMutex);
  auto [begin, end] = typeIndex().equal_range(h);
  for (auto it = begin; it != end; ++it)
    if (types_[it->second] == type) return it->second;
  types_.push_back(type);
  uint32_t id = static_cast<uint32_t>(types_.size() - 1);
  typeIndex().emplace(h, id);
  return id;
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

Expected<TableInst*> Store::addTable(const TableType& type, Ref init) {
  uint64_t n = type.limits.min;
  if (n > TableInst::kMaxElems) return makeError("table allocation failed: too many elements");
  TableInst& t = tables_.emplace_back();
  t.type = type;
  t.budget = budget_.get();
  t.storeTables = &tableBytes_;
  TableInst::Alloc a = t.reallocate(n);
  if (a != TableInst::Alloc::Ok) tables_.pop_back();
  switch (a) {
    case TableInst::Alloc::Ok: break;
    case TableInst::Alloc::OverLimit:
      return makeError("table allocation failed: " + std::to_string(n * sizeof(Ref)) +
                       " bytes exceed the limit of " + std::to_string(budget_->limit()) + " bytes");
    case TableInst::Alloc::OverStoreBound:
      return makeError("table allocation failed: the store's tables would exceed " +
                       std::to_string(TableInst::kMaxStoreBytes) + " bytes");
    case TableInst::Alloc::OutOfMemory: return makeError("table allocation failed: out of host memory");
  }
  t.elems.assign(n, init);  // within the capacity
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
