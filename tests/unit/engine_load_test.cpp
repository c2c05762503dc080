// Loading: stopping a long load (LoadInterrupt), and the compiler's
// bookkeeping of stack entries that still read a local (kept per local so
// that a write or a block looks only at the entries concerned).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "binary/decoder.h"
#include "engine/engine.h"
#include "engine_wasm_builder.h"

using namespace wharf;
using namespace wharf::testing;

namespace {

// A body with locals: runs of (count, type), then the instructions and `end`.
Bytes bodyWithLocals(Bytes runs, Bytes instrs) {
  Bytes b = cat({runs, instrs, {kEnd}});
  return cat({uleb(b.size()), b});
}

Bytes oneFunction(Bytes type, Bytes body) {
  return wasmModule({section(kTypeSec, vec({type})), section(kFuncSec, vec({uleb(0)})),
                     section(kExportSec, vec({exportEntry("f", 0, 0)})), section(kCodeSec, vec({body}))});
}

int32_t runI32(const Bytes& module) {
  auto lm = loadModule(module);
  EXPECT_TRUE(lm.ok()) << (lm.ok() ? "" : lm.error().describe());
  if (!lm.ok()) return -1;
  Store store;
  auto inst = instantiate(store, *lm, {});
  EXPECT_TRUE(inst.ok()) << inst.describe();
  auto r = invoke(*inst.instance(), "f", {});
  EXPECT_TRUE(r.ok() && r->ok());
  return r.ok() && r->ok() ? static_cast<int32_t>(r->values[0].value.i32) : -1;
}

// Values read from locals stay what they were when read, whichever way the
// local is overwritten later, with blocks (which detach every such value)
// in between.
TEST(EngineLoad, ValuesReadFromLocalsSurviveWrites) {
  Bytes code = {
      0x41, 5,    0x21, 0,                    // local0 = 5
      0x20, 0,    0x20, 1,    0x20, 0,        // [l0 l1 l0] = 5 0 5
      0x41, 7,    0x21, 0,                    // local0 = 7: both reads of local 0 keep 5
      0x02, 0x40, kEnd,                       // block: the read of local 1 is detached too
      0x41, 9,    0x21, 1,                    // local1 = 9
      0x20, 1,    0x41, 11,   0x22, 1, 0x1a,  // [.. l1] then local1 = 11 (tee, drop): the read keeps 9
      0x20, 0,                                // 7
      0x6a, 0x6a, 0x6a, 0x6a,                 // 5 + 0 + 5 + 9 + 7
  };
  EXPECT_EQ(runI32(oneFunction(funcType({}, {kI32}), bodyWithLocals(vec({{2, kI32}}), code))), 26);
}

// A function declaring far more locals than its body could use is compiled
// from the declared runs; the slots must come out the same.
TEST(EngineLoad, ManyDeclaredLocals) {
  // (local i64 x 40000) (local i32 x 9000): local.set/get the last i32.
  Bytes runs = vec({cat({uleb(40000), {kI64}}), cat({uleb(9000), {kI32}})});
  Bytes code = cat({{0x41, 42, 0x21}, uleb(48999), {0x20}, uleb(48999), {0x20}, uleb(39999), {0xa7, 0x6a}});
  EXPECT_EQ(runI32(oneFunction(funcType({}, {kI32}), bodyWithLocals(runs, code))), 42);
}

// A module with one large function: `count` times (i32.const 1, drop).
Bytes largeModule(uint32_t count) {
  Bytes code;
  code.reserve(count * 3);
  for (uint32_t i = 0; i < count; ++i) code.insert(code.end(), {0x41, 0x01, 0x1a});
  return oneFunction(funcType({}, {}), bodyWithLocals({0x00}, code));
}

TEST(EngineLoad, InterruptFlagStopsLoading) {
  std::atomic<bool> flag{true};
  interp::CompileOptions options;
  options.interrupt.flag = &flag;
  for (bool phases : {false, true}) {
    LoadPhase phase;
    auto lm = loadModule(largeModule(10), phases ? &phase : nullptr, options);
    ASSERT_FALSE(lm.ok());
    EXPECT_EQ(lm.error().message, kLoadInterruptedMessage);
  }
  flag = false;
  EXPECT_TRUE(loadModule(largeModule(10), nullptr, options).ok());
}

// A deadline that passes while a single 3 MB function compiles ends it
// (compiling it takes far longer than the deadline; the compiler polls
// every few thousand instructions as well as between functions).
TEST(EngineLoad, DeadlineStopsCompilingOneLargeFunction) {
  Bytes module = largeModule(1'000'000);
  auto decoded = decodeModule(module);
  ASSERT_TRUE(decoded.ok());
  interp::CompileOptions options;
  options.interrupt.deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
  auto cm = interp::compileModule(**decoded, options);
  ASSERT_FALSE(cm.ok());
  EXPECT_EQ(cm.error().message, kLoadInterruptedMessage);
  EXPECT_TRUE(interp::compileModule(**decoded).ok());
}

}  // namespace
