// Instantiation: import matching, object allocation, constant expressions,
// segment initialisation and its trap semantics, start function.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/engine.h"
#include "engine_wasm_builder.h"

using namespace wharf;
using namespace wharf::testing;

namespace {

std::shared_ptr<const LoadedModule> load(const Bytes& bytes) {
  auto m = loadModule(bytes);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().describe());
  return m.ok() ? *m : nullptr;
}

Extern funcExtern(FuncInst* f) { return Extern{ExternKind::Func, f, nullptr, nullptr, nullptr}; }
Extern tableExtern(TableInst* t) { return Extern{ExternKind::Table, nullptr, t, nullptr, nullptr}; }
Extern memoryExtern(LinearMemory* m) { return Extern{ExternKind::Memory, nullptr, nullptr, m, nullptr}; }
Extern globalExtern(GlobalInst* g) { return Extern{ExternKind::Global, nullptr, nullptr, nullptr, g}; }

GlobalInst* exportedGlobal(Instance* inst, const char* name) {
  auto x = instanceExport(*inst, name);
  return x && x->kind == ExternKind::Global ? x->global : nullptr;
}

// (module (import "m" "t" (table 2 funcref)) (import "m" "mem" (memory 1))
//   (func $f) (elem (i32.const 0) $f) (elem (i32.const <elemOff>) $f)
//   (data (i32.const 0) "ab") (data (i32.const <dataOff>) "cd"))
Bytes segmentModule(int32_t elemOff, int32_t dataOff) {
  return wasmModule({
      section(kTypeSec, vec({funcType({}, {})})),
      section(kImportSec,
              vec({importTable("m", "t", kFuncRef, limits(2)), importMemory("m", "mem", limits(1))})),
      section(kFuncSec, vec({uleb(0)})),
      section(kElemSec, vec({activeElem(0, {0}), activeElem(elemOff, {0})})),
      section(kCodeSec, vec({body({})})),
      section(kDataSec, vec({activeData(0, "ab"), activeData(dataOff, "cd")})),
  });
}

}  // namespace

TEST(EngineInstantiate, GlobalsFromConstantsAndImports) {
  // (import "m" "g" (global i32)) (global i64 (i64.const -5)) (global i32 (global.get 0))
  auto lm = load(wasmModule({
      section(kImportSec, vec({importGlobal("m", "g", kI32, false)})),
      section(kGlobalSec, vec({global(kI64, false, i64Const(-5)), global(kI32, true, globalGet(0))})),
      section(kExportSec, vec({exportEntry("a", 3, 1), exportEntry("b", 3, 2)})),
  }));
  ASSERT_TRUE(lm);
  Store store;
  GlobalInst* g = store.addGlobal({ValType::i32(), Mutability::Const}, Value::fromI32(42));
  Extern imports[] = {globalExtern(g)};
  auto r = instantiate(store, lm, imports);
  ASSERT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(exportedGlobal(r.instance(), "a")->value.i64, uint64_t(-5));
  GlobalInst* b = exportedGlobal(r.instance(), "b");
  EXPECT_EQ(b->value.i32, 42u);
  // The defined global is a copy, not the import.
  EXPECT_NE(b, g);
  EXPECT_TRUE(globalSet(*b, {ValType::i32(), Value::fromI32(7)}).ok());
  EXPECT_EQ(g->value.i32, 42u);
  auto bad = globalSet(*exportedGlobal(r.instance(), "a"), {ValType::i64(), Value::fromI64(1)});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "immutable global");
  EXPECT_EQ(globalSet(*b, {ValType::i64(), Value::fromI64(1)}).error().message, "type mismatch");
}

TEST(EngineInstantiate, ReferenceGlobals) {
  // (func $f) (global funcref (ref.func $f)) (global externref (ref.null extern))
  auto lm = load(wasmModule({
      section(kTypeSec, vec({funcType({}, {})})),
      section(kFuncSec, vec({uleb(0)})),
      section(kGlobalSec,
              vec({global(kFuncRef, false, refFunc(0)), global(kExternRef, false, refNull(0x6f))})),
      section(kExportSec, vec({exportEntry("f", 0, 0), exportEntry("gf", 3, 0), exportEntry("ge", 3, 1)})),
      section(kCodeSec, vec({body({})})),
  }));
  ASSERT_TRUE(lm);
  Store store;
  auto r = instantiate(store, lm, {});
  ASSERT_TRUE(r.ok()) << r.describe();
  FuncInst* f = instanceExport(*r.instance(), "f")->func;
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->instance, r.instance());
  EXPECT_EQ(f->funcIndex, 0u);
  EXPECT_EQ(exportedGlobal(r.instance(), "gf")->value.ref, static_cast<Ref>(f));
  EXPECT_EQ(exportedGlobal(r.instance(), "ge")->value.ref, nullptr);
}

