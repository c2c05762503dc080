// WAT -> binary: encodings of the abbreviations and forms, and error wording.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "text/wat_parser.h"

using namespace wharf;

namespace {

std::string hex(const std::vector<uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

constexpr std::string_view kHeader = "0061736d01000000";

// The module's encoding minus the 8-byte header, as hex.
std::string body(std::string_view wat) {
  auto r = parseWatModule(wat);
  EXPECT_TRUE(r.ok()) << wat << "\n" << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return "";
  std::string h = hex(*r);
  EXPECT_EQ(h.substr(0, 16), kHeader);
  return h.substr(16);
}

std::string error(std::string_view wat) {
  auto r = parseWatModule(wat);
  EXPECT_FALSE(r.ok()) << wat;
  return r.ok() ? "" : r.error().message;
}

// Whether parsing fails with a message starting with `prefix`.
::testing::AssertionResult failsWith(std::string_view wat, std::string_view prefix) {
  auto r = parseWatModule(wat);
  if (r.ok()) return ::testing::AssertionFailure() << "accepted: " << wat;
  if (!r.error().message.starts_with(prefix)) {
    return ::testing::AssertionFailure()
           << "message \"" << r.error().message << "\", expected \"" << prefix << "\"";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

TEST(TextWat, EmptyModules) {
  EXPECT_EQ(body("(module)"), "");
  EXPECT_EQ(body("(module $m)"), "");
  EXPECT_EQ(body(""), "");
  EXPECT_EQ(body("(module binary \"\\00asm\" \"\\01\\00\\00\\00\")"), "");
}

TEST(TextWat, FunctionsLocalsAndInstructions) {
  // type [i32]->[i32]; func; code: 1 run of 2 i64, local.get $x, i32.const -1, i32.add, end
  EXPECT_EQ(
      body("(func $f (param $x i32) (result i32) (local i64 i64) (i32.add (local.get $x) (i32.const -1)))"),
      "0106016001"
      "7f"
      "017f"
      "03020100"
      "0a0b01090102"
      "7e"
      "2000417f6a0b");
}

TEST(TextWat, ImplicitTypesAreAppendedInOrder) {
  // Explicit types come first; uses that match no type append one, reusing
  // earlier matches (including implicit ones).
  std::string b = body(
      "(func (param i32))"
      "(type $v (func))"
      "(func (type $v))"
      "(func (param i32))"
      "(func (result f64) (block (param i32) (result i32 i32) (unreachable)) (unreachable))");
  // types: 0 = [] -> [] (explicit), 1 = [i32] -> [], 2 = [] -> [f64], 3 = [i32] -> [i32 i32]
  EXPECT_EQ(b.substr(0, 40),
            "011204"
            "600000"
            "60017f00"
            "6000017c"
            "60017f027f7f");
  // function section: types 1, 0, 1, 2
  EXPECT_NE(b.find("030504"
                   "01000102"),
            std::string::npos)
      << b;
}

TEST(TextWat, BlockTypes) {
  EXPECT_NE(body("(func (block (nop)))").find("0240010b"), std::string::npos);
  EXPECT_NE(body("(func (result i32) (block (result i32) (i32.const 0)))").find("027f41000b"),
            std::string::npos);
  // A type use with [] -> [t] uses the short form, like wabt.
  EXPECT_NE(
      body("(type (func (result i32))) (func (result i32) (block (type 0) (i32.const 0)))").find("027f"),
      std::string::npos);
}

TEST(TextWat, LabelsFoldedAndFlat) {
  std::string folded = body("(func (block $a (loop $b (br $a) (br $b) (br 1))))");
  std::string flat = body("(func block $a loop $b br $a br $b br 1 end $b end $a)");
  EXPECT_EQ(folded, flat);
  EXPECT_NE(flat.find("0240"
                      "0340"
                      "0c01"
                      "0c00"
                      "0c01"
                      "0b0b"),
            std::string::npos);
  // Shadowing: the innermost $l wins.
  EXPECT_NE(body("(func (block $l (block $l (br $l))))").find("0c00"), std::string::npos);
  // if: folded condition, then/else; flat if/else/end.
  std::string f1 = body("(func (if $i (i32.const 1) (then (br $i)) (else (nop))))");
  std::string f2 = body("(func i32.const 1 if $i br $i else $i nop end $i)");
  EXPECT_EQ(f1, f2);
  EXPECT_NE(f1.find("4101"
                    "0440"
                    "0c00"
                    "05"
                    "01"
                    "0b"),
            std::string::npos);
  // An empty else is dropped.
  EXPECT_EQ(body("(func (if (i32.const 1) (then (nop)) (else)))"),
            body("(func (if (i32.const 1) (then (nop))))"));
  EXPECT_NE(body("(func (br_table 0 1 0 (i32.const 0)))").find("0e02000100"), std::string::npos);
}

TEST(TextWat, MemoryArgsAndSimd) {
  std::string b = body(
      "(memory 1) (func (drop (i32.load offset=16 align=1 (i32.const 0)))"
      " (drop (i64.load (i32.const 0))) (drop (v128.load8_lane 3 (i32.const 0) (v128.const i64x2 1 -1))))");
  EXPECT_NE(b.find("280010"), std::string::npos);  // align 2^0, offset 16
  EXPECT_NE(b.find("290300"), std::string::npos);  // natural alignment 2^3
  EXPECT_NE(b.find("fd0c"
                   "0100000000000000"
                   "ffffffffffffffff"),
            std::string::npos);
  EXPECT_NE(b.find("fd54"
                   "0000"
                   "03"),
            std::string::npos);
  std::string s = body(
      "(func (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 "
      "(v128.const f32x4 1 -0 inf nan) (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -1))))");
  EXPECT_NE(s.find("fd0c"
                   "0000803f"
                   "00000080"
                   "0000807f"
                   "0000c07f"),
            std::string::npos);
  EXPECT_NE(s.find("fd0d000102030405060708090a0b0c0d0e1f"), std::string::npos);
}

TEST(TextWat, ReferenceAndBulkInstructions) {
  std::string b = body(
      "(table $t 1 funcref) (table $u 1 externref) (memory 1) (elem $e func) (data $d \"\")"
      "(func (drop (ref.null func)) (drop (ref.null extern)) (drop (ref.func 0))"
      " (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 0)) (table.copy $t $u (i32.const 0) "
      "(i32.const 0) "
      "(i32.const 0)) (drop (table.size $u)) (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0)) "
      "(data.drop 0)"
      " (drop (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3))))");
  EXPECT_NE(b.find("d070"
                   "1a"
                   "d06f"
                   "1a"
                   "d200"),
            std::string::npos);
  EXPECT_NE(b.find("fc0c0001"), std::string::npos);  // table.init elem 0, table 1
  EXPECT_NE(b.find("fc0e0001"), std::string::npos);  // table.copy dst 0, src 1
  EXPECT_NE(b.find("fc1001"), std::string::npos);
  EXPECT_NE(b.find("fc080000"), std::string::npos);
  EXPECT_NE(b.find("1c017f"), std::string::npos);  // select with type
  EXPECT_NE(b.find("0c0101"), std::string::npos);  // data count section
}

TEST(TextWat, InlineImportsExportsAndSegments) {
  std::string b = body(
      "(func $i (export \"e\") (import \"m\" \"f\") (param i32))"
      "(table $t (export \"t\") funcref (elem $i $i))"
      "(memory (data \"hi\"))"
      "(global $g (export \"g\") (mut i32) (i32.const 7))");
  EXPECT_NE(b.find("02"
                   "07"
                   "01"
                   "016d"
                   "0166"
                   "00"
                   "00"),
            std::string::npos)
      << b;  // import
  EXPECT_NE(b.find("0405017001"
                   "0202"),
            std::string::npos)
      << b;  // table min=max=2
  EXPECT_NE(b.find("050401"
                   "01"
                   "0101"),
            std::string::npos)
      << b;  // memory min=max=1
  EXPECT_NE(b.find("0908"
                   "01"
                   "00"
                   "41000b"
                   "02"
                   "0000"),
            std::string::npos)
      << b;  // elem
  EXPECT_NE(b.find("0b08"
                   "01"
                   "00"
                   "41000b"
                   "02"
                   "6869"),
            std::string::npos)
      << b;  // data
  EXPECT_NE(b.find("07"
                   "0d"
                   "03"
                   "0165"
                   "00"
                   "00"
                   "0174"
                   "01"
                   "00"
                   "0167"
                   "03"
                   "00"),
            std::string::npos)
      << b;
}

TEST(TextWat, ElemSegmentForms) {
  // Function indices when possible, expressions otherwise; explicit table
  // index only when needed.
  EXPECT_NE(
      body("(table 1 funcref) (func) (elem (i32.const 0) funcref (ref.func 0))").find("0907010041000b0100"),
      std::string::npos);
  EXPECT_NE(
      body("(table 1 funcref) (elem (i32.const 0) funcref (ref.null func))").find("0909010441000b01d0700b"),
      std::string::npos);
  EXPECT_NE(
      body("(table 1 funcref) (table $x 1 funcref) (func) (elem (table $x) (offset (i32.const 0)) func 0)")
          .find("090901020141000b000100"),
      std::string::npos);
  EXPECT_NE(body("(func) (elem declare func 0)")
                .find("0905010300"
                      "0100"),
            std::string::npos);
  EXPECT_NE(body("(elem externref (item ref.null extern))")
                .find("0907010"
                      "56f01d06f0b"),
            std::string::npos);
  EXPECT_NE(body("(memory 1) (memory $m 1) (data (memory $m) (i32.const 1) \"a\" \"b\")")
                .find("0b0901020141010b026162"),
            std::string::npos);
}

TEST(TextWat, ErrorWording) {
  EXPECT_TRUE(failsWith("(func (i32.const0))", "unknown operator"));
  EXPECT_TRUE(failsWith("(func (nop) (local i32))", "unexpected token"));
  EXPECT_TRUE(failsWith("(func (i32.const 4294967296) drop)", "constant out of range"));
  EXPECT_TRUE(failsWith("(func (f32.const 1e39) drop)", "constant out of range"));
  EXPECT_TRUE(failsWith("(memory 0x1_0000_0000)", "i32 constant out of range"));
  EXPECT_TRUE(failsWith("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))",
                        "alignment must be a power of two"));
  EXPECT_TRUE(failsWith("(func $f) (func $f)", "duplicate func"));
  EXPECT_TRUE(failsWith("(func (param $x i32) (local $x i32))", "duplicate local"));
  EXPECT_TRUE(failsWith("(memory 0) (import \"\" \"\" (func))", "import after memory"));
  EXPECT_TRUE(failsWith("(type $t (func)) (func (type $t) (param i32))", "inline function type"));
  EXPECT_TRUE(failsWith("(func (type 3) (param i32))", "unknown type"));
  EXPECT_TRUE(failsWith("(func block $a end $b)", "mismatching label"));
  EXPECT_TRUE(failsWith("(func (br $nope))", "unknown label"));
  EXPECT_TRUE(failsWith("(func (call $nope))", "unknown function $nope"));
  EXPECT_TRUE(failsWith("(func (export \"\\ff\"))", "malformed UTF-8 encoding"));
  EXPECT_TRUE(failsWith("(func) (start 0) (start 0)", "multiple start sections"));
  EXPECT_TRUE(failsWith("(func (v128.const i32x4 1 2 3))", "wrong number of lane literals"));
  EXPECT_TRUE(failsWith("(func (i8x16.extract_lane_s 256 (v128.const i64x2 0 0)))", "malformed lane index"));
  EXPECT_TRUE(failsWith("(func (i8x16.shuffle 1 2 (v128.const i64x2 0 0)))", "invalid lane length"));
  EXPECT_TRUE(failsWith("(data \"a\"\"b\")", "unknown operator"));
  EXPECT_TRUE(failsWith("(func", "unexpected end"));
  // Errors come in text order even when the later one is found by the first pass.
  EXPECT_TRUE(failsWith("(func (i32.const x)) (func $f) (func $f)", "unknown operator"));
  // Position.
  EXPECT_EQ(error("(module\n  (func (i32.add2)))"), "unknown operator i32.add2 at 2:10");
  // Invalid but well-formed modules still encode (validation is not our job).
  EXPECT_TRUE(parseWatModule("(func (result i32) (i64.const 0)) (func (call 99) (br 7))").ok());
  EXPECT_TRUE(parseWatModule("(func (type 42))").ok());
}

TEST(TextWat, ModuleQuoteAndTrailingTokens) {
  EXPECT_EQ(body("(module quote \"(func)\")"), body("(func)"));
  EXPECT_TRUE(failsWith("(module) (module)", "unexpected token"));
}

TEST(TextWat, LargeModulesParseInLinearTime) {
  std::string wat = "(module (memory 1)";
  for (int i = 0; i < 20000; ++i) {
    wat +=
        "(func $f" + std::to_string(i) + " (export \"f" + std::to_string(i) +
        "\") (param $a i32) (result i32) (local $t i64) (block $out (loop $l (br_if $out (i32.eqz (local.get "
        "$a))) (local.set $a (i32.sub (local.get $a) (i32.const 1))) (drop (f64.add (f64.const 1.25e3) "
        "(f64.const 0x1.8p3))) (br $l))) (call $f" +
        std::to_string(i > 0 ? i - 1 : 0) + " (i32.const 1)))\n";
  }
  wat += ")";
  // Deep nesting must not exhaust the stack.
  std::string deep = "(module (func " + std::string(100000 * 7, ' ') + "))";
  for (int i = 0; i < 100000; ++i) deep.replace(13 + i * 7, 7, "(block ");
  deep.insert(deep.size() - 2, std::string(100000, ')'));
  auto start = std::chrono::steady_clock::now();
  auto r = parseWatModule(wat);
  auto d = parseWatModule(deep);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(d.ok()) << d.error().message;
  std::printf("parsed %zu + %zu bytes of text in %.3f s\n", wat.size(), deep.size(), secs);
  EXPECT_LT(secs, 20.0);  // generous: debug builds on a shared machine
}
