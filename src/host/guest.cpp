#include "host/guest.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "engine/engine.h"
#include "engine/values.h"
#include "text/literals.h"
#include "text/wat_parser.h"
#include "wasi/wasi.h"

namespace wharf::host {
namespace {

// Messages stay on one line, whatever they quote.
std::string oneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

// `timeout` (if set) names the limit an "interrupted" trap stands for.
int reportTrap(const Trap& t, double timeoutSeconds, const std::string& timeoutName) {
  if (t.kind == TrapKind::Exit) {
    // The guest chose to exit: not an error (proc_raise says why it did).
    if (!t.message.empty()) std::fprintf(stderr, "wharf: %s\n", oneLine(t.message).c_str());
    return t.exitCode;
  }
  std::string what = t.describe();
  if (t.kind == TrapKind::Interrupted && timeoutSeconds > 0) {
    char limit[64];
    std::snprintf(limit, sizeof limit, " (%s of %gs reached)", timeoutName.c_str(), timeoutSeconds);
    what += limit;
  }
  std::string text = "wharf: trap: " + oneLine(what) + "\n";
  for (size_t i = 0; i < t.backtrace.size(); ++i) {
    const TraceFrame& f = t.backtrace[i];
    text += "  " + std::to_string(i) + ": " + (f.name.empty() ? "<unnamed>" : oneLine(f.name)) + " (func " +
            std::to_string(f.funcIndex) + ")\n";
    if (t.omittedFrames && i + 1 < t.backtrace.size() && i + 1 == t.backtrace.size() / 2)
      text += "  ... " + std::to_string(t.omittedFrames) + " more frames ...\n";
  }
  std::fputs(text.c_str(), stderr);
  return kExitTrap;
}

// Asks for transparent huge pages under a large buffer before it is first
// touched: a 30 MB module then takes a few dozen page faults instead of
// thousands (about twice as fast to read on a busy machine).
void adviseHugePages(void* data, size_t size) {
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(data) + size) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // only a hint
#else
  (void)data, (void)size;
#endif
}

}  // namespace

Expected<std::vector<uint8_t>> readModuleBytes(const std::string& path) {
  // Plain read(2) into a buffer sized by fstat: a 30 MB module then costs a
  // few milliseconds, where a stream iterator took a byte at a time.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return makeError("cannot read " + path + ": " + std::strerror(errno));
  auto readSome = [fd](uint8_t* out, size_t n) {
    ssize_t got;
    do got = ::read(fd, out, n);
    while (got < 0 && errno == EINTR);
    return got;
  };
  std::vector<uint8_t> bytes;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    bytes.reserve(size_t(st.st_size));
    adviseHugePages(bytes.data(), bytes.capacity());
    bytes.resize(size_t(st.st_size));
  }
  size_t used = 0;
  ssize_t got = 1;
  while (used < bytes.size() && (got = readSome(bytes.data() + used, bytes.size() - used)) > 0)
    used += size_t(got);
  bytes.resize(used);
  // Whatever fstat did not announce (a pipe, a file still growing).
  uint8_t chunk[1 << 16];
  while (got > 0 && (got = readSome(chunk, sizeof chunk)) > 0) bytes.insert(bytes.end(), chunk, chunk + got);
  if (got < 0) {
    std::string message = "cannot read " + path + ": " + std::strerror(errno);
    ::close(fd);
    return makeError(std::move(message));
  }
  ::close(fd);
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), kMagic, 4) == 0) return bytes;
  return parseWatModule(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                        /*withNames=*/true);
}

namespace {

// Parses one command-line argument as a value of type `t`.
Expected<TypedValue> parseArgument(const std::string& text, ValType t, size_t index) {
  auto bad = [&](const char* why) {
    return makeError("argument " + std::to_string(index + 1) + " \"" + text + "\" " + why + " " + t.name());
  };
  TypedValue v{t, Value()};
  text::LitStatus status = text::LitStatus::Malformed;
  switch (t.kind()) {
    case ValType::I32: {
      uint64_t bits = 0;
      status = text::parseInteger(text, 32, &bits);
      v.value = Value::fromI32(static_cast<uint32_t>(bits));
      break;
    }
    case ValType::I64: {
      uint64_t bits = 0;
      status = text::parseInteger(text, 64, &bits);
      v.value = Value::fromI64(bits);
      break;
    }
    case ValType::F32: {
      uint32_t bits = 0;
      status = text::parseF32(text, &bits);
      v.value = Value::fromF32Bits(bits);
      break;
    }
    case ValType::F64: {
      uint64_t bits = 0;
      status = text::parseF64(text, &bits);
      v.value = Value::fromF64Bits(bits);
      break;
    }
    case ValType::Ref:
      if (text != "null") return bad("is not a valid");
      v.value = Value::fromRef(nullptr);
      return v;
    case ValType::V128:
    case ValType::Bottom: return bad("cannot be passed on the command line as");
  }
  if (status == text::LitStatus::OutOfRange) return bad("is out of range for");
  if (status == text::LitStatus::Malformed) return bad("is not a valid");
  return v;
}

}  // namespace