TEST(EngineInstantiate, WrongImportCountIsALinkError) {
  auto lm = load(wasmModule({section(kImportSec, vec({importGlobal("m", "g", kI32, false)}))}));
  ASSERT_TRUE(lm);
  Store store;
  auto r = instantiate(store, lm, {});
  EXPECT_EQ(r.status(), InstantiateResult::Status::LinkError);
}

TEST(EngineInstantiate, FunctionImportsMatchByType) {
  auto lm = load(wasmModule({
      section(kTypeSec, vec({funcType({kI32}, {})})),
      section(kImportSec, vec({importFunc("m", "f", 0)})),
  }));
  ASSERT_TRUE(lm);
  Store store;
  auto noop = [](std::span<const Value>, std::span<Value>) { return Trap{}; };
  FuncInst* good = store.addHostFunc(FuncType{{ValType::i32()}, {}}, noop);
  FuncInst* bad = store.addHostFunc(FuncType{{ValType::i64()}, {}}, noop);
  GlobalInst* g = store.addGlobal({ValType::i32(), Mutability::Const}, Value::fromI32(0));

  Extern ok[] = {funcExtern(good)};
  EXPECT_TRUE(instantiate(store, lm, ok).ok());
  Extern wrongType[] = {funcExtern(bad)};
  auto r1 = instantiate(store, lm, wrongType);
  EXPECT_EQ(r1.status(), InstantiateResult::Status::LinkError);
  EXPECT_EQ(r1.error().message.rfind("incompatible import type", 0), 0u) << r1.error().message;
  Extern wrongKind[] = {globalExtern(g)};
  auto r2 = instantiate(store, lm, wrongKind);
  EXPECT_EQ(r2.status(), InstantiateResult::Status::LinkError);
  EXPECT_EQ(r2.error().message.rfind("incompatible import type", 0), 0u) << r2.error().message;
}

TEST(EngineInstantiate, TableAndMemoryImportsUseLimitsSubtyping) {
  // (import "m" "t" (table 2 4 funcref)) (import "m" "mem" (memory 1 3))
  auto lm = load(wasmModule({section(kImportSec, vec({importTable("m", "t", kFuncRef, limits(2, 4)),
                                                      importMemory("m", "mem", limits(1, 3))}))}));
  ASSERT_TRUE(lm);
  Store store;
  auto tableOf = [&](uint64_t min, std::optional<uint64_t> max, ValType elem = ValType::funcref()) {
    return store.addTable(TableType{elem, Limits{min, max}}, nullptr).value();
  };
  auto memOf = [&](uint64_t min, std::optional<uint64_t> max) {
    return store.addMemory(MemoryType{Limits{min, max}});
  };
  struct Case {
    TableInst* t;
    LinearMemory* m;
    bool ok;
  } cases[] = {
      {tableOf(2, 4), memOf(1, 3), true},
      {tableOf(3, 3), memOf(2, 2), true},                         // larger min, smaller max
      {tableOf(1, 4), memOf(1, 3), false},                        // table too small
      {tableOf(2, std::nullopt), memOf(1, 3), false},             // table max missing
      {tableOf(2, 5), memOf(1, 3), false},                        // table max too large
      {tableOf(2, 4, ValType::externref()), memOf(1, 3), false},  // element type
      {tableOf(2, 4), memOf(0, 3), false},                        // memory too small
      {tableOf(2, 4), memOf(1, std::nullopt), false},             // memory max missing
      {tableOf(2, 4), memOf(1, 4), false},                        // memory max too large
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    ASSERT_NE(cases[i].m, nullptr);
    Extern imports[] = {tableExtern(cases[i].t), memoryExtern(cases[i].m)};
    auto r = instantiate(store, lm, imports);
    EXPECT_EQ(r.ok(), cases[i].ok) << "case " << i << ": " << r.describe();
    if (!cases[i].ok) EXPECT_EQ(r.status(), InstantiateResult::Status::LinkError);
  }
  // Matching uses the current size: a grown table/memory satisfies a larger min.
  TableInst* t = tableOf(1, 4);
  LinearMemory* mem = memOf(0, 3);
  Extern before[] = {tableExtern(t), memoryExtern(mem)};
  EXPECT_FALSE(instantiate(store, lm, before).ok());
  tableGrow(*t, 1, nullptr);
  memoryGrow(*mem, 1);
  EXPECT_TRUE(instantiate(store, lm, before).ok());
}

