// Compiles validated Wasm function bodies into threaded code (see code.h).
//
// The compiler walks each body once, keeping a virtual operand stack whose
// entries name where a value lives: a temp slot (its canonical position,
// tempBase + stack depth), a local's slot (deferred local.get) or a constant
// slot. Values are copied ("materialized") into their canonical temp slots
// only where control flow or aliasing requires it: at block boundaries, for
// call arguments, on branches, and before a local that is still referenced on
// the stack gets overwritten.
#include <algorithm>
#include <array>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "binary/instr_reader.h"
#include "binary/parallel.h"
#include "common/hash.h"
#include "interp/fusion.h"
#include "interp/interp.h"
#include "interp/variants.h"

namespace wharf::interp {
namespace {

struct Entry {
  enum Kind : uint8_t { Temp, Local, Const };
  uint32_t slot;
  uint8_t width;  // slots: 1, or 2 for v128
  Kind kind;
  // Set by push: the slots below the entry (its canonical slot is tempBase_ +
  // height) and the push's number, which tells a live entry from a stale
  // record of an earlier one at the same position.
  uint32_t height = 0;
  uint32_t id = 0;
};

// Per-thread state reused from one function to the next, so that nothing
// per function costs more than the function's size.
struct CompileScratch {
  // Per local slot: the newest node (index + 1) of the list of stack
  // positions that referred to it, valid where stamp == generation.
  std::vector<uint32_t> refHead, refStamp;
  uint32_t generation = 0;
  struct RefNode {
    uint32_t pos, id, next;
  };
  std::vector<RefNode> refNodes;
  std::vector<uint32_t> positions;
};

// Consecutive locals of one type, from `firstIndex` on, at `firstSlot` on.
struct LocalRunAt {
  uint32_t firstIndex, firstSlot;
  ValType type;
};

// A function type's parameters as runs, computed once per module: functions
// that share a type with 1000 parameters do not each lay them out again.
struct ParamLayout {
  std::vector<LocalRunAt> runs;
  uint32_t slots = 0;
};

std::vector<ParamLayout> paramLayouts(const Module& m) {
  std::vector<ParamLayout> layouts(m.types.size());
  for (size_t i = 0; i < m.types.size(); ++i) {
    ParamLayout& l = layouts[i];
    const std::vector<ValType>& ps = m.types[i].params;
    for (uint32_t k = 0; k < ps.size(); ++k) {
      if (l.runs.empty() || l.runs.back().type != ps[k]) l.runs.push_back({k, l.slots, ps[k]});
      l.slots += ps[k].slots();
    }
  }
  return layouts;
}

struct Ctrl {
  enum Kind : uint8_t { Func, Block, Loop, If };
  Kind kind;
  uint32_t stackSize;  // entries below the block's params
  uint32_t baseSlots;  // stack height in slots below the block's params
  // Into the module's types (or the compiler's singleTypes_): a block of a
  // type with 1000 parameters does not copy them.
  std::span<const ValType> params, results;
  std::vector<std::pair<uint32_t, uint32_t>>
      fixups;  // (instruction start, operand index) to patch with the end
  uint32_t loopStart = 0;
  uint32_t meterInstr = UINT32_MAX;  // the opMeter charged for this region's instructions
  int64_t elseFixupInstr = -1;       // the if's br_unless, until `else` or `end`
  uint32_t elseFixupOperand = 0;
  uint32_t spillBase = 0;  // if with params: where the params are saved for the else arm
  bool unreachable = false;
  bool hasElse = false;
};

uint32_t slotsOf(std::span<const ValType> ts) {
  uint32_t n = 0;
  for (ValType t : ts) n += t.slots();
  return n;
}

struct ConstKey {
  uint64_t lo, hi;
  uint8_t width;
  bool operator==(const ConstKey&) const = default;
};
// Constants come from the module: their hash is seeded (common/hash.h).
const uint64_t kConstHashSeed = processHashSeed();
struct ConstKeyHash {
  size_t operator()(const ConstKey& k) const {
    // One multiply of the seeded value (the high half folded down, as the
    // table takes the hash modulo its size); v128's upper half mixed in.
    uint64_t h = (k.lo ^ kConstHashSeed) * 0x9E3779B97F4A7C15ull;
    if (k.width == 2) h = (h ^ k.hi) * 0xC2B2AE3D27D4EB4Full;
    return h ^ (h >> 29);
  }
};

class FunctionCompiler {
 public:
  FunctionCompiler(const Module& m, CompiledModule& cm, uint32_t definedIndex, const CompileOptions& options,
                   const std::vector<ParamLayout>& layouts, CompileScratch& scratch)
      : m_(m),
        cm_(cm),
        meter_(options.meter),
        interrupt_(options.interrupt),
        fuse_(options.fuse),
        funcIndex_(m.numImportedFuncs + definedIndex),
        fn_(m.functions[definedIndex]),
        type_(m.types[fn_.typeIndex]),
        params_(layouts[fn_.typeIndex]),
        scratch_(scratch) {
    if (++scratch_.generation == 0) {  // wrapped: forget every stamp
      std::fill(scratch_.refStamp.begin(), scratch_.refStamp.end(), 0);
      scratch_.generation = 1;
    }
    scratch_.refNodes.clear();
  }

  Expected<void> compile(CompiledFunc& out, std::vector<Word>& codeOut);

 private:
  struct Opnd {
    uint32_t v;
  };

  // ---- emission ----
  // Instructions are appended by emit/emitOps (and a few hand-built ones),
  // which record where each starts; fusions take instructions back off the
  // end with truncate.
  void truncate(uint32_t pos) {
    code_.resize(pos);
    while (!starts_.empty() && starts_.back() >= pos) {
      starts_.pop_back();
      startRegion_.pop_back();
    }
  }
  void beginInstr(uint32_t start) {
    starts_.push_back(start);
    startRegion_.push_back(regions_.back());
  }
  uint32_t emit(Handler h, std::initializer_list<uint32_t> operands) {
    lastDst_ = kNoDst;
    uint32_t start = static_cast<uint32_t>(code_.size());
    beginInstr(start);
    Word w;
    w.h = h;
    code_.push_back(w);
    unsigned n = 0;
    for (uint32_t v : operands) {
      if (n % 2 == 0) code_.push_back(Word{.u64 = 0});
      code_.back().u32[n % 2] = v;
      ++n;
    }
    return start;
  }
  void patchOperand(uint32_t instr, uint32_t k, uint32_t v) { code_[instr + 1 + k / 2].u32[k % 2] = v; }
  void patchBranch(uint32_t instr, uint32_t k, uint32_t target) {
    code_[instr + 1 + k / 2].i32[k % 2] = static_cast<int32_t>(target) - static_cast<int32_t>(instr);
    if (target > lastLabel_) lastLabel_ = target;
  }
  uint32_t here() const { return static_cast<uint32_t>(code_.size()); }
  // Remembers that the last instruction wrote the top entry through operand k,
  // so a following local.set can retarget it.
  void markDst(uint32_t instr, uint32_t k) { lastDst_ = {instr, k, static_cast<uint32_t>(stack_.size())}; }

