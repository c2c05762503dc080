#include "validate/validator.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "binary/instr_reader.h"
#include "binary/parallel.h"
#include "common/opcodes.h"

namespace wharf {

bool isSubtype(ValType a, ValType b) { return a == b; }

namespace {

constexpr ValType kKindType[] = {ValType::i32(), ValType::i64(), ValType::f32(), ValType::f64(),
                                 ValType::v128()};

// An operand type on the validator's stack: a ValType packed canonically into
// 64 bits (kind, then for references heap type, nullability and a type index
// that only a type-index heap type keeps), so equal types have equal bits.
// Besides making equality one compare, storing a plain integer does not, to
// type-based alias analysis, clobber the validator's counters the way storing
// a ValType (which has char-typed fields) does.
struct Operand {
  uint64_t bits = 0;

  static constexpr Operand of(ValType t) {
    uint64_t b = t.kind();
    if (t.isRef()) {
      b |= uint64_t(t.heapType()) << 8 | uint64_t(t.nullable()) << 16;
      if (t.heapType() == HeapType::Index) b |= uint64_t(t.typeIndex()) << 32;
    }
    return Operand{b};
  }
  static constexpr Operand bottom() { return of(ValType::bottom()); }

  ValType type() const {
    switch (kind()) {
      case ValType::I32: return ValType::i32();
      case ValType::I64: return ValType::i64();
      case ValType::F32: return ValType::f32();
      case ValType::F64: return ValType::f64();
      case ValType::V128: return ValType::v128();
      case ValType::Ref:
        return ValType::ref(HeapType((bits >> 8) & 0xFF), (bits >> 16) & 1, uint32_t(bits >> 32));
      case ValType::Bottom: break;
    }
    return ValType::bottom();
  }
  constexpr ValType::Kind kind() const { return ValType::Kind(bits & 0xFF); }
  constexpr bool isBottom() const { return kind() == ValType::Bottom; }
  constexpr bool isRef() const { return kind() == ValType::Ref; }
  // Unknown (bottom) operands only appear in unreachable code; counting them
  // as 2 slots keeps maxStackSlots an upper bound whatever they stand for.
  constexpr uint32_t slots() const { return (bits & 0xFD) == ValType::V128 ? 2 : 1; }  // V128 or Bottom
  constexpr bool operator==(const Operand&) const = default;
};
static_assert((ValType::Bottom & 0xFD) == ValType::V128);

// Operand matching on the validator's stack, where either side may be unknown.
inline bool matches(Operand actual, Operand expected) {
  return actual.isBottom() || expected.isBottom() || isSubtype(actual.type(), expected.type());
}

std::string indexed(std::string_view what, uint64_t index) {
  std::string s(what);
  s += ' ';
  s += std::to_string(index);
  return s;
}

// What the validator checks of an opcode's immediates, by immediate kind.
enum class ImmCheck : uint8_t {
  None,         // no immediate to check
  MemArg,       // memory 0 must exist, alignment at most natural
  MemArgLane,   // the same plus a lane index
  Lane,         // a lane index
  Other,        // rarer immediates, checked by FunctionValidator::checkImmediate
  Unsupported,  // no signature and no hand-written rule
};

// Per-opcode facts for the paths that do not know the opcode at compile time,
// or that need laneCount() (which inspects mnemonics) or
// naturalAlignmentLog2() (out of line); tabulated once in one dense row per
// opcode (OpInfo is much larger).
struct OpRow {
  uint8_t numParams = 0;
  uint8_t numResults = 0;
  ValType::Kind params[3] = {};
  ValType::Kind result = ValType::I32;
  int8_t naturalAlign = -1;
  uint8_t lanes = 0;
};

// How simple<Op> checks an opcode's immediates (a constant per opcode).
constexpr ImmCheck immCheckOf(Opcode op) {
  const OpInfo& info = kOpInfo[static_cast<uint16_t>(op)];
  if (!info.sig.known) return ImmCheck::Unsupported;
  switch (info.imm) {
    case ImmKind::None:
    case ImmKind::I32:
    case ImmKind::I64:
    case ImmKind::F32:
    case ImmKind::F64:
    case ImmKind::V128: return ImmCheck::None;
    case ImmKind::MemArg: return ImmCheck::MemArg;
    case ImmKind::MemArgLane: return ImmCheck::MemArgLane;
    case ImmKind::Lane: return ImmCheck::Lane;
    case ImmKind::Shuffle:
    case ImmKind::Memory:
    case ImmKind::MemoryInit:
    case ImmKind::Data:
    case ImmKind::MemoryCopy:
    case ImmKind::TableInit:
    case ImmKind::Elem:
    case ImmKind::TableCopy: return ImmCheck::Other;
    default: return ImmCheck::Unsupported;
  }
}

const std::array<OpRow, kNumOpcodes> kOpRows = [] {
  std::array<OpRow, kNumOpcodes> rows{};
  for (uint16_t i = 0; i < kNumOpcodes; ++i) {
    const OpInfo& info = kOpInfo[i];
    OpRow& r = rows[i];
    r.naturalAlign = static_cast<int8_t>(naturalAlignmentLog2(static_cast<Opcode>(i)));
    r.lanes = static_cast<uint8_t>(laneCount(static_cast<Opcode>(i)));
    r.numParams = info.sig.numParams;
    r.numResults = info.sig.numResults;
    for (uint8_t k = 0; k < info.sig.numParams; ++k) r.params[k] = info.sig.params[k];
    r.result = info.sig.result;
  }
  return rows;
}();

// Functions handed to a validation thread at a time.
constexpr size_t kFunctionsPerChunk = 16;

// Above this many locals (parameters included) local types are looked up in
// the declared runs instead of a flat table.
constexpr uint64_t kMaxFlatLocals = uint64_t{1} << 20;

// A sequence of value types living elsewhere (a FuncType or a control frame).
struct TypeList {
  const ValType* data = nullptr;
  uint32_t size = 0;
};

inline TypeList listOf(const std::vector<ValType>& v) { return {v.data(), static_cast<uint32_t>(v.size())}; }

// The shared failure slot: validation helpers return false after filling it,
// which keeps the per-instruction paths free of Expected<> construction.
struct Failure {
  Error error;
  bool fail(std::string message, uint64_t offset) {
    error = makeError(std::move(message), offset);
    return false;
  }
};

// The hot part of a function validator's state, copied into a local so that
// the compiler can keep it in registers in the fast loop of validate().
struct Regs {
  Operand* vals;       // the operand stack
  uint32_t size;       // its height
  uint32_t slots;      // its height in slots
  uint32_t maxValues;  // the largest height so far
  uint32_t maxSlots;   // the same in slots
  uint32_t height;     // the innermost block's base

