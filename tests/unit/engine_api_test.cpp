// The embedding API outside instantiation: loading errors, import/export
// descriptors, calls with argument checking, table/memory accessors and the
// constant-expression evaluator (including 3.0 extended-const).
#include <gtest/gtest.h>

#include "engine/const_expr.h"
#include "engine/engine.h"
#include "engine_wasm_builder.h"

using namespace wharf;
using namespace wharf::testing;

TEST(EngineApi, LoadReportsThePhaseThatFailed) {
  LoadPhase phase = LoadPhase::Compile;
  Bytes garbage = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  auto r = loadModule(garbage, &phase);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(phase, LoadPhase::Decode);

  // (global i32 (i64.const 0)): decodes, but is invalid.
  Bytes invalid = wasmModule({section(kGlobalSec, vec({global(kI32, false, i64Const(0))}))});
  auto v = loadModule(invalid, &phase);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(phase, LoadPhase::Validate);
  EXPECT_EQ(v.error().message, "type mismatch");
}

TEST(EngineApi, ImportAndExportDescriptors) {
  auto lm = loadModule(wasmModule({
      section(kTypeSec, vec({funcType({kI32, kI64}, {kF32})})),
      section(kImportSec, vec({importFunc("env", "f", 0), importMemory("env", "mem", limits(1, 2)),
                               importGlobal("env", "g", kF64, true)})),
      section(kTableSec, vec({cat({{kExternRef}, limits(3)})})),
      section(kExportSec, vec({exportEntry("f2", 0, 0), exportEntry("t", 1, 0), exportEntry("m", 2, 0),
                               exportEntry("g", 3, 0)})),
  }));
  ASSERT_TRUE(lm.ok()) << lm.error().describe();
  auto imports = moduleImports(**lm);
  ASSERT_EQ(imports.size(), 3u);
  EXPECT_EQ(imports[0].module, "env");
  EXPECT_EQ(imports[0].name, "f");
  EXPECT_EQ(imports[0].type.toString(), "func [i32 i64] -> [f32]");
  EXPECT_EQ(imports[1].type.toString(), "memory 1 2");
  EXPECT_EQ(imports[2].type.toString(), "global (mut f64)");
  auto exports = moduleExports(**lm);
  ASSERT_EQ(exports.size(), 4u);
  EXPECT_EQ(exports[0].name, "f2");
  EXPECT_EQ(exports[0].type.kind, ExternKind::Func);
  EXPECT_EQ(exports[1].type.toString(), "table 3 externref");
  EXPECT_EQ(exports[2].type.toString(), "memory 1 2");
  EXPECT_EQ(exports[3].type.toString(), "global (mut f64)");
}

TEST(EngineApi, CallChecksArgumentsAndReturnsTypedResults) {
  Store store;
  FuncInst* add = store.addHostFunc(FuncType{{ValType::i32(), ValType::i32()}, {ValType::i32()}},
                                    [](std::span<const Value> a, std::span<Value> r) {
                                      r[0] = Value::fromI32(a[0].i32 + a[1].i32);
                                      return Trap{};
                                    });
  TypedValue args[] = {{ValType::i32(), Value::fromI32(40)}, {ValType::i32(), Value::fromI32(2)}};
  auto r = callFunction(add, args);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->ok());
  ASSERT_EQ(r->values.size(), 1u);
  EXPECT_EQ(r->values[0].type, ValType::i32());
  EXPECT_EQ(r->values[0].value.i32, 42u);

  EXPECT_FALSE(callFunction(add, std::span(args, 1)).ok());
  TypedValue wrong[] = {{ValType::i32(), Value::fromI32(1)}, {ValType::i64(), Value::fromI64(2)}};
  EXPECT_FALSE(callFunction(add, wrong).ok());

  FuncInst* trapping = store.addHostFunc(
      FuncType{}, [](std::span<const Value>, std::span<Value>) { return Trap{TrapKind::Host, "boom"}; });
  auto t = callFunction(trapping, {});
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->ok());
  EXPECT_EQ(t->trap.describe(), "boom");
}