int reportError(const std::string& message) {
  std::fprintf(stderr, "wharf: error: %s\n", oneLine(message).c_str());
  return kExitError;
}

int reportError(const Error& e) { return reportError(e.describe()); }

namespace {

// Enforces --timeout from before the module is read. Loading polls the
// interrupt flag and fails with "module took too long to compile"; a load
// still busy a quarter second later (say, reading a pipe that never ends)
// is ended with the process. Once the guest runs, metered code and WASI
// waits see the same flag, and a guest blocked in a host call for a second
// longer is ended with the process.
class Watchdog {
 public:
  Watchdog(double seconds, std::string name, std::atomic<bool>* flag)
      : seconds_(seconds), name_(std::move(name)) {
    if (seconds <= 0) return;
    deadline_ =
        std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                               std::chrono::duration<double>(seconds));
    thread_ = std::thread([this, flag] {
      std::unique_lock lock(mutex_);
      if (cv_.wait_until(lock, deadline_, [this] { return done_; })) return;
      flag->store(true);
      auto fired = std::chrono::steady_clock::now();
      if (cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return done_; })) return;
      if (!guestStarted_) {
        std::fprintf(stderr, "wharf: error: %s (%s of %gs reached)\n", kLoadInterruptedMessage, name_.c_str(),
                     seconds_);
        std::_Exit(kExitError);
      }
      if (cv_.wait_until(lock, fired + std::chrono::seconds(1), [this] { return done_; })) return;
      std::fprintf(stderr, "wharf: trap: %s (%s of %gs reached)\n", trapMessage(TrapKind::Interrupted),
                   name_.c_str(), seconds_);
      std::_Exit(kExitTrap);
    });
  }
  ~Watchdog() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // What loading polls (nothing when there is no timeout).
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }
  // From here on a guest may run (instantiation runs the start function).
  void guestStarting() {
    std::lock_guard lock(mutex_);
    guestStarted_ = true;
  }

 private:
  double seconds_;
  std::string name_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  bool guestStarted_ = false;
  std::thread thread_;
};

}  // namespace

std::vector<std::string> composeEnvironment(const std::vector<std::string>& entries, bool inheritAll) {
  std::vector<std::string> env;
  if (inheritAll)
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
  for (const std::string& kv : entries) {
    std::string entry = kv;
    if (kv.find('=') == std::string::npos) {  // "--env NAME": the host's value
      const char* v = std::getenv(kv.c_str());
      if (!v) continue;
      entry = kv + "=" + v;
    }
    std::string key = entry.substr(0, entry.find('='));
    std::erase_if(env, [&](const std::string& e) { return e.compare(0, key.size() + 1, key + "=") == 0; });
    env.push_back(entry);
  }
  return env;
}