  [[gnu::always_inline]] void push(Operand t) {
    vals[size++] = t;
    slots += t.slots();
    maxValues = std::max(maxValues, size);
    maxSlots = std::max(maxSlots, slots);
  }
  // Pops `t` if it is exactly the top operand above the innermost block's base.
  [[gnu::always_inline]] bool popExact(Operand t) {
    if (size <= height || vals[size - 1] != t) return false;
    --size;
    slots -= t.slots();
    return true;
  }
};

// A table-typed instruction's operands: when they are exactly the signature's
// types above the innermost block's base, pops them and pushes the result;
// otherwise changes nothing and returns false (the caller then decides with
// unknown operands and errors in mind).
template <Opcode Op>
[[gnu::always_inline]] inline bool exactOperands(Regs& r) {
  constexpr OpSignature sig = kOpInfo[static_cast<uint16_t>(Op)].sig;
  constexpr uint32_t n = sig.numParams;
  if (r.size - r.height < n) return false;
  const Operand* top = r.vals + r.size - n;
  bool exact = [&]<size_t... I>(std::index_sequence<I...>) {
    return (true && ... && (top[I].kind() == sig.params[I]));
  }(std::make_index_sequence<n>{});
  if (!exact) return false;
  constexpr uint32_t paramSlots = [] {
    uint32_t k = 0;
    for (uint32_t i = 0; i < sig.numParams; ++i) k += sig.params[i] == ValType::V128 ? 2 : 1;
    return k;
  }();
  r.size -= n;
  r.slots -= paramSlots;
  if constexpr (sig.numResults != 0) r.push(Operand::of(kKindType[sig.result]));
  return true;
}

// ---------------------------------------------------------------------------
// Function bodies: the operand-stack + control-stack algorithm of the spec's
// validation appendix, reading instructions in place.
//
// Speed matters here (a 30 MB module has 12 million instructions), so the
// operand stack is a bare array: validate() sizes it so that every
// instruction can push one value without a capacity check (each takes at
// least one byte of the body), and only pushes of whole type lists check.

class FunctionValidator {
 public:
  FunctionValidator(const Module& m, const std::vector<bool>& refs, Failure& failure,
                    const LoadInterrupt* interrupt)
      : m_(m),
        refs_(refs),
        f_(failure),
        interrupt_(interrupt),
        reader_(std::span<const uint8_t>(m.bytes), 0, 0) {}

  bool validate(const Function& func, const FuncType& type, FunctionValidationInfo* info);

 private:
  struct Frame {
    Opcode op;            // Block, Loop, If, Else, or End for the function body
    bool unreachable;     // the rest of this block is stack-polymorphic
    bool inlineResult;    // results is the single type stored in `single`
    uint32_t height;      // operand stack height at block entry (params excluded)
    uint32_t slotHeight;  // the same in slots
    uint32_t offset;      // of the opening instruction
    const ValType* params;
    uint32_t numParams;
    const ValType* results;  // unless inlineResult
    uint32_t numResults;
    ValType single;
  };

  static TypeList paramsOf(const Frame& fr) { return {fr.params, fr.numParams}; }
  static TypeList resultsOf(const Frame& fr) {
    return {fr.inlineResult ? &fr.single : fr.results, fr.numResults};
  }
  static TypeList labelTypes(const Frame& fr) { return fr.op == Opcode::Loop ? paramsOf(fr) : resultsOf(fr); }

  [[gnu::noinline]] bool fail(std::string message) { return f_.fail(std::move(message), at_); }
  [[gnu::noinline]] bool mismatch() { return fail("type mismatch"); }

  // Room for `n` more values beyond the one-per-remaining-byte reserve.
  [[gnu::always_inline]] void reserveExtra(uint32_t n) {
    uint64_t need = uint64_t(size_) + n + (bodyEnd_ - reader_.position()) + kStackSlack;
    if (need > stack_.size()) [[unlikely]]
      grow(need);
  }
  [[gnu::noinline]] void grow(uint64_t need) {
    stack_.resize(std::max<uint64_t>(need, stack_.size() * 2));
    vals_ = stack_.data();
  }

  [[gnu::always_inline]] void push(Operand t) {
    vals_[size_++] = t;
    slots_ += t.slots();
    maxValues_ = std::max(maxValues_, size_);
    maxSlots_ = std::max(maxSlots_, slots_);
  }
  [[gnu::always_inline]] void push(ValType t) { push(Operand::of(t)); }
  [[gnu::always_inline]] void pushList(TypeList l) {
    reserveExtra(l.size);
    for (uint32_t i = 0; i < l.size; ++i) push(l.data[i]);
  }
  [[gnu::always_inline]] bool popAny(Operand* out) {
    const Frame& fr = ctrl_.back();
    if (size_ == fr.height) [[unlikely]] {
      if (!fr.unreachable) return mismatch();
      *out = Operand::bottom();
      return true;
    }
    *out = vals_[--size_];
    slots_ -= out->slots();
    return true;
  }
  [[gnu::always_inline]] bool pop(Operand expected) {
    const Frame& fr = ctrl_.back();
    if (size_ > fr.height && vals_[size_ - 1] == expected) [[likely]] {
      --size_;
      slots_ -= expected.slots();
      return true;
    }
    return popSlow(expected);
  }
  [[gnu::always_inline]] bool pop(ValType expected) { return pop(Operand::of(expected)); }
  [[gnu::noinline]] bool popSlow(Operand expected) {
    Operand got;
    if (!popAny(&got)) return false;
    return matches(got, expected) || mismatch();
  }
  bool popList(TypeList l) {
    for (uint32_t i = l.size; i-- > 0;)
      if (!pop(l.data[i])) return false;
    return true;
  }
  // Checks the top of the stack against `l` without consuming it (br_if's
  // and br_table's pop-then-push-back, done in place).
  bool peekList(TypeList l) {
    const Frame& fr = ctrl_.back();
    uint32_t avail = size_ - fr.height;
    for (uint32_t k = 0; k < l.size; ++k) {
      Operand expected = Operand::of(l.data[l.size - 1 - k]);
      if (k >= avail) return fr.unreachable || mismatch();
      if (!matches(vals_[size_ - 1 - k], expected)) return mismatch();
    }
    return true;
  }
  void setUnreachable() {
    Frame& fr = ctrl_.back();
    size_ = fr.height;
    slots_ = fr.slotHeight;
    fr.unreachable = true;
  }
  void pushFrame(Opcode op, TypeList params, const ValType* results, uint32_t numResults, bool inlineResult,
                 ValType single) {
    Frame fr;
    fr.op = op;
    fr.unreachable = false;
    fr.inlineResult = inlineResult;
    fr.height = size_;
    fr.slotHeight = slots_;
    fr.offset = at_;
    fr.params = params.data;
    fr.numParams = params.size;
    fr.results = results;
    fr.numResults = numResults;
    fr.single = single;
    ctrl_.push_back(fr);
    maxControl_ = std::max(maxControl_, static_cast<uint32_t>(ctrl_.size()));
    if (params.size) pushList(params);
  }
  // Pops the block's results and requires the stack to be back at its entry height.
  bool popFrameResults(const Frame& fr) {
    if (!popList(resultsOf(fr))) return false;
    return size_ == fr.height || mismatch();
  }