  // ---- superinstructions (fusion.h) ----
  // True if `e`, popped from a stack that had `sizeWithE` entries, is the
  // result of the instruction emitted last, a simple op that nothing else
  // has read: that instruction can then be fused into e's consumer.
  bool isLastResult(const Entry& e, size_t sizeWithE) const {
    return lastOpInstr_ != UINT32_MAX && lastDst_.instr == lastOpInstr_ && lastDst_.operand == 0 &&
           e.kind == Entry::Temp && lastDst_.stackSize == sizeWithE &&
           code_[lastOpInstr_ + 1].u32[0] == e.slot;
  }
  // Conversions that leave a slot's bits unchanged: an i32 is read from the
  // low half of its slot (its upper half is unspecified anyway), so
  // i32.wrap_i64 needs no code, nor does any reinterpret.
  static bool isSlotNoOp(Opcode op) {
    return op == Opcode::I32WrapI64 || op == Opcode::I32ReinterpretF32 || op == Opcode::F32ReinterpretI32 ||
           op == Opcode::I64ReinterpretF64 || op == Opcode::F64ReinterpretI64;
  }
  // True if `e` (as in isLastResult) is the result of `instr`, the last
  // instruction emitted.
  bool isResultOf(uint32_t instr, const Entry& e, size_t sizeWithE) const {
    return instr != UINT32_MAX && lastDst_.instr == instr && lastDst_.operand == 0 && e.kind == Entry::Temp &&
           lastDst_.stackSize == sizeWithE && operandOf(instr, 0) == e.slot;
  }
  // A constant slot's value (its low 64 bits), if `slot` is one.
  std::optional<uint64_t> constValue(uint32_t slot) const {
    if (slot < constBase_ || slot >= constBase_ + consts_.size()) return std::nullopt;
    return consts_[slot - constBase_];
  }
  // The last instruction when it is "(i32.add (i32.shl x k) base)" with a
  // constant k: {x, base, k & 31}.
  std::optional<std::array<uint32_t, 3>> lastIndexedAddress(const Entry& addr, size_t sizeWithAddr) const {
    if (lastChain_.p != Opcode::I32Shl || lastChain_.c != Opcode::I32Add ||
        !isResultOf(lastChain_.instr, addr, sizeWithAddr) || code_[lastChain_.instr].h != lastChain_.h)
      return std::nullopt;
    auto k = constValue(operandOf(lastChain_.instr, 2));
    if (!k) return std::nullopt;
    return std::array<uint32_t, 3>{operandOf(lastChain_.instr, 1), operandOf(lastChain_.instr, 3),
                                   static_cast<uint32_t>(*k & 31)};
  }
  // "x <op> k" with a constant k as a term of opShiftXor: {op, k}, a rotr
  // becoming a rotl by the complement.
  std::optional<std::pair<Opcode, uint32_t>> shiftTerm(Opcode op, uint32_t kSlot) const {
    if (shiftTermIndex(op) < 0 && op != Opcode::I32Rotr && op != Opcode::I64Rotr) return std::nullopt;
    auto k = constValue(kSlot);
    if (!k) return std::nullopt;
    bool wide = opInfo(op).sig.result == ValType::I64;
    uint32_t mask = wide ? 63 : 31;
    if (op == Opcode::I32Rotr) return std::pair{Opcode::I32Rotl, static_cast<uint32_t>(32 - (*k & 31)) & 31};
    if (op == Opcode::I64Rotr) return std::pair{Opcode::I64Rotl, static_cast<uint32_t>(64 - (*k & 63)) & 63};
    return std::pair{op, static_cast<uint32_t>(*k) & mask};
  }
  // The chain of two multiplies whose temp result is `slot`, if it is the
  // instruction right before `next` (with no branch target in between).
  Handler chainedProduct(uint32_t slot, uint32_t next) const {
    if (lastChain_.instr == UINT32_MAX || lastChain_.instr + WORDS(4) != next ||
        code_[lastChain_.instr].h != lastChain_.h || lastChain_.p != lastChain_.c ||
        (lastChain_.p != Opcode::F64Mul && lastChain_.p != Opcode::F32Mul) || lastLabel_ > lastChain_.instr ||
        operandOf(lastChain_.instr, 0) != slot || slot < tempBase_)
      return nullptr;
    return lastChain_.h;
  }
  static bool isPlainLoad(Opcode op) {
    return op == Opcode::I32Load || op == Opcode::I64Load || op == Opcode::F32Load || op == Opcode::F64Load;
  }
  uint32_t operandOf(uint32_t instr, uint32_t k) const { return code_[instr + 1 + k / 2].u32[k % 2]; }
  // Removes the last instruction, returning its parameter slots.
  std::vector<uint32_t> takeLastOp() {
    unsigned np = opInfo(lastOp_).sig.numParams;
    std::vector<uint32_t> ps;
    for (unsigned k = 0; k < np; ++k) ps.push_back(operandOf(lastOpInstr_, 1 + k));
    truncate(lastOpInstr_);
    lastOpInstr_ = UINT32_MAX;
    lastDst_ = kNoDst;
    return ps;
  }
  uint32_t emitOps(Handler h, const std::vector<uint32_t>& operands) {
    lastDst_ = kNoDst;
    lastOpInstr_ = UINT32_MAX;
    uint32_t start = here();
    beginInstr(start);
    code_.push_back(Word{.h = h});
    for (size_t n = 0; n < operands.size(); ++n) {
      if (n % 2 == 0) code_.push_back(Word{.u64 = 0});
      code_.back().u32[n % 2] = operands[n];
    }
    return start;
  }
  void noteStep(uint32_t instr) {
    if (!fuse_) return;
    if (instr == lastOpInstr_ && !lastIsLoadAdd_ && indexIn<StepOps>(lastOp_) >= 0 &&
        stepInstr_ != UINT32_MAX && stepInstr_ + WORDS(3) == instr && lastLabel_ <= stepInstr_) {
      // Two steps in a row: one instruction (the second is then no longer
      // available for step fusions, which would save the same dispatch).
      Handler h = step2Handler(stepOp_, lastOp_);
      uint32_t ops[6];
      for (unsigned k = 0; k < 3; ++k) ops[k] = operandOf(stepInstr_, k), ops[3 + k] = operandOf(instr, k);
      truncate(stepInstr_);
      stepInstr_ = UINT32_MAX;
      emitOps(h, {ops[0], ops[1], ops[2], ops[3], ops[4], ops[5]});
      return;
    }
    if (instr == lastOpInstr_ && !lastIsLoadAdd_ && indexIn<StepOps>(lastOp_) >= 0) {
      stepOp_ = lastOp_;
      stepInstr_ = instr;
    } else {
      stepInstr_ = UINT32_MAX;
    }
  }
  // Emits a conditional branch on `cond` (offset operand patched by the
  // caller); returns (instruction, offset operand index).
  std::pair<uint32_t, uint32_t> emitCondBranch(const Entry& cond, size_t sizeWithCond, bool negate) {
    if (!fuse_) return {emit(negate ? opBrUnless : opBrIf, {cond.slot, 0}), 1};
    if (cond.kind == Entry::Local && stepInstr_ != UINT32_MAX && stepInstr_ + WORDS(3) == here() &&
        lastLabel_ <= stepInstr_ && operandOf(stepInstr_, 0) == cond.slot) {
      if (Handler h = arithBrNzHandler(stepOp_, negate)) {
        uint32_t dst = operandOf(stepInstr_, 0), x = operandOf(stepInstr_, 1), y = operandOf(stepInstr_, 2);
        truncate(stepInstr_);
        stepInstr_ = UINT32_MAX;
        return {emitOps(h, {dst, x, y, 0}), 3};
      }
    }
    if (isLastResult(cond, sizeWithCond)) {
      // A step "x = a + b" (x a local) right before "x <cmp> z": one instruction,
      // unless a branch targets the compare.
      if (stepInstr_ != UINT32_MAX && stepInstr_ + WORDS(3) == lastOpInstr_ && lastLabel_ <= stepInstr_ &&
          operandOf(lastOpInstr_, 1) == operandOf(stepInstr_, 0)) {
        if (Handler h = arithBrCmpHandler(stepOp_, lastOp_, negate)) {
          uint32_t z = operandOf(lastOpInstr_, 2);
          uint32_t dst = operandOf(stepInstr_, 0), x = operandOf(stepInstr_, 1), y = operandOf(stepInstr_, 2);
          truncate(stepInstr_);
          stepInstr_ = UINT32_MAX;
          return {emitOps(h, {dst, x, y, z, 0}), 4};
        }
      }
      if (loadFeed_.instr != UINT32_MAX && brCmpHandler(lastOp_, negate)) {
        bool tee = loadFeed_.tee != UINT32_MAX;
        if (Handler h = loadCmpBrHandler(loadFeed_.load, loadFeed_.withAdd, lastOp_, negate, tee)) {
          unsigned na = loadFeed_.withAdd ? 2 : 1;
          std::vector<uint32_t> ops;
          for (unsigned k = 0; k < na + 1; ++k)
            ops.push_back(operandOf(loadFeed_.instr, 1 + k));  // addr.., offset
          if (opInfo(lastOp_).sig.numParams == 2) ops.push_back(operandOf(lastOpInstr_, 2));
          uint32_t k = static_cast<uint32_t>(ops.size());
          ops.push_back(0);
          if (tee) ops.push_back(loadFeed_.tee);
          truncate(loadFeed_.instr);
          loadFeed_ = {};
          lastOpInstr_ = UINT32_MAX;
          return {emitOps(h, ops), k};
        }
      }
      if (Handler h = brCmpHandler(lastOp_, negate)) {
        std::vector<uint32_t> ops = takeLastOp();
        uint32_t k = static_cast<uint32_t>(ops.size());
        ops.push_back(0);
        return {emitOps(h, ops), k};
      }
    }
    return {emit(negate ? opBrUnless : opBrIf, {cond.slot, 0}), 1};
  }

  // ---- virtual stack ----
  uint32_t canonicalSlot(uint32_t heightSlots) const { return tempBase_ + heightSlots; }
  Entry pushTemp(ValType t) {
    Entry e{canonicalSlot(heightSlots_), static_cast<uint8_t>(t.slots()), Entry::Temp};
    push(e);
    return e;
  }
  void push(Entry e) {
    e.height = heightSlots_;
    e.id = nextPushId_++;
    uint32_t pos = static_cast<uint32_t>(stack_.size());
    stack_.push_back(e);
    heightSlots_ += e.width;
    if (heightSlots_ > maxHeightSlots_) maxHeightSlots_ = heightSlots_;
    if (e.kind == Entry::Local) noteLocalRef(pos, e);
  }
  // Records a stack entry that reads a local in place in the local's list.
  // Records are never updated: one is stale once its entry was popped or
  // materialized (see isLiveRef), and a list is emptied when it is walked,
  // so every push is looked at once however large the stack is.
  void noteLocalRef(uint32_t pos, const Entry& e) {
    CompileScratch& s = scratch_;
    uint32_t head = s.refStamp[e.slot] == s.generation ? s.refHead[e.slot] : 0;
    s.refNodes.push_back({pos, e.id, head});
    s.refHead[e.slot] = static_cast<uint32_t>(s.refNodes.size());
    s.refStamp[e.slot] = s.generation;
  }
  bool isLiveRef(uint32_t pos, uint32_t id) const {
    return pos < stack_.size() && stack_[pos].id == id && stack_[pos].kind == Entry::Local;
  }
  Entry pop() {
    Entry e = stack_.back();
    stack_.pop_back();
    heightSlots_ -= e.width;
    if (localsFrom_ > stack_.size()) localsFrom_ = static_cast<uint32_t>(stack_.size());
    return e;
  }
  void copySlots(uint32_t dst, const Entry& e) {
    if (dst == e.slot) return;
    if (fuse_ && e.width == 1 && lastCopy_ != UINT32_MAX && lastCopy_ + WORDS(2) == here() &&
        lastLabel_ <= lastCopy_) {
      // Two consecutive copies (e.g. rotating locals): one dispatch.
      uint32_t d0 = operandOf(lastCopy_, 0), s0 = operandOf(lastCopy_, 1);
      truncate(lastCopy_);
      lastCopyPair_ = emit(opCopyPair, {d0, s0, dst, e.slot});
      lastCopy_ = UINT32_MAX;
      return;
    }
    if (fuse_ && e.width == 1 && lastCopyPair_ != UINT32_MAX && lastCopyPair_ + WORDS(4) == here() &&
        lastLabel_ <= lastCopyPair_) {
      uint32_t ops[6];
      for (unsigned k = 0; k < 4; ++k) ops[k] = operandOf(lastCopyPair_, k);
      truncate(lastCopyPair_);
      emit(opCopyTriple, {ops[0], ops[1], ops[2], ops[3], dst, e.slot});
      lastCopyPair_ = UINT32_MAX;
      return;
    }
    uint32_t instr = emit(e.width == 2 ? opCopy2 : opCopy1, {dst, e.slot});
    lastCopy_ = e.width == 1 ? instr : UINT32_MAX;
  }
  // Moves entry i into its canonical temp slot.
  void materialize(size_t i) {
    Entry& e = stack_[i];
    uint32_t dst = canonicalSlot(e.height);
    if (e.kind == Entry::Temp && e.slot == dst) return;
    copySlots(dst, e);
    e.slot = dst;
    e.kind = Entry::Temp;
  }
  void materializeTop(size_t n) {
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i) materialize(i);
  }
  // Materializes every entry that still reads a local. None is below
  // localsFrom_, and the entries above it were all pushed since the last
  // call: each push is scanned once.
  void materializeLocals() {
    for (size_t i = localsFrom_; i < stack_.size(); ++i)
      if (stack_[i].kind == Entry::Local) materialize(i);
    localsFrom_ = static_cast<uint32_t>(stack_.size());
  }
  // Before `slot` (a local) is overwritten: detach stack entries still reading it.
  bool materializeRefsTo(uint32_t slot) {
    CompileScratch& s = scratch_;
    if (s.refStamp[slot] != s.generation) return false;
    // The list runs newest first; live entries are materialized bottom up.
    std::vector<uint32_t>& live = s.positions;
    live.clear();
    for (uint32_t n = s.refHead[slot]; n != 0; n = s.refNodes[n - 1].next) {
      const CompileScratch::RefNode& node = s.refNodes[n - 1];
      if (isLiveRef(node.pos, node.id) && stack_[node.pos].slot == slot) live.push_back(node.pos);
    }
    s.refHead[slot] = 0;
    for (size_t k = live.size(); k-- > 0;) materialize(live[k]);
    return !live.empty();
  }