int runGuest(const GuestSpec& spec) {
  const Limits& limits = spec.limits;
  // A guest writing to a closed pipe gets EPIPE, as a native program that
  // ignores SIGPIPE would, instead of killing the runtime.
  std::signal(SIGPIPE, SIG_IGN);
  Watchdog watchdog(limits.timeoutSeconds, spec.limitNames.timeout, interp::interruptFlag());
  Expected<std::vector<uint8_t>> bytes =
      spec.moduleBytes ? Expected<std::vector<uint8_t>>(*spec.moduleBytes) : readModuleBytes(spec.modulePath);
  if (!bytes.ok()) return reportError(bytes.error());
  interp::CompileOptions options;
  options.meter = limits.fuel >= 0 || limits.timeoutSeconds > 0;
  if (limits.timeoutSeconds > 0) options.interrupt = {interp::interruptFlag(), watchdog.deadline()};
  auto loaded = loadModule(std::move(bytes).value(), nullptr, options);
  if (!loaded.ok()) {
    if (limits.timeoutSeconds > 0 && loaded.error().message == kLoadInterruptedMessage) {
      char limit[64];
      std::snprintf(limit, sizeof limit, " (%s of %gs reached)", spec.limitNames.timeout.c_str(),
                    limits.timeoutSeconds);
      return reportError(loaded.error().message + limit);
    }
    return reportError(loaded.error());
  }
  const Module& module = *(*loaded)->module;

  wasi::Options wopts;
  wopts.args.push_back(spec.argv0.empty() ? spec.modulePath : spec.argv0);
  if (spec.invoke.empty()) wopts.args.insert(wopts.args.end(), spec.args.begin(), spec.args.end());
  wopts.env = spec.env;
  for (const DirGrant& d : spec.dirs) wopts.dirs.push_back({d.hostPath, d.guestPath, d.readOnly});
  wopts.tcpListen = spec.tcpListen;
  wopts.maxOpenFiles = limits.maxOpenFiles;
  auto ctx = wasi::Context::create(wopts);
  if (!ctx.ok()) return reportError(ctx.error());

  Store store;
  if (limits.maxMemory) store.setResourceLimit(*limits.maxMemory);
  std::vector<Extern> imports;
  for (const Import& imp : module.imports) {
    FuncInst* f = imp.kind == ExternKind::Func ? (*ctx)->resolve(store, imp.module, imp.name) : nullptr;
    if (!f) return reportError("unknown import: " + imp.module + "." + imp.name);
    Extern x;
    x.kind = ExternKind::Func;
    x.func = f;
    imports.push_back(x);
  }

  if (limits.fuel >= 0) interp::setFuel(limits.fuel);
  if (limits.maxCallDepth) interp::setMaxCallDepth(limits.maxCallDepth);
  watchdog.guestStarting();
  auto trapped = [&](const Trap& t) {
    int status = reportTrap(t, limits.timeoutSeconds, spec.limitNames.timeout);
    // A guest that dies after being refused memory (malloc failing, then
    // abort) most likely died of the limit: say so.
    if (t.kind != TrapKind::Exit && store.resourceBudget() && store.resourceBudget()->refusals())
      std::fprintf(stderr, "wharf: note: the guest was refused memory %llu time(s) by %s (%llu bytes)\n",
                   static_cast<unsigned long long>(store.resourceBudget()->refusals()),
                   spec.limitNames.memory.c_str(),
                   static_cast<unsigned long long>(store.resourceBudget()->limit()));
    return status;
  };

  InstantiateResult inst = instantiate(store, *loaded, imports);
  if (inst.status() == InstantiateResult::Status::Trap) return trapped(inst.trap());
  if (inst.status() == InstantiateResult::Status::ResourceError && store.resourceBudget() &&
      store.resourceBudget()->refusals())
    return reportError(inst.error().describe() + " (" + spec.limitNames.memory + ")");
  if (!inst.ok()) return reportError(inst.error());
  if (auto mem = instanceExport(*inst.instance(), "memory"); mem && mem->kind == ExternKind::Memory)
    (*ctx)->bindMemory(mem->memory);

  // A reactor (or a command built to be one) initialises itself first.
  if (const Export* init = inst.instance()->findExport("_initialize");
      init && init->kind == ExternKind::Func) {
    auto r = callFunction(inst.instance()->funcs[init->index], {});
    if (!r.ok()) return reportError(r.error());
    if (!r->ok()) return trapped(r->trap);
  }

  std::string name = spec.invoke;
  if (name.empty()) {
    const Export* start = inst.instance()->findExport("_start");
    if (!start || start->kind != ExternKind::Func) {
      if (!spec.args.empty())
        return reportError(
            "arguments given but the module exports no _start (options go before FILE: "
            "wharf run --invoke NAME FILE ARGS...)");
      return kExitOk;  // instantiating (and running the start function) was the whole job
    }
    name = "_start";
  }
  const Export* e = inst.instance()->findExport(name);
  if (!e || e->kind != ExternKind::Func) return reportError("no function exported as \"" + name + "\"");
  FuncInst* f = inst.instance()->funcs[e->index];

  std::vector<TypedValue> args;
  if (!spec.invoke.empty()) {
    const std::vector<ValType>& params = f->type->params;
    if (spec.args.size() != params.size())
      return reportError("function \"" + name + "\" takes " + std::to_string(params.size()) +
                         " argument(s), got " + std::to_string(spec.args.size()));
    for (size_t i = 0; i < params.size(); ++i) {
      auto v = parseArgument(spec.args[i], params[i], i);
      if (!v.ok()) return reportError(v.error());
      args.push_back(*v);
    }
  } else if (!f->type->params.empty()) {
    return reportError("_start takes parameters; use --invoke to pass them");
  }
  auto result = callFunction(f, args);
  if (!result.ok()) return reportError(result.error());
  if (!result->ok()) return trapped(result->trap);
  for (const TypedValue& v : result->values) std::printf("%s\n", formatValue(v).c_str());
  return kExitOk;
}

}  // namespace wharf::host