  Regs loadRegs() const { return {vals_, size_, slots_, maxValues_, maxSlots_, ctrl_.back().height}; }
  void storeRegs(const Regs& r) {
    size_ = r.size;
    slots_ = r.slots;
    maxValues_ = r.maxValues;
    maxSlots_ = r.maxSlots;
  }
  template <Opcode Op>
  [[gnu::always_inline]] bool fastOp(const uint8_t* d, uint32_t& q, Regs& r);
  [[gnu::noinline]] bool step(uint32_t pos);

  bool startBlock(const Instr& in);
  bool end();
  [[gnu::always_inline]] bool local(uint32_t index, Operand* type) {
    if (index < numFlatLocals_) [[likely]] {
      *type = locals_[index];
      return true;
    }
    return localSlow(index, type);
  }
  bool localSlow(uint32_t index, Operand* type);
  bool checkMemory(uint32_t index) {
    return index < m_.memories.size() || fail(indexed("unknown memory", index));
  }
  bool checkTable(uint32_t index) {
    return index < m_.tables.size() || fail(indexed("unknown table", index));
  }
  bool checkLabel(uint32_t depth) { return depth < ctrl_.size() || fail(indexed("unknown label", depth)); }
  const Frame& label(uint32_t depth) const { return ctrl_[ctrl_.size() - 1 - depth]; }
  bool checkAlign(const Instr& in, const OpRow& row) {
    return in.mem.alignLog2 <= uint32_t(row.naturalAlign) ||
           fail("alignment must not be larger than natural");
  }
  bool checkLane(const Instr& in, const OpRow& row) {
    return in.lane < row.lanes || fail("invalid lane index");
  }
  bool checkDataIndex(uint32_t index) {
    // memory.init and data.drop are only allowed with a data count section,
    // so single-pass decoders know the number of segments.
    if (!m_.dataCount) return fail("data count section required");
    return index < m_.datas.size() || fail(indexed("unknown data segment", index));
  }
  bool checkElemIndex(uint32_t index) {
    return index < m_.elems.size() || fail(indexed("unknown elem segment", index));
  }
  bool checkImmediate(const Instr& in, const OpRow& row);
  template <Opcode Op>
  [[gnu::always_inline]] bool simple(const Instr& in);
  bool simpleOperands(const OpRow& row);
  // Types one instruction whose immediates have been read.
  template <Opcode Op>
  [[gnu::always_inline]] bool op(const Instr& in);
  [[gnu::noinline]] bool readFailed() {
    f_.error = reader_.error();
    return false;
  }

  static constexpr uint32_t kStackSlack = 8;
  static constexpr uint32_t kPollInterval = 4096;  // slow-path instructions between interrupt polls

  const Module& m_;
  const std::vector<bool>& refs_;
  Failure& f_;
  const LoadInterrupt* interrupt_;
  const FuncType* type_ = nullptr;
  const Function* func_ = nullptr;
  uint32_t at_ = 0;  // offset of the instruction being validated
  uint32_t bodyEnd_ = 0;
  bool hasMemory_ = false;

  // The operand stack: vals_[0, size_) within stack_.
  Operand* vals_ = nullptr;
  uint32_t size_ = 0;
  uint32_t slots_ = 0;  // current operand stack height in slots
  uint32_t maxValues_ = 0, maxSlots_ = 0, maxControl_ = 0;

