// The interpreter stacks against the store's resource limit: deep recursion
// is charged to the store whose code runs, stops at its limit, and gives its
// pages back when the call returns.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>

#include "engine/engine.h"
#include "engine_wasm_builder.h"

using namespace wharf;
using namespace wharf::testing;

namespace {

// (func $rec (export "rec") (local i64 x256) (call $rec)): 2 KiB of value
// stack per frame. (func (export "nop")).
Bytes recursionModule() {
  Bytes locals = cat({uleb(1), uleb(256), {kI64}});
  Bytes rec = cat({locals, {0x10, 0x00, kEnd}});
  return wasmModule({
      section(kTypeSec, vec({funcType({}, {})})),
      section(kFuncSec, vec({uleb(0), uleb(0)})),
      section(kExportSec, vec({exportEntry("rec", 0, 0), exportEntry("nop", 0, 1)})),
      section(kCodeSec, vec({cat({uleb(rec.size()), rec}), body({})})),
  });
}

// (import "m" "h" (func)) (func (export "viaHost") (call 0))
Bytes viaHostModule() {
  return wasmModule({
      section(kTypeSec, vec({funcType({}, {})})),
      section(kImportSec, vec({importFunc("m", "h", 0)})),
      section(kFuncSec, vec({uleb(0)})),
      section(kExportSec, vec({exportEntry("viaHost", 0, 1)})),
      section(kCodeSec, vec({body({0x10, 0x00})})),
  });
}

Instance* instantiateIn(Store& store, const Bytes& bytes, std::span<const Extern> imports = {}) {
  auto lm = loadModule(bytes);
  EXPECT_TRUE(lm.ok());
  if (!lm.ok()) return nullptr;
  auto r = instantiate(store, *lm, imports);
  EXPECT_TRUE(r.ok()) << r.describe();
  return r.ok() ? r.instance() : nullptr;
}

TrapKind run(Instance* inst, const char* name) {
  auto r = invoke(*inst, name, {});
  EXPECT_TRUE(r.ok());
  return r.ok() ? r->trap.kind : TrapKind::Host;
}

// Resident bytes of this process, from /proc/self/statm.
uint64_t residentBytes() {
  unsigned long size = 0, resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f) {
    if (std::fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return uint64_t(resident) * 4096;
}

TEST(EngineLimits, RecursionStopsAtTheStoreLimit) {
  Store store;
  store.setResourceLimit(4 << 20);
  Instance* inst = instantiateIn(store, recursionModule());
  ASSERT_TRUE(inst);
  ResourceBudget& budget = *store.resourceBudget();
  EXPECT_EQ(run(inst, "rec"), TrapKind::CallStackExhausted);
  EXPECT_EQ(budget.refusals(), 1u);
  EXPECT_EQ(budget.used(), 0u);  // given back when the call returned
  // The next call gets the same room again.
  EXPECT_EQ(run(inst, "rec"), TrapKind::CallStackExhausted);
  EXPECT_EQ(budget.refusals(), 2u);
  EXPECT_EQ(run(inst, "nop"), TrapKind::None);
}

TEST(EngineLimits, ZeroLimitStillRunsInTheFreeChunk) {
  Store store;
  store.setResourceLimit(0);
  Instance* inst = instantiateIn(store, recursionModule());
  ASSERT_TRUE(inst);
  EXPECT_EQ(run(inst, "nop"), TrapKind::None);
  EXPECT_EQ(run(inst, "rec"), TrapKind::CallStackExhausted);
  EXPECT_EQ(store.resourceBudget()->refusals(), 1u);
}

TEST(EngineLimits, StackPagesAreGivenBack) {
  // A limit above what the stacks can hold: the recursion ends at the
  // reservation, all of it charged while it runs and released after, and
  // the resident set falls back. (On a new thread: its stacks start
  // untouched, whatever earlier tests did on this one.)
  Store store;
  store.setResourceLimit(uint64_t{1} << 30);
  Instance* inst = instantiateIn(store, recursionModule());
  ASSERT_TRUE(inst);
  std::thread([&] {
    ASSERT_EQ(run(inst, "nop"), TrapKind::None);
    uint64_t before = residentBytes();
    EXPECT_EQ(run(inst, "rec"), TrapKind::CallStackExhausted);
    EXPECT_EQ(store.resourceBudget()->refusals(), 0u);
    EXPECT_EQ(store.resourceBudget()->used(), 0u);
    EXPECT_LT(residentBytes(), before + (16 << 20));
  }).join();
}

TEST(EngineLimits, StoresOnOneThreadAreChargedApart) {
  // One after another: a store without a limit recurses to the end of the
  // stacks; the limited one after it is stopped at its limit.
  {
    Store unlimited;
    Instance* inst = instantiateIn(unlimited, recursionModule());
    ASSERT_TRUE(inst);
    EXPECT_EQ(run(inst, "rec"), TrapKind::CallStackExhausted);
  }
  Store small;
  small.setResourceLimit(2 << 20);
  Instance* smallInst = instantiateIn(small, recursionModule());
  ASSERT_TRUE(smallInst);
  EXPECT_EQ(run(smallInst, "rec"), TrapKind::CallStackExhausted);
  EXPECT_EQ(small.resourceBudget()->refusals(), 1u);

  // Nested: store A's code calls (through a host function) into store B's,
  // whose recursion is charged to B, not A.
  Store a, b;
  a.setResourceLimit(uint64_t{1} << 30);
  b.setResourceLimit(2 << 20);
  Instance* bInst = instantiateIn(b, recursionModule());
  ASSERT_TRUE(bInst);
  FuncInst* bRec = bInst->funcs[0];
  FuncInst* h = a.addHostFunc(
      FuncType{}, [&](std::span<const Value>, std::span<Value>) { return interp::call(bRec, {}, {}); });
  Extern imports[] = {Extern{ExternKind::Func, h, nullptr, nullptr, nullptr}};
  Instance* aInst = instantiateIn(a, viaHostModule(), imports);
  ASSERT_TRUE(aInst);
  EXPECT_EQ(run(aInst, "viaHost"), TrapKind::CallStackExhausted);
  EXPECT_EQ(b.resourceBudget()->refusals(), 1u);
  EXPECT_EQ(a.resourceBudget()->refusals(), 0u);
  EXPECT_EQ(a.resourceBudget()->used(), 0u);
  EXPECT_EQ(b.resourceBudget()->used(), 0u);
}

TEST(EngineLimits, DeepBacktracesStayBounded) {
  // A 4 KiB function name in a trap 65000 frames deep: the backtrace keeps a
  // bounded number of frames and of bytes per name.
  std::string longName(4096, 'f');
  Bytes funcNames = vec({cat({uleb(0), name(longName)})});
  Bytes names = cat({name("name"), {0x01}, uleb(funcNames.size()), funcNames});
  Bytes bytes = recursionModule();
  append(bytes, section(0, names));
  Store store;
  Instance* inst = instantiateIn(store, bytes);
  ASSERT_TRUE(inst);
  auto r = invoke(*inst, "rec", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->trap.kind, TrapKind::CallStackExhausted);
  EXPECT_LE(r->trap.backtrace.size(), 128u);
  EXPECT_GT(r->trap.omittedFrames, 0u);
  ASSERT_FALSE(r->trap.backtrace.empty());
  EXPECT_EQ(r->trap.backtrace[0].name, std::string(1024, 'f') + "...");
}

}  // namespace
