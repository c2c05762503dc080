// .wast scripts: commands, values, result patterns, stored module errors.
#include <gtest/gtest.h>

#include "text/wast_script.h"
#include "text/wat_parser.h"

using namespace wharf;
using namespace wharf::script;

namespace {

Script parse(std::string_view src) {
  auto r = parseWastScript(src);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : Script{};
}

}  // namespace

TEST(TextWast, ModulesAndNames) {
  Script s = parse(R"wast(
(module $A (func (export "f") (result i32) (i32.const 1)))
(module $B binary "\00asm" "\01\00\00\00")
(module quote "(func" ")")
(register "a" $A)
(register "latest")
)wast");
  ASSERT_EQ(s.commands.size(), 5u);
  const Command& a = s.commands[0];
  EXPECT_EQ(a.kind, Command::Kind::Module);
  EXPECT_EQ(a.line, 2u);
  EXPECT_EQ(a.module.name, "$A");
  EXPECT_EQ(a.module.kind, ModuleSource::Kind::Text);
  EXPECT_FALSE(a.module.error.has_value());
  EXPECT_GT(a.module.bytes.size(), 8u);
  EXPECT_EQ(s.commands[1].module.kind, ModuleSource::Kind::Binary);
  EXPECT_EQ(s.commands[1].module.bytes, (std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0}));
  EXPECT_EQ(s.commands[2].module.kind, ModuleSource::Kind::Quote);
  EXPECT_EQ(s.commands[2].module.text, "(func)");
  auto quoted = encodeModule(s.commands[2].module);
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(*quoted, *parseWatModule("(func)"));
  EXPECT_EQ(s.commands[3].kind, Command::Kind::Register);
  EXPECT_EQ(s.commands[3].registerAs, "a");
  EXPECT_EQ(s.commands[3].registerModule, "$A");
  EXPECT_EQ(s.commands[4].registerModule, "");
}

TEST(TextWast, ActionsAndValues) {
  Script s = parse(R"wast(
(invoke $M "f" (i32.const -1) (i64.const 0x8000000000000000) (f32.const -nan:0x1) (f64.const 0.1)
               (v128.const i16x8 1 2 3 4 5 6 7 -1) (ref.null func) (ref.null extern) (ref.extern 42))
(get "g")
)wast");
  ASSERT_EQ(s.commands.size(), 2u);
  const Action& a = s.commands[0].action;
  EXPECT_EQ(a.kind, Action::Kind::Invoke);
  EXPECT_EQ(a.module, "$M");
  EXPECT_EQ(a.field, "f");
  ASSERT_EQ(a.args.size(), 8u);
  EXPECT_EQ(a.args[0].type, ValueType::I32);
  EXPECT_EQ(a.args[0].i32(), 0xFFFFFFFFu);
  EXPECT_EQ(a.args[1].i64(), 0x8000000000000000u);
  EXPECT_EQ(a.args[2].f32Bits(), 0xFF800001u);
  EXPECT_EQ(a.args[3].f64Bits(), 0x3FB999999999999Au);
  EXPECT_EQ(a.args[4].type, ValueType::V128);
  EXPECT_EQ(a.args[4].shape, LaneShape::I16x8);
  EXPECT_EQ(a.args[4].v128.lane<uint16_t>(0), 1);
  EXPECT_EQ(a.args[4].v128.lane<uint16_t>(7), 0xFFFF);
  EXPECT_EQ(a.args[5].type, ValueType::FuncRef);
  EXPECT_TRUE(a.args[5].isNull);
  EXPECT_EQ(a.args[6].type, ValueType::ExternRef);
  EXPECT_TRUE(a.args[6].isNull);
  EXPECT_EQ(a.args[7].type, ValueType::ExternRef);
  EXPECT_FALSE(a.args[7].isNull);
  EXPECT_EQ(a.args[7].bits, 42u);
  EXPECT_EQ(s.commands[1].action.kind, Action::Kind::Get);
  EXPECT_EQ(s.commands[1].action.field, "g");
}