  // Reused across functions so validation allocates only while they grow.
  std::vector<Operand> stack_;
  std::vector<Frame> ctrl_;
  std::vector<Operand> locals_;  // parameters then declared locals, if at most kMaxFlatLocals
  uint32_t numFlatLocals_ = 0;
  bool flatLocals_ = true;
  std::vector<uint32_t> localEnds_;  // otherwise: cumulative ends of the declared runs
  InstrReader reader_;
};

bool FunctionValidator::localSlow(uint32_t index, Operand* type) {
  uint32_t numParams = static_cast<uint32_t>(type_->params.size());
  if (!flatLocals_ && index < numParams) {
    *type = Operand::of(type_->params[index]);
    return true;
  }
  if (!flatLocals_) {
    auto it = std::upper_bound(localEnds_.begin(), localEnds_.end(), uint64_t(index) - numParams);
    if (it != localEnds_.end()) {
      *type = Operand::of(func_->locals[it - localEnds_.begin()].type);
      return true;
    }
  }
  return fail(indexed("unknown local", index));
}

bool FunctionValidator::startBlock(const Instr& in) {
  TypeList params;
  const ValType* results = nullptr;
  uint32_t numResults = 0;
  bool inlineResult = false;
  ValType single;
  switch (in.block.kind) {
    case BlockType::Empty: break;
    case BlockType::Value:
      inlineResult = true;
      single = in.block.type;
      numResults = 1;
      break;
    case BlockType::TypeIndex: {
      if (in.block.index >= m_.types.size()) return fail(indexed("unknown type", in.block.index));
      const FuncType& ft = m_.types[in.block.index];
      params = listOf(ft.params);
      results = ft.results.data();
      numResults = static_cast<uint32_t>(ft.results.size());
      break;
    }
  }
  if (in.op == Opcode::If && !pop(ValType::i32())) return false;
  if (!popList(params)) return false;
  pushFrame(in.op, params, results, numResults, inlineResult, single);
  return true;
}

bool FunctionValidator::end() {
  Frame fr = ctrl_.back();
  if (!popFrameResults(fr)) return false;
  if (fr.op == Opcode::If) {
    // The missing else passes the parameters through unchanged, which
    // type-checks only when they match the results.
    ctrl_.back().unreachable = false;
    pushList(paramsOf(fr));
    if (!popFrameResults(fr)) return false;
  }
  ctrl_.pop_back();
  if (!ctrl_.empty()) pushList(resultsOf(fr));
  return true;
}

// Immediates of the rarer table-typed instructions.
bool FunctionValidator::checkImmediate(const Instr& in, const OpRow& row) {
  switch (opInfo(in.op).imm) {
    case ImmKind::Shuffle:
      for (uint8_t lane : in.v128.bytes)
        if (lane >= 32) return fail("invalid lane index");
      return true;
    case ImmKind::Memory:  // memory.fill
      return checkMemory(in.index);
    case ImmKind::MemoryInit: return checkMemory(in.index2) && checkDataIndex(in.index);
    case ImmKind::Data: return checkDataIndex(in.index);
    case ImmKind::MemoryCopy: return checkMemory(in.index) && checkMemory(in.index2);
    case ImmKind::TableInit:
      if (!checkTable(in.index2) || !checkElemIndex(in.index)) return false;
      if (!isSubtype(m_.elems[in.index].type, m_.tables[in.index2].elem)) return mismatch();
      return true;
    case ImmKind::Elem: return checkElemIndex(in.index);
    case ImmKind::TableCopy:
      if (!checkTable(in.index) || !checkTable(in.index2)) return false;
      if (!isSubtype(m_.tables[in.index2].elem, m_.tables[in.index].elem)) return mismatch();
      return true;
    default: return true;
  }
}

// Operands of a table-typed instruction when the fast path does not apply:
// too few values above the block's base, unknown operands or a mismatch.
bool FunctionValidator::simpleOperands(const OpRow& row) {
  for (size_t i = row.numParams; i-- > 0;)
    if (!pop(kKindType[row.params[i]])) return false;
  if (row.numResults) push(kKindType[row.result]);
  return true;
}

// Instructions whose operand types come from the opcode table; their
// immediates are checked by kind. Instantiated per opcode, so the signature
// is a constant.
template <Opcode Op>
bool FunctionValidator::simple(const Instr& in) {
  constexpr const OpInfo& info = kOpInfo[static_cast<uint16_t>(Op)];
  const OpRow& row = kOpRows[static_cast<uint16_t>(Op)];
  if constexpr (immCheckOf(Op) == ImmCheck::MemArg) {
    if (!hasMemory_) [[unlikely]]
      return checkMemory(in.mem.memory);
    if (!checkAlign(in, row)) return false;
  } else if constexpr (immCheckOf(Op) == ImmCheck::MemArgLane) {
    if (!checkMemory(in.mem.memory) || !checkAlign(in, row) || !checkLane(in, row)) return false;
  } else if constexpr (immCheckOf(Op) == ImmCheck::Lane) {
    if (!checkLane(in, row)) return false;
  } else if constexpr (immCheckOf(Op) == ImmCheck::Other) {
    if (!checkImmediate(in, row)) return false;
  } else if constexpr (immCheckOf(Op) == ImmCheck::Unsupported) {
    // Signature-less instructions are all typed by hand in op().
    return fail(std::string("unsupported instruction ") + std::string(info.text));
  }
  if constexpr (immCheckOf(Op) != ImmCheck::Unsupported) {
    Regs r = loadRegs();
    if (exactOperands<Op>(r)) [[likely]] {
      storeRegs(r);
      return true;
    }
    return simpleOperands(row);
  }
}

template <Opcode Op>
bool FunctionValidator::op(const Instr& in) {
  if constexpr (Op == Opcode::Unreachable) {
    setUnreachable();
    return true;
  } else if constexpr (Op == Opcode::Block || Op == Opcode::Loop || Op == Opcode::If) {
    return startBlock(in);
  } else if constexpr (Op == Opcode::Else) {
    if (ctrl_.back().op != Opcode::If) return fail("else without matching if");
    Frame& fr = ctrl_.back();
    if (!popFrameResults(fr)) return false;
    fr.op = Opcode::Else;
    fr.unreachable = false;
    pushList(paramsOf(fr));
    return true;
  } else if constexpr (Op == Opcode::End) {
    return end();
  } else if constexpr (Op == Opcode::Br) {
    if (!checkLabel(in.index) || !popList(labelTypes(label(in.index)))) return false;
    setUnreachable();
    return true;
  } else if constexpr (Op == Opcode::BrIf) {
    if (!checkLabel(in.index) || !pop(ValType::i32())) return false;
    TypeList l = labelTypes(label(in.index));
    if (!popList(l)) return false;
    pushList(l);
    return true;
  } else if constexpr (Op == Opcode::BrTable) {
    if (!pop(ValType::i32()) || !checkLabel(in.brDefault)) return false;
    uint32_t arity = labelTypes(label(in.brDefault)).size;
    for (uint32_t target : in.brTargets) {
      if (!checkLabel(target)) return false;
      TypeList l = labelTypes(label(target));
      if (l.size != arity || !peekList(l)) return mismatch();
    }
    if (!popList(labelTypes(label(in.brDefault)))) return false;
    setUnreachable();
    return true;
  } else if constexpr (Op == Opcode::Return) {
    if (!popList(listOf(type_->results))) return false;
    setUnreachable();
    return true;
  } else if constexpr (Op == Opcode::Call) {
    if (in.index >= m_.funcs.size()) return fail(indexed("unknown function", in.index));
    const FuncType& ft = m_.funcType(in.index);
    if (!popList(listOf(ft.params))) return false;
    pushList(listOf(ft.results));
    return true;
  } else if constexpr (Op == Opcode::CallIndirect) {
    if (!checkTable(in.index2)) return false;
    if (m_.tables[in.index2].elem.kind() != ValType::Ref ||
        m_.tables[in.index2].elem.heapType() != HeapType::Func)
      return mismatch();
    if (in.index >= m_.types.size()) return fail(indexed("unknown type", in.index));
    const FuncType& ft = m_.types[in.index];
    if (!pop(ValType::i32()) || !popList(listOf(ft.params))) return false;
    pushList(listOf(ft.results));
    return true;
  } else if constexpr (Op == Opcode::Drop) {
    Operand t;
    return popAny(&t);
  } else if constexpr (Op == Opcode::Select) {
    Operand a, b;
    if (!pop(ValType::i32()) || !popAny(&a) || !popAny(&b)) return false;
    // Without a type annotation only numeric and vector operands are allowed.
    if (a.isRef() || b.isRef()) return mismatch();
    if (!a.isBottom() && !b.isBottom() && a != b) return mismatch();
    push(a.isBottom() ? b : a);
    return true;
  } else if constexpr (Op == Opcode::SelectT) {
    if (in.index != 1) return fail("invalid result arity");
    if (!pop(ValType::i32()) || !pop(in.type) || !pop(in.type)) return false;
    push(in.type);
    return true;
  } else if constexpr (Op == Opcode::LocalGet) {
    Operand t;
    if (!local(in.index, &t)) return false;
    push(t);
    return true;
  } else if constexpr (Op == Opcode::LocalSet) {
    Operand t;
    return local(in.index, &t) && pop(t);
  } else if constexpr (Op == Opcode::LocalTee) {
    Operand t;
    if (!local(in.index, &t) || !pop(t)) return false;
    push(t);
    return true;
  } else if constexpr (Op == Opcode::GlobalGet) {
    if (in.index >= m_.globals.size()) return fail(indexed("unknown global", in.index));
    push(m_.globals[in.index].type);
    return true;
  } else if constexpr (Op == Opcode::GlobalSet) {
    if (in.index >= m_.globals.size()) return fail(indexed("unknown global", in.index));
    const GlobalType& g = m_.globals[in.index];
    if (g.mut != Mutability::Var) return fail("global is immutable");
    return pop(g.type);
  } else if constexpr (Op == Opcode::TableGet) {
    if (!checkTable(in.index) || !pop(ValType::i32())) return false;
    push(m_.tables[in.index].elem);
    return true;
  } else if constexpr (Op == Opcode::TableSet) {
    return checkTable(in.index) && pop(m_.tables[in.index].elem) && pop(ValType::i32());
  } else if constexpr (Op == Opcode::TableSize) {
    if (!checkTable(in.index)) return false;
    push(ValType::i32());
    return true;
  } else if constexpr (Op == Opcode::TableGrow) {
    if (!checkTable(in.index) || !pop(ValType::i32()) || !pop(m_.tables[in.index].elem)) return false;
    push(ValType::i32());
    return true;
  } else if constexpr (Op == Opcode::TableFill) {
    return checkTable(in.index) && pop(ValType::i32()) && pop(m_.tables[in.index].elem) &&
           pop(ValType::i32());
  } else if constexpr (Op == Opcode::MemorySize) {
    if (!checkMemory(in.index)) return false;
    push(ValType::i32());
    return true;
  } else if constexpr (Op == Opcode::MemoryGrow) {
    if (!checkMemory(in.index) || !pop(ValType::i32())) return false;
    push(ValType::i32());
    return true;
  } else if constexpr (Op == Opcode::RefNull) {
    push(in.type);
    return true;
  } else if constexpr (Op == Opcode::RefIsNull) {
    Operand t;
    if (!popAny(&t)) return false;
    if (!t.isBottom() && !t.isRef()) return mismatch();
    push(ValType::i32());
    return true;
  } else if constexpr (Op == Opcode::RefFunc) {
    if (in.index >= m_.funcs.size()) return fail(indexed("unknown function", in.index));
    if (!refs_[in.index]) return fail("undeclared function reference");
    push(ValType::funcref());
    return true;
  } else {
    return simple<Op>(in);
  }
}

// The fast path of validate() for one single-byte instruction at q - 1: reads
// its immediates (advancing q) and types it in registers when nothing about
// it is unusual; false, changing nothing in `r`, to leave it to step().
template <Opcode Op>
bool FunctionValidator::fastOp(const uint8_t* d, uint32_t& q, Regs& r) {
  using namespace instr_detail;
  constexpr const OpInfo& info = kOpInfo[static_cast<uint16_t>(Op)];
  if constexpr (Op == Opcode::LocalGet || Op == Opcode::LocalSet || Op == Opcode::LocalTee) {
    uint32_t index;
    if (!fastU32(d, q, index) || index >= numFlatLocals_) return false;
    Operand t = locals_[index];
    if constexpr (Op == Opcode::LocalGet) {
      r.push(t);
      return true;
    } else if constexpr (Op == Opcode::LocalSet) {
      return r.popExact(t);
    } else {
      return r.size > r.height && r.vals[r.size - 1] == t;
    }
  } else if constexpr (Op == Opcode::GlobalGet) {
    uint32_t index;
    if (!fastU32(d, q, index) || index >= m_.globals.size()) return false;
    r.push(Operand::of(m_.globals[index].type));
    return true;
  } else if constexpr (Op == Opcode::Call) {
    uint32_t index;
    if (!fastU32(d, q, index) || index >= m_.funcs.size()) return false;
    const FuncType& ft = m_.funcType(index);
    uint32_t n = static_cast<uint32_t>(ft.params.size());
    if (ft.results.size() > 1 || r.size - r.height < n) return false;
    const Operand* args = r.vals + r.size - n;
    uint32_t argSlots = 0;
    for (uint32_t i = 0; i < n; ++i) {
      Operand t = Operand::of(ft.params[i]);
      if (args[i] != t) return false;
      argSlots += t.slots();
    }
    r.size -= n;
    r.slots -= argSlots;
    if (!ft.results.empty()) r.push(Operand::of(ft.results[0]));
    return true;
  } else if constexpr (Op == Opcode::Block || Op == Opcode::Loop) {
    // Only the empty block type, and only while the frame fits.
    if (d[q] != 0x40 || ctrl_.size() == ctrl_.capacity()) return false;
    Frame fr{};
    fr.op = Op;
    fr.height = r.size;
    fr.slotHeight = r.slots;
    fr.offset = q - 1;
    ctrl_.push_back(fr);
    maxControl_ = std::max(maxControl_, static_cast<uint32_t>(ctrl_.size()));
    r.height = r.size;
    ++q;
    return true;
  } else if constexpr (Op == Opcode::End) {
    // The end of a block, loop or else with at most one result, exactly on
    // the stack: the results stay where they are. (The function's end and
    // an if's, which may need its parameters passed through, take step().)
    const Frame& fr = ctrl_.back();
    if (ctrl_.size() == 1 || fr.op == Opcode::If) return false;
    if (fr.numResults == 0) {
      if (r.size != fr.height) return false;
    } else if (!fr.inlineResult || r.size != fr.height + 1 || r.vals[r.size - 1] != Operand::of(fr.single)) {
      return false;
    }
    ctrl_.pop_back();
    r.height = ctrl_.back().height;
    return true;
  } else if constexpr (Op == Opcode::Br || Op == Opcode::BrIf) {
    // Labels with at most one value, exactly on the stack.
    uint32_t depth;
    if (!fastU32(d, q, depth) || depth >= ctrl_.size()) return false;
    TypeList l = labelTypes(label(depth));
    uint32_t cond = Op == Opcode::BrIf ? 1 : 0;
    if (l.size > 1 || r.size - r.height < cond + l.size) return false;
    if (cond && r.vals[r.size - 1] != Operand::of(ValType::i32())) return false;
    if (l.size == 1 && r.vals[r.size - 1 - cond] != Operand::of(l.data[0])) return false;
    if constexpr (Op == Opcode::BrIf) {
      --r.size;
      --r.slots;
    } else {
      Frame& fr = ctrl_.back();
      r.size = fr.height;
      r.slots = fr.slotHeight;
      fr.unreachable = true;
    }
    return true;
  } else if constexpr (Op == Opcode::Unreachable) {
    Frame& fr = ctrl_.back();
    r.size = fr.height;
    r.slots = fr.slotHeight;
    fr.unreachable = true;
    return true;
  } else if constexpr (Op == Opcode::Drop) {
    if (r.size <= r.height) return false;
    r.slots -= r.vals[--r.size].slots();
    return true;
  } else if constexpr (Op == Opcode::Select) {
    // Two equal numeric or vector operands and an i32.
    if (r.size - r.height < 3) return false;
    Operand a = r.vals[r.size - 2];
    if (r.vals[r.size - 1] != Operand::of(ValType::i32()) || r.vals[r.size - 3] != a || a.isRef() ||
        a.isBottom())
      return false;
    r.size -= 2;
    r.slots -= 1 + a.slots();
    return true;
  } else if constexpr (Op == Opcode::I64Const) {
    // Up to 9 bytes every encoding is in range; the 10th has rules.
    for (uint32_t i = 0; i < 9; ++i) {
      if (!(d[q + i] & 0x80)) {
        q += i + 1;
        return exactOperands<Op>(r);
      }
    }
    return false;
  } else if constexpr (info.prefix != 0 || immCheckOf(Op) == ImmCheck::Unsupported) {
    return false;  // prefixed, or typed by hand in op()
  } else if constexpr (info.imm == ImmKind::None) {
    return exactOperands<Op>(r);
  } else if constexpr (info.imm == ImmKind::I32) {
    int32_t value;
    return fastS32(d, q, value) && exactOperands<Op>(r);
  } else if constexpr (info.imm == ImmKind::F32) {
    q += 4;
    return exactOperands<Op>(r);
  } else if constexpr (info.imm == ImmKind::F64) {
    q += 8;
    return exactOperands<Op>(r);
  } else if constexpr (info.imm == ImmKind::MemArg) {
    uint32_t align, offset;
    return fastU32(d, q, align) && fastU32(d, q, offset) && hasMemory_ &&
           align <= uint32_t(kOpRows[static_cast<uint16_t>(Op)].naturalAlign) && exactOperands<Op>(r);
  } else {
    return false;
  }
}

// One instruction at `pos`, read and typed in full: one dispatch, on the
// opcode, reading its immediates with their kind known at compile time.
// Running off the body is "unexpected end of section or function" at its end.
bool FunctionValidator::step(uint32_t pos) {
  reader_.reset(pos, bodyEnd_);
  Instr in;
  if (!reader_.readOpcode(in)) [[unlikely]]
    return readFailed();
  at_ = in.offset;
  switch (in.op) {
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) \
  case Opcode::name: return reader_.readImmediates<ImmKind::imm>(in) ? op<Opcode::name>(in) : readFailed();
#include "common/opcodes.def"
#undef WHARF_OP
  }
  return false;
}

bool FunctionValidator::validate(const Function& func, const FuncType& type, FunctionValidationInfo* info) {
  type_ = &type;
  func_ = &func;
  hasMemory_ = !m_.memories.empty();
  ctrl_.clear();
  size_ = slots_ = 0;
  maxValues_ = maxSlots_ = maxControl_ = 0;
  bodyEnd_ = func.body.offset + func.body.size;
  // One value per byte of the body, plus slack: see reserveExtra().
  if (stack_.size() < uint64_t(func.body.size) + kStackSlack)
    stack_.resize(uint64_t(func.body.size) + kStackSlack);
  vals_ = stack_.data();

  locals_.clear();
  localEnds_.clear();
  uint64_t total = type.params.size();
  for (const LocalRun& run : func.locals) total += run.count;
  // The flat table costs a write per local: only when the body is large
  // enough to pay for it (a tiny body may declare 50000 locals).
  flatLocals_ = total <= kMaxFlatLocals && total <= uint64_t(func.body.size) + 64;
  if (flatLocals_) {
    for (ValType t : type.params) locals_.push_back(Operand::of(t));
    for (const LocalRun& run : func.locals) locals_.insert(locals_.end(), run.count, Operand::of(run.type));
  } else {
    uint64_t end = 0;
    for (const LocalRun& run : func.locals) {
      end += run.count;
      localEnds_.push_back(static_cast<uint32_t>(std::min<uint64_t>(end, UINT32_MAX)));
    }
  }
  numFlatLocals_ = static_cast<uint32_t>(locals_.size());

  at_ = func.body.offset;
  reader_.reset(func.body.offset, bodyEnd_);  // for pushList's reserve
  pushFrame(Opcode::End, TypeList{}, type.results.data(), static_cast<uint32_t>(type.results.size()), false,
            ValType());
  const uint8_t* d = m_.bytes.data();
  uint32_t p = func.body.offset;
  uint32_t untilPoll = kPollInterval;
  for (;;) {
    // The common single-byte instructions, typed here with the position and
    // the operand stack in registers while at least kFastWindow bytes are
    // left. fastOp() gives up (changing nothing) on anything unusual, which
    // step() then reads and types in full.
    Regs r = loadRegs();
    while (bodyEnd_ - p >= instr_detail::kFastWindow) {
      uint32_t q = p + 1;
      switch (d[p]) {
        // Prefixed opcodes get labels beyond the byte range, never taken.
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags)    \
  case (prefix == 0 ? code : 0x10000 + static_cast<int>(Opcode::name)): \
    if (!fastOp<Opcode::name>(d, q, r)) goto general;                   \
    break;
#include "common/opcodes.def"
#undef WHARF_OP
        default: goto general;
      }
      p = q;
    }
  general:
    storeRegs(r);
    // Instructions off the fast path may cost up to a block's arity: poll
    // the load interrupt every few thousand of them.
    if (--untilPoll == 0) [[unlikely]] {
      if (interrupt_ && interrupt_->requested()) return f_.fail(kLoadInterruptedMessage, Error::kNoOffset);
      untilPoll = kPollInterval;
    }
    if (!step(p)) [[unlikely]]
      return false;
    p = reader_.position();
    if (ctrl_.empty()) break;
  }
  if (!reader_.atEnd()) return f_.fail("operators remaining after end of function", reader_.position());
  info->maxStackValues = maxValues_;
  info->maxStackSlots = maxSlots_;
  info->maxControlDepth = maxControl_;
  return true;
}