TEST(EngineInstantiate, GlobalImportsMatchMutabilityAndType) {
  auto lm = load(wasmModule({section(kImportSec, vec({importGlobal("m", "g", kI32, true)}))}));
  ASSERT_TRUE(lm);
  Store store;
  GlobalInst* varI32 = store.addGlobal({ValType::i32(), Mutability::Var}, Value::fromI32(1));
  GlobalInst* constI32 = store.addGlobal({ValType::i32(), Mutability::Const}, Value::fromI32(1));
  GlobalInst* varI64 = store.addGlobal({ValType::i64(), Mutability::Var}, Value::fromI64(1));
  Extern a[] = {globalExtern(varI32)}, b[] = {globalExtern(constI32)}, c[] = {globalExtern(varI64)};
  EXPECT_TRUE(instantiate(store, lm, a).ok());
  EXPECT_EQ(instantiate(store, lm, b).status(), InstantiateResult::Status::LinkError);
  EXPECT_EQ(instantiate(store, lm, c).status(), InstantiateResult::Status::LinkError);
}

TEST(EngineInstantiate, ActiveSegmentsInitialiseAndAreDropped) {
  // (memory 1) (table 3 funcref) (func $f) (func $g)
  // (elem (i32.const 1) $g $f) (elem func $f) (elem declare func $g)
  // (data (i32.const 10) "hi") (data "passive")
  auto lm = load(wasmModule({
      section(kTypeSec, vec({funcType({}, {})})),
      section(kFuncSec, vec({uleb(0), uleb(0)})),
      section(kTableSec, vec({cat({{kFuncRef}, limits(3)})})),
      section(kMemSec, vec({limits(1)})),
      section(kExportSec, vec({exportEntry("t", 1, 0), exportEntry("mem", 2, 0), exportEntry("f", 0, 0),
                               exportEntry("g", 0, 1)})),
      section(kElemSec, vec({activeElem(1, {1, 0}), passiveElem({0}), declarativeElem({1})})),
      section(kDataCountSec, uleb(2)),
      section(kCodeSec, vec({body({}), body({})})),
      section(kDataSec, vec({activeData(10, "hi"), passiveData("passive")})),
  }));
  ASSERT_TRUE(lm);
  Store store;
  auto r = instantiate(store, lm, {});
  ASSERT_TRUE(r.ok()) << r.describe();
  Instance* inst = r.instance();
  TableInst* t = instanceExport(*inst, "t")->table;
  FuncInst* f = instanceExport(*inst, "f")->func;
  FuncInst* g = instanceExport(*inst, "g")->func;
  ASSERT_EQ(tableSize(*t), 3u);
  EXPECT_EQ(*tableGet(*t, 0), nullptr);
  EXPECT_EQ(*tableGet(*t, 1), static_cast<Ref>(g));
  EXPECT_EQ(*tableGet(*t, 2), static_cast<Ref>(f));
  EXPECT_FALSE(tableGet(*t, 3).has_value());

  LinearMemory* mem = instanceExport(*inst, "mem")->memory;
  uint8_t buf[2];
  ASSERT_TRUE(memoryRead(*mem, 10, buf));
  EXPECT_EQ(std::memcmp(buf, "hi", 2), 0);

  ASSERT_EQ(inst->elems.size(), 3u);
  EXPECT_TRUE(inst->elems[0].elems.empty());   // active: dropped
  ASSERT_EQ(inst->elems[1].elems.size(), 1u);  // passive: kept
  EXPECT_EQ(inst->elems[1].elems[0], static_cast<Ref>(f));
  EXPECT_TRUE(inst->elems[2].elems.empty());  // declarative: dropped
  ASSERT_EQ(inst->datas.size(), 2u);
  EXPECT_TRUE(inst->datas[0].bytes.empty());
  EXPECT_EQ(inst->datas[1].bytes.size(), 7u);
}

TEST(EngineInstantiate, SegmentsExactlyAtTheEndAreInBounds) {
  Store store;
  TableInst* t = store.addTable(TableType{ValType::funcref(), Limits{2, std::nullopt}}, nullptr).value();
  LinearMemory* mem = store.addMemory(MemoryType{Limits{1, std::nullopt}});
  auto lm = load(segmentModule(1, 65534));
  ASSERT_TRUE(lm);
  Extern imports[] = {tableExtern(t), memoryExtern(mem)};
  auto r = instantiate(store, lm, imports);
  ASSERT_TRUE(r.ok()) << r.describe();
  uint8_t buf[2];
  ASSERT_TRUE(memoryRead(*mem, 65534, buf));
  EXPECT_EQ(std::memcmp(buf, "cd", 2), 0);
}

