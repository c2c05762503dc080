// Checks interp/semantics*.h against the official spec testsuite without the
// interpreter: every exported function whose body is a pure expression over
// its parameters and constants (local.get, *.const, numeric/vector ops) is
// evaluated directly with the sem:: functions, and each assert_return /
// assert_trap on it is checked. Needs wabt's wast2json (skips without it).
#include <gtest/gtest.h>

#if __has_include(<nlohmann/json.hpp>)
#include <nlohmann/json.hpp>
#define WHARF_HAVE_JSON 1
#endif

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include "binary/decoder.h"
#include "binary/instr_reader.h"
#include "interp/semantics.h"

#ifdef WHARF_HAVE_JSON
namespace wharf::sem::speccheck {

struct Val {
  ValType::Kind kind = ValType::I32;
  uint64_t bits = 0;  // i32/i64/f32/f64
  V128 v;
};
using Stack = std::vector<Val>;

template <class T>
T fromVal(const Val& x) {
  if constexpr (std::is_same_v<T, uint32_t>) return uint32_t(x.bits);
  if constexpr (std::is_same_v<T, uint64_t>) return x.bits;
  if constexpr (std::is_same_v<T, float>) return std::bit_cast<float>(uint32_t(x.bits));
  if constexpr (std::is_same_v<T, double>) return std::bit_cast<double>(x.bits);
  if constexpr (std::is_same_v<T, V128>) return x.v;
}
inline Val toVal(uint32_t x) { return {ValType::I32, x, {}}; }
inline Val toVal(uint64_t x) { return {ValType::I64, x, {}}; }
inline Val toVal(float x) { return {ValType::F32, std::bit_cast<uint32_t>(x), {}}; }
inline Val toVal(double x) { return {ValType::F64, std::bit_cast<uint64_t>(x), {}}; }
inline Val toVal(V128 x) { return {ValType::V128, 0, x}; }

template <ValType::Kind k>
using CType =
    decltype(fromVal<std::conditional_t<
                 k == ValType::I32, uint32_t,
                 std::conditional_t<
                     k == ValType::I64, uint64_t,
                     std::conditional_t<k == ValType::F32, float,
                                        std::conditional_t<k == ValType::F64, double, V128>>>>>(Val{}));

// Forwarders whose calls are looked up in wharf::sem when instantiated
// (by reference, so a TrapCode& argument reaches the sem function).
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) \
  struct Fn_##name {                                                 \
    template <class... A>                                            \
    static auto call(A&&... a) -> decltype(name(a...)) {             \
      return name(a...);                                             \
    }                                                                \
  };
#include "common/opcodes.def"
#undef WHARF_OP

constexpr bool isValueOp(Opcode op) {
  const OpInfo& i = opInfo(op);
  return i.sig.known && i.sig.numResults == 1 && !(i.flags & kConst) &&
         (i.imm == ImmKind::None || i.imm == ImmKind::Lane || i.imm == ImmKind::Shuffle);
}

template <Opcode op, size_t... I>
auto popArgs(Stack& st, std::index_sequence<I...>) {
  constexpr OpSignature sig = opInfo(op).sig;
  size_t base = st.size() - sizeof...(I);
  auto args = std::tuple{fromVal<CType<sig.params[I]>>(st[base + I])...};
  st.resize(base);
  return args;
}

// Returns false if `op` is not a value op or the operands are missing.
template <Opcode op, class Fn>
bool eval(Stack& st, const Instr& in, TrapCode& trap) {
  if constexpr (!isValueOp(op)) {
    return false;
  } else {
    constexpr OpInfo info = opInfo(op);
    if (st.size() < info.sig.numParams) return false;
    auto args = popArgs<op>(st, std::make_index_sequence<info.sig.numParams>{});
    auto result = std::apply(
        [&](auto... p) {
          if constexpr (info.imm == ImmKind::Lane) {
            return Fn::call(p..., uint32_t(in.lane));
          } else if constexpr (info.imm == ImmKind::Shuffle) {
            return Fn::call(p..., in.v128);
          } else if constexpr (requires { Fn::call(p..., trap); }) {
            return Fn::call(p..., trap);
          } else {
            return Fn::call(p...);
          }
        },
        args);
    st.push_back(toVal(result));
    return true;
  }
}

using EvalFn = bool (*)(Stack&, const Instr&, TrapCode&);
inline constexpr EvalFn kEval[] = {
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) &eval<Opcode::name, Fn_##name>,
#include "common/opcodes.def"
#undef WHARF_OP
};

enum class Outcome { Unsupported, Value, Trapped };