// ---------------------------------------------------------------------------
// Module-level rules.

class ModuleValidator {
 public:
  ModuleValidator(const Module& m, const LoadInterrupt* interrupt) : m_(m), interrupt_(interrupt) {}
  Expected<ValidatedInfo> run();

 private:
  bool fail(std::string message, uint64_t offset) { return f_.fail(std::move(message), offset); }
  uint64_t sectionOffset(SectionId id) const {
    for (const SectionInfo& s : m_.sections)
      if (s.id == id) return s.contents.offset;
    return Error::kNoOffset;
  }
  bool checkTableType(const TableType& t, uint64_t at);
  bool checkMemoryType(const MemoryType& t, uint64_t at);
  bool checkLimits(const Limits& l, uint64_t range, const char* rangeMessage, uint64_t at);
  bool constExpr(ConstExpr e, ValType expected);
  bool checkImports();
  bool checkDefinitions();
  bool checkExports();
  bool checkStart();
  bool checkElems();
  bool checkDatas();
  bool checkFunctions();

  const Module& m_;
  const LoadInterrupt* interrupt_;
  Failure f_;
  ValidatedInfo info_;
  std::vector<ValType> constStack_;
};

bool ModuleValidator::checkLimits(const Limits& l, uint64_t range, const char* rangeMessage, uint64_t at) {
  if (l.min > range) return fail(rangeMessage, at);
  if (l.max) {
    if (*l.max > range) return fail(rangeMessage, at);
    if (l.min > *l.max) return fail("size minimum must not be greater than maximum", at);
  }
  return true;
}

