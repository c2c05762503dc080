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

// Bulk operations pay for their length (runtime/fuel.h):
// (func "fill" (param d v n) (memory.fill d v n))
// (func "copy" (param d s n) (memory.copy d s n))
// (func "load" (param a) (result i32) (i32.load8_u a))
// (func "tfill" (param i n) (table.fill i (ref.func 3) n))
// (func "tcopy" (param d s n) (table.copy d s n))
// (func "tnull" (param i) (result i32) (ref.is_null (table.get i)))
// with 4 MiB of memory and a table of 300000 funcrefs.
Bytes bulkModule() {
  const uint8_t get = 0x20;  // local.get
  return wasmModule({
      section(kTypeSec,
              vec({funcType({kI32, kI32, kI32}, {}), funcType({kI32}, {kI32}), funcType({kI32, kI32}, {})})),
      section(kFuncSec, vec({uleb(0), uleb(0), uleb(1), uleb(2), uleb(0), uleb(1)})),
      section(kTableSec, vec({cat({{kFuncRef}, limits(300000)})})),
      section(kMemSec, vec({limits(64)})),
      section(kExportSec,
              vec({exportEntry("fill", 0, 0), exportEntry("copy", 0, 1), exportEntry("load", 0, 2),
                   exportEntry("tfill", 0, 3), exportEntry("tcopy", 0, 4), exportEntry("tnull", 0, 5)})),
      section(kCodeSec, vec({
                            body({get, 0, get, 1, get, 2, 0xfc, 0x0b, 0x00}),
                            body({get, 0, get, 1, get, 2, 0xfc, 0x0a, 0x00, 0x00}),
                            body({get, 0, 0x2d, 0x00, 0x00}),
                            body({get, 0, 0xd2, 0x03, get, 1, 0xfc, 0x11, 0x00}),
                            body({get, 0, get, 1, get, 2, 0xfc, 0x0e, 0x00, 0x00}),
                            body({get, 0, 0x25, 0x00, 0xd1}),
                        })),
  });
}

