// Runtime objects: function, table, global, element and data instances, the
// module instance, and the store that owns them. Layouts here are the ABI
// shared by every execution tier (interpreter now, compiled code later).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "binary/module.h"
#include "common/expected.h"
#include "runtime/memory.h"
#include "runtime/trap.h"
#include "runtime/value.h"

namespace wharf {

struct Instance;

// Host functions see arguments and results as Values in signature order.
using HostFn = std::function<Trap(std::span<const Value> args, std::span<Value> results)>;

struct FuncInst {
  const FuncType* type = nullptr;
  uint32_t typeId = 0;  // canonical id (TypeRegistry): equal ids <=> equal types
  // Wasm functions: the defining instance, its index there, and the tier's
  // compiled code for it. Host functions: instance == nullptr.
  Instance* instance = nullptr;
  uint32_t funcIndex = 0;
  const void* code = nullptr;
  HostFn host;
  std::shared_ptr<FuncType> ownedType;  // host functions own their type

  bool isHost() const { return instance == nullptr; }
};

struct TableInst {
  // All tables of a store together, limit or not: without one, many
  // modest-looking tables could otherwise exhaust the host.
  static constexpr uint64_t kMaxStoreBytes = uint64_t{128} << 20;
  static constexpr uint64_t kMaxElems = kMaxStoreBytes / sizeof(Ref);

  TableType type;
  // Its capacity is exactly `allocated`: what the budgets are charged for.
  std::vector<Ref> elems;
  uint64_t allocated = 0;
  ResourceBudget* budget = nullptr;       // the store's resource limit, if any
  ResourceBudget* storeTables = nullptr;  // the store's fixed bound on table bytes
  uint64_t maxSize() const { return type.limits.max.value_or(UINT32_MAX); }
  // Returns the old size, or -1 when a limit or the allocator refuses.
  int64_t grow(uint64_t delta, Ref init);

  // Allocation outcomes, for the caller's message.
  enum class Alloc { Ok, OverLimit, OverStoreBound, OutOfMemory };
  // Moves the elements to a buffer of exactly `capacity` elements.
  Alloc reallocate(uint64_t capacity);
};

struct GlobalInst {
  GlobalType type;
  Value value;
};

struct ElemInst {
  ValType type;
  std::vector<Ref> elems;  // emptied by elem.drop
};

struct DataInst {
  std::span<const uint8_t> bytes;  // into Module::bytes; emptied by data.drop
};

// Interns function types so that call_indirect and import matching compare
// one integer. Process-wide; ids are never reused.
class TypeRegistry {
 public:
  static TypeRegistry& instance();
  uint32_t intern(const FuncType& type);
  const FuncType& type(uint32_t id) const;

 private:
  TypeRegistry() = default;
  struct Impl;
  std::deque<FuncType> types_;
};

struct Instance {
  std::shared_ptr<const Module> module;
  const void* tierModule = nullptr;  // the tier's compiled module (shared)
  std::vector<FuncInst*> funcs;
  std::vector<TableInst*> tables;
  std::vector<LinearMemory*> memories;
  std::vector<GlobalInst*> globals;
  std::vector<ElemInst> elems;
  std::vector<DataInst> datas;
  // Memory 0's base, cached for the tiers (never moves; see LinearMemory).
  uint8_t* memBase0 = nullptr;
  // The store's resource limit when the instance was created (or nullptr):
  // charged for the interpreter stack its code uses.
  ResourceBudget* budget = nullptr;

  // Export lookup by name; nullptr / kind mismatch yields nullptr.
  const Export* findExport(std::string_view name) const;
};

// An external value: what imports are satisfied with and exports yield.
struct Extern {
  ExternKind kind = ExternKind::Func;
  FuncInst* func = nullptr;
  TableInst* table = nullptr;
  LinearMemory* memory = nullptr;
  GlobalInst* global = nullptr;
};

// Owns every runtime object created in it; they live as long as the store.
class Store {
 public:
  Store() = default;
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  FuncInst* addHostFunc(const FuncType& type, HostFn fn);
  FuncInst* newFunc() { return &funcs_.emplace_back(); }
  // Fails with "table allocation failed: ..." (over the resource limit or
  // TableInst::kMaxStoreBytes, or the allocator refused).
  Expected<TableInst*> addTable(const TableType& type, Ref init);
  LinearMemory* addMemory(const MemoryType& type);  // nullptr: reservation failed or over the limit
  GlobalInst* addGlobal(const GlobalType& type, Value v);
  Instance* newInstance();

  // Limits the bytes of all memories and tables created in this store from
  // now on, and of the interpreter stacks used by instances created from now
  // on (see ResourceBudget). 0 means 0.
  void setResourceLimit(uint64_t bytes) { budget_ = std::make_unique<ResourceBudget>(bytes); }
  ResourceBudget* resourceBudget() const { return budget_.get(); }

 private:
  // Declared first so that they outlive the memories that release into them.
  std::unique_ptr<ResourceBudget> budget_;
  ResourceBudget tableBytes_{TableInst::kMaxStoreBytes};
  std::deque<FuncInst> funcs_;
  std::deque<TableInst> tables_;
  std::vector<std::unique_ptr<LinearMemory>> memories_;
  std::deque<GlobalInst> globals_;
  std::vector<std::unique_ptr<Instance>> instances_;
};

Extern exportOf(Instance& inst, const Export& e);

}  // namespace wharf