// Evaluates a function body made only of local.get (of parameters or
// zero-initialized locals), constants and value ops.
Outcome run(const Module& m, uint32_t funcIndex, const std::vector<Val>& params, Stack& st, TrapCode& trap) {
  if (m.isImportedFunc(funcIndex)) return Outcome::Unsupported;
  const Function& f = m.definedFunction(funcIndex);
  std::vector<Val> locals = params;
  for (const LocalRun& run : f.locals)
    for (uint32_t i = 0; i < run.count; ++i) locals.push_back(Val{run.type.kind(), 0, {}});
  InstrReader reader(m.bytes, f.body.offset, f.body.offset + f.body.size);
  while (!reader.atEnd()) {
    auto in = reader.next();
    if (!in) return Outcome::Unsupported;
    switch (in->op) {
      case Opcode::LocalGet:
        if (in->index >= locals.size() || locals[in->index].kind > ValType::V128) return Outcome::Unsupported;
        st.push_back(locals[in->index]);
        break;
      case Opcode::I32Const: st.push_back(toVal(uint32_t(in->i32))); break;
      case Opcode::I64Const: st.push_back(toVal(uint64_t(in->i64))); break;
      case Opcode::F32Const: st.push_back(Val{ValType::F32, in->f32bits, {}}); break;
      case Opcode::F64Const: st.push_back(Val{ValType::F64, in->f64bits, {}}); break;
      case Opcode::V128Const: st.push_back(toVal(in->v128)); break;
      case Opcode::Nop: break;
      case Opcode::End: return reader.atEnd() ? Outcome::Value : Outcome::Unsupported;
      default:
        if (!kEval[static_cast<uint16_t>(in->op)](st, *in, trap)) return Outcome::Unsupported;
        if (trap != TrapCode::None) return Outcome::Trapped;
    }
  }
  return Outcome::Unsupported;
}

uint64_t parseBits(const nlohmann::json& j) { return std::stoull(j.get<std::string>()); }

std::optional<Val> parseArg(const nlohmann::json& a) {
  std::string t = a["type"];
  if (t == "i32") return toVal(uint32_t(parseBits(a["value"])));
  if (t == "i64") return toVal(parseBits(a["value"]));
  if (t == "f32") return Val{ValType::F32, parseBits(a["value"]), {}};
  if (t == "f64") return Val{ValType::F64, parseBits(a["value"]), {}};
  if (t != "v128") return std::nullopt;
  std::string lt = a["lane_type"];
  unsigned width = (lt == "i8") ? 1 : (lt == "i16") ? 2 : (lt == "i32" || lt == "f32") ? 4 : 8;
  V128 v;
  for (unsigned i = 0; i < 16 / width; ++i) {
    uint64_t b = parseBits(a["value"][i]);
    std::memcpy(v.bytes.data() + i * width, &b, width);  // little-endian host
  }
  return toVal(v);
}

// "nan:canonical" / "nan:arithmetic" or exact bits for one float of `width` bytes.
bool floatMatches(const std::string& want, uint64_t got, unsigned width) {
  uint64_t expMask = width == 4 ? 0x7f80'0000u : 0x7ff0'0000'0000'0000u;
  uint64_t quiet = width == 4 ? 0x0040'0000u : 0x0008'0000'0000'0000u;
  uint64_t mant = width == 4 ? 0x007f'ffffu : 0x000f'ffff'ffff'ffffu;
  bool isNan = (got & expMask) == expMask && (got & mant) != 0;
  if (want == "nan:canonical") return isNan && (got & mant) == quiet;
  if (want == "nan:arithmetic") return isNan && (got & quiet);
  return got == std::stoull(want);
}

bool resultMatches(const nlohmann::json& e, const Val& got) {
  std::string t = e["type"];
  if (t == "i32") return got.kind == ValType::I32 && uint32_t(got.bits) == uint32_t(parseBits(e["value"]));
  if (t == "i64") return got.kind == ValType::I64 && got.bits == parseBits(e["value"]);
  if (t == "f32") return got.kind == ValType::F32 && floatMatches(e["value"], uint32_t(got.bits), 4);
  if (t == "f64") return got.kind == ValType::F64 && floatMatches(e["value"], got.bits, 8);
  if (t != "v128" || got.kind != ValType::V128) return false;
  std::string lt = e["lane_type"];
  unsigned width = (lt == "i8") ? 1 : (lt == "i16") ? 2 : (lt == "i32" || lt == "f32") ? 4 : 8;
  for (unsigned i = 0; i < 16 / width; ++i) {
    uint64_t lane = 0;
    std::memcpy(&lane, got.v.bytes.data() + i * width, width);
    std::string want = e["value"][i];
    bool ok = lt[0] == 'f' ? floatMatches(want, lane, width)
                           : lane == (std::stoull(want) & (width == 8 ? ~0ull : ((1ull << (8 * width)) - 1)));
    if (!ok) return false;
  }
  return true;
}

std::string show(const Val& v) {
  char buf[64];
  if (v.kind != ValType::V128) {
    snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v.bits);
    return buf;
  }
  std::string s = "v128:";
  for (int i = 15; i >= 0; --i) {
    snprintf(buf, sizeof buf, "%02x", v.v.bytes[i]);
    s += buf;
  }
  return s;
}