struct Bulk {
  Store store;
  Instance* inst = nullptr;
  explicit Bulk(interp::CompileOptions o) {
    auto lm = loadModule(bulkModule(), nullptr, o);
    EXPECT_TRUE(lm.ok()) << (lm.ok() ? "" : lm.error().describe());
    if (!lm.ok()) return;
    auto r = instantiate(store, *lm, {});
    EXPECT_TRUE(r.ok()) << r.describe();
    if (r.ok()) inst = r.instance();
  }
  // Runs `name` with `fuel`; the trap kind.
  TrapKind run(const char* name, std::initializer_list<uint32_t> args, int64_t fuel = INT64_MAX) {
    std::vector<TypedValue> in;
    for (uint32_t a : args) in.push_back({ValType::i32(), Value::fromI32(int32_t(a))});
    interp::setFuel(fuel);
    auto r = invoke(*inst, name, in);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->trap.kind : TrapKind::Host;
  }
  uint32_t get(const char* name, uint32_t a) {
    TypedValue arg{ValType::i32(), Value::fromI32(int32_t(a))};
    interp::setFuel(INT64_MAX);
    auto r = invoke(*inst, name, std::span(&arg, 1));
    EXPECT_TRUE(r.ok() && r->ok());
    return r.ok() && r->ok() ? uint32_t(r->values[0].value.i32) : UINT32_MAX;
  }
  // Fuel `name` uses.
  int64_t used(const char* name, std::initializer_list<uint32_t> args) {
    EXPECT_EQ(run(name, args, 1'000'000'000), TrapKind::None);
    return 1'000'000'000 - interp::fuelLeft();
  }
  ~Bulk() { interp::setFuel(INT64_MAX); }
};

TEST(EngineFuel, BulkOperationsPayByLength) {
  for (bool fuse : {true, false}) {
    Bulk b(interp::CompileOptions{.meter = true, .fuse = fuse});
    ASSERT_TRUE(b.inst);
    // One unit per 4 bytes of memory, rounded up; one per table element.
    int64_t fill0 = b.used("fill", {0, 7, 0});
    EXPECT_EQ(b.used("fill", {0, 7, 1}) - fill0, 1);
    EXPECT_EQ(b.used("fill", {0, 7, 400}) - fill0, 100);
    EXPECT_EQ(b.used("fill", {0, 7, 401}) - fill0, 101);
    int64_t copy0 = b.used("copy", {0, 8, 0});
    EXPECT_EQ(b.used("copy", {0, 8, 4 << 20 >> 1}) - copy0, 1 << 19);
    int64_t tfill0 = b.used("tfill", {0, 0});
    EXPECT_EQ(b.used("tfill", {0, 16}) - tfill0, 16);
    int64_t tcopy0 = b.used("tcopy", {1, 0, 0});
    EXPECT_EQ(b.used("tcopy", {1, 0, 1000}) - tcopy0, 1000);
  }
}

TEST(EngineFuel, BulkOperationShortOfFuelDoesNothing) {
  for (bool fuse : {true, false}) {
    Bulk b(interp::CompileOptions{.meter = true, .fuse = fuse});
    ASSERT_TRUE(b.inst);
    // Enough for the instructions, and for the bytes (exactly) or one unit short.
    int64_t need = b.used("fill", {0, 9, 0}) + 100;
    ASSERT_EQ(b.run("fill", {0, 0, 400}), TrapKind::None);
    EXPECT_EQ(b.run("fill", {0, 5, 400}, need - 1), TrapKind::OutOfFuel);
    EXPECT_EQ(interp::fuelLeft(), 0);
    EXPECT_EQ(b.get("load", 0), 0u);  // not a byte written
    EXPECT_EQ(b.get("load", 399), 0u);
    EXPECT_EQ(b.run("fill", {0, 5, 400}, need), TrapKind::None);
    EXPECT_EQ(interp::fuelLeft(), 0);  // exactly enough
    EXPECT_EQ(b.get("load", 399), 5u);
    // Out of bounds stays the spec's trap, with or without the fuel for it.
    EXPECT_EQ(b.run("fill", {0, 5, 5 << 20}, 10), TrapKind::OutOfBoundsMemory);
    int64_t tneed = b.used("tfill", {0, 0}) + 16;
    EXPECT_EQ(b.run("tcopy", {0, 100, 16}), TrapKind::None);  // back to null
    EXPECT_EQ(b.run("tfill", {0, 16}, tneed - 1), TrapKind::OutOfFuel);
    EXPECT_EQ(b.get("tnull", 15), 1u);
    EXPECT_EQ(b.run("tfill", {0, 16}, tneed), TrapKind::None);
    EXPECT_EQ(b.get("tnull", 15), 0u);
  }
}

TEST(EngineFuel, UnmeteredBulkOperationsIgnoreFuel) {
  Bulk b(interp::CompileOptions{.meter = false});
  ASSERT_TRUE(b.inst);
  EXPECT_EQ(b.run("fill", {0, 3, 4 << 20}, 10), TrapKind::None);
  EXPECT_EQ(interp::fuelLeft(), 10);
  EXPECT_EQ(b.get("load", (4 << 20) - 1), 3u);
}

// Metered copies run in 1 MiB pieces: overlapping ones must still copy as
// if through a temporary buffer, in both directions.
TEST(EngineFuel, MeteredOverlappingCopiesInPieces) {
  for (bool meter : {true, false}) {
    Bulk b(interp::CompileOptions{.meter = meter});
    ASSERT_TRUE(b.inst);
    const uint32_t M = 1 << 20;
    // Up: [0, 2M) = 1, [2M, 4M) = 2; copy [0, 2.5M) to M + 5.
    ASSERT_EQ(b.run("fill", {0, 1, 2 * M}), TrapKind::None);
    ASSERT_EQ(b.run("fill", {2 * M, 2, 2 * M}), TrapKind::None);
    ASSERT_EQ(b.run("copy", {M + 5, 0, 5 * M / 2}), TrapKind::None);
    EXPECT_EQ(b.get("load", M + 5 + 2 * M - 1), 1u) << meter;
    EXPECT_EQ(b.get("load", M + 5 + 2 * M + 10), 2u) << meter;
    EXPECT_EQ(b.get("load", M + 5 + 5 * M / 2 - 1), 2u) << meter;
    // Down: copy [M + 5, 3.5M + 5) back to 0.
    ASSERT_EQ(b.run("fill", {0, 1, 2 * M}), TrapKind::None);
    ASSERT_EQ(b.run("fill", {2 * M, 2, 2 * M}), TrapKind::None);
    ASSERT_EQ(b.run("copy", {0, M + 5, 5 * M / 2}), TrapKind::None);
    EXPECT_EQ(b.get("load", M - 6), 1u) << meter;
    EXPECT_EQ(b.get("load", M - 5), 2u) << meter;
    EXPECT_EQ(b.get("load", 5 * M / 2 - 1), 2u) << meter;
    // Tables: [0, 150000) a function, the rest null; copy [0, 200000) to 100000.
    ASSERT_EQ(b.run("tfill", {0, 150000}), TrapKind::None);
    ASSERT_EQ(b.run("tcopy", {100000, 0, 200000}), TrapKind::None);
    EXPECT_EQ(b.get("tnull", 249999), 0u) << meter;
    EXPECT_EQ(b.get("tnull", 250000), 1u) << meter;
    EXPECT_EQ(b.get("tnull", 299999), 1u) << meter;
  }
}

}  // namespace