  // The entry of a constant that is already in the pool or still fits.
  std::optional<Entry> extraConstEntry(uint64_t v) {
    if (!constIndex_.contains(ConstKey{v, 0, 1}) && consts_.size() + 1 > constCapacity_) return std::nullopt;
    return constEntry(v, 0, 1);
  }
  Entry constEntry(uint64_t lo, uint64_t hi, uint8_t width) {
    auto it = constIndex_.find(ConstKey{lo, hi, width});
    uint32_t slot;
    if (it != constIndex_.end()) {
      slot = it->second;
    } else {
      slot = constBase_ + static_cast<uint32_t>(consts_.size());
      consts_.push_back(lo);
      if (width == 2) consts_.push_back(hi);
      constIndex_.emplace(ConstKey{lo, hi, width}, slot);
    }
    return Entry{slot, width, Entry::Const};
  }

  // ---- control ----
  Ctrl& label(uint32_t depth) { return ctrls_[ctrls_.size() - 1 - depth]; }
  std::span<const ValType> labelTypes(const Ctrl& c) const {
    return c.kind == Ctrl::Loop ? c.params : c.results;
  }
  void setUnreachable() {
    Ctrl& c = ctrls_.back();
    while (stack_.size() > c.stackSize) pop();
    c.unreachable = true;
  }
  // Copies the top `n` values to the label's canonical slots (if not there).
  void emitBranchCopies(const Ctrl& target, uint32_t nValues) {
    uint32_t dst = canonicalSlot(target.baseSlots);
    for (size_t i = stack_.size() - nValues; i < stack_.size(); ++i) {
      copySlots(dst, stack_[i]);
      dst += stack_[i].width;
    }
  }
  bool branchNeedsCopies(const Ctrl& target, uint32_t nValues) const {
    uint32_t dst = tempBase_ + target.baseSlots;
    for (size_t i = stack_.size() - nValues; i < stack_.size(); ++i) {
      if (stack_[i].slot != dst) return true;
      dst += stack_[i].width;
    }
    return false;
  }
  // Emits a jump to the label (patched later for blocks; known for loops).
  void emitJumpTo(Ctrl& target) {
    uint32_t j, k = 0;
    if (fuse_ && lastCopy_ != UINT32_MAX && lastCopy_ + WORDS(2) == here() && lastLabel_ <= lastCopy_) {
      // A copy of a branch value (or loop variable) right before the jump.
      uint32_t d = operandOf(lastCopy_, 0), s = operandOf(lastCopy_, 1);
      truncate(lastCopy_);
      lastCopy_ = UINT32_MAX;
      j = emit(opCopyJump, {d, s, 0});
      k = 2;
    } else {
      j = emit(opJump, {0});
    }
    uint32_t dest = target.loopStart;
    if (fuse_ && target.kind == Ctrl::Loop && dest + WORDS(2) <= j && code_[dest].h == opCopy1) {
      // The loop starts with a copy (a loop variable): the back edge does it
      // and jumps past it.
      uint32_t d = operandOf(dest, 0), s = operandOf(dest, 1);
      if (k == 0) {
        truncate(j);
        j = emit(opCopyJump, {d, s, 0});
      } else {
        uint32_t d0 = operandOf(j, 0), s0 = operandOf(j, 1);
        truncate(j);
        j = emit(opCopyPairJump, {d0, s0, d, s, 0});
      }
      k += 2;
      dest += WORDS(2);
    }
    if (target.kind == Ctrl::Loop)
      patchBranch(j, k, dest);
    else
      target.fixups.push_back({j, k});
  }
  void emitReturn() {
    uint32_t nResults = static_cast<uint32_t>(type_.results.size());
    // The return copies source slots to 0.. in order; a source that one of
    // the earlier copies overwrites is materialized to a temp first.
    uint32_t dst = 0;
    for (size_t i = stack_.size() - nResults; i < stack_.size(); ++i) {
      if (stack_[i].slot < dst) materialize(i);
      dst += stack_[i].width;
    }
    std::vector<uint32_t> ops;
    ops.push_back(resultSlots_);
    for (size_t i = stack_.size() - nResults; i < stack_.size(); ++i)
      for (uint32_t k = 0; k < stack_[i].width; ++k) ops.push_back(stack_[i].slot + k);
    lastDst_ = kNoDst;
    Word w;
    w.h = opReturn;
    beginInstr(here());
    code_.push_back(w);
    for (size_t n = 0; n < ops.size(); ++n) {
      if (n % 2 == 0) code_.push_back(Word{.u64 = 0});
      code_.back().u32[n % 2] = ops[n];
    }
  }
  void emitBranch(uint32_t depth) {
    Ctrl& target = label(depth);
    if (target.kind == Ctrl::Func) return emitReturn();
    emitBranchCopies(target, static_cast<uint32_t>(labelTypes(target).size()));
    emitJumpTo(target);
  }
  void resolveFixups(Ctrl& c, uint32_t target) {
    for (auto [instr, k] : c.fixups) patchBranch(instr, k, target);
    c.fixups.clear();
  }
  void blockTypes(const BlockType& bt, std::span<const ValType>& params, std::span<const ValType>& results) {
    params = {};
    results = {};
    if (bt.kind == BlockType::Value) {
      static constexpr ValType kCommon[] = {ValType::i32(),      ValType::i64(),  ValType::f32(),
                                            ValType::f64(),      ValType::v128(), ValType::funcref(),
                                            ValType::externref()};
      for (const ValType& t : kCommon)
        if (t == bt.type) results = std::span<const ValType>(&t, 1);
      if (results.empty()) {
        singleTypes_.push_back(bt.type);
        results = std::span<const ValType>(&singleTypes_.back(), 1);
      }
    }
    if (bt.kind == BlockType::TypeIndex) {
      params = m_.types[bt.index].params;
      results = m_.types[bt.index].results;
    }
  }
  void enterBlock(Ctrl::Kind kind, const BlockType& bt) {
    Ctrl c;
    c.kind = kind;
    blockTypes(bt, c.params, c.results);
    materializeLocals();
    materializeTop(c.params.size());
    c.stackSize = static_cast<uint32_t>(stack_.size() - c.params.size());
    c.baseSlots = heightSlots_ - slotsOf(c.params);
    c.meterInstr = ctrls_.back().meterInstr;
    lastDst_ = kNoDst;
    ctrls_.push_back(std::move(c));
  }
  // Pushes the label's result values, which sit in their canonical slots.
  void pushResults(std::span<const ValType> types) {
    for (ValType t : types) pushTemp(t);
  }

