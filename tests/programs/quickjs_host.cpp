// An embedding host for quickjs-wasi's quickjs.wasm (QuickJS-ng built as a
// WASI reactor): it has no _start, so a host must provide its `env` imports,
// call _initialize and qjs_init, then drive the interpreter through exported
// functions, passing strings in guest memory allocated with the module's own
// malloc. This is what the package's JS glue (dist/index.js) does in Node.
//
//   quickjs_host QUICKJS.wasm [FILE.js | -e CODE]...
//
// Each script is evaluated in the same context, in order. Scripts get a
// print() host function (arguments converted by JS rules, joined by spaces).
// After a script, pending jobs (promise reactions) run, then its completion
// value is printed as "=> VALUE". An uncaught exception prints
// "uncaught: EXCEPTION" and exits 1; a trap exits 134, other errors 2.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "wasi/wasi.h"

using namespace wharf;

namespace {

[[noreturn]] void fail(const std::string& message, int code = 2) {
  std::fflush(stdout);
  std::fprintf(stderr, "quickjs_host: %s\n", message.c_str());
  std::exit(code);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class QuickJs {
 public:
  explicit QuickJs(const std::string& wasmPath) {
    std::string bytes = readFile(wasmPath);
    auto loaded = loadModule(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    if (!loaded.ok()) fail(wasmPath + ": " + loaded.error().describe());

    // Its WASI needs are small (clocks, random, stdout/stderr): no
    // directories, environment or arguments beyond argv[0].
    wasi::Options wopts;
    wopts.args = {"quickjs"};
    auto ctx = wasi::Context::create(wopts);
    if (!ctx.ok()) fail(ctx.error().describe());
    wasi_ = std::move(ctx).value();

    std::vector<Extern> imports;
    for (const ImportType& imp : moduleImports(**loaded)) {
      if (imp.type.kind != ExternKind::Func) fail("unexpected import " + imp.module + "." + imp.name);
      FuncInst* f = imp.module == wasi::kModuleName ? wasi_->resolve(store_, imp.module, imp.name)
                                                    : envFunction(imp.name, imp.type.func);
      if (!f) fail("unknown import " + imp.module + "." + imp.name);
      Extern x;
      x.func = f;
      imports.push_back(x);
    }
    InstantiateResult r = instantiate(store_, *loaded, imports);
    if (!r.ok())
      fail("instantiate: " + r.describe(), r.status() == InstantiateResult::Status::Trap ? 134 : 2);
    instance_ = r.instance();
    auto mem = instanceExport(*instance_, "memory");
    if (!mem || mem->kind != ExternKind::Memory) fail("no exported memory");
    memory_ = mem->memory;
    wasi_->bindMemory(memory_);

    check(call("_initialize", {}), "_initialize");
    uint32_t rc = 0;
    check(call("qjs_init", {}, &rc), "qjs_init");
    if (rc != 0) fail("qjs_init failed (" + std::to_string(rc) + ")");
    check(call("qjs_get_undefined", {}, &undefined_), "qjs_get_undefined");

    // globalThis.print = a host function; QuickJS calls back through
    // env.host_call with the name it was created with.
    uint32_t name = 0, fn = 0, global = 0, ignored = 0;
    check(newString("print", &name), "malloc");
    check(call("qjs_new_host_function", {name, 5, 0}, &fn), "qjs_new_host_function");
    check(call("qjs_get_global", {}, &global), "qjs_get_global");
    check(call("qjs_set_prop_string", {global, name, fn}, &ignored), "qjs_set_prop_string");
    check(call("qjs_free_value", {fn}), "qjs_free_value");
    check(call("qjs_free_value", {global}), "qjs_free_value");
    check(call("wasm_free", {name}), "wasm_free");
  }

  // Evaluates one script; false if it threw (after printing the exception).
  bool eval(const std::string& code, const std::string& filename) {
    uint32_t codePtr = 0, namePtr = 0, value = 0, isExc = 0;
    check(newString(code, &codePtr), "malloc");
    check(newString(filename, &namePtr), "malloc");
    check(call("qjs_eval", {codePtr, uint32_t(code.size()), namePtr, 0}, &value), "qjs_eval");
    check(call("wasm_free", {codePtr}), "wasm_free");
    check(call("wasm_free", {namePtr}), "wasm_free");
    check(call("qjs_is_exception", {value}, &isExc), "qjs_is_exception");
    if (!isExc) {
      for (uint32_t pending = 0;;) {
        check(call("qjs_is_job_pending", {}, &pending), "qjs_is_job_pending");
        if (!pending) break;
        uint32_t ran = 0;
        check(call("qjs_execute_pending_job", {}, &ran), "qjs_execute_pending_job");
        if (int32_t(ran) < 0) {
          check(call("qjs_free_value", {value}), "qjs_free_value");
          return reportException();
        }
      }
      std::string text;
      check(toString(value, &text), "qjs_get_string_len");
      std::printf("=> %s\n", text.c_str());
      std::fflush(stdout);
    }
    check(call("qjs_free_value", {value}), "qjs_free_value");
    return isExc ? reportException() : true;
  }

 private:
  Store store_;
  std::unique_ptr<wasi::Context> wasi_;
  Instance* instance_ = nullptr;
  LinearMemory* memory_ = nullptr;
  uint32_t undefined_ = 0;  // a JSValue* the host hands back from print()

  static void check(const Trap& t, const char* what) {
    if (t.kind == TrapKind::None) return;
    if (t.kind == TrapKind::Exit) fail(std::string(what) + ": guest exited", t.exitCode);
    fail(std::string("trap in ") + what + ": " + t.describe(), 134);
  }

  // Calls an export taking and returning i32s (all of qjs_* do). Re-entrant:
  // host_call runs while the guest is inside qjs_eval.
  Trap call(const char* name, std::initializer_list<uint32_t> args, uint32_t* result = nullptr) {
    const Export* e = instance_->findExport(name);
    if (!e || e->kind != ExternKind::Func) fail(std::string("no export ") + name);
    FuncInst* f = instance_->funcs[e->index];
    std::vector<TypedValue> typed;
    for (uint32_t a : args) typed.push_back({ValType::i32(), Value::fromI32(a)});
    auto r = callFunction(f, typed);
    if (!r.ok()) fail(std::string(name) + ": " + r.error().describe());
    if (!r->ok()) return r->trap;
    if (result) {
      if (r->values.size() != 1) fail(std::string(name) + ": expected one result");
      *result = r->values[0].value.i32;
    }
    return {};
  }

  // A NUL-terminated copy of `s` in guest memory (free with wasm_free).
  Trap newString(std::string_view s, uint32_t* ptr) {
    if (Trap t = call("wasm_malloc", {uint32_t(s.size() + 1)}, ptr); t.kind != TrapKind::None) return t;
    if (*ptr == 0) return Trap{TrapKind::Host, "guest malloc failed"};
    std::vector<uint8_t> bytes(s.begin(), s.end());
    bytes.push_back(0);
    if (!memoryWrite(*memory_, *ptr, bytes)) return Trap{TrapKind::Host, "string outside guest memory"};
    return {};
  }

  // The JS string conversion of a JSValue*, as WTF-8 bytes (embedded NULs kept).
  Trap toString(uint32_t value, std::string* out) {
    uint32_t lenPtr = 0, cstr = 0;
    if (Trap t = call("wasm_malloc", {4}, &lenPtr); t.kind != TrapKind::None) return t;
    if (Trap t = call("qjs_get_string_len", {value, lenPtr}, &cstr); t.kind != TrapKind::None) return t;
    uint8_t lenBytes[4] = {};
    if (!memoryRead(*memory_, lenPtr, lenBytes)) return Trap{TrapKind::Host, "length outside guest memory"};
    uint32_t len = lenBytes[0] | lenBytes[1] << 8 | lenBytes[2] << 16 | uint32_t(lenBytes[3]) << 24;
    if (cstr == 0) {
      *out = "<null>";
    } else {
      out->assign(len, '\0');
      if (!memoryRead(*memory_, cstr, std::span(reinterpret_cast<uint8_t*>(out->data()), len)))
        return Trap{TrapKind::Host, "string outside guest memory"};
      if (Trap t = call("qjs_free_cstring", {cstr}); t.kind != TrapKind::None) return t;
    }
    return call("wasm_free", {lenPtr});
  }

  bool reportException() {
    uint32_t exc = 0;
    std::string text;
    check(call("qjs_get_exception", {}, &exc), "qjs_get_exception");
    check(toString(exc, &text), "qjs_get_string_len");
    check(call("qjs_free_value", {exc}), "qjs_free_value");
    std::printf("uncaught: %s\n", text.c_str());
    std::fflush(stdout);
    return false;
  }

  // print(...): host_call(namePtr, nameLen, thisPtr, argc, argvPtr) returns
  // a new JSValue* (the result) or 0 after throwing into the context.
  Trap hostCall(std::span<const Value> a, std::span<Value> results) {
    uint32_t namePtr = a[0].i32, nameLen = a[1].i32, argc = a[3].i32, argv = a[4].i32;
    std::string name(nameLen, '\0');
    if (!memoryRead(*memory_, namePtr, std::span(reinterpret_cast<uint8_t*>(name.data()), nameLen)))
      return Trap{TrapKind::Host, "host_call: name outside guest memory"};
    if (name != "print") {
      // Unknown callbacks throw inside the guest, as the JS glue does.
      uint32_t msg = 0, str = 0, ignored = 0;
      std::string text = "no host function \"" + name + "\"";
      if (Trap t = newString(text, &msg); t.kind != TrapKind::None) return t;
      if (Trap t = call("qjs_new_string", {msg, uint32_t(text.size())}, &str); t.kind != TrapKind::None)
        return t;
      if (Trap t = call("qjs_throw", {str}, &ignored); t.kind != TrapKind::None) return t;
      if (Trap t = call("qjs_free_value", {str}); t.kind != TrapKind::None) return t;
      results[0] = Value::fromI32(0);
      return call("wasm_free", {msg});
    }
    std::string line;
    for (uint32_t i = 0; i < argc; ++i) {
      uint8_t p[4] = {};
      if (!memoryRead(*memory_, argv + 4 * i, p))
        return Trap{TrapKind::Host, "host_call: argv outside guest memory"};
      std::string text;
      if (Trap t = toString(p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24, &text);
          t.kind != TrapKind::None)
        return t;
      if (i) line += ' ';
      line += text;
    }
    line += '\n';
    // Flushed so it stays in order with the guest's own fd_write output.
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
    uint32_t result = 0;
    if (Trap t = call("qjs_dup_value", {undefined_}, &result); t.kind != TrapKind::None) return t;
    results[0] = Value::fromI32(result);
    return {};
  }

  // The module's `env` imports: the host side of QuickJS's hooks.
  FuncInst* envFunction(const std::string& name, const FuncType& type) {
    auto returns = [](uint32_t v) {
      return [v](std::span<const Value>, std::span<Value> r) {
        if (!r.empty()) r[0] = Value::fromI32(v);
        return Trap{};
      };
    };
    if (name == "host_call")
      return store_.addHostFunc(
          type, [this](std::span<const Value> a, std::span<Value> r) { return hostCall(a, r); });
    // Never interrupt; UTC as the local time zone (deterministic output).
    if (name == "host_interrupt" || name == "host_get_timezone_offset")
      return store_.addHostFunc(type, returns(0));
    // No module loader: import statements fail inside the guest.
    if (name == "host_module_normalize" || name == "host_module_load")
      return store_.addHostFunc(type, returns(0));
    if (name == "host_promise_rejection") {
      // Unhandled rejections are not reported (as in the JS glue without a
      // handler); the host owns both values and frees them.
      return store_.addHostFunc(type, [this](std::span<const Value> a, std::span<Value>) {
        if (Trap t = call("qjs_free_value", {a[0].i32}); t.kind != TrapKind::None) return t;
        return call("qjs_free_value", {a[1].i32});
      });
    }
    return nullptr;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s QUICKJS.wasm [FILE.js | -e CODE]...\n", argv[0]);
    return 2;
  }
  QuickJs js(argv[1]);
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    bool ok;
    if (arg == "-e") {
      if (++i == argc) fail("-e needs code");
      ok = js.eval(argv[i], "<cmdline>");
    } else {
      ok = js.eval(readFile(arg), arg);
    }
    if (!ok) return 1;
  }
  return 0;
}