bool ModuleValidator::checkTableType(const TableType& t, uint64_t at) {
  if (t.limits.indexType == IndexType::I64) return checkLimits(t.limits, UINT64_MAX, "", at);
  return checkLimits(t.limits, UINT32_MAX, "table size must be at most 2^32-1", at);
}

bool ModuleValidator::checkMemoryType(const MemoryType& t, uint64_t at) {
  if (t.limits.indexType == IndexType::I64)
    return checkLimits(t.limits, uint64_t{1} << 48, "memory size must be at most 2^48 pages", at);
  return checkLimits(t.limits, kMaxPages32, "memory size must be at most 65536 pages (4GiB)", at);
}

// A constant expression of type `expected`. In 2.0 `global.get` may name only
// imported, immutable globals. Functions named by `ref.func` join C.refs.
bool ModuleValidator::constExpr(ConstExpr e, ValType expected) {
  InstrReader reader(std::span<const uint8_t>(m_.bytes), e.offset, e.offset + e.size);
  constStack_.clear();
  uint32_t endOffset = e.offset;
  for (;;) {
    if (reader.atEnd()) return fail("unexpected end", reader.position());
    auto next = reader.next();
    if (!next.ok()) {
      f_.error = next.takeError();
      return false;
    }
    const Instr& in = *next;
    if (in.op == Opcode::End) {
      endOffset = in.offset;
      break;
    }
    const OpInfo& info = opInfo(in.op);
    if (!(info.flags & kConst)) return fail("constant expression required", in.offset);
    switch (in.op) {
      case Opcode::GlobalGet: {
        if (in.index >= m_.numImportedGlobals) return fail(indexed("unknown global", in.index), in.offset);
        const GlobalType& g = m_.globals[in.index];
        if (g.mut != Mutability::Const) return fail("constant expression required", in.offset);
        constStack_.push_back(g.type);
        break;
      }
      case Opcode::RefNull: constStack_.push_back(in.type); break;
      case Opcode::RefFunc:
        if (in.index >= m_.funcs.size()) return fail(indexed("unknown function", in.index), in.offset);
        info_.declaredFuncRefs[in.index] = true;
        constStack_.push_back(ValType::funcref());
        break;
      default: {
        // Any other constant instruction (3.0's extended constants included)
        // is typed by its signature.
        const OpSignature& sig = info.sig;
        if (!sig.known) return fail("constant expression required", in.offset);
        if (constStack_.size() < sig.numParams) return fail("type mismatch", in.offset);
        for (size_t i = 0; i < sig.numParams; ++i) {
          ValType t = constStack_[constStack_.size() - sig.numParams + i];
          if (t != kKindType[sig.params[i]]) return fail("type mismatch", in.offset);
        }
        constStack_.resize(constStack_.size() - sig.numParams);
        if (sig.numResults) constStack_.push_back(kKindType[sig.result]);
      }
    }
  }
  if (!reader.atEnd()) return fail("constant expression required", reader.position());
  if (constStack_.size() != 1 || !isSubtype(constStack_[0], expected))
    return fail("type mismatch", endOffset);
  return true;
}