  Expected<void> compileInstr(const Instr& in);
  // Each loop's instructions use one replica set of the handlers (the
  // loop's number modulo kReplicas + 1; set 0 is the handlers themselves,
  // also used outside loops), so that loops do not share jumps. In a small
  // loop, and back to back anywhere, a repeated handler takes the next set.
  // (Measured on the benchmark kernels: replicating every repetition in a
  // large loop body made nbody 12% slower.)
  // Integer operands that are constants become immediates, where the
  // handler has that form (see variants.h).
  void applyImmediates() {
    for (uint32_t s : starts_) {
      ImmediateForms f = immediateForms(code_[s].h);
      unsigned mask = 0;
      uint32_t values[2] = {};
      for (unsigned b = 0; b < f.n; ++b) {
        auto c = constValue(operandOf(s, f.pos[b]));
        if (!c) continue;
        int32_t v = static_cast<int32_t>(*c);
        if (f.wide[b] && static_cast<int64_t>(*c) != v) continue;  // needs more than 32 bits
        mask |= 1u << b;
        values[b] = static_cast<uint32_t>(v);
      }
      // The largest available subset of the constant operands.
      while (mask != 0 && !f.forms[mask]) mask = mask == 3 ? (f.forms[1] ? 1 : 2) : 0;
      if (mask == 0) continue;
      code_[s].h = f.forms[mask];
      for (unsigned b = 0; b < f.n; ++b)
        if (mask & (1u << b)) patchOperand(s, f.pos[b], values[b]);
    }
  }
  void assignReplicas() {
    constexpr uint32_t kSmallLoop = 24;  // instructions
    std::unordered_map<uint32_t, uint32_t> loopSize;
    for (uint32_t r : startRegion_) ++loopSize[r];
    std::unordered_map<Handler, std::pair<uint32_t, unsigned>> lastSet;  // per handler: loop, set
    Handler prev = nullptr;
    unsigned prevSet = 0;
    for (size_t i = 0; i < starts_.size(); ++i) {
      Handler h = code_[starts_[i]].h;
      uint32_t loop = startRegion_[i];
      unsigned set = loop % (kReplicas + 1);
      if (loop != 0 && loopSize[loop] <= kSmallLoop) {
        auto [it, fresh] = lastSet.try_emplace(h, std::pair{loop, set});
        if (!fresh && it->second.first == loop) set = (it->second.second + 1) % (kReplicas + 1);
        it->second = {loop, set};
      }
      if (h == prev) set = (prevSet + 1) % (kReplicas + 1);
      prev = h;
      prevSet = set;
      if (const Handler* r = handlerReplicas(h); r && set != 0) code_[starts_[i]].h = r[set - 1];
    }
  }
  void prescanConstants();

  // Instructions compiled between polls of the load interrupt.
  static constexpr uint32_t kPollInterval = 4096;
  // Code is at most 2 words per byte of body in every real and spec module
  // measured; only instructions that copy a block's 1000 values again and
  // again (ifs, returns, branches) get near this bound, which keeps a small
  // module from compiling to gigabytes.
  static constexpr uint64_t kMaxCodeWordsPerByte = 16;
  uint64_t codeLimit_ = 0;

  static constexpr struct DstMark {
    uint32_t instr, operand, stackSize;
  } kNoDst{UINT32_MAX, 0, 0};

  const Module& m_;
  CompiledModule& cm_;
  bool meter_;
  const LoadInterrupt& interrupt_;
  // Off: no superinstructions and no handler variants; every instruction
  // gets its plain handler (the frame layout is the same either way).
  bool fuse_;
  uint32_t funcIndex_;
  const Function& fn_;
  const FuncType& type_;
  const ParamLayout& params_;