TEST(EngineApi, InvokeByExportName) {
  auto lm = loadModule(wasmModule({
      section(kTypeSec, vec({funcType({}, {})})),
      section(kImportSec, vec({importFunc("m", "f", 0)})),
      section(kGlobalSec, vec({global(kI32, false, i32Const(1))})),
      section(kExportSec, vec({exportEntry("run", 0, 0), exportEntry("notfunc", 3, 0)})),
  }));
  ASSERT_TRUE(lm.ok()) << lm.error().describe();
  Store store;
  int calls = 0;
  FuncInst* f = store.addHostFunc(FuncType{}, [&](std::span<const Value>, std::span<Value>) {
    ++calls;
    return Trap{};
  });
  Extern imports[] = {Extern{ExternKind::Func, f, nullptr, nullptr, nullptr}};
  auto inst = instantiate(store, *lm, imports);
  ASSERT_TRUE(inst.ok()) << inst.describe();
  auto r = invoke(*inst.instance(), "run", {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok());
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(invoke(*inst.instance(), "missing", {}).ok());
  EXPECT_FALSE(invoke(*inst.instance(), "notfunc", {}).ok());
  EXPECT_EQ(instanceExports(*inst.instance()).size(), 2u);
}

TEST(EngineApi, TableAndMemoryAccessors) {
  Store store;
  TableInst* t = store.addTable(TableType{ValType::funcref(), Limits{1, 3}}, nullptr).value();
  EXPECT_EQ(tableGrow(*t, 2, nullptr), 1);
  EXPECT_EQ(tableGrow(*t, 1, nullptr), -1);
  int dummy;
  EXPECT_TRUE(tableSet(*t, 2, &dummy));
  EXPECT_FALSE(tableSet(*t, 3, &dummy));
  EXPECT_EQ(*tableGet(*t, 2), static_cast<Ref>(&dummy));

  LinearMemory* m = store.addMemory(MemoryType{Limits{1, 2}});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(memoryData(*m).size(), 65536u);
  uint8_t data[4] = {1, 2, 3, 4};
  EXPECT_TRUE(memoryWrite(*m, 65532, data));
  EXPECT_FALSE(memoryWrite(*m, 65533, data));
  EXPECT_EQ(memoryGrow(*m, 1), 1);
  EXPECT_EQ(memoryGrow(*m, 1), -1);
  EXPECT_TRUE(memoryWrite(*m, 65533, data));
  uint8_t back[4];
  EXPECT_TRUE(memoryRead(*m, 65533, back));
  EXPECT_EQ(back[3], 4);
  EXPECT_FALSE(memoryRead(*m, 2 * 65536 - 3, back));
}

namespace {

// Evaluates raw constant-expression bytes against a few globals/functions.
Expected<Value> evalBytes(const Bytes& expr, std::span<GlobalInst* const> globals = {},
                          std::span<FuncInst* const> funcs = {}) {
  Module m;
  m.bytes = expr;
  ConstExprContext ctx{m, globals, funcs};
  return evalConstExpr(ctx, ConstExpr{0, uint32_t(expr.size())});
}

}  // namespace

TEST(EngineConstExpr, Constants) {
  EXPECT_EQ(evalBytes(i32Const(-7))->i32, uint32_t(-7));
  EXPECT_EQ(evalBytes(i64Const(INT64_MIN))->i64, uint64_t(INT64_MIN));
  EXPECT_EQ(evalBytes({0x43, 0x00, 0x00, 0xc0, 0x7f, kEnd})->f32Bits(), 0x7fc00000u);
  EXPECT_EQ(evalBytes({0x44, 1, 2, 3, 4, 5, 6, 7, 8, kEnd})->f64Bits(), 0x0807060504030201ull);
  Bytes v128 = {0xfd, 0x0c};
  for (int i = 0; i < 16; ++i) v128.push_back(uint8_t(i));
  v128.push_back(kEnd);
  EXPECT_EQ(evalBytes(v128)->v128.bytes[15], 15);
  EXPECT_EQ(evalBytes(refNull(0x70))->ref, nullptr);
}

TEST(EngineConstExpr, GlobalGetAndRefFunc) {
  Store store;
  GlobalInst* g = store.addGlobal({ValType::i64(), Mutability::Const}, Value::fromI64(99));
  FuncInst* f = store.addHostFunc(FuncType{}, nullptr);
  GlobalInst* globals[] = {g};
  FuncInst* funcs[] = {f};
  EXPECT_EQ(evalBytes(globalGet(0), globals)->i64, 99u);
  EXPECT_EQ(evalBytes(refFunc(0), {}, funcs)->ref, static_cast<Ref>(f));
  EXPECT_FALSE(evalBytes(globalGet(1), globals).ok());
}

TEST(EngineConstExpr, ExtendedConstArithmetic) {
  // (i32.sub (i32.mul (i32.const 6) (i32.const 7)) (i32.add (global.get 0) (i32.const 2)))
  Store store;
  GlobalInst* g = store.addGlobal({ValType::i32(), Mutability::Const}, Value::fromI32(40));
  GlobalInst* globals[] = {g};
  Bytes e = cat({{0x41}, sleb(6), {0x41}, sleb(7), {0x6c, 0x23, 0x00, 0x41}, sleb(2), {0x6a, 0x6b, kEnd}});
  EXPECT_EQ(evalBytes(e, globals)->i32, 0u);
  // i64 wraps around.
  Bytes w = cat({{0x42}, sleb(INT64_MAX), {0x42}, sleb(1), {0x7c, kEnd}});
  EXPECT_EQ(evalBytes(w)->i64, uint64_t(INT64_MIN));
  Bytes s = cat({{0x42}, sleb(3), {0x42}, sleb(5), {0x7d, kEnd}});
  EXPECT_EQ(int64_t(evalBytes(s)->i64), -2);
  Bytes m = cat({{0x42}, sleb(-3), {0x42}, sleb(5), {0x7e, kEnd}});
  EXPECT_EQ(int64_t(evalBytes(m)->i64), -15);
}

TEST(EngineConstExpr, RejectsNonConstantInstructions) {
  auto r = evalBytes({0x41, 0x01, 0x45, kEnd});  // i32.eqz
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "constant expression required");
}
