// The spec runner on small inline scripts: every assertion kind passes when it
// should and fails when it should. Tests marked "executes wasm" need the
// interpreter; the rest use only globals, host functions and instantiation.
#include <gtest/gtest.h>

#include <sstream>

#include "wast/runner.h"

using namespace wharf::wast;

namespace {

FileReport run(std::string_view text) { return runWastText(text, "t.wast"); }

std::string failuresOf(const FileReport& r) {
  std::ostringstream out;
  printReport(r, out, true);
  return out.str();
}

#define EXPECT_COUNTS(report, p, f)               \
  do {                                            \
    const FileReport& r_ = (report);              \
    EXPECT_EQ(r_.passed, p##u) << failuresOf(r_); \
    EXPECT_EQ(r_.failed, f##u) << failuresOf(r_); \
  } while (0)

}  // namespace

TEST(WastRunner, AssertReturnOnGlobals) {
  auto r = run(R"W(
    (module
      (global (export "i") i32 (i32.const -1))
      (global (export "l") i64 (i64.const 0x1_0000_0000))
      (global (export "f") f32 (f32.const 1.5))
      (global (export "d") f64 (f64.const -0x1p-1074)))
    (assert_return (get "i") (i32.const 0xffffffff))
    (assert_return (get "l") (i64.const 4294967296))
    (assert_return (get "f") (f32.const 1.5))
    (assert_return (get "d") (f64.const -0x0.0000000000001p-1022))
    (assert_return (get "i") (i32.const 0))
    (assert_return (get "i") (i64.const -1))
    (assert_return (get "f") (f32.const -1.5))
  )W");
  EXPECT_COUNTS(r, 5, 3);
  ASSERT_EQ(r.failures.size(), 3u);
  EXPECT_EQ(r.failures[0].line, 11u);
  EXPECT_EQ(r.failures[0].expected, "i32:0");
  EXPECT_EQ(r.failures[0].actual, "i32:-1");
  EXPECT_EQ(r.failures[1].expected, "i64:-1");  // type matters, not just bits
}

TEST(WastRunner, NanPatternsAreExactAboutTheirClass) {
  auto r = run(R"W(
    (module
      (global (export "c") f32 (f32.const nan))
      (global (export "nc") f32 (f32.const -nan))
      (global (export "a") f32 (f32.const nan:0x600000))
      (global (export "s") f32 (f32.const nan:0x1))
      (global (export "d") f64 (f64.const nan:0x8000000000001)))
    (assert_return (get "c") (f32.const nan:canonical))
    (assert_return (get "nc") (f32.const nan:canonical))
    (assert_return (get "c") (f32.const nan:arithmetic))
    (assert_return (get "a") (f32.const nan:arithmetic))
    (assert_return (get "d") (f64.const nan:arithmetic))
    (assert_return (get "a") (f32.const nan:canonical))
    (assert_return (get "s") (f32.const nan:arithmetic))
    (assert_return (get "d") (f64.const nan:canonical))
    (assert_return (get "c") (f64.const nan:canonical))
  )W");
  EXPECT_COUNTS(r, 6, 4);
}

TEST(WastRunner, V128LanesAndEither) {
  auto r = run(R"W(
    (module
      (global (export "v") v128 (v128.const f32x4 nan -nan 1.0 nan:0x600000))
      (global (export "w") v128 (v128.const i16x8 1 2 3 4 5 6 7 -1))
      (global (export "x") i32 (i32.const 2)))
    (assert_return (get "v") (v128.const f32x4 nan:canonical nan:canonical 1.0 nan:arithmetic))
    (assert_return (get "v") (v128.const f32x4 nan:canonical nan:canonical 1.0 nan:canonical))
    (assert_return (get "w") (v128.const i16x8 1 2 3 4 5 6 7 0xffff))
    (assert_return (get "w") (v128.const i32x4 0x00020001 0x00040003 0x00060005 0xffff0007))
    (assert_return (get "w") (v128.const i16x8 1 2 3 4 5 6 7 8))
    (assert_return (get "x") (either (i32.const 1) (i32.const 2)))
    (assert_return (get "x") (either (i32.const 1) (i32.const 3)))
  )W");
  EXPECT_COUNTS(r, 5, 3);
}

TEST(WastRunner, ReferencePatterns) {
  auto r = run(R"W(
    (module
      (func $f)
      (global (export "f") funcref (ref.func $f))
      (global (export "n") funcref (ref.null func))
      (global (export "e") externref (ref.null extern)))
    (assert_return (get "f") (ref.func))
    (assert_return (get "n") (ref.null func))
    (assert_return (get "e") (ref.null extern))
    (assert_return (get "f") (ref.null func))
    (assert_return (get "n") (ref.func))
    (assert_return (get "e") (ref.extern 1))
    (assert_return (get "e") (ref.null func))
  )W");
  EXPECT_COUNTS(r, 4, 4);
}

TEST(WastRunner, SpectestHostModule) {
  auto r = run(R"W(
    (module
      (import "spectest" "global_i32" (global $i i32))
      (import "spectest" "global_i64" (global $l i64))
      (import "spectest" "global_f32" (global $f f32))
      (import "spectest" "global_f64" (global $d f64))
      (import "spectest" "table" (table 10 20 funcref))
      (import "spectest" "memory" (memory 1 2))
      (import "spectest" "print" (func))
      (import "spectest" "print_i32" (func $p (param i32)))
      (import "spectest" "print_i64" (func (param i64)))
      (import "spectest" "print_f32" (func (param f32)))
      (import "spectest" "print_f64" (func (param f64)))
      (import "spectest" "print_i32_f32" (func (param i32 f32)))
      (import "spectest" "print_f64_f64" (func (param f64 f64)))
      (export "p" (func $p))
      (global (export "i") i32 (global.get $i))
      (global (export "l") i64 (global.get $l))
      (global (export "f") f32 (global.get $f))
      (global (export "d") f64 (global.get $d)))
    (assert_return (get "i") (i32.const 666))
    (assert_return (get "l") (i64.const 666))
    (assert_return (get "f") (f32.const 666.6))
    (assert_return (get "d") (f64.const 666.6))
    (assert_return (invoke "p" (i32.const 7)))
    (invoke "p" (i32.const 8))
    (invoke "p" (i64.const 8))
    (invoke "missing")
    (assert_unlinkable (module (import "spectest" "memory" (memory 3))) "incompatible import type")
    (assert_unlinkable (module (import "spectest" "table" (table 11 20 funcref))) "incompatible import type")
  )W");
  EXPECT_COUNTS(r, 9, 2);
}

TEST(WastRunner, PrintFunctionsWriteToTheGivenStream) {
  std::ostringstream printed;
  RunOptions options;
  options.printTo = &printed;
  auto r = runWastText(R"W(
    (module (import "spectest" "print_i32" (func $p (param i32))) (export "p" (func $p)))
    (invoke "p" (i32.const 42)))W",
                       "t.wast", options);
  EXPECT_COUNTS(r, 2, 0);
  EXPECT_EQ(printed.str(), "print_i32: 42\n");
}

TEST(WastRunner, RegisterAndNamedModules) {
  auto r = run(R"W(
    (module $M (global (export "g") i32 (i32.const 5)))
    (register "M" $M)
    (module $N (import "M" "g" (global i32)) (global (export "h") i32 (global.get 0)))
    (assert_return (get "h") (i32.const 5))
    (assert_return (get $M "g") (i32.const 5))
    (assert_return (get $N "h") (i32.const 5))
    (register "N")
    (module (import "N" "h" (global i32)))
    (assert_unlinkable (module (import "N" "g" (global i32))) "unknown import")
    (assert_unlinkable (module (import "M" "g" (global i64))) "incompatible import type")
    (assert_unlinkable (module (import "M" "g" (global i32))) "unknown import")
    (assert_return (get $Nope "g") (i32.const 5))
    (register "X" $Nope)
  )W");
  EXPECT_COUNTS(r, 10, 3);
}

TEST(WastRunner, AssertMalformedBinary) {
  auto r = run(R"W(
    (assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
    (assert_malformed (module binary "\00asm") "unexpected end")
    (assert_malformed (module binary "\00asm\02\00\00\00") "magic header not detected")
    (assert_malformed (module binary "\00asm\01\00\00\00") "unexpected end")
  )W");
  EXPECT_COUNTS(r, 2, 2);
  EXPECT_EQ(r.failures[1].actual, "module loaded");
}

TEST(WastRunner, AssertMalformedTextNeedsOnlyTheRejection) {
  auto r = run(R"W(
    (assert_malformed (module quote "(func (i32.frobnicate))") "unknown operator")
    (assert_malformed (module quote "(func (i32.frobnicate))") "some other wording")
    (assert_malformed (module quote "(func)") "unexpected token")
    (assert_malformed (module quote "(func (result i32) (i64.const 0))") "type mismatch")
  )W");
  EXPECT_COUNTS(r, 2, 2);
  ASSERT_EQ(r.messageMismatches.size(), 1u);
  EXPECT_EQ(r.messageMismatches[0].line, 3u);
  // An invalid (rather than malformed) module does not count as malformed.
  EXPECT_EQ(r.failures[1].actual.rfind("invalid: type mismatch", 0), 0u) << r.failures[1].actual;
}

TEST(WastRunner, AssertInvalid) {
  auto r = run(R"W(
    (assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
    (assert_invalid (module (func (result i32) (i64.const 0))) "unknown local")
    (assert_invalid (module (func)) "type mismatch")
    (assert_invalid (module binary "\00asm") "type mismatch")
  )W");
  EXPECT_COUNTS(r, 1, 3);
}

TEST(WastRunner, InstantiationTraps) {
  auto r = run(R"W(
    (assert_trap (module (memory 1) (data (i32.const 65536) "a")) "out of bounds memory access")
    (assert_uninstantiable (module (table 1 funcref) (func $f) (elem (i32.const 1) $f))
      "out of bounds table access")
    (assert_uninstantiable (module (memory 1) (data (i32.const 65535) "a")) "out of bounds memory access")
    (assert_uninstantiable (module (memory 1) (data (i32.const 65536) "a")) "unreachable")
    (module (memory 1) (data (i32.const 65536) "a"))
  )W");
  EXPECT_COUNTS(r, 2, 3);
}

TEST(WastRunner, FailedModuleIsNotCurrent) {
  auto r = run(R"W(
    (module (global (export "g") i32 (i32.const 1)))
    (module (memory 1) (data (i32.const 65536) "a") (global (export "g") i32 (i32.const 2)))
    (assert_return (get "g") (i32.const 1))
  )W");
  EXPECT_COUNTS(r, 1, 2);
  EXPECT_EQ(r.failures[1].actual, "error: no module instantiated");
}

TEST(WastRunner, ScriptSyntaxErrorIsOneFailure) {
  auto r = run("(module)\n(assert_return (get \"g\")");
  EXPECT_COUNTS(r, 0, 1);
  EXPECT_EQ(r.failures[0].line, 2u);
}

TEST(WastRunner, UnreadableFileIsOneFailure) {
  auto r = runWastFile("/nonexistent/x.wast");
  EXPECT_COUNTS(r, 0, 1);
}

TEST(WastRunner, ReportFormat) {
  auto r = run(R"W((module (global (export "g") i32 (i32.const 1)))
(assert_return (get "g") (i32.const 2))
(assert_malformed (module quote "(func (i32.frobnicate))") "other")
)W");
  std::ostringstream out;
  printReport(r, out);
  EXPECT_EQ(out.str(),
            "t.wast: 2 passed, 1 failed\n"
            "t.wast:2: expected i32:2 / got i32:1\n"
            "t.wast: 1 text-format malformed modules rejected with different wording\n");
}

// -- executes wasm: these need the interpreter.

TEST(WastRunner, InvokeAndTraps) {
  auto r = run(R"W(
    (module
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "unreachable") unreachable)
      (func $loop (export "loop") (call $loop)))
    (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
    (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))
    (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
    (assert_trap (invoke "div" (i32.const 1) (i32.const 1)) "integer divide by zero")
    (assert_trap (invoke "unreachable") "unreachable")
    (assert_trap (invoke "unreachable") "integer overflow")
    (assert_exhaustion (invoke "loop") "call stack exhausted")
    (assert_exhaustion (invoke "add" (i32.const 1) (i32.const 2)) "call stack exhausted")
    (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
  )W");
  EXPECT_COUNTS(r, 6, 4);
}

TEST(WastRunner, OutOfBoundsMemoryIsATrapNotACrash) {
  auto r = run(R"W(
    (module (memory 1)
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
    (assert_trap (invoke "load" (i32.const 65536)) "out of bounds memory access")
    (assert_trap (invoke "load" (i32.const -1)) "out of bounds memory access")
    (assert_return (invoke "load" (i32.const 0)) (i32.const 0))
  )W");
  EXPECT_COUNTS(r, 4, 0);
}