  std::vector<Word> code_;
  std::vector<uint32_t> starts_;       // where each instruction of code_ starts
  std::vector<uint32_t> startRegion_;  // and the loop it belongs to (0: none)
  std::vector<uint32_t> regions_{0};   // the loops being compiled, innermost last
  uint32_t nextRegion_ = 1;
  std::vector<Entry> stack_;
  uint32_t nextPushId_ = 0;
  uint32_t localsFrom_ = 0;  // no entry below this position reads a local
  CompileScratch& scratch_;
  std::vector<Ctrl> ctrls_;
  std::deque<ValType> singleTypes_;  // result types of blocks typed by one value type (stable addresses)
  bool flatLocals_ = true;
  std::vector<uint32_t> localSlot_;  // per local, if flatLocals_
  std::vector<ValType> localType_;
  std::vector<LocalRunAt> localRuns_;  // otherwise: the declared runs (the params are in params_)
  const LocalRunAt& runOf(uint32_t index) const {
    const std::vector<LocalRunAt>& runs = index < type_.params.size() ? params_.runs : localRuns_;
    auto it = std::upper_bound(runs.begin(), runs.end(), index,
                               [](uint32_t i, const LocalRunAt& r) { return i < r.firstIndex; });
    return *(it - 1);
  }
  uint32_t localSlot(uint32_t index) const {
    if (flatLocals_) return localSlot_[index];
    const LocalRunAt& r = runOf(index);
    return r.firstSlot + (index - r.firstIndex) * r.type.slots();
  }
  ValType localType(uint32_t index) const { return flatLocals_ ? localType_[index] : runOf(index).type; }
  uint32_t heightSlots_ = 0, maxHeightSlots_ = 0;
  uint32_t paramSlots_ = 0, localSlots_ = 0, resultSlots_ = 0;
  uint32_t constBase_ = 0, spillBase_ = 0, spillSlots_ = 0, tempBase_ = 0;
  uint32_t constCapacity_ = 0;  // constant slots reserved by prescanConstants
  std::vector<Slot> consts_;
  std::unordered_map<ConstKey, uint32_t, ConstKeyHash> constIndex_;
  uint32_t nextSpill_ = 0;
  DstMark lastDst_ = kNoDst;
  Opcode lastOp_ = Opcode::Nop;  // the last emitted simple op (fusion candidate)
  uint32_t lastOpInstr_ = UINT32_MAX;
  bool lastIsLoadAdd_ = false;  // lastOp_ is a load fused with its address add
  // An add/sub whose result was retargeted to a local (a loop counter step),
  // fusable with a compare-and-branch right after it.
  Opcode stepOp_ = Opcode::Nop;
  uint32_t stepInstr_ = UINT32_MAX;
  uint32_t lastLabel_ = 0;              // highest code position any branch targets so far
  uint32_t lastCopy_ = UINT32_MAX;      // start of the last emitted opCopy1
  uint32_t lastCopyPair_ = UINT32_MAX;  // start of the last emitted opCopyPair
  struct LoadFeed {
    Opcode load = Opcode::Nop;
    bool withAdd = false;
    uint32_t instr = UINT32_MAX;
    uint32_t tee = UINT32_MAX;  // the local the load wrote, if not a temp
  } loadFeed_;                  // the load right before the last simple op, feeding its first operand
  struct LoadOp {
    Opcode load = Opcode::Nop, op = Opcode::Nop;
    unsigned pos = 0;
    bool withAdd = false;
    uint32_t instr = UINT32_MAX;
    Handler h = nullptr;  // to tell that the instruction is still there
    uint32_t end() const { return instr + WORDS(withAdd ? 5 : 4); }
  };
  LoadOp rmw_;         // the last plain load+op instruction
  LoadOp lastLoadOp_;  // the last load+op instruction of either form
  LoadOp prevLoadOp_;  // the one before it
  struct {
    Opcode p = Opcode::Nop, c = Opcode::Nop;
    uint32_t instr = UINT32_MAX;
    Handler h = nullptr;
    unsigned pos = 0;
  } lastChain_;  // the last opChain instruction
  struct {
    Opcode op = Opcode::Nop;
    uint32_t instr = UINT32_MAX;
    Handler h = nullptr;
  } lastLoad_;  // the last plain load instruction
  struct ShiftTerms {
    uint32_t instr = UINT32_MAX, end = 0;
    Handler h = nullptr;
    bool wide = false;
    unsigned n = 0;
    Opcode ops[3];
    uint32_t x[3], k[3];
  };
  ShiftTerms shiftTerms_;      // the last shift by a constant, or XOR of such shifts
  ShiftTerms prevShiftTerms_;  // the one before
  uint32_t skipDepth_ = 0;
};

void FunctionCompiler::prescanConstants() {
  // Constants and spill slots live below the temps, so the frame layout is
  // fixed before compiling: count them first.
  InstrReader r(m_.bytes, fn_.body.offset, fn_.body.offset + fn_.body.size);
  uint32_t constSlots = 0;
  Opcode lastOp = Opcode::Nop;
  Instr in;
  // An if's spill slots are needed only until its end, so ifs one after
  // the other share them: the frame needs the most that nested ifs hold at
  // once (a slot per if would let a module of small ifs with 1000 params
  // each demand gigabytes of frame).
  std::vector<uint32_t> openSpills;  // per open block: the spill slots it holds
  uint32_t spillsHeld = 0;
  while (!r.atEnd()) {
    if (!r.read(in)) break;
    Opcode prevOp = lastOp;
    lastOp = in.op;
    switch (in.op) {
      case Opcode::Block:
      case Opcode::Loop: openSpills.push_back(0); break;
      case Opcode::End:
        if (!openSpills.empty()) {
          spillsHeld -= openSpills.back();
          openSpills.pop_back();
        }
        break;
      case Opcode::I32Const:
      case Opcode::I64Const:
      case Opcode::F32Const:
      case Opcode::F64Const:
      case Opcode::RefNull: constSlots += 1; break;
      case Opcode::V128Const: constSlots += 2; break;
      case Opcode::I32Sub:
      case Opcode::I64Sub:
        // Room for the negated constant of "x - c" compiled as "x + (-c)".
        if (prevOp == Opcode::I32Const || prevOp == Opcode::I64Const) constSlots += 1;
        break;
      case Opcode::If: {
        uint32_t n = in.block.kind == BlockType::TypeIndex ? slotsOf(m_.types[in.block.index].params) : 0;
        openSpills.push_back(n);
        spillsHeld += n;
        spillSlots_ = std::max(spillSlots_, spillsHeld);
        break;
      }
      default: break;
    }
  }
  constCapacity_ = constSlots;
  spillBase_ = constBase_ + constSlots;
  tempBase_ = spillBase_ + spillSlots_;
}

Expected<void> FunctionCompiler::compile(CompiledFunc& out, std::vector<Word>& codeOut) {
  uint64_t numLocals = type_.params.size();
  for (const LocalRun& run : fn_.locals) numLocals += run.count;
  // A table entry per local unless the function declares many more locals
  // than its body could use: then a lookup in the declared runs, so that
  // compiling a tiny body costs little whatever it declares.
  flatLocals_ = numLocals <= uint64_t(fn_.body.size) + 64;
  if (flatLocals_) {
    for (ValType t : type_.params) {
      localSlot_.push_back(paramSlots_);
      localType_.push_back(t);
      paramSlots_ += t.slots();
    }
  }
  paramSlots_ = params_.slots;
  uint32_t s = paramSlots_;
  uint32_t index = static_cast<uint32_t>(type_.params.size());
  for (const LocalRun& run : fn_.locals) {
    if (flatLocals_) {
      for (uint32_t i = 0; i < run.count; ++i) {
        localSlot_.push_back(s + i * run.type.slots());
        localType_.push_back(run.type);
      }
    } else {
      localRuns_.push_back({index, s, run.type});
    }
    index += run.count;
    s += run.count * run.type.slots();
  }
  localSlots_ = s - paramSlots_;
  if (scratch_.refHead.size() < s) {  // grows once per thread, not per function
    scratch_.refHead.resize(s, 0);
    scratch_.refStamp.resize(s, 0);
  }
  resultSlots_ = slotsOf(type_.results);
  constBase_ = s;
  prescanConstants();
  codeLimit_ = kMaxCodeWordsPerByte * fn_.body.size + 4096;

  Ctrl f;
  f.kind = Ctrl::Func;
  f.stackSize = 0;
  f.baseSlots = 0;
  f.results = type_.results;
  ctrls_.push_back(std::move(f));
  if (meter_) ctrls_.back().meterInstr = emit(opMeter, {0});

  InstrReader reader(m_.bytes, fn_.body.offset, fn_.body.offset + fn_.body.size);
  // read() fills one Instr in place: returning each by value (next()) made
  // copying it a fifth of the time to compile a large module.
  Instr in;
  uint32_t untilPoll = kPollInterval;
  while (!reader.atEnd() && !ctrls_.empty()) {
    if (--untilPoll == 0) {
      if (interrupt_.requested()) return makeError(kLoadInterruptedMessage);
      untilPoll = kPollInterval;
    }
    if (!reader.read(in)) return reader.error();
    WHARF_CHECK(compileInstr(in));
    if (code_.size() > codeLimit_) [[unlikely]]
      return makeError("interpreter: function compiles to too much code (more than " +
                           std::to_string(kMaxCodeWordsPerByte) + " words per byte)",
                       in.offset);
  }

  if (fuse_) {
    applyImmediates();
    assignReplicas();
  }
  out.code = nullptr;  // set once the code has its final address
  out.numParamSlots = paramSlots_;
  out.numLocalSlots = localSlots_;
  out.numResultSlots = resultSlots_;
  out.constBase = constBase_;
  // Constants, then zeroed spill slots, are copied into the frame on entry.
  out.consts = consts_;
  out.consts.resize(consts_.size() + spillSlots_, 0);
  out.consts.resize(tempBase_ - constBase_, 0);
  out.frameSlots = tempBase_ + maxHeightSlots_ + 2;
  out.funcIndex = funcIndex_;
  out.metered = meter_;
  codeOut = std::move(code_);
  return {};
}

Expected<void> FunctionCompiler::compileInstr(const Instr& in) {
  Opcode op = in.op;
  // Skip dead code after an unconditional branch up to the end/else that
  // closes the current block.
  if (ctrls_.back().unreachable) {
    switch (op) {
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If: ++skipDepth_; return {};
      case Opcode::End:
        if (skipDepth_ > 0) {
          --skipDepth_;
          return {};
        }
        break;
      case Opcode::Else:
        if (skipDepth_ > 0) return {};
        break;
      default: return {};
    }
  }

  // Metering: charge this instruction to the check that dominates it.
  if (meter_) code_[ctrls_.back().meterInstr + 1].u32[0] += 1;

  if (fuse_ && (op == Opcode::I32Sub || op == Opcode::I64Sub) && stack_.back().kind == Entry::Const) {
    // "x - c" as "x + (-c)": the add fusions (address arithmetic, loop
    // steps) then apply.
    uint64_t c = consts_[stack_.back().slot - constBase_];
    bool wide = op == Opcode::I64Sub;
    uint64_t neg = wide ? uint64_t(0) - c : uint64_t(uint32_t(0) - uint32_t(c));
    if (auto e = extraConstEntry(neg)) {
      stack_.back().slot = e->slot;
      stack_.back().kind = e->kind;
      op = wide ? Opcode::I64Add : Opcode::I32Add;
    }
  }

  if (isSlotNoOp(op)) {
    // The value's slot already holds the result's bits: the entry is reused
    // as is. The fusion state is dropped because the fusion tables assume
    // a producer's result type is its consumer's operand type.
    push(pop());
    lastOpInstr_ = UINT32_MAX;
    loadFeed_ = {};
    return {};
  }

  if (Handler h = kSimpleHandlers[static_cast<uint16_t>(op)]) {
    const OpInfo& info = opInfo(op);
    uint32_t ops[5];
    unsigned n = info.sig.numParams;
    Entry args[3];
    for (unsigned i = n; i-- > 0;) args[i] = pop();
    if (fuse_ && info.imm == ImmKind::None && n >= 1 && n <= 2) {
      // Fuse with the producer of one operand if it was the last instruction.
      size_t before = stack_.size() + n;
      int pos = -1;
      if (isLastResult(args[n - 1], before))
        pos = static_cast<int>(n - 1);
      else if (n == 2 && args[1].kind != Entry::Temp && isLastResult(args[0], before - 1))
        pos = 0;
      if (pos >= 0) {
        if (n == 2 && isPlainLoad(lastOp_)) {
          if (Handler f = loadOpHandler(lastOp_, op, static_cast<unsigned>(pos), lastIsLoadAdd_)) {
            std::vector<uint32_t> ops;
            unsigned nOps = lastIsLoadAdd_ ? 3 : 2;  // (addr | a, b), offset
            for (unsigned k = 0; k < nOps; ++k) ops.push_back(operandOf(lastOpInstr_, 1 + k));
            Opcode load = lastOp_;
            bool withAdd = lastIsLoadAdd_;
            truncate(lastOpInstr_);
            Entry d = pushTemp(ValType::i64());
            ops.insert(ops.begin(), d.slot);
            ops.push_back(args[1 - pos].slot);
            uint32_t instr = emitOps(f, ops);
            markDst(instr, 0);
            LoadOp rec{load, op, static_cast<unsigned>(pos), withAdd, instr, f};
            prevLoadOp_ = lastLoadOp_;
            lastLoadOp_ = rec;
            if (!withAdd) {
              // A store of this result may fuse into a read-modify-write.
              lastOp_ = Opcode::Nop;
              lastOpInstr_ = instr;
              rmw_ = rec;
            }
            return {};
          }
        }
        ShiftTerms& st = shiftTerms_.instr == lastOpInstr_ ? prevShiftTerms_ : shiftTerms_;
        if ((op == Opcode::I32Xor || op == Opcode::I64Xor) && st.instr != UINT32_MAX &&
            st.end == lastOpInstr_ && st.n < 3 && code_[st.instr].h == st.h && lastLabel_ <= st.instr &&
            args[1 - pos].kind == Entry::Temp && operandOf(st.instr, 0) == args[1 - pos].slot &&
            st.wide == (op == Opcode::I64Xor)) {
          // One more term XORed into the terms computed right before.
          if (auto t = shiftTerm(lastOp_, operandOf(lastOpInstr_, 2))) {
            st.ops[st.n] = t->first;
            st.x[st.n] = operandOf(lastOpInstr_, 1);
            st.k[st.n] = t->second;
            bool same = true;
            for (unsigned i = 0; i < st.n; ++i) same = same && st.x[i] == st.x[st.n];
            if (Handler f = shiftXorHandler(st.wide, same, st.ops, st.n + 1)) {
              ++st.n;
              truncate(st.instr);
              lastOpInstr_ = UINT32_MAX;
              Entry d = pushTemp(ValType::i64());
              std::vector<uint32_t> ops = {d.slot};
              if (same) ops.push_back(st.x[0]);
              for (unsigned i = 0; i < st.n; ++i) {
                if (!same) ops.push_back(st.x[i]);
                ops.push_back(st.k[i]);
              }
              st.instr = emitOps(f, ops);
              st.end = here();
              st.h = f;
              markDst(st.instr, 0);
              shiftTerms_ = st;
              prevShiftTerms_ = {};
              return {};
            }
          }
        }
        if (Handler f = chainHandler(lastOp_, op, static_cast<unsigned>(pos))) {
          Opcode p = lastOp_;
          std::vector<uint32_t> ops = takeLastOp();
          Entry d = pushTemp(info.sig.result == ValType::V128 ? ValType::v128() : ValType::i32());
          ops.insert(ops.begin(), d.slot);
          if (n == 2) ops.push_back(args[1 - pos].slot);
          uint32_t instr = emitOps(f, ops);
          markDst(instr, 0);
          lastChain_ = {p, op, instr, f, static_cast<unsigned>(pos)};
          return {};
        }
      }
    }
    // A load whose result is this op's first operand may later fuse with a
    // compare-and-branch (see emitCondBranch).
    bool loadFed = lastOpInstr_ != UINT32_MAX && indexIn<CmpBrLoads>(lastOp_) >= 0 && n >= 1 &&
                   isLastResult(args[0], stack_.size() + 1) && (n == 1 || args[1].kind != Entry::Temp);
    LoadFeed feed{lastOp_, lastIsLoadAdd_, lastOpInstr_};
    // Or the load wrote a local (local.tee) that is the first operand.
    if (!loadFed && lastOpInstr_ != UINT32_MAX && indexIn<CmpBrLoads>(lastOp_) >= 0 && n >= 1 &&
        args[0].kind == Entry::Local && lastOpInstr_ + WORDS(3) == here() &&
        operandOf(lastOpInstr_, 0) == args[0].slot && lastLabel_ <= lastOpInstr_ &&
        (n == 1 || args[1].kind != Entry::Temp)) {
      loadFed = true;
      feed.tee = args[0].slot;
    }
    ValType rt = info.sig.result == ValType::V128 ? ValType::v128() : ValType::i32();
    Entry d = pushTemp(rt);
    ops[0] = d.slot;
    for (unsigned i = 0; i < n; ++i) ops[1 + i] = args[i].slot;
    uint32_t instr;
    if (info.imm == ImmKind::Lane) {
      ops[1 + n] = in.lane;
      instr = n == 1 ? emit(h, {ops[0], ops[1], ops[2]}) : emit(h, {ops[0], ops[1], ops[2], ops[3]});
    } else if (n == 1) {
      instr = emit(h, {ops[0], ops[1]});
    } else if (n == 2) {
      instr = emit(h, {ops[0], ops[1], ops[2]});
    } else {
      instr = emit(h, {ops[0], ops[1], ops[2], ops[3]});
    }
    if (info.imm == ImmKind::Shuffle) {
      Word w[2];
      std::memcpy(w, in.v128.bytes.data(), 16);
      code_.push_back(w[0]);
      code_.push_back(w[1]);
    }
    markDst(instr, 0);
    lastOp_ = op;
    lastOpInstr_ = instr;
    lastIsLoadAdd_ = false;
    loadFeed_ = loadFed ? feed : LoadFeed{};
    if (n == 2) {
      if (auto t = shiftTerm(op, args[1].slot)) {
        bool wide = info.sig.result == ValType::I64;
        prevShiftTerms_ = shiftTerms_;
        shiftTerms_ = {instr, here(), h, wide, 1, {t->first}, {args[0].slot}, {t->second}};
      }
    }
    return {};
  }

  switch (op) {
    case Opcode::Nop: return {};
    case Opcode::Unreachable:
      emit(opUnreachable, {});
      setUnreachable();
      return {};
    case Opcode::Block: enterBlock(Ctrl::Block, in.block); return {};
    case Opcode::Loop:
      enterBlock(Ctrl::Loop, in.block);
      ctrls_.back().loopStart = here();
      regions_.push_back(nextRegion_++);
      lastLabel_ = here();
      // Every back edge passes a check, so metered code cannot run forever.
      if (meter_) ctrls_.back().meterInstr = emit(opMeter, {1});
      return {};
    case Opcode::If: {
      Entry cond = pop();
      // A compare right before the `if` fuses with its branch, provided that
      // entering the block emits nothing in between.
      DstMark condMark = lastDst_;
      uint32_t beforeBlock = here();
      enterBlock(Ctrl::If, in.block);
      Ctrl& c = ctrls_.back();
      if (!c.params.empty()) {
        // The then-arm may overwrite the params' slots; keep a copy for else.
        c.spillBase = spillBase_ + nextSpill_;
        uint32_t s = c.spillBase;
        for (size_t i = stack_.size() - c.params.size(); i < stack_.size(); ++i) {
          copySlots(s, stack_[i]);
          s += stack_[i].width;
        }
        nextSpill_ = s - spillBase_;
      }
      if (here() == beforeBlock) lastDst_ = condMark;
      auto [b, k] = emitCondBranch(cond, condMark.stackSize, true);
      c.elseFixupInstr = b;
      c.elseFixupOperand = k;
      lastDst_ = kNoDst;
      return {};
    }
    case Opcode::Else: {
      Ctrl& c = ctrls_.back();
      if (!c.unreachable) {
        materializeTop(c.results.size());
        emitJumpTo(c);
      }
      patchBranch(static_cast<uint32_t>(c.elseFixupInstr), c.elseFixupOperand, here());
      c.elseFixupInstr = -1;
      c.hasElse = true;
      c.unreachable = false;
      while (stack_.size() > c.stackSize) pop();
      uint32_t s = c.spillBase;
      for (ValType t : c.params) {
        Entry e = pushTemp(t);
        copySlots(e.slot, Entry{s, static_cast<uint8_t>(t.slots()), Entry::Temp});
        s += t.slots();
      }
      lastDst_ = kNoDst;
      return {};
    }
    case Opcode::End: {
      Ctrl& c = ctrls_.back();
      if (c.kind == Ctrl::Func) {
        if (!c.unreachable) emitReturn();
        ctrls_.pop_back();
        return {};
      }
      if (!c.unreachable) materializeTop(c.results.size());
      if (c.kind == Ctrl::Loop) regions_.pop_back();
      if (c.kind == Ctrl::If && !c.params.empty())
        nextSpill_ = c.spillBase - spillBase_;  // free for the next if
      if (c.elseFixupInstr >= 0)
        patchBranch(static_cast<uint32_t>(c.elseFixupInstr), c.elseFixupOperand, here());
      resolveFixups(c, here());
      while (stack_.size() > c.stackSize) pop();
      std::span<const ValType> results = c.results;
      ctrls_.pop_back();
      pushResults(results);
      lastDst_ = kNoDst;
      return {};
    }
    case Opcode::Br:
      emitBranch(in.index);
      setUnreachable();
      return {};
    case Opcode::BrIf: {
      Entry cond = pop();
      Ctrl& target = label(in.index);
      uint32_t n = static_cast<uint32_t>(labelTypes(target).size());
      if (target.kind != Ctrl::Func && !branchNeedsCopies(target, n)) {
        auto [b, k] = emitCondBranch(cond, stack_.size() + 1, false);
        if (target.kind == Ctrl::Loop)
          patchBranch(b, k, target.loopStart);
        else
          target.fixups.push_back({b, k});
      } else {
        auto [skip, k] = emitCondBranch(cond, stack_.size() + 1, true);
        emitBranch(in.index);
        patchBranch(skip, k, here());
      }
      lastDst_ = kNoDst;
      return {};
    }
    case Opcode::BrTable: {
      Entry index = pop();
      uint32_t count = static_cast<uint32_t>(in.brTargets.size());
      std::vector<uint32_t> depths(in.brTargets.begin(), in.brTargets.end());
      depths.push_back(in.brDefault);
      // The index computed by the op right before: one instruction.
      Handler h = opBrTable;
      std::vector<uint32_t> ops = {index.slot, count};
      if (fuse_ && isLastResult(index, stack_.size() + 1)) {
        if (Handler f = brTableOpHandler(lastOp_)) {
          h = f;
          ops = takeLastOp();
          ops.push_back(count);
        }
      }
      const uint32_t base = static_cast<uint32_t>(ops.size());  // the first branch offset
      ops.resize(base + depths.size(), 0);
      lastDst_ = kNoDst;
      uint32_t instr = here();
      beginInstr(instr);
      Word w;
      w.h = h;
      code_.push_back(w);
      for (size_t n = 0; n < ops.size(); ++n) {
        if (n % 2 == 0) code_.push_back(Word{.u64 = 0});
        code_.back().u32[n % 2] = ops[n];
      }
      // Targets that need copies branch to a stub (copies, then a jump),
      // one per label however often the table names it.
      std::unordered_map<uint32_t, uint32_t> stubs;
      auto toStub = [&](size_t i) {
        if (code_.size() > codeLimit_) return;  // reported after this instruction
        auto [it, fresh] = stubs.try_emplace(depths[i], here());
        patchBranch(instr, base + static_cast<uint32_t>(i), it->second);
        if (fresh) emitBranch(depths[i]);
      };
      for (size_t i = 0; i < depths.size(); ++i) {
        Ctrl& target = label(depths[i]);
        uint32_t n = static_cast<uint32_t>(labelTypes(target).size());
        if (target.kind == Ctrl::Loop && !branchNeedsCopies(target, n)) {
          patchBranch(instr, base + static_cast<uint32_t>(i), target.loopStart);
        } else if (target.kind == Ctrl::Block || target.kind == Ctrl::If) {
          if (!branchNeedsCopies(target, n)) {
            target.fixups.push_back({instr, base + static_cast<uint32_t>(i)});
          } else {
            toStub(i);
          }
        } else {
          // Function label (a return) or a loop needing copies: a stub.
          toStub(i);
        }
      }
      setUnreachable();
      return {};
    }
    case Opcode::Return:
      emitReturn();
      setUnreachable();
      return {};
    case Opcode::Call: {
      const FuncType& ft = m_.funcType(in.index);
      materializeTop(ft.params.size());
      uint32_t argBase = canonicalSlot(heightSlots_ - slotsOf(ft.params));
      for (size_t i = 0; i < ft.params.size(); ++i) pop();
      if (m_.isImportedFunc(in.index)) {
        emit(opCallImport, {in.index, argBase});
      } else {
        lastDst_ = kNoDst;
        beginInstr(here());
        Word w;
        w.h = opCall;
        code_.push_back(w);
        w.ptr = &cm_.funcs[in.index - m_.numImportedFuncs];
        code_.push_back(w);
        code_.push_back(Word{.u64 = argBase});
      }
      pushResults(ft.results);
      return {};
    }
    case Opcode::CallIndirect: {
      const FuncType& ft = m_.types[in.index];
      Entry idx = pop();
      materializeTop(ft.params.size());
      uint32_t argBase = canonicalSlot(heightSlots_ - slotsOf(ft.params));
      for (size_t i = 0; i < ft.params.size(); ++i) pop();
      emit(opCallIndirect, {cm_.typeIds[in.index], in.index2, idx.slot, argBase});
      pushResults(ft.results);
      return {};
    }
    case Opcode::Drop: pop(); return {};
    case Opcode::Select:
    case Opcode::SelectT: {
      Entry cond = pop();
      Entry b = pop();
      Entry a = pop();
      if (fuse_ && a.width == 1 && isLastResult(cond, stack_.size() + 3)) {
        if (Handler f = cmpSelectHandler(lastOp_)) {
          std::vector<uint32_t> ops = takeLastOp();  // the compare's params
          Entry d = pushTemp(ValType::i64());
          ops.insert(ops.begin(), {d.slot, a.slot, b.slot});
          markDst(emitOps(f, ops), 0);
          return {};
        }
      }
      Entry d = pushTemp(a.width == 2 ? ValType::v128() : ValType::i64());
      uint32_t i = emit(a.width == 2 ? opSelect2 : opSelect1, {d.slot, a.slot, b.slot, cond.slot});
      markDst(i, 0);
      return {};
    }
    case Opcode::LocalGet: {
      ValType t = localType(in.index);
      push(Entry{localSlot(in.index), static_cast<uint8_t>(t.slots()), Entry::Local});
      return {};
    }
    case Opcode::LocalSet: {
      uint32_t slot = localSlot(in.index);
      Entry v = pop();
      DstMark mark = lastDst_;
      bool hadRefs = materializeRefsTo(slot);
      if (!hadRefs && v.kind == Entry::Temp && mark.instr != UINT32_MAX &&
          mark.stackSize == stack_.size() + 1) {
        patchOperand(mark.instr, mark.operand, slot);  // the producer writes the local directly
        noteStep(mark.instr);
        lastDst_ = kNoDst;
      } else {
        copySlots(slot, v);
      }
      return {};
    }
    case Opcode::LocalTee: {
      uint32_t slot = localSlot(in.index);
      DstMark mark = lastDst_;
      Entry v = pop();
      bool hadRefs = materializeRefsTo(slot);
      if (!hadRefs && v.kind == Entry::Temp && mark.instr != UINT32_MAX &&
          mark.stackSize == stack_.size() + 1) {
        patchOperand(mark.instr, mark.operand, slot);
        noteStep(mark.instr);
        lastDst_ = kNoDst;
        push(Entry{slot, v.width, Entry::Local});
      } else {
        copySlots(slot, v);
        // The local now holds the value too; referring to it (rather than to
        // the source local) avoids a copy when the source is written next.
        push(v.kind == Entry::Local ? Entry{slot, v.width, Entry::Local} : v);
      }
      return {};
    }
    case Opcode::GlobalGet: {
      ValType t = m_.globals[in.index].type;
      Entry d = pushTemp(t);
      uint32_t i = emit(t.slots() == 2 ? opGlobalGet2 : opGlobalGet1, {d.slot, in.index});
      markDst(i, 0);
      return {};
    }
    case Opcode::GlobalSet: {
      Entry v = pop();
      emit(v.width == 2 ? opGlobalSet2 : opGlobalSet1, {in.index, v.slot});
      return {};
    }
    case Opcode::I32Const: push(constEntry(static_cast<uint32_t>(in.i32), 0, 1)); return {};
    case Opcode::I64Const: push(constEntry(static_cast<uint64_t>(in.i64), 0, 1)); return {};
    case Opcode::F32Const: push(constEntry(in.f32bits, 0, 1)); return {};
    case Opcode::F64Const: push(constEntry(in.f64bits, 0, 1)); return {};
    case Opcode::V128Const: {
      uint64_t lo, hi;
      std::memcpy(&lo, in.v128.bytes.data(), 8);
      std::memcpy(&hi, in.v128.bytes.data() + 8, 8);
      push(constEntry(lo, hi, 2));
      return {};
    }
    case Opcode::RefNull: push(constEntry(0, 0, 1)); return {};
    case Opcode::RefIsNull: {
      Entry v = pop();
      Entry d = pushTemp(ValType::i32());
      markDst(emit(opRefIsNull, {d.slot, v.slot}), 0);
      return {};
    }
    case Opcode::RefFunc: {
      Entry d = pushTemp(ValType::funcref());
      markDst(emit(opRefFunc, {d.slot, in.index}), 0);
      return {};
    }
    case Opcode::MemorySize: {
      Entry d = pushTemp(ValType::i32());
      markDst(emit(opMemorySize, {d.slot}), 0);
      return {};
    }
    case Opcode::MemoryGrow: {
      Entry delta = pop();
      Entry d = pushTemp(ValType::i32());
      markDst(emit(opMemoryGrow, {d.slot, delta.slot}), 0);
      return {};
    }
    case Opcode::MemoryFill: {
      Entry n = pop(), v = pop(), d = pop();
      emit(meter_ ? opMemoryFill<true> : opMemoryFill<false>, {d.slot, v.slot, n.slot});
      return {};
    }
    case Opcode::MemoryCopy: {
      Entry n = pop(), s = pop(), d = pop();
      emit(meter_ ? opMemoryCopy<true> : opMemoryCopy<false>, {d.slot, s.slot, n.slot});
      return {};
    }
    case Opcode::MemoryInit: {
      Entry n = pop(), s = pop(), d = pop();
      emit(meter_ ? opMemoryInit<true> : opMemoryInit<false>, {d.slot, s.slot, n.slot, in.index});
      return {};
    }
    case Opcode::DataDrop: emit(opDataDrop, {in.index}); return {};
    case Opcode::TableGet: {
      Entry i = pop();
      Entry d = pushTemp(ValType::funcref());
      markDst(emit(opTableGet, {d.slot, i.slot, in.index}), 0);
      return {};
    }
    case Opcode::TableSet: {
      Entry v = pop(), i = pop();
      emit(opTableSet, {i.slot, v.slot, in.index});
      return {};
    }
    case Opcode::TableSize: {
      Entry d = pushTemp(ValType::i32());
      markDst(emit(opTableSize, {d.slot, in.index}), 0);
      return {};
    }
    case Opcode::TableGrow: {
      Entry n = pop(), init = pop();
      Entry d = pushTemp(ValType::i32());
      markDst(emit(opTableGrow, {d.slot, init.slot, n.slot, in.index}), 0);
      return {};
    }
    case Opcode::TableFill: {
      Entry n = pop(), v = pop(), i = pop();
      emit(meter_ ? opTableFill<true> : opTableFill<false>, {i.slot, v.slot, n.slot, in.index});
      return {};
    }
    case Opcode::TableCopy: {
      Entry n = pop(), s = pop(), d = pop();
      emit(meter_ ? opTableCopy<true> : opTableCopy<false>, {d.slot, s.slot, n.slot, in.index, in.index2});
      return {};
    }
    case Opcode::TableInit: {
      Entry n = pop(), s = pop(), d = pop();
      emit(meter_ ? opTableInit<true> : opTableInit<false>, {d.slot, s.slot, n.slot, in.index2, in.index});
      return {};
    }
    case Opcode::ElemDrop: emit(opElemDrop, {in.index}); return {};
    default: break;
  }

  // Memory accesses.
  Handler h = nullptr;
  enum { Load, Store, LoadLane, StoreLane } shape = Load;
  if ((h = loadHandler(op))) {
    shape = Load;
  } else if ((h = storeHandler(op))) {
    shape = Store;
  } else {
    switch (op) {
      case Opcode::V128Load: h = opLoadV128; break;
      case Opcode::V128Load8x8S: h = opLoadExtend<int8_t, int16_t>; break;
      case Opcode::V128Load8x8U: h = opLoadExtend<uint8_t, uint16_t>; break;
      case Opcode::V128Load16x4S: h = opLoadExtend<int16_t, int32_t>; break;
      case Opcode::V128Load16x4U: h = opLoadExtend<uint16_t, uint32_t>; break;
      case Opcode::V128Load32x2S: h = opLoadExtend<int32_t, int64_t>; break;
      case Opcode::V128Load32x2U: h = opLoadExtend<uint32_t, uint64_t>; break;
      case Opcode::V128Load8Splat: h = opLoadSplat<uint8_t>; break;
      case Opcode::V128Load16Splat: h = opLoadSplat<uint16_t>; break;
      case Opcode::V128Load32Splat: h = opLoadSplat<uint32_t>; break;
      case Opcode::V128Load64Splat: h = opLoadSplat<uint64_t>; break;
      case Opcode::V128Load32Zero: h = opLoadZero<uint32_t>; break;
      case Opcode::V128Load64Zero: h = opLoadZero<uint64_t>; break;
      case Opcode::V128Store:
        h = opStoreRaw<16>;
        shape = Store;
        break;
      case Opcode::V128Load8Lane:
        h = opLoadLane<uint8_t>;
        shape = LoadLane;
        break;
      case Opcode::V128Load16Lane:
        h = opLoadLane<uint16_t>;
        shape = LoadLane;
        break;
      case Opcode::V128Load32Lane:
        h = opLoadLane<uint32_t>;
        shape = LoadLane;
        break;
      case Opcode::V128Load64Lane:
        h = opLoadLane<uint64_t>;
        shape = LoadLane;
        break;
      case Opcode::V128Store8Lane:
        h = opStoreLane<uint8_t>;
        shape = StoreLane;
        break;
      case Opcode::V128Store16Lane:
        h = opStoreLane<uint16_t>;
        shape = StoreLane;
        break;
      case Opcode::V128Store32Lane:
        h = opStoreLane<uint32_t>;
        shape = StoreLane;
        break;
      case Opcode::V128Store64Lane:
        h = opStoreLane<uint64_t>;
        shape = StoreLane;
        break;
      default:
        return makeError(std::string("interpreter: unsupported instruction ") + std::string(opName(op)),
                         in.offset);
    }
  }
  if (in.mem.offset > UINT32_MAX) return makeError("interpreter: memory offset beyond 32 bits", in.offset);
  uint32_t offset = static_cast<uint32_t>(in.mem.offset);
  switch (shape) {
    case Load: {
      Entry addr = pop();
      ValType rt = opInfo(op).sig.result == ValType::V128 ? ValType::v128() : ValType::i64();
      if (fuse_ && addr.kind == Entry::Local && stepInstr_ != UINT32_MAX && stepOp_ == Opcode::I32Add &&
          stepInstr_ + WORDS(3) == here() && lastLabel_ <= stepInstr_ &&
          operandOf(stepInstr_, 0) == addr.slot) {
        if (Handler f = stepLoadHandler(op)) {
          uint32_t x = operandOf(stepInstr_, 0), a = operandOf(stepInstr_, 1), b = operandOf(stepInstr_, 2);
          truncate(stepInstr_);
          stepInstr_ = UINT32_MAX;
          Entry d = pushTemp(rt);
          markDst(emitOps(f, {x, a, b, d.slot, offset}), 3);
          return {};
        }
      }
      if (auto ia = fuse_ ? lastIndexedAddress(addr, stack_.size() + 1) : std::nullopt) {
        if (Handler f = loadIdxHandler(op)) {
          truncate(lastChain_.instr);
          lastChain_ = {};
          Entry d = pushTemp(rt);
          markDst(emitOps(f, {d.slot, (*ia)[0], (*ia)[1], (*ia)[2], offset}), 0);
          return {};
        }
      }
      if (fuse_ && lastOp_ == Opcode::I32Add && !lastIsLoadAdd_ && isLastResult(addr, stack_.size() + 1)) {
        if (Handler f = loadAddHandler(op)) {
          std::vector<uint32_t> ops = takeLastOp();
          Entry d = pushTemp(rt);
          uint32_t instr = emitOps(f, {d.slot, ops[0], ops[1], offset});
          markDst(instr, 0);
          lastOp_ = op;  // a further consumer may fuse with this load
          lastOpInstr_ = instr;
          lastIsLoadAdd_ = true;
          return {};
        }
      }
      Entry d = pushTemp(rt);
      uint32_t instr = emit(h, {d.slot, addr.slot, offset});
      markDst(instr, 0);
      lastOp_ = op;
      lastOpInstr_ = instr;
      lastIsLoadAdd_ = false;
      lastLoad_ = {op, instr, h};
      return {};
    }
    case Store: {
      Entry v = pop(), addr = pop();
      if (fuse_ && isLastResult(v, stack_.size() + 2) && rmw_.instr == lastOpInstr_) {
        uint32_t la = operandOf(rmw_.instr, 1), lo = operandOf(rmw_.instr, 2),
                 other = operandOf(rmw_.instr, 3);
        // Storing where it loaded: the address is read once.
        bool inPlace = la == addr.slot && lo == offset;
        auto storeAt = [&](std::vector<uint32_t> ops) {
          if (!inPlace) ops.insert(ops.end(), {addr.slot, offset});
          return ops;
        };
        if (Handler f = loadOpStoreHandler(rmw_.load, rmw_.op, rmw_.pos, op, inPlace)) {
          // "p[i] += x * y * z": the other operand is the temp result of a
          // chain of two multiplies right before.
          if (Handler g = chainedProduct(other, rmw_.instr)) {
            if (Handler k =
                    chainRmwHandler(rmw_.load, lastChain_.p, lastChain_.pos, rmw_.op, rmw_.pos, inPlace)) {
              (void)g;
              uint32_t x = operandOf(lastChain_.instr, 1), y = operandOf(lastChain_.instr, 2),
                       z = operandOf(lastChain_.instr, 3);
              truncate(lastChain_.instr);
              rmw_.instr = UINT32_MAX;
              lastChain_ = {};
              emitOps(k, storeAt({x, y, z, la, lo}));
              return {};
            }
          }
          // "y[j] += a * x[j]": the RMW's other operand is the temp result of
          // the load+op right before it.
          const LoadOp& m = prevLoadOp_;
          if (m.instr != UINT32_MAX && m.end() == rmw_.instr && code_[m.instr].h == m.h &&
              lastLabel_ <= m.instr && operandOf(m.instr, 0) == other && other >= tempBase_) {
            if (Handler g = loadOpRmwHandler(m.load, m.op, m.pos, m.withAdd, rmw_.op, rmw_.pos, inPlace)) {
              unsigned na = m.withAdd ? 2 : 1;
              std::vector<uint32_t> ops;
              for (unsigned k = 0; k < na + 2; ++k)
                ops.push_back(operandOf(m.instr, 1 + k));  // addr.., off, other
              ops.insert(ops.end(), {la, lo});
              truncate(m.instr);
              rmw_.instr = UINT32_MAX;
              prevLoadOp_ = lastLoadOp_ = {};
              emitOps(g, storeAt(ops));
              return {};
            }
          }
          truncate(rmw_.instr);
          rmw_.instr = UINT32_MAX;
          emitOps(f, storeAt({la, lo, other}));
          return {};
        }
      }
      if (fuse_ && isLastResult(v, stack_.size() + 2) && opInfo(lastOp_).sig.numParams == 2) {
        // "p[i] -= x * y * z" with p[i] loaded first: the load, the product
        // chain and the op right before.
        uint32_t a0 = operandOf(lastOpInstr_, 1), a1 = operandOf(lastOpInstr_, 2);
        for (unsigned posA = 0; posA < 2; ++posA) {
          uint32_t loaded = posA == 0 ? a0 : a1, product = posA == 0 ? a1 : a0;
          if (!chainedProduct(product, lastOpInstr_) || lastLoad_.instr == UINT32_MAX ||
              lastLoad_.instr + WORDS(3) != lastChain_.instr || code_[lastLoad_.instr].h != lastLoad_.h ||
              operandOf(lastLoad_.instr, 0) != loaded || loaded < tempBase_ || lastLabel_ > lastLoad_.instr)
            continue;
          uint32_t la = operandOf(lastLoad_.instr, 1), lo = operandOf(lastLoad_.instr, 2);
          bool inPlace = la == addr.slot && lo == offset;
          Handler k = chainRmwHandler(lastLoad_.op, lastChain_.p, lastChain_.pos, lastOp_, posA, inPlace);
          if (!k || opInfo(op).sig.params[1] != opInfo(lastLoad_.op).sig.result) continue;
          uint32_t x = operandOf(lastChain_.instr, 1), y = operandOf(lastChain_.instr, 2),
                   z = operandOf(lastChain_.instr, 3);
          truncate(lastLoad_.instr);
          lastOpInstr_ = UINT32_MAX;
          lastChain_ = {};
          lastLoad_ = {};
          std::vector<uint32_t> ops = {x, y, z, la, lo};
          if (!inPlace) ops.insert(ops.end(), {addr.slot, offset});
          emitOps(k, ops);
          return {};
        }
      }
      if (fuse_ && isLastResult(v, stack_.size() + 2)) {
        if (Handler f = opStoreHandler(lastOp_, op)) {
          std::vector<uint32_t> ops = takeLastOp();
          emitOps(f, {addr.slot, ops[0], ops[1], offset});
          return {};
        }
      }
      if (auto ia = fuse_ ? lastIndexedAddress(addr, stack_.size() + 1) : std::nullopt) {
        if (Handler f = storeIdxHandler(op)) {
          truncate(lastChain_.instr);
          lastChain_ = {};
          emitOps(f, {(*ia)[0], (*ia)[1], (*ia)[2], v.slot, offset});
          return {};
        }
      }
      if (fuse_ && lastOp_ == Opcode::I32Add && !lastIsLoadAdd_ && isLastResult(addr, stack_.size() + 1)) {
        if (Handler f = storeAddHandler(op)) {
          std::vector<uint32_t> ops = takeLastOp();
          emitOps(f, {ops[0], ops[1], v.slot, offset});
          return {};
        }
      }
      emit(h, {addr.slot, v.slot, offset});
      return {};
    }
    case LoadLane: {
      Entry vec = pop(), addr = pop();
      Entry d = pushTemp(ValType::v128());
      markDst(emit(h, {d.slot, addr.slot, offset, vec.slot, in.lane}), 0);
      return {};
    }
    case StoreLane: {
      Entry vec = pop(), addr = pop();
      emit(h, {addr.slot, vec.slot, offset, in.lane});
      return {};
    }
  }
  return {};
}

}  // namespace

