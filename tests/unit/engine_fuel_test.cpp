// Fuel metering and interruption of interpreted code.
#include <gtest/gtest.h>

#include <thread>

#include "engine/engine.h"
#include "engine_wasm_builder.h"

using namespace wharf;
using namespace wharf::testing;

namespace {

// (func (export "spin") (loop (br 0)))
// (func (export "count") (param i32) (result i32)  ;; counts down to zero
//   (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))) (local.get 0))
Bytes spinModule() {
  return wasmModule({
      section(kTypeSec, vec({funcType({}, {}), funcType({kI32}, {kI32})})),
      section(kFuncSec, vec({uleb(0), uleb(1)})),
      section(kExportSec, vec({exportEntry("spin", 0, 0), exportEntry("count", 0, 1)})),
      section(kCodeSec,
              vec({body({0x03, 0x40, 0x0c, 0x00, 0x0b}), body({0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22,
                                                               0x00, 0x0d, 0x00, 0x0b, 0x20, 0x00})})),
  });
}

Instance* instantiateSpin(Store& store, bool meter) {
  auto lm = loadModule(spinModule(), nullptr, interp::CompileOptions{.meter = meter});
  EXPECT_TRUE(lm.ok());
  if (!lm.ok()) return nullptr;
  auto r = instantiate(store, *lm, {});
  EXPECT_TRUE(r.ok()) << r.describe();
  return r.ok() ? r.instance() : nullptr;
}

TEST(EngineFuel, InfiniteLoopRunsOutOfFuel) {
  Store store;
  Instance* inst = instantiateSpin(store, true);
  ASSERT_TRUE(inst);
  interp::setFuel(100000);
  auto r = invoke(*inst, "spin", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->trap.kind, TrapKind::OutOfFuel);
  EXPECT_EQ(r->trap.describe(), "all fuel consumed");
  interp::setFuel(INT64_MAX);
}

TEST(EngineFuel, ChargeIsDeterministicAndProportional) {
  Store store;
  Instance* inst = instantiateSpin(store, true);
  ASSERT_TRUE(inst);
  auto used = [&](uint32_t n) {
    interp::setFuel(1'000'000);
    TypedValue arg{ValType::i32(), Value::fromI32(n)};
    auto r = invoke(*inst, "count", std::span(&arg, 1));
    EXPECT_TRUE(r.ok() && r->ok());
    return 1'000'000 - interp::fuelLeft();
  };
  int64_t a = used(100), b = used(100), c = used(200);
  EXPECT_EQ(a, b);
  EXPECT_GT(c, a);
  EXPECT_GE(c - a, 100 * 5);  // five instructions per iteration at least
  interp::setFuel(INT64_MAX);
}

TEST(EngineFuel, UnmeteredCodeIgnoresFuel) {
  Store store;
  Instance* inst = instantiateSpin(store, false);
  ASSERT_TRUE(inst);
  interp::setFuel(10);
  TypedValue arg{ValType::i32(), Value::fromI32(1000)};
  auto r = invoke(*inst, "count", std::span(&arg, 1));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok());
  interp::setFuel(INT64_MAX);
}

TEST(EngineFuel, InterruptStopsAnInfiniteLoop) {
  Store store;
  Instance* inst = instantiateSpin(store, true);
  ASSERT_TRUE(inst);
  std::atomic<bool>* flag = interp::interruptFlag();
  std::thread stopper([flag] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    flag->store(true);
  });
  auto r = invoke(*inst, "spin", {});
  stopper.join();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->trap.kind, TrapKind::Interrupted);
}

}  // namespace
