// Tokenizer: token kinds, comments, annotations, strings, glued tokens, positions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/lexer.h"

using namespace wharf::text;

namespace {

using K = TokenKind;

std::vector<std::pair<K, std::string>> lex(std::string_view src) {
  std::vector<std::pair<K, std::string>> out;
  TokenStream ts = tokenize(src);
  for (const Token& t : ts.tokens) out.emplace_back(t.kind, std::string(t.text));
  return out;
}

std::vector<K> kinds(std::string_view src) {
  std::vector<K> out;
  for (auto& [k, t] : lex(src)) out.push_back(k);
  return out;
}

}  // namespace

TEST(TextLexer, BasicTokens) {
  auto toks = lex("(module $m (func $f (param i32) i32.const -0x1_0 f32.const 1.5e-3 nan:0x1 inf))");
  std::vector<std::pair<K, std::string>> expected = {{K::LParen, "("},
                                                     {K::Keyword, "module"},
                                                     {K::Id, "$m"},
                                                     {K::LParen, "("},
                                                     {K::Keyword, "func"},
                                                     {K::Id, "$f"},
                                                     {K::LParen, "("},
                                                     {K::Keyword, "param"},
                                                     {K::Keyword, "i32"},
                                                     {K::RParen, ")"},
                                                     {K::Keyword, "i32.const"},
                                                     {K::Int, "-0x1_0"},
                                                     {K::Keyword, "f32.const"},
                                                     {K::Float, "1.5e-3"},
                                                     {K::Float, "nan:0x1"},
                                                     {K::Float, "inf"},
                                                     {K::RParen, ")"},
                                                     {K::RParen, ")"},
                                                     {K::Eof, ""}};
  EXPECT_EQ(toks, expected);
  EXPECT_EQ(kinds("42 0x2A +1 offset=8 align=4"),
            (std::vector<K>{K::Nat, K::Nat, K::Int, K::Keyword, K::Keyword, K::Eof}));
  EXPECT_EQ(kinds("$ $a$b $'x'"), (std::vector<K>{K::Reserved, K::Id, K::Id, K::Eof}));
}

TEST(TextLexer, CommentsAndAnnotations) {
  EXPECT_EQ(kinds("a ;; line comment ( \n b"), (std::vector<K>{K::Keyword, K::Keyword, K::Eof}));
  EXPECT_EQ(kinds("a (; block (; nested ;) still ;) b"), (std::vector<K>{K::Keyword, K::Keyword, K::Eof}));
  EXPECT_EQ(kinds("(;comment;)module(;c;)"), (std::vector<K>{K::Keyword, K::Eof}));
  EXPECT_EQ(kinds("nop;;x\n"), (std::vector<K>{K::Keyword, K::Eof}));
  EXPECT_EQ(kinds("(func (@name \"f\" (nested)) nop)"),
            (std::vector<K>{K::LParen, K::Keyword, K::Keyword, K::RParen, K::Eof}));
  EXPECT_EQ(kinds(std::string("(;\0;)", 5)), (std::vector<K>{K::Eof}));
  TokenStream ts = tokenize("a (; unterminated");
  ASSERT_EQ(ts.tokens[1].kind, K::Error);
  EXPECT_EQ(ts.errorFor(1), "unclosed comment");
}

TEST(TextLexer, Strings) {
  TokenStream ts = tokenize(R"("a\tb\n\"\'\\\41\u{48}\u{e9}\u{1F600}")");
  ASSERT_EQ(ts.tokens[0].kind, K::String);
  EXPECT_EQ(decodeString(ts.tokens[0].text), "a\tb\n\"'\\AH\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(decodeString(tokenize(R"("\00\ff")").tokens[0].text), std::string("\0\xFF", 2));

  for (const char* bad : {R"("\x")", R"("\u{D800}")", R"("\u{110000}")", R"("\u{}")", "\"a\x01\"", "\"abc"}) {
    TokenStream t = tokenize(bad);
    EXPECT_EQ(t.tokens[0].kind, K::Error) << bad;
  }
  EXPECT_EQ(tokenize("\"\xC3\xA9\"").tokens[0].kind, K::String);
  TokenStream invalid = tokenize("\"\xC3\"");
  ASSERT_EQ(invalid.tokens[0].kind, K::Error);
  EXPECT_EQ(invalid.errorFor(0), "malformed UTF-8 encoding");

  EXPECT_TRUE(isValidUtf8("h\xC3\xA9llo \xF0\x9F\x98\x80"));
  EXPECT_FALSE(isValidUtf8("\x80"));
  EXPECT_FALSE(isValidUtf8("\xC0\x80"));          // overlong
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
}

TEST(TextLexer, TokensMustBeSeparated) {
  // Strings and idchars glued together form one reserved token.
  EXPECT_EQ(kinds(R"("a""b")"), (std::vector<K>{K::Reserved, K::Eof}));
  EXPECT_EQ(kinds(R"($l"a")"), (std::vector<K>{K::Reserved, K::Eof}));
  EXPECT_EQ(kinds(R"(0"a")"), (std::vector<K>{K::Reserved, K::Eof}));
  EXPECT_EQ(kinds("0drop"), (std::vector<K>{K::Reserved, K::Eof}));
  EXPECT_EQ(kinds("0x 1x 0xg .0 0e+ {}"), (std::vector<K>{K::Reserved, K::Reserved, K::Reserved, K::Reserved,
                                                          K::Reserved, K::Reserved, K::Eof}));
  // Parentheses and comments delimit.
  EXPECT_EQ(kinds("(nop)nop(\"a\")0"), (std::vector<K>{K::LParen, K::Keyword, K::RParen, K::Keyword,
                                                       K::LParen, K::String, K::RParen, K::Nat, K::Eof}));
}

TEST(TextLexer, Positions) {
  std::string src = "(module\n  (func\n    bad))";
  LineColumn lc = lineColumnOf(src, src.find("bad"));
  EXPECT_EQ(lc.line, 3u);
  EXPECT_EQ(lc.column, 5u);
  wharf::Error e = makeTextError(src, src.find("bad"), "unknown operator bad");
  EXPECT_EQ(e.message, "unknown operator bad at 3:5");
  EXPECT_EQ(e.offset, src.find("bad"));
}