TEST(TextWast, ResultPatterns) {
  Script s = parse(R"wast(
(assert_return (invoke "f")
  (f32.const nan:canonical) (f64.const nan:arithmetic) (f64.const -0)
  (v128.const f32x4 1 nan:canonical -inf nan:arithmetic)
  (v128.const f64x2 1 2)
  (ref.func) (ref.extern) (ref.null func)
  (either (i32.const 1) (i32.const 2)))
)wast");
  ASSERT_EQ(s.commands.size(), 1u);
  const auto& r = s.commands[0].expected;
  ASSERT_EQ(r.size(), 9u);
  EXPECT_EQ(r[0].kind, ResultPattern::Kind::Nan);
  EXPECT_EQ(r[0].type, ValueType::F32);
  EXPECT_EQ(r[0].nan, NanPattern::Canonical);
  EXPECT_EQ(r[1].nan, NanPattern::Arithmetic);
  EXPECT_EQ(r[1].type, ValueType::F64);
  EXPECT_EQ(r[2].kind, ResultPattern::Kind::Exact);
  EXPECT_EQ(r[2].value.f64Bits(), 0x8000000000000000u);
  EXPECT_EQ(r[3].kind, ResultPattern::Kind::V128Lanes);
  EXPECT_EQ(r[3].laneNans, (std::vector<NanPattern>{NanPattern::None, NanPattern::Canonical, NanPattern::None,
                                                    NanPattern::Arithmetic}));
  EXPECT_EQ(r[3].value.v128.lane<uint32_t>(0), 0x3F800000u);
  EXPECT_EQ(r[3].value.v128.lane<uint32_t>(2), 0xFF800000u);
  EXPECT_EQ(r[4].kind, ResultPattern::Kind::Exact);
  EXPECT_EQ(r[4].value.v128.lane<uint64_t>(1), 0x4000000000000000u);
  EXPECT_EQ(r[5].kind, ResultPattern::Kind::AnyFuncRef);
  EXPECT_EQ(r[6].kind, ResultPattern::Kind::AnyExternRef);
  EXPECT_EQ(r[7].kind, ResultPattern::Kind::Exact);
  EXPECT_TRUE(r[7].value.isNull);
  EXPECT_EQ(r[8].kind, ResultPattern::Kind::Either);
  ASSERT_EQ(r[8].alternatives.size(), 2u);
  EXPECT_EQ(r[8].alternatives[1].value.i32(), 2u);
}

TEST(TextWast, Assertions) {
  Script s = parse(R"wast(
(assert_trap (invoke "f" (i32.const 0)) "unreachable")
(assert_trap (module (func $f unreachable) (start $f)) "unreachable")
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_malformed (module quote "(func (i32.const0))") "unknown operator")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_unlinkable (module (import "m" "f" (func))) "unknown import")
(assert_uninstantiable (module (func $f unreachable) (start $f)) "unreachable")
(assert_malformed (module (func (i32.const 0x))) "unknown operator")
(module (func))
)wast");
  ASSERT_EQ(s.commands.size(), 10u);
  using K = Command::Kind;
  EXPECT_EQ(s.commands[0].kind, K::AssertTrap);
  EXPECT_FALSE(s.commands[0].hasModule);
  EXPECT_EQ(s.commands[0].message, "unreachable");
  EXPECT_EQ(s.commands[1].kind, K::AssertTrap);
  EXPECT_TRUE(s.commands[1].hasModule);
  EXPECT_EQ(s.commands[2].kind, K::AssertExhaustion);
  EXPECT_EQ(s.commands[3].kind, K::AssertMalformed);
  EXPECT_FALSE(encodeModule(s.commands[3].module).ok());
  EXPECT_EQ(s.commands[4].module.kind, ModuleSource::Kind::Binary);
  EXPECT_EQ(s.commands[5].kind, K::AssertInvalid);
  EXPECT_FALSE(s.commands[5].module.error.has_value());  // encodes; the validator rejects it
  EXPECT_EQ(s.commands[6].kind, K::AssertUnlinkable);
  EXPECT_EQ(s.commands[7].kind, K::AssertUninstantiable);
  // A text module that fails to parse is kept, with its error, and the
  // script goes on.
  ASSERT_TRUE(s.commands[8].module.error.has_value());
  EXPECT_TRUE(s.commands[8].module.error->message.starts_with("unknown operator"))
      << s.commands[8].module.error->message;
  EXPECT_EQ(s.commands[8].line, 10u);
  EXPECT_EQ(s.commands[9].kind, K::Module);
}

TEST(TextWast, BareModuleFieldsAndScriptErrors) {
  Script s = parse("(func (export \"f\")) (memory 1)");
  ASSERT_EQ(s.commands.size(), 1u);
  EXPECT_EQ(s.commands[0].kind, Command::Kind::Module);
  EXPECT_FALSE(s.commands[0].module.error.has_value());

  auto bad = parseWastScript("(module) (frobnicate)");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().message.starts_with("unknown operator frobnicate")) << bad.error().message;
  auto unbalanced = parseWastScript("(module (func)");
  EXPECT_FALSE(unbalanced.ok());
  auto badResult = parseWastScript("(assert_return (invoke \"f\") (i32.const 4294967296))");
  ASSERT_FALSE(badResult.ok());
  EXPECT_TRUE(badResult.error().message.starts_with("constant out of range"));
}
