// Runs the text stage over the official 2.0 spec testsuite: every script must
// parse, every text module must encode, every assert_malformed quote module
// must be rejected (with the testsuite's wording), and — when wabt's
// wast2json is installed — every encoded module is compared with wabt's.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "text/wast_script.h"
#include "text/wat_parser.h"

using namespace wharf;
using namespace wharf::script;
namespace fs = std::filesystem;

namespace {

const fs::path kSuiteDir = fs::path(WHARF_TESTSUITE_DIR) / "2.0";

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> suiteFiles() {
  std::vector<fs::path> files;
  if (!fs::exists(kSuiteDir)) return files;
  for (const auto& e : fs::directory_iterator(kSuiteDir)) {
    if (e.path().extension() == ".wast") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST(TextTestsuite, EveryScriptParsesAndEveryModuleEncodes) {
  auto files = suiteFiles();
  ASSERT_EQ(files.size(), 148u) << "testsuite not found at " << kSuiteDir;
  size_t textModules = 0, quoteMalformed = 0, quoteRegular = 0, wordingMatches = 0;
  std::vector<std::string> wordingMismatches;
  for (const auto& file : files) {
    std::string src = readFile(file);
    auto script = parseWastScript(src);
    ASSERT_TRUE(script.ok()) << file.filename() << ": " << script.error().message;
    for (const Command& cmd : script->commands) {
      if (!cmd.hasModule) continue;
      const ModuleSource& m = cmd.module;
      std::string where = file.filename().string() + ":" + std::to_string(m.line);
      if (m.kind == ModuleSource::Kind::Text) {
        ++textModules;
        EXPECT_FALSE(m.error.has_value()) << where << ": " << m.error->message;
      } else if (m.kind == ModuleSource::Kind::Quote) {
        auto bytes = parseWatModule(m.text);
        if (cmd.kind == Command::Kind::AssertMalformed) {
          ++quoteMalformed;
          EXPECT_FALSE(bytes.ok()) << where << ": accepted malformed module, expected \"" << cmd.message
                                   << "\"";
          if (!bytes.ok()) {
            if (bytes.error().message.starts_with(cmd.message)) {
              ++wordingMatches;
            } else {
              wordingMismatches.push_back(where + ": expected \"" + cmd.message + "\", got \"" +
                                          bytes.error().message + "\"");
            }
          }
        } else {
          ++quoteRegular;
          EXPECT_TRUE(bytes.ok()) << where << ": " << bytes.error().message;
        }
      }
    }
  }
  std::printf(
      "text modules: %zu, malformed quote modules: %zu (wording matches: %zu), other quote modules: %zu\n",
      textModules, quoteMalformed, wordingMatches, quoteRegular);
  for (const auto& s : wordingMismatches) std::printf("  wording: %s\n", s.c_str());
}

namespace {

bool toolAvailable(const char* tool) {
  std::string cmd = std::string(tool) + " --version > /dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// wast2json's .json lists one command per line; returns line -> .wasm files.
std::multimap<uint32_t, std::string> wasmFilesByLine(const fs::path& json) {
  std::multimap<uint32_t, std::string> out;
  std::ifstream in(json);
  std::string line;
  while (std::getline(in, line)) {
    size_t l = line.find("\"line\": ");
    size_t f = line.find("\"filename\": \"");
    if (l == std::string::npos || f == std::string::npos) continue;
    size_t fEnd = line.find('"', f + 13);
    std::string name = line.substr(f + 13, fEnd - f - 13);
    if (!name.ends_with(".wasm")) continue;
    out.emplace(uint32_t(std::stoul(line.substr(l + 8))), name);
  }
  return out;
}

// Differences from wabt 1.0.32 that are legitimate (wabt quirks), by file and
// module line, with the reason.
const std::map<std::string, const char*> kKnownDifferences = {
    // `select (result)` with no types: wabt writes plain `select` (0x1B); we
    // keep the typed form (0x1C 0x00) the text asks for, which is what makes
    // the validator report the expected "invalid result arity".
    {"select.wast:324", "select (result) encodes as select_t with zero types"},
    // data.drop / memory.init in a module without data segments: wabt omits
    // the data count section, which makes the binary malformed ("data count
    // section required") instead of invalid ("unknown data segment", as the
    // assertion expects). We always emit it when those instructions are used.
    {"memory_init.wast:190", "data count section emitted with zero segments"},
    {"memory_init.wast:227", "data count section emitted with zero segments"},
};

}  // namespace

TEST(TextTestsuite, ModulesMatchWast2json) {
  if (!toolAvailable("wast2json") || !toolAvailable("wat2wasm")) {
    GTEST_SKIP() << "wabt's wast2json/wat2wasm not installed: skipping the byte-for-byte oracle comparison";
  }
  const fs::path tmp = fs::temp_directory_path() / ("wharf_text_oracle_" + std::to_string(getpid()));
  fs::create_directories(tmp);
  size_t identical = 0, different = 0, noOracle = 0, known = 0;
  std::vector<std::string> report;
  for (const auto& file : suiteFiles()) {
    const std::string stem = file.stem().string();
    const fs::path dir = tmp / stem;
    fs::create_directories(dir);
    std::string src = readFile(file);
    auto script = parseWastScript(src);
    ASSERT_TRUE(script.ok()) << script.error().message;
    const fs::path json = dir / (stem + ".json");
    std::string cmd =
        "wast2json " + shellQuote(file.string()) + " -o " + shellQuote(json.string()) + " > /dev/null 2>&1";
    const bool wholeFile = std::system(cmd.c_str()) == 0;
    auto byLine = wholeFile ? wasmFilesByLine(json) : std::multimap<uint32_t, std::string>{};
    std::map<uint32_t, size_t> seenOnLine;
    size_t moduleIndex = 0;
    for (const Command& c : script->commands) {
      if (!c.hasModule || c.module.kind != ModuleSource::Kind::Text || c.module.error) continue;
      const ModuleSource& m = c.module;
      const std::string where = stem + ".wast:" + std::to_string(m.line);
      fs::path oracle;
      if (wholeFile) {
        auto [lo, hi] = byLine.equal_range(m.line);
        size_t k = seenOnLine[m.line]++;
        for (auto it = lo; it != hi; ++it, --k) {
          if (k == 0) {
            oracle = dir / it->second;
            break;
          }
        }
      } else {
        // wast2json rejects this file (wabt 1.0.32 lacks some 2.0 syntax):
        // fall back to wat2wasm on each module alone.
        const fs::path wat = dir / ("m" + std::to_string(moduleIndex) + ".wat");
        const fs::path wasm = dir / ("m" + std::to_string(moduleIndex) + ".wasm");
        ++moduleIndex;
        std::ofstream(wat, std::ios::binary) << src.substr(m.sourceBegin, m.sourceEnd - m.sourceBegin);
        std::string w = "wat2wasm --no-check " + shellQuote(wat.string()) + " -o " +
                        shellQuote(wasm.string()) + " > /dev/null 2>&1";
        if (std::system(w.c_str()) == 0) oracle = wasm;
      }
      if (oracle.empty() || !fs::exists(oracle)) {
        // wabt cannot parse the text (e.g. `table.get` without a table index),
        // but it can still check that our encoding decodes and validates.
        ++noOracle;
        const fs::path ours = dir / "ours.wasm";
        std::ofstream(ours, std::ios::binary)
            .write(reinterpret_cast<const char*>(m.bytes.data()), m.bytes.size());
        std::string v = "wasm-validate " + shellQuote(ours.string()) + " > /dev/null 2>&1";
        const bool valid = std::system(v.c_str()) == 0;
        report.push_back("no oracle (wabt cannot parse it), wasm-validate " +
                         std::string(valid ? "accepts" : "REJECTS") + " our encoding: " + where);
        EXPECT_TRUE(valid || c.kind == Command::Kind::AssertInvalid) << where;
        continue;
      }
      std::string expected = readFile(oracle);
      std::string actual(m.bytes.begin(), m.bytes.end());
      if (expected == actual) {
        ++identical;
        continue;
      }
      if (kKnownDifferences.count(where)) {
        ++known;
        continue;
      }
      ++different;
      size_t at = 0;
      while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
      report.push_back("DIFFERENT " + where + " at byte " + std::to_string(at) + " (sizes " +
                       std::to_string(actual.size()) + " vs wabt " + std::to_string(expected.size()) + ")");
    }
  }
  fs::remove_all(tmp);
  for (const auto& r : report) std::printf("  %s\n", r.c_str());
  std::printf("byte-identical to wabt: %zu, known differences: %zu, different: %zu, no oracle: %zu\n",
              identical, known, different, noOracle);
  EXPECT_EQ(different, 0u);
}
