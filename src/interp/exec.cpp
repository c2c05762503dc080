// Entering and leaving threaded code: the per-thread stacks, the call entry
// point used by the embedding API, and calls out to host functions.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "interp/code.h"
#include "interp/interp.h"
#include "runtime/fuel.h"
#include "runtime/signals.h"

namespace wharf::interp {
namespace {

// Value stack and frame stack sizes. Both are reserved, not committed: pages
// are touched only as deep as the guest recurses.
constexpr size_t kStackSlots = size_t{16} << 20;  // 128 MiB of slots
constexpr size_t kMaxFrames = 200000;             // guest call depth
// Host -> wasm -> host ... re-entry uses the native stack; bound it well
// below what an 8 MiB thread stack holds.
constexpr uint32_t kMaxEntryDepth = 1000;
// Under a resource limit, the stacks are charged to the running store in
// chunks beyond a first chunk of each that is free (part of the fixed
// overhead docs/wasi.md states: 1 MiB of slots, 320 KiB of frames).
constexpr size_t kSlotChunk = (size_t{1} << 20) / sizeof(Slot);
constexpr size_t kFrameChunk = 8192;

void* reserve(size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

Slot* freeStackEnd(const ExecState& st) { return st.stack + kSlotChunk; }
Frame* freeFrameEnd(const ExecState& st) { return std::min(st.frames + kFrameChunk, st.frameEnd); }

struct ThreadStacks {
  ExecState state;
  ThreadStacks() {
    auto* slots = static_cast<Slot*>(reserve(kStackSlots * sizeof(Slot)));
    auto* frames = static_cast<Frame*>(reserve(kMaxFrames * sizeof(Frame)));
    if (slots && frames) {
      state.stack = state.sp = slots;
      state.stackEnd = slots + kStackSlots;
      state.stackLimit = freeStackEnd(state);
      state.frames = state.frameTop = frames;
      state.frameEnd = frames + kMaxFrames;
      state.frameLimit = freeFrameEnd(state);
    }
  }
  ~ThreadStacks() {
    if (state.stack) munmap(state.stack, kStackSlots * sizeof(Slot));
    if (state.frames) munmap(state.frames, kMaxFrames * sizeof(Frame));
  }
};

// Stack use is charged to the store whose code runs. Entering wasm from the
// host opens an account when no code runs yet or the callee's store has
// another budget; it ends with that entry, giving back its charge and the
// pages above where it started, so that the RSS really falls and the next
// store starts from the free chunks again.
struct StackAccount {
  bool open = false;
  ResourceBudget* budget = nullptr;  // the enclosing account's
  uint64_t charged = 0;
  Slot* stackLimit = nullptr;
  Frame* frameLimit = nullptr;
};

StackAccount openAccount(ExecState& st, ResourceBudget* budget) {
  StackAccount outer{true, st.stackBudget, st.stackCharged, st.stackLimit, st.frameLimit};
  bool outerUnlimited = st.entryDepth > 0 && !st.stackBudget;
  st.stackBudget = budget;
  st.stackCharged = 0;
  if (!budget) {
    st.stackLimit = st.stackEnd;
    st.frameLimit = st.frameEnd;
  } else if (outerUnlimited) {
    // What lies above the current tops was charged to no one.
    st.stackLimit = std::max(freeStackEnd(st), st.sp);
    st.frameLimit = std::max(freeFrameEnd(st), st.frameTop);
  }
  // Otherwise the limits stay: the free chunks, or what the enclosing
  // account holds (already charged, to its store).
  return outer;
}

// Returns [from, to) to the kernel, whole pages only (the page holding
// `from` may still be in use below it).
void discard(const void* from, const void* to) {
  static const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
  uintptr_t a = (uintptr_t(from) + page - 1) & ~(page - 1), b = (uintptr_t(to) + page - 1) & ~(page - 1);
  if (a < b) madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED);
}

void closeAccount(ExecState& st, const StackAccount& outer) {
  if (!outer.open) return;
  if (st.stackBudget && st.stackCharged) {
    st.stackBudget->release(st.stackCharged);
    discard(std::max(outer.stackLimit, freeStackEnd(st)), st.stackLimit);
    discard(std::max(outer.frameLimit, freeFrameEnd(st)), st.frameLimit);
  }
  st.stackBudget = outer.budget;
  st.stackCharged = outer.charged;
  st.stackLimit = outer.stackLimit;
  st.frameLimit = std::min(outer.frameLimit, st.frameEnd);
}

WHARF_PRESERVE_NONE void exitHandler(const Word*, Slot*, uint8_t*, ExecState*) {}
const Word kExitCode[1] = {Word{.h = exitHandler}};

void toSlots(const Value& v, ValType t, Slot* s) { std::memcpy(s, &v, t.slots() * sizeof(Slot)); }
Value fromSlots(const Slot* s, ValType t) {
  Value v;
  std::memcpy(&v, s, t.slots() * sizeof(Slot));
  return v;
}

uint32_t slotCount(const std::vector<ValType>& ts) {
  uint32_t n = 0;
  for (ValType t : ts) n += t.slots();
  return n;
}

// Frames kept at each end of a very deep backtrace, and in all (host
// re-entries each append theirs); the bytes of a name kept. A backtrace then
// stays small whatever the guest's names and depth.
constexpr size_t kBacktraceEnds = 32;
constexpr size_t kMaxBacktrace = 4 * kBacktraceEnds;
constexpr size_t kMaxTraceName = 1024;

// The first kMaxTraceName bytes of `name`, not splitting a UTF-8 sequence.
std::string traceName(const std::string& name) {
  if (name.size() <= kMaxTraceName) return name;
  size_t n = kMaxTraceName;
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  return name.substr(0, n) + "...";
}

TraceFrame traceFrame(const Instance* inst, const CompiledFunc* f) {
  TraceFrame t{f->funcIndex, {}};
  if (inst && inst->module) {
    auto it = inst->module->funcNames.find(f->funcIndex);
    if (it != inst->module->funcNames.end()) {
      t.name = traceName(it->second);
    } else {
      // No name section entry: an export name still tells the reader which
      // function it is.
      for (const Export& e : inst->module->exports)
        if (e.kind == ExternKind::Func && e.index == f->funcIndex) {
          t.name = traceName(e.name);
          break;
        }
    }
  }
  return t;
}

// Appends the activations of this entry, [first, top), innermost first.
// Frame k+1 saved the instance that frame k runs in; the innermost one runs
// in `innermost`.
void appendBacktrace(Trap& trap, const Frame* first, const Frame* top, const Instance* innermost) {
  size_t n = size_t(top - first);
  for (size_t i = 0; i < n; ++i) {
    size_t depthFromTop = i, k = n - 1 - i;
    if ((n > 2 * kBacktraceEnds && depthFromTop >= kBacktraceEnds && k >= kBacktraceEnds) ||
        trap.backtrace.size() >= kMaxBacktrace) {
      ++trap.omittedFrames;
      continue;
    }
    const Instance* inst = k + 1 < n ? first[k + 1].instance : innermost;
    trap.backtrace.push_back(traceFrame(inst, first[k].callee));
  }
}

}  // namespace

ExecState& threadState() {
  thread_local ThreadStacks stacks;
  return stacks.state;
}

void setFuel(int64_t fuel) { threadState().fuel = fuel; }
void setMaxCallDepth(uint32_t depth) {
  ExecState& st = threadState();
  if (!st.frames) return;
  // Never below the frames in use: the limit is compared for equality.
  st.frameEnd = std::max(st.frames + std::min<size_t>(depth, kMaxFrames), st.frameTop);
  st.frameLimit =
      std::max(std::min(st.entryDepth == 0 ? freeFrameEnd(st) : st.frameLimit, st.frameEnd), st.frameTop);
}

bool growStacks(ExecState* st) {
  size_t bytes;
  if (st->frameTop == st->frameLimit) {
    size_t n = std::min<size_t>(kFrameChunk, st->frameEnd - st->frameLimit);
    bytes = n * sizeof(Frame);
    if (n == 0 || (st->stackBudget && !st->stackBudget->charge(bytes))) return false;
    st->frameLimit += n;
  } else {
    size_t n = std::min<size_t>(kSlotChunk, st->stackEnd - st->stackLimit);
    bytes = n * sizeof(Slot);
    if (n == 0 || (st->stackBudget && !st->stackBudget->charge(bytes))) return false;
    st->stackLimit += n;
  }
  if (st->stackBudget) st->stackCharged += bytes;
  return true;
}
int64_t fuelLeft() { return threadState().fuel; }
std::atomic<bool>* interruptFlag() { return &threadState().interrupt; }

namespace {
// The innermost frame is the activation of the function calling the host.
bool hostCallerMetered(const ExecState& st) {
  return st.frameTop != st.frames && st.frameTop[-1].callee->metered;
}
}  // namespace

bool hostCallerMetered() { return hostCallerMetered(threadState()); }

bool chargeFuel(uint64_t units) {
  ExecState& st = threadState();
  return !hostCallerMetered(st) || fuel::charge(st.fuel, units);
}
void refundFuel(uint64_t units) {
  ExecState& st = threadState();
  if (hostCallerMetered(st)) st.fuel += int64_t(std::min<uint64_t>(units, uint64_t(INT64_MAX - st.fuel)));
}

bool callHost(ExecState* st, FuncInst* fi, Slot* args) {
  const FuncType& t = *fi->type;
  Value inBuf[8], outBuf[8];
  std::vector<Value> inVec, outVec;
  std::span<Value> in(inBuf, t.params.size()), out(outBuf, t.results.size());
  if (t.params.size() > 8) {
    inVec.resize(t.params.size());
    in = inVec;
  }
  if (t.results.size() > 8) {
    outVec.resize(t.results.size());
    out = outVec;
  }
  const Slot* s = args;
  for (size_t i = 0; i < t.params.size(); ++i) {
    in[i] = fromSlots(s, t.params[i]);
    s += t.params[i].slots();
  }
  // A host function may call back into wasm: new activations start above
  // this call's argument and result slots.
  Slot* savedSp = st->sp;
  Instance* savedInstance = st->instance;
  st->sp = args + std::max(slotCount(t.params), slotCount(t.results));
  Trap trap = fi->host(in, out);
  st->sp = savedSp;
  st->instance = savedInstance;
  if (trap.kind != TrapKind::None) {
    st->trap = trap.kind;
    st->hostTrap = std::move(trap);
    return false;
  }
  Slot* d = args;
  for (size_t i = 0; i < t.results.size(); ++i) {
    toSlots(out[i], t.results[i], d);
    d += t.results[i].slots();
  }
  return true;
}

Trap call(FuncInst* f, std::span<const Value> args, std::span<Value> results) {
  if (f->isHost()) return f->host(args, results);
  ExecState& st = threadState();
  if (!st.stack) return Trap{TrapKind::Host, "cannot reserve the interpreter stack"};
  const auto* cf = static_cast<const CompiledFunc*>(f->code);
  const FuncType& type = *f->type;
  Slot* base = st.sp;
  uint32_t need = std::max({cf->frameSlots, cf->numParamSlots, cf->numResultSlots});
  if (st.entryDepth >= kMaxEntryDepth) return Trap{TrapKind::CallStackExhausted, {}};
  StackAccount outer;
  if (st.entryDepth == 0 || f->instance->budget != st.stackBudget)
    outer = openAccount(st, f->instance->budget);
  while (base + need > st.stackLimit || st.frameTop == st.frameLimit)
    if (!growStacks(&st)) {
      closeAccount(st, outer);
      return Trap{TrapKind::CallStackExhausted, {}};
    }

  Slot* s = base;
  for (size_t i = 0; i < type.params.size(); ++i) {
    toSlots(args[i], type.params[i], s);
    s += type.params[i].slots();
  }
  Frame* savedTop = st.frameTop;
  Instance* savedInstance = st.instance;
  Slot* savedSp = st.sp;
  *st.frameTop++ = Frame{kExitCode, base, savedInstance, nullptr, cf};
  enterFrame(cf, base);
  st.instance = f->instance;
  st.trap = TrapKind::None;
  st.sp = base + need;
  ++st.entryDepth;
  uint8_t* mem = f->instance->memBase0;
  ExecState* stp = &st;
  TrapKind fault = runGuarded([&] { cf->code->h(cf->code, base, mem, stp); });
  --st.entryDepth;

  Trap result;
  if (fault != TrapKind::None) {
    result.kind = fault;
  } else if (st.trap != TrapKind::None) {
    // A trap raised by a host function keeps its message and exit code.
    result = st.hostTrap.kind != TrapKind::None ? std::move(st.hostTrap) : Trap{st.trap, {}, 0};
  }
  if (result.kind != TrapKind::None && result.kind != TrapKind::Exit)
    appendBacktrace(result, savedTop, st.frameTop, st.instance);
  st.trap = TrapKind::None;
  st.hostTrap = Trap{};
  st.frameTop = savedTop;
  st.instance = savedInstance;
  st.sp = savedSp;
  closeAccount(st, outer);
  if (result.kind != TrapKind::None) return result;

  const Slot* r = base;
  for (size_t i = 0; i < type.results.size(); ++i) {
    results[i] = fromSlots(r, type.results[i]);
    r += type.results[i].slots();
  }
  return result;
}

}  // namespace wharf::interp