TrapCode trapFromText(const std::string& text) {
  if (text == "integer divide by zero") return TrapCode::IntegerDivideByZero;
  if (text == "integer overflow") return TrapCode::IntegerOverflow;
  if (text == "invalid conversion to integer") return TrapCode::InvalidConversion;
  return TrapCode::None;
}

struct Counts {
  int checked = 0, skipped = 0, failed = 0;
};

void checkScript(const std::filesystem::path& wast, const std::filesystem::path& dir, Counts& counts) {
  std::filesystem::path json = dir / (wast.stem().string() + ".json");
  std::string cmd = "wast2json '" + wast.string() + "' -o '" + json.string() + "' > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "wast2json failed on " << wast;
  nlohmann::json script = nlohmann::json::parse(std::ifstream(json));
  std::shared_ptr<const Module> current;
  std::map<std::string, std::shared_ptr<const Module>> named;
  for (const auto& c : script["commands"]) {
    std::string type = c["type"];
    if (type == "module") {
      std::ifstream in(dir / c["filename"].get<std::string>(), std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
      auto m = decodeModule(std::move(bytes));
      current = m ? *m : nullptr;
      if (c.contains("name")) named[c["name"]] = current;
      continue;
    }
    if (type != "assert_return" && type != "assert_trap") continue;
    const auto& action = c["action"];
    std::shared_ptr<const Module> mod = current;
    if (action.contains("module")) mod = named.count(action["module"]) ? named[action["module"]] : nullptr;
    if (!mod || action["type"] != "invoke") {
      ++counts.skipped;
      continue;
    }
    std::optional<uint32_t> func;
    for (const Export& e : mod->exports)
      if (e.kind == ExternKind::Func && e.name == action["field"].get<std::string>()) func = e.index;
    std::vector<Val> params;
    bool argsOk = func.has_value();
    for (const auto& a : action["args"]) {
      auto v = parseArg(a);
      if (!v)
        argsOk = false;
      else
        params.push_back(*v);
    }
    Stack st;
    TrapCode trap = TrapCode::None;
    Outcome out = argsOk ? run(*mod, *func, params, st, trap) : Outcome::Unsupported;
    if (out == Outcome::Unsupported) {
      ++counts.skipped;
      continue;
    }
    ++counts.checked;
    std::string where = wast.filename().string() + ":" + std::to_string(c["line"].get<int>()) + " " +
                        action["field"].get<std::string>();
    if (type == "assert_trap") {
      TrapCode want = trapFromText(c["text"]);
      if (out != Outcome::Trapped || trap != want) {
        ++counts.failed;
        ADD_FAILURE() << where << ": expected trap \"" << c["text"].get<std::string>() << "\"";
      }
      continue;
    }
    bool ok = out == Outcome::Value && st.size() == c["expected"].size();
    for (size_t i = 0; ok && i < st.size(); ++i) ok = resultMatches(c["expected"][i], st[i]);
    if (!ok) {
      ++counts.failed;
      std::string got = out == Outcome::Trapped ? "trap" : "";
      for (const Val& v : st) got += show(v) + " ";
      ADD_FAILURE() << where << ": got " << got << "want " << c["expected"].dump();
    }
  }
}

}  // namespace wharf::sem::speccheck
#endif

TEST(SemanticsSpec, NumericAndSimdScriptsAgree) {
#ifndef WHARF_HAVE_JSON
  GTEST_SKIP() << "nlohmann/json.hpp not available";
#else
  namespace fs = std::filesystem;
  if (std::system("wast2json --version > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "wabt's wast2json is not installed";
  fs::path suite = fs::path(WHARF_TESTSUITE_DIR) / "2.0";
  if (!fs::exists(suite)) GTEST_SKIP() << "spec testsuite not found at " << suite;
  fs::path dir = fs::temp_directory_path() / ("wharf_sem_spec_" + std::to_string(getpid()));
  fs::create_directories(dir);
  wharf::sem::speccheck::Counts counts;
  const char* scripts[] = {"i32",          "i64",
                           "f32",          "f64",
                           "f32_cmp",      "f64_cmp",
                           "f32_bitwise",  "f64_bitwise",
                           "conversions",  "float_exprs",
                           "float_misc",   "int_exprs",
                           "int_literals", "float_literals",
                           "const",        "traps",
                           "left-to-right"};
  for (const char* s : scripts)
    wharf::sem::speccheck::checkScript(suite / (std::string(s) + ".wast"), dir, counts);
  for (const auto& e : fs::directory_iterator(suite))
    if (e.path().filename().string().starts_with("simd_"))
      wharf::sem::speccheck::checkScript(e.path(), dir, counts);
  fs::remove_all(dir);
  std::printf("spec asserts checked: %d, skipped (not pure numeric functions): %d, failed: %d\n",
              counts.checked, counts.skipped, counts.failed);
  EXPECT_EQ(counts.failed, 0);
  EXPECT_GT(counts.checked, 20000);  // the harness really evaluated the scripts
#endif
}