TEST(EngineInstantiate, OutOfBoundsElementSegmentTrapsAndKeepsEarlierWrites) {
  Store store;
  TableInst* t = store.addTable(TableType{ValType::funcref(), Limits{2, std::nullopt}}, nullptr).value();
  LinearMemory* mem = store.addMemory(MemoryType{Limits{1, std::nullopt}});
  auto lm = load(segmentModule(2, 0));  // second elem segment writes at 2: out of bounds
  ASSERT_TRUE(lm);
  Extern imports[] = {tableExtern(t), memoryExtern(mem)};
  auto r = instantiate(store, lm, imports);
  ASSERT_EQ(r.status(), InstantiateResult::Status::Trap);
  EXPECT_EQ(r.trap().describe(), "out of bounds table access");
  EXPECT_NE(*tableGet(*t, 0), nullptr);  // the first segment stays
  // Data segments come after element segments and were never applied.
  EXPECT_EQ(memoryData(*mem)[0], 0);
}

TEST(EngineInstantiate, OutOfBoundsDataSegmentTrapsAndKeepsEarlierWrites) {
  Store store;
  TableInst* t = store.addTable(TableType{ValType::funcref(), Limits{2, std::nullopt}}, nullptr).value();
  LinearMemory* mem = store.addMemory(MemoryType{Limits{1, std::nullopt}});
  auto lm = load(segmentModule(1, 65535));  // "cd" at 65535 overruns by one byte
  ASSERT_TRUE(lm);
  Extern imports[] = {tableExtern(t), memoryExtern(mem)};
  auto r = instantiate(store, lm, imports);
  ASSERT_EQ(r.status(), InstantiateResult::Status::Trap);
  EXPECT_EQ(r.trap().describe(), "out of bounds memory access");
  EXPECT_EQ(memoryData(*mem)[0], 'a');
  EXPECT_EQ(memoryData(*mem)[65535], 0);  // no partial write of the trapping segment
  EXPECT_NE(*tableGet(*t, 1), nullptr);
}

TEST(EngineInstantiate, EmptySegmentPastTheEndTraps) {
  // Bulk-memory semantics: even an empty segment is bounds-checked.
  auto lm = load(wasmModule({
      section(kMemSec, vec({limits(1)})),
      section(kDataSec, vec({activeData(65537, "")})),
  }));
  ASSERT_TRUE(lm);
  Store store;
  auto r = instantiate(store, lm, {});
  ASSERT_EQ(r.status(), InstantiateResult::Status::Trap);
  EXPECT_EQ(r.trap().kind, TrapKind::OutOfBoundsMemory);
}

TEST(EngineInstantiate, StartFunctionRunsAndItsTrapIsReported) {
  // (import "m" "f" (func)) (start 0): the start function may be an import.
  auto lm = load(wasmModule({
      section(kTypeSec, vec({funcType({}, {})})),
      section(kImportSec, vec({importFunc("m", "f", 0)})),
      section(kStartSec, uleb(0)),
  }));
  ASSERT_TRUE(lm);
  Store store;
  int calls = 0;
  FuncInst* counter = store.addHostFunc(FuncType{}, [&](std::span<const Value>, std::span<Value>) {
    ++calls;
    return Trap{};
  });
  Extern imports[] = {funcExtern(counter)};
  EXPECT_TRUE(instantiate(store, lm, imports).ok());
  EXPECT_EQ(calls, 1);

  FuncInst* failing = store.addHostFunc(
      FuncType{}, [](std::span<const Value>, std::span<Value>) { return Trap{TrapKind::Unreachable}; });
  Extern imports2[] = {funcExtern(failing)};
  auto r = instantiate(store, lm, imports2);
  ASSERT_EQ(r.status(), InstantiateResult::Status::Trap);
  EXPECT_EQ(r.describe(), "unreachable");
}

TEST(EngineInstantiate, InstancesShareTheLoadedModuleAndKeepItAlive) {
  auto lm = load(wasmModule({
      section(kTypeSec, vec({funcType({}, {})})),
      section(kFuncSec, vec({uleb(0)})),
      section(kCodeSec, vec({body({})})),
  }));
  ASSERT_TRUE(lm);
  Store store;
  auto a = instantiate(store, lm, {});
  auto b = instantiate(store, lm, {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.instance()->tierModule, b.instance()->tierModule);
  EXPECT_EQ(a.instance()->module.get(), b.instance()->module.get());
  EXPECT_NE(a.instance()->funcs[0], b.instance()->funcs[0]);
  std::weak_ptr<const LoadedModule> weak = lm;
  lm.reset();
  EXPECT_FALSE(weak.expired());  // the instances hold it
  EXPECT_EQ(a.instance()->funcs[0]->type, &a.instance()->module->types[0]);
}