bool ModuleValidator::checkImports() {
  uint64_t at = sectionOffset(SectionId::Import);
  for (const Import& im : m_.imports) {
    switch (im.kind) {
      case ExternKind::Func:
        if (im.funcType >= m_.types.size()) return fail(indexed("unknown type", im.funcType), at);
        break;
      case ExternKind::Table:
        if (!checkTableType(im.table, at)) return false;
        break;
      case ExternKind::Memory:
        if (!checkMemoryType(im.memory, at)) return false;
        break;
      case ExternKind::Global: break;
    }
  }
  return true;
}

bool ModuleValidator::checkDefinitions() {
  uint64_t at = sectionOffset(SectionId::Function);
  for (size_t i = m_.numImportedFuncs; i < m_.funcs.size(); ++i)
    if (m_.funcs[i] >= m_.types.size()) return fail(indexed("unknown type", m_.funcs[i]), at);

  at = sectionOffset(SectionId::Table);
  for (size_t i = m_.numImportedTables; i < m_.tables.size(); ++i)
    if (!checkTableType(m_.tables[i], at)) return false;

  at = sectionOffset(SectionId::Memory);
  for (size_t i = m_.numImportedMemories; i < m_.memories.size(); ++i)
    if (!checkMemoryType(m_.memories[i], at)) return false;
  if (m_.memories.size() > 1) {
    // Point at the section that declares the second memory.
    if (m_.numImportedMemories > 1) at = sectionOffset(SectionId::Import);
    return fail("multiple memories", at);
  }

  for (const Global& g : m_.globalDefs)
    if (!constExpr(g.init, g.type.type)) return false;
  return true;
}

