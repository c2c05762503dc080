// Runs the decoder over the official 2.0 spec testsuite: every module the
// .wast files define must decode (assert_invalid ones too: they are
// well-formed), and every binary assert_malformed module must be rejected with
// the expected message. wast2json (wabt) converts the scripts; without it the
// test is skipped.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "binary/decoder.h"

namespace fs = std::filesystem;

namespace wharf {
namespace {

// Just enough JSON for wast2json's output.
struct Json {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  std::string str;
  double num = 0;
  std::vector<Json> arr;
  std::vector<std::string> keys;  // object members: keys[i] -> arr[i]

  const Json* get(const std::string& key) const {
    for (size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &arr[i];
    return nullptr;
  }
  std::string getString(const std::string& key) const {
    const Json* v = get(key);
    return v && v->kind == String ? v->str : "";
  }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& s) : s_(s) {}
  bool parse(Json& out) { return value(out); }

 private:
  void ws() {
    while (i_ < s_.size() && isspace(uint8_t(s_[i_]))) ++i_;
  }
  bool value(Json& v) {
    ws();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') {
      v.kind = Json::Object;
      ++i_;
      ws();
      if (s_[i_] == '}') return ++i_, true;
      for (;;) {
        std::string key;
        ws();
        if (!string(key)) return false;
        ws();
        if (s_[i_++] != ':') return false;
        Json item;
        if (!value(item)) return false;
        v.keys.push_back(std::move(key));
        v.arr.push_back(std::move(item));
        ws();
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        return s_[i_++] == '}';
      }
    }
    if (c == '[') {
      v.kind = Json::Array;
      ++i_;
      ws();
      if (s_[i_] == ']') return ++i_, true;
      for (;;) {
        Json item;
        if (!value(item)) return false;
        v.arr.push_back(std::move(item));
        ws();
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        return s_[i_++] == ']';
      }
    }
    if (c == '"') {
      v.kind = Json::String;
      return string(v.str);
    }
    if (s_.compare(i_, 4, "true") == 0) return v.kind = Json::Bool, i_ += 4, true;
    if (s_.compare(i_, 5, "false") == 0) return v.kind = Json::Bool, i_ += 5, true;
    if (s_.compare(i_, 4, "null") == 0) return i_ += 4, true;
    size_t used = 0;
    v.kind = Json::Number;
    v.num = std::stod(s_.substr(i_, 40), &used);
    i_ += used;
    return used > 0;
  }
  bool string(std::string& out) {
    if (s_[i_++] != '"') return false;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      char e = s_[i_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          unsigned cp = std::stoul(s_.substr(i_, 4), nullptr, 16);
          i_ += 4;
          // Messages and file names are ASCII; keep anything else as UTF-8.
          if (cp < 0x80) {
            out += char(cp);
          } else if (cp < 0x800) {
            out += char(0xC0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3F));
          } else {
            out += char(0xE0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3F));
            out += char(0x80 | (cp & 0x3F));
          }
          break;
        }
        default: out += e;
      }
    }
    return i_++ < s_.size();
  }

  const std::string& s_;
  size_t i_ = 0;
};

std::vector<uint8_t> readFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

std::string readText(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(BinarySpec, DecodeTestsuite) {
  if (std::system("wast2json --version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "wast2json (wabt) not found on PATH; the spec testsuite decode test needs it";
  fs::path suite = fs::path(WHARF_TESTSUITE_DIR) / "2.0";
  if (!fs::is_directory(suite)) GTEST_SKIP() << "no testsuite at " << suite;

  char tmpl[] = "/tmp/wharf-binary-spec-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  fs::path tmp = tmpl;

  std::vector<fs::path> wasts;
  for (auto& e : fs::directory_iterator(suite))
    if (e.path().extension() == ".wast") wasts.push_back(e.path());
  std::sort(wasts.begin(), wasts.end());

  int modulesOk = 0, malformedExact = 0, malformedPrefix = 0;
  std::vector<std::string> failures, skipped;
  std::map<std::string, int> prefixOnly;  // "expected -> actual" counts
  std::set<std::string> wabtNoDataCount;
  for (const fs::path& wast : wasts) {
    std::string stem = wast.stem().string();
    fs::path dir = tmp / stem;
    fs::create_directories(dir);
    fs::path json = dir / (stem + ".json");
    std::string cmd = "wast2json '" + wast.string() + "' -o '" + json.string() + "' > '" +
                      (dir / "err.txt").string() + "' 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      std::string err = readText(dir / "err.txt");
      skipped.push_back(stem + ": " + err.substr(0, err.find('\n')));
      continue;
    }
    Json root;
    std::string text = readText(json);
    ASSERT_TRUE(JsonParser(text).parse(root)) << json;
    const Json* commands = root.get("commands");
    ASSERT_NE(commands, nullptr);
    for (const Json& c : commands->arr) {
      std::string type = c.getString("type");
      std::string file = c.getString("filename");
      std::string where = wast.filename().string() + ":" + std::to_string(int(c.get("line")->num));
      bool mustDecode = type == "module" || type == "assert_invalid" || type == "assert_unlinkable" ||
                        type == "assert_uninstantiable" || type == "assert_trap";
      if (file.empty() || !file.ends_with(".wasm")) continue;
      if (mustDecode) {
        auto m = decodeModule(readFile(dir / file));
        if (m.ok()) {
          ++modulesOk;
        } else if (type == "assert_invalid" && c.getString("module_type") == "binary" &&
                   m.error().message == "data count section required" &&
                   wabtNoDataCount.insert(where).second) {
          // wabt encodes a text module that uses data.drop/memory.init but has
          // no data segments without a data count section; such a binary is
          // malformed, while the spec judges the text module (invalid: unknown
          // data segment) directly.
        } else {
          failures.push_back(where + ": " + type + " should decode, got \"" + m.error().describe() + "\"");
        }
      } else if (type == "assert_malformed" && c.getString("module_type") == "binary") {
        std::string expected = c.getString("text");
        auto m = decodeModule(readFile(dir / file));
        if (m.ok()) {
          failures.push_back(where + ": malformed module decoded; expected \"" + expected + "\"");
        } else if (m.error().message == expected) {
          ++malformedExact;
        } else if (m.error().message.starts_with(expected)) {
          // The reference interpreter's harness matches messages by prefix,
          // and the testsuite abbreviates "unexpected end of section or
          // function" as "unexpected end" for some cases identical to others
          // that spell it out, so no single wording can match both exactly.
          ++malformedPrefix;
          ++prefixOnly["\"" + expected + "\" matched by \"" + m.error().message + "\""];
        } else {
          failures.push_back(where + ": expected \"" + expected + "\", got \"" + m.error().describe() + "\"");
        }
      }
    }
  }
  fs::remove_all(tmp);

  std::printf("[binary spec] %zu .wast files, %zu skipped (wast2json failed)\n", wasts.size(),
              skipped.size());
  for (auto& s : skipped) std::printf("  skipped %s\n", s.c_str());
  std::printf("[binary spec] modules decoded: %d\n", modulesOk);
  std::printf("[binary spec] assert_malformed (binary): %d exact, %d prefix-only, %zu failures total\n",
              malformedExact, malformedPrefix, failures.size());
  for (auto& w : wabtNoDataCount)
    std::printf("  %s: wabt omitted the data count section of an assert_invalid text module\n", w.c_str());
  for (auto& [k, n] : prefixOnly) std::printf("  prefix-only x%d: %s\n", n, k.c_str());
  for (auto& f : failures) ADD_FAILURE() << f;
}

}  // namespace
}  // namespace wharf