Expected<std::shared_ptr<const CompiledModule>> compileModule(const Module& module,
                                                              const CompileOptions& options) {
  auto cm = std::make_shared<CompiledModule>();
  cm->funcs.resize(module.functions.size());
  for (const FuncType& t : module.types) cm->typeIds.push_back(TypeRegistry::instance().intern(t));
  cm->codeChunks.resize(module.functions.size());
  // Functions compile independently (a call refers to its callee's
  // CompiledFunc by address, and those are all allocated above), so large
  // modules use two threads; the error reported is still the first one.
  size_t codeBytes = 0;
  for (const Function& f : module.functions) codeBytes += f.body.size;
  Error errors[kMaxWorkers];
  CompileScratch scratch[kMaxWorkers];
  std::vector<ParamLayout> layouts = paramLayouts(module);
  FirstFailure bad =
      forEachUntilFailure(module.functions.size(), workersFor(codeBytes), 64, [&](unsigned w, size_t i) {
        if (options.interrupt.requested()) {
          errors[w] = makeError(kLoadInterruptedMessage);
          return false;
        }
        FunctionCompiler fc(module, *cm, uint32_t(i), options, layouts, scratch[w]);
        auto done = fc.compile(cm->funcs[i], cm->codeChunks[i]);
        if (!done.ok()) {
          errors[w] = done.takeError();
          return false;
        }
        cm->funcs[i].code = cm->codeChunks[i].data();
        return true;
      });
  if (bad.index != module.functions.size()) return std::move(errors[bad.worker]);
  return std::shared_ptr<const CompiledModule>(std::move(cm));
}

const void* functionCode(const CompiledModule& cm, uint32_t definedIndex) { return &cm.funcs[definedIndex]; }

}  // namespace wharf::interp