bool ModuleValidator::checkExports() {
  uint64_t at = sectionOffset(SectionId::Export);
  // The first export named like an earlier one, found by sorting rather
  // than hashing: the names come from the module, which could otherwise
  // choose ones that collide.
  size_t n = m_.exports.size(), firstDuplicate = n;
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    int c = m_.exports[a].name.compare(m_.exports[b].name);
    return c < 0 || (c == 0 && a < b);
  });
  for (size_t k = 1; k < n; ++k)
    if (m_.exports[order[k]].name == m_.exports[order[k - 1]].name)
      firstDuplicate = std::min<size_t>(firstDuplicate, order[k]);
  for (size_t i = 0; i < n; ++i) {
    const Export& ex = m_.exports[i];
    switch (ex.kind) {
      case ExternKind::Func:
        if (ex.index >= m_.funcs.size()) return fail(indexed("unknown function", ex.index), at);
        info_.declaredFuncRefs[ex.index] = true;
        break;
      case ExternKind::Table:
        if (ex.index >= m_.tables.size()) return fail(indexed("unknown table", ex.index), at);
        break;
      case ExternKind::Memory:
        if (ex.index >= m_.memories.size()) return fail(indexed("unknown memory", ex.index), at);
        break;
      case ExternKind::Global:
        if (ex.index >= m_.globals.size()) return fail(indexed("unknown global", ex.index), at);
        break;
    }
    if (i == firstDuplicate) return fail("duplicate export name", at);
  }
  return true;
}

bool ModuleValidator::checkStart() {
  if (!m_.start) return true;
  uint64_t at = sectionOffset(SectionId::Start);
  uint32_t f = *m_.start;
  if (f >= m_.funcs.size()) return fail(indexed("unknown function", f), at);
  const FuncType& ft = m_.funcType(f);
  if (!ft.params.empty() || !ft.results.empty()) return fail("start function", at);
  return true;
}

bool ModuleValidator::checkElems() {
  uint64_t at = sectionOffset(SectionId::Element);
  for (const ElemSegment& seg : m_.elems) {
    if (!seg.type.isRef()) return fail("malformed reference type", at);
    if (seg.mode == SegmentMode::Active) {
      if (seg.table >= m_.tables.size()) return fail(indexed("unknown table", seg.table), at);
      const TableType& table = m_.tables[seg.table];
      if (!isSubtype(seg.type, table.elem)) return fail("type mismatch", at);
      ValType offsetType = table.limits.indexType == IndexType::I64 ? ValType::i64() : ValType::i32();
      if (!constExpr(seg.offset, offsetType)) return false;
    }
    if (seg.usesExprs) {
      for (const ConstExpr& e : seg.exprs)
        if (!constExpr(e, seg.type)) return false;
    } else {
      for (uint32_t f : seg.funcIndices) {
        if (f >= m_.funcs.size()) return fail(indexed("unknown function", f), at);
        info_.declaredFuncRefs[f] = true;
      }
    }
  }
  return true;
}

bool ModuleValidator::checkDatas() {
  uint64_t at = sectionOffset(SectionId::Data);
  for (const DataSegment& seg : m_.datas) {
    if (seg.mode != SegmentMode::Active) continue;
    if (seg.memory >= m_.memories.size()) return fail(indexed("unknown memory", seg.memory), at);
    const MemoryType& mem = m_.memories[seg.memory];
    ValType offsetType = mem.limits.indexType == IndexType::I64 ? ValType::i64() : ValType::i32();
    if (!constExpr(seg.offset, offsetType)) return false;
  }
  return true;
}

bool ModuleValidator::checkFunctions() {
  if (m_.functions.size() != m_.funcs.size() - m_.numImportedFuncs)
    return fail("function and code section have inconsistent lengths", sectionOffset(SectionId::Code));
  size_t n = m_.functions.size();
  info_.functions.resize(n);
  // Function bodies are independent once the module-level facts (C.refs
  // included) are known, so large modules share them between two threads; the
  // error reported is still the first invalid function's.
  size_t codeBytes = 0;
  for (const Function& func : m_.functions) codeBytes += func.body.size;
  unsigned workers = workersFor(codeBytes);
  Failure failures[kMaxWorkers];
  std::optional<FunctionValidator> validators[kMaxWorkers];
  for (unsigned w = 0; w < workers; ++w)
    validators[w].emplace(m_, info_.declaredFuncRefs, failures[w], interrupt_);
  FirstFailure bad = forEachUntilFailure(n, workers, kFunctionsPerChunk, [&](unsigned w, size_t i) {
    if (interrupt_ && interrupt_->requested())
      return failures[w].fail(kLoadInterruptedMessage, Error::kNoOffset);
    const FuncType& type = m_.funcType(m_.numImportedFuncs + static_cast<uint32_t>(i));
    return validators[w]->validate(m_.functions[i], type, &info_.functions[i]);
  });
  if (bad.index == n) return true;
  f_ = std::move(failures[bad.worker]);
  return false;
}

Expected<ValidatedInfo> ModuleValidator::run() {
  info_.declaredFuncRefs.assign(m_.funcs.size(), false);
  // Everything that contributes to C.refs is checked before the function
  // bodies that consult it.
  bool ok = checkImports() && checkDefinitions() && checkExports() && checkStart() && checkElems() &&
            checkDatas() && checkFunctions();
  if (!ok) return std::move(f_.error);
  return std::move(info_);
}

}  // namespace

Expected<ValidatedInfo> validateModule(const Module& module, const LoadInterrupt* interrupt) {
  return ModuleValidator(module, interrupt).run();
}

Expected<ValidatedModule> decodeAndValidate(std::vector<uint8_t> bytes, const LoadInterrupt* interrupt) {
  // Decoding without the walk reports every error it finds exactly as with it.
  auto module = decodeModule(std::move(bytes), DecodeOptions{.walkBodies = false, .interrupt = interrupt});
  if (!module.ok()) return module.takeError();
  // Validation reads every body with the decoder's checks (any malformed body
  // makes it fail), so success means the walk would have found nothing.
  auto info = validateModule(**module, interrupt);
  if (info.ok()) return ValidatedModule{std::move(*module), std::move(*info)};
  if (info.error().message == kLoadInterruptedMessage) return info.takeError();
  if (std::optional<Error> malformed = checkFunctionBodies(**module)) return std::move(*malformed);
  return info.takeError();
}

}  // namespace wharf
