// Instruction handlers of the threaded-code interpreter, included by the
// compiler (which takes their addresses while emitting code) and by the
// handler replicas (replicas.cpp).
//
// Conventions: an instruction is a handler word followed by 32-bit operands
// packed two per word (OPD(k) is the k-th). Operands are frame slot indices
// unless stated otherwise; branch targets are word offsets relative to the
// instruction. Every handler ends in a guaranteed tail call to the next.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>

#include "interp/code.h"
#include "interp/semantics.h"
#include "runtime/fuel.h"

namespace wharf::interp {

#define HANDLER(name) \
  inline WHARF_PRESERVE_NONE void name(const Word* ip, Slot* fp, uint8_t* mem, ExecState* st)
// Operands are read as whole 64-bit words, each half extracted with a
// shift: the handlers are limited by load throughput, and one load per word
// instead of one per operand saves up to half the operand loads. (The empty
// asm keeps the compiler from narrowing the load back to 32 bits.)
inline uint64_t operandWord(const Word* ip, unsigned i) {
  uint64_t w = ip[1 + i].u64;
  asm("" : "+r"(w));
  return w;
}
#define OPD(k) static_cast<uint32_t>(operandWord(ip, (k) / 2) >> (32 * ((k) % 2)))
#define OPDS(k) static_cast<int32_t>(OPD(k))
#define WORDS(nOperands) (1 + ((nOperands) + 1) / 2)
#define DISPATCH_TO(target)                                  \
  do {                                                       \
    const Word* next_ = (target);                            \
    [[clang::musttail]] return next_->h(next_, fp, mem, st); \
  } while (0)
#define NEXT(len) DISPATCH_TO(ip + (len))
#define TRAP(kind)           \
  do {                       \
    raiseTrap(st, kind, ip); \
    return;                  \
  } while (0)

[[gnu::noinline, gnu::cold]] inline void raiseTrap(ExecState* st, TrapKind kind, const Word* ip) {
  st->trap = kind;
  st->trapIp = ip;
}

// call_indirect traps name the element index, as the reference interpreter does.
[[gnu::noinline, gnu::cold]] inline void raiseElementTrap(ExecState* st, TrapKind kind, const Word* ip,
                                                          uint32_t i) {
  raiseTrap(st, kind, ip);
  st->hostTrap = Trap{kind, std::string(trapMessage(kind)) + " " + std::to_string(i), 0};
}

template <typename T>
inline T rd(const Slot* fp, uint32_t i) {
  T v;
  std::memcpy(&v, fp + i, sizeof(T));
  return v;
}
template <typename T>
inline void wr(Slot* fp, uint32_t i, T v) {
  std::memcpy(fp + i, &v, sizeof(T));
}

template <ValType::Kind K>
struct CTypeOf;
template <>
struct CTypeOf<ValType::I32> {
  using T = uint32_t;
};
template <>
struct CTypeOf<ValType::I64> {
  using T = uint64_t;
};
template <>
struct CTypeOf<ValType::F32> {
  using T = float;
};
template <>
struct CTypeOf<ValType::F64> {
  using T = double;
};
template <>
struct CTypeOf<ValType::V128> {
  using T = V128;
};
template <ValType::Kind K>
using CType = typename CTypeOf<K>::T;

// An integer operand: a slot, or in a handler's immediate form (Imm) the
// value itself, sign-extended from the 32-bit operand. Constants are
// rewritten into immediates after compilation (a load fewer per constant).
template <typename T, bool Imm>
inline T arg(const Slot* fp, uint32_t opd) {
  if constexpr (Imm) {
    static_assert(std::is_integral_v<T>);
    return static_cast<T>(static_cast<int64_t>(static_cast<int32_t>(opd)));
  } else {
    return rd<T>(fp, opd);
  }
}
#define ARG(T, k, imm) arg<T, (imm)>(fp, OPD(k))

// ---- data movement and control ----

HANDLER(opCopy1) {  // dst, src
  fp[OPD(0)] = fp[OPD(1)];
  NEXT(WORDS(2));
}
HANDLER(opCopy2) {  // dst, src (a v128: two slots)
  fp[OPD(0)] = fp[OPD(1)];
  fp[OPD(0) + 1] = fp[OPD(1) + 1];
  NEXT(WORDS(2));
}
HANDLER(opCopyPair) {  // dst0, src0, dst1, src1 (in order)
  fp[OPD(0)] = fp[OPD(1)];
  fp[OPD(2)] = fp[OPD(3)];
  NEXT(WORDS(4));
}
HANDLER(opCopyTriple) {  // three (dst, src) pairs, in order
  fp[OPD(0)] = fp[OPD(1)];
  fp[OPD(2)] = fp[OPD(3)];
  fp[OPD(4)] = fp[OPD(5)];
  NEXT(WORDS(6));
}
HANDLER(opCopyJump) {  // dst, src, offset
  fp[OPD(0)] = fp[OPD(1)];
  DISPATCH_TO(ip + OPDS(2));
}
HANDLER(opCopyPairJump) {  // dst0, src0, dst1, src1, offset
  fp[OPD(0)] = fp[OPD(1)];
  fp[OPD(2)] = fp[OPD(3)];
  DISPATCH_TO(ip + OPDS(4));
}
HANDLER(opJump) {  // offset
  DISPATCH_TO(ip + OPDS(0));
}
HANDLER(opBrIf) {  // cond, offset
  if (rd<uint32_t>(fp, OPD(0)) != 0) DISPATCH_TO(ip + OPDS(1));
  NEXT(WORDS(2));
}
HANDLER(opBrUnless) {  // cond, offset
  if (rd<uint32_t>(fp, OPD(0)) == 0) DISPATCH_TO(ip + OPDS(1));
  NEXT(WORDS(2));
}
HANDLER(opBrTable) {  // index, count, offsets[count + 1] (last = default)
  uint32_t i = rd<uint32_t>(fp, OPD(0));
  uint32_t n = OPD(1);
  if (i > n) i = n;
  DISPATCH_TO(ip + OPDS(2 + i));
}
HANDLER(opMeter) {  // cost
  int64_t fuel = st->fuel - static_cast<int64_t>(OPD(0));
  st->fuel = fuel;
  if (fuel < 0) [[unlikely]] {
    st->fuel = 0;
    TRAP(TrapKind::OutOfFuel);
  }
  if (st->interrupt.load(std::memory_order_relaxed)) [[unlikely]] {
    st->interrupt.store(false, std::memory_order_relaxed);
    TRAP(TrapKind::Interrupted);
  }
  NEXT(WORDS(1));
}
HANDLER(opUnreachable) { TRAP(TrapKind::Unreachable); }
HANDLER(opExit) { return; }  // leaves the handler chain: back in interp::call

// select: dst, a, b, cond
HANDLER(opSelect1) {
  fp[OPD(0)] = rd<uint32_t>(fp, OPD(3)) ? fp[OPD(1)] : fp[OPD(2)];
  NEXT(WORDS(4));
}
HANDLER(opSelect2) {
  uint32_t src = rd<uint32_t>(fp, OPD(3)) ? OPD(1) : OPD(2);
  fp[OPD(0)] = fp[src];
  fp[OPD(0) + 1] = fp[src + 1];
  NEXT(WORDS(4));
}

// ---- calls ----

// Returns: nresults, src[nresults slots]. Results go to slots 0.. of the frame,
// which is where the caller's arguments were (frames overlap).
HANDLER(opReturn) {
  uint32_t n = OPD(0);
  for (uint32_t i = 0; i < n; ++i) fp[i] = fp[OPD(1 + i)];
  Frame* fr = --st->frameTop;
  st->instance = fr->instance;
  mem = fr->mem;
  fp = fr->fp;
  DISPATCH_TO(fr->retIp);
}

// A call crossed a stack limit: raise it and run the call instruction again
// (it changed nothing yet), or trap. Out of line, so that calls keep their
// single check.
[[gnu::noinline, gnu::cold]] inline WHARF_PRESERVE_NONE void opGrowStacks(const Word* ip, Slot* fp,
                                                                          uint8_t* mem, ExecState* st) {
  if (!growStacks(st)) TRAP(TrapKind::CallStackExhausted);
  DISPATCH_TO(ip);
}

// call of a function defined in the same module: [callee CompiledFunc*], argBase
HANDLER(opCall) {
  const CompiledFunc* f = static_cast<const CompiledFunc*>(ip[1].ptr);
  Slot* nfp = fp + ip[2].u32[0];
  if (nfp + f->frameSlots > st->stackLimit || st->frameTop == st->frameLimit) {
    [[clang::musttail]] return opGrowStacks(ip, fp, mem, st);
  }
  *st->frameTop++ = Frame{ip + 3, fp, st->instance, mem, f};
  enterFrame(f, nfp);
  fp = nfp;
  DISPATCH_TO(f->code);
}

// Calls a host function with its arguments at args (slots); results replace them.
bool callHost(ExecState* st, FuncInst* fi, Slot* args);

// Calls a FuncInst (import or table entry): wasm functions run in this same
// handler chain, switching instance; host functions are called natively.
#define CALL_FUNC_INST(fi, nfp, retIp)                                               \
  do {                                                                               \
    if ((fi)->isHost()) {                                                            \
      if (!callHost(st, (fi), (nfp))) TRAP(st->trap);                                \
      DISPATCH_TO(retIp);                                                            \
    }                                                                                \
    const CompiledFunc* f_ = static_cast<const CompiledFunc*>((fi)->code);           \
    if ((nfp) + f_->frameSlots > st->stackLimit || st->frameTop == st->frameLimit) { \
      [[clang::musttail]] return opGrowStacks(ip, fp, mem, st);                      \
    }                                                                                \
    *st->frameTop++ = Frame{(retIp), fp, st->instance, mem, f_};                     \
    enterFrame(f_, (nfp));                                                           \
    st->instance = (fi)->instance;                                                   \
    mem = st->instance->memBase0;                                                    \
    fp = (nfp);                                                                      \
    DISPATCH_TO(f_->code);                                                           \
  } while (0)

// call of an imported function: funcIndex, argBase
HANDLER(opCallImport) {
  FuncInst* fi = st->instance->funcs[OPD(0)];
  Slot* nfp = fp + OPD(1);
  CALL_FUNC_INST(fi, nfp, ip + WORDS(2));
}

// call_indirect: typeId, table, indexSlot, argBase
HANDLER(opCallIndirect) {
  TableInst* t = st->instance->tables[OPD(1)];
  uint32_t i = rd<uint32_t>(fp, OPD(2));
  if (i >= t->elems.size()) {
    raiseElementTrap(st, TrapKind::UndefinedElement, ip, i);
    return;
  }
  auto* fi = static_cast<FuncInst*>(t->elems[i]);
  if (!fi) {
    raiseElementTrap(st, TrapKind::UninitializedElement, ip, i);
    return;
  }
  if (fi->typeId != OPD(0)) TRAP(TrapKind::IndirectCallTypeMismatch);
  Slot* nfp = fp + OPD(3);
  CALL_FUNC_INST(fi, nfp, ip + WORDS(4));
}

// ---- globals and references ----

HANDLER(opGlobalGet1) {  // dst, global
  std::memcpy(fp + OPD(0), &st->instance->globals[OPD(1)]->value, 8);
  NEXT(WORDS(2));
}
HANDLER(opGlobalGet2) {
  std::memcpy(fp + OPD(0), &st->instance->globals[OPD(1)]->value, 16);
  NEXT(WORDS(2));
}
HANDLER(opGlobalSet1) {  // global, src
  std::memcpy(&st->instance->globals[OPD(0)]->value, fp + OPD(1), 8);
  NEXT(WORDS(2));
}
HANDLER(opGlobalSet2) {
  std::memcpy(&st->instance->globals[OPD(0)]->value, fp + OPD(1), 16);
  NEXT(WORDS(2));
}
HANDLER(opRefFunc) {  // dst, func
  wr<Ref>(fp, OPD(0), st->instance->funcs[OPD(1)]);
  NEXT(WORDS(2));
}
HANDLER(opRefIsNull) {  // dst, src
  wr<uint32_t>(fp, OPD(0), rd<Ref>(fp, OPD(1)) == nullptr);
  NEXT(WORDS(2));
}

// ---- memory ----
// Addresses are u32 + u32 offset, always inside the guard reservation.

template <typename Mem, typename Val>
HANDLER(opLoad) {  // dst, addr, offset
  uint64_t ea = uint64_t(rd<uint32_t>(fp, OPD(1))) + OPD(2);
  Mem m;
  std::memcpy(&m, mem + ea, sizeof(Mem));
  wr<Val>(fp, OPD(0), static_cast<Val>(m));
  NEXT(WORDS(3));
}
template <typename Mem, typename Val>
HANDLER(opStore) {  // addr, value, offset
  uint64_t ea = uint64_t(rd<uint32_t>(fp, OPD(0))) + OPD(2);
  Mem m = static_cast<Mem>(rd<Val>(fp, OPD(1)));
  std::memcpy(mem + ea, &m, sizeof(Mem));
  NEXT(WORDS(3));
}
HANDLER(opLoadV128) {
  uint64_t ea = uint64_t(rd<uint32_t>(fp, OPD(1))) + OPD(2);
  std::memcpy(fp + OPD(0), mem + ea, 16);
  NEXT(WORDS(3));
}
template <unsigned Bytes>
HANDLER(opStoreRaw) {  // addr, value, offset: v128 stores copy bits
  uint64_t ea = uint64_t(rd<uint32_t>(fp, OPD(0))) + OPD(2);
  std::memcpy(mem + ea, fp + OPD(1), Bytes);
  NEXT(WORDS(3));
}

// v128.loadNxM_s/u: dst, addr, offset
template <typename Narrow, typename Wide>
HANDLER(opLoadExtend) {
  uint64_t ea = uint64_t(rd<uint32_t>(fp, OPD(1))) + OPD(2);
  constexpr unsigned n = 8 / sizeof(Narrow);
  Narrow in[n];
  std::memcpy(in, mem + ea, 8);
  V128 out;
  for (unsigned i = 0; i < n; ++i) out.setLane<Wide>(i, static_cast<Wide>(in[i]));
  wr<V128>(fp, OPD(0), out);
  NEXT(WORDS(3));
}
template <typename T>
HANDLER(opLoadSplat) {
  uint64_t ea = uint64_t(rd<uint32_t>(fp, OPD(1))) + OPD(2);
  T v;
  std::memcpy(&v, mem + ea, sizeof(T));
  V128 out;
  for (unsigned i = 0; i < 16 / sizeof(T); ++i) out.setLane<T>(i, v);
  wr<V128>(fp, OPD(0), out);
  NEXT(WORDS(3));
}
template <typename T>
HANDLER(opLoadZero) {
  uint64_t ea = uint64_t(rd<uint32_t>(fp, OPD(1))) + OPD(2);
  V128 out;
  std::memcpy(out.bytes.data(), mem + ea, sizeof(T));
  wr<V128>(fp, OPD(0), out);
  NEXT(WORDS(3));
}
// v128.loadN_lane: dst, addr, offset, vec, lane
template <typename T>
HANDLER(opLoadLane) {
  uint64_t ea = uint64_t(rd<uint32_t>(fp, OPD(1))) + OPD(2);
  T v;
  std::memcpy(&v, mem + ea, sizeof(T));
  V128 out = rd<V128>(fp, OPD(3));
  out.setLane<T>(OPD(4), v);
  wr<V128>(fp, OPD(0), out);
  NEXT(WORDS(5));
}
// v128.storeN_lane: addr, vec, offset, lane
template <typename T>
HANDLER(opStoreLane) {
  uint64_t ea = uint64_t(rd<uint32_t>(fp, OPD(0))) + OPD(2);
  T v = rd<V128>(fp, OPD(1)).lane<T>(OPD(3));
  std::memcpy(mem + ea, &v, sizeof(T));
  NEXT(WORDS(4));
}

HANDLER(opMemorySize) {  // dst
  wr<uint32_t>(fp, OPD(0), static_cast<uint32_t>(st->instance->memories[0]->sizePages()));
  NEXT(WORDS(1));
}
HANDLER(opMemoryGrow) {  // dst, delta
  int64_t r = st->instance->memories[0]->grow(rd<uint32_t>(fp, OPD(1)));
  wr<uint32_t>(fp, OPD(0), static_cast<uint32_t>(r));
  NEXT(WORDS(2));
}
// Bulk operations. Metered code charges their length (runtime/fuel.h) once
// the operands are known to be in bounds and before any work, then works in
// pieces so that an interrupt stops a long one (having done part of it).
template <bool Metered>
inline bool chargeBulk(ExecState* st, uint64_t amount, fuel::Rate rate) {
  return !Metered || fuel::charge(st->fuel, fuel::cost(amount, rate));
}
#define BULK(n, chunk, backward, work)                                                                     \
  do {                                                                                                     \
    if constexpr (Metered) {                                                                               \
      if (!fuel::inChunks(st->interrupt, (n), (chunk), (backward), [&](uint64_t o, uint64_t k) { work; })) \
        TRAP(TrapKind::Interrupted);                                                                       \
    } else {                                                                                               \
      uint64_t o = 0, k = (n);                                                                             \
      work;                                                                                                \
    }                                                                                                      \
  } while (0)

template <bool Metered>
HANDLER(opMemoryFill) {  // dst, value, len
  LinearMemory* m = st->instance->memories[0];
  uint32_t d = rd<uint32_t>(fp, OPD(0)), n = rd<uint32_t>(fp, OPD(2));
  if (!m->inBounds(d, n)) TRAP(TrapKind::OutOfBoundsMemory);
  if (!chargeBulk<Metered>(st, n, fuel::kMemoryRate)) TRAP(TrapKind::OutOfFuel);
  uint8_t v = static_cast<uint8_t>(rd<uint32_t>(fp, OPD(1)));
  BULK(n, fuel::kChunkBytes, false, std::memset(mem + d + o, v, k));
  NEXT(WORDS(3));
}
template <bool Metered>
HANDLER(opMemoryCopy) {  // dst, src, len
  LinearMemory* m = st->instance->memories[0];
  uint32_t d = rd<uint32_t>(fp, OPD(0)), s = rd<uint32_t>(fp, OPD(1)), n = rd<uint32_t>(fp, OPD(2));
  if (!m->inBounds(d, n) || !m->inBounds(s, n)) TRAP(TrapKind::OutOfBoundsMemory);
  if (!chargeBulk<Metered>(st, n, fuel::kMemoryRate)) TRAP(TrapKind::OutOfFuel);
  BULK(n, fuel::kChunkBytes, d > s, std::memmove(mem + d + o, mem + s + o, k));
  NEXT(WORDS(3));
}
template <bool Metered>
HANDLER(opMemoryInit) {  // dst, src, len, dataIndex
  LinearMemory* m = st->instance->memories[0];
  const DataInst& data = st->instance->datas[OPD(3)];
  uint32_t d = rd<uint32_t>(fp, OPD(0)), s = rd<uint32_t>(fp, OPD(1)), n = rd<uint32_t>(fp, OPD(2));
  if (!m->inBounds(d, n) || uint64_t(s) + n > data.bytes.size()) TRAP(TrapKind::OutOfBoundsMemory);
  if (!chargeBulk<Metered>(st, n, fuel::kMemoryRate)) TRAP(TrapKind::OutOfFuel);
  if (n) BULK(n, fuel::kChunkBytes, false, std::memcpy(mem + d + o, data.bytes.data() + s + o, k));
  NEXT(WORDS(4));
}
HANDLER(opDataDrop) {  // dataIndex
  st->instance->datas[OPD(0)].bytes = {};
  NEXT(WORDS(1));
}

// ---- tables ----

HANDLER(opTableGet) {  // dst, index, table
  TableInst* t = st->instance->tables[OPD(2)];
  uint32_t i = rd<uint32_t>(fp, OPD(1));
  if (i >= t->elems.size()) TRAP(TrapKind::OutOfBoundsTable);
  wr<Ref>(fp, OPD(0), t->elems[i]);
  NEXT(WORDS(3));
}
HANDLER(opTableSet) {  // index, value, table
  TableInst* t = st->instance->tables[OPD(2)];
  uint32_t i = rd<uint32_t>(fp, OPD(0));
  if (i >= t->elems.size()) TRAP(TrapKind::OutOfBoundsTable);
  t->elems[i] = rd<Ref>(fp, OPD(1));
  NEXT(WORDS(3));
}
HANDLER(opTableSize) {  // dst, table
  wr<uint32_t>(fp, OPD(0), static_cast<uint32_t>(st->instance->tables[OPD(1)]->elems.size()));
  NEXT(WORDS(2));
}
HANDLER(opTableGrow) {  // dst, init, delta, table
  TableInst* t = st->instance->tables[OPD(3)];
  int64_t r = t->grow(rd<uint32_t>(fp, OPD(2)), rd<Ref>(fp, OPD(1)));
  wr<uint32_t>(fp, OPD(0), static_cast<uint32_t>(r));
  NEXT(WORDS(4));
}
constexpr uint64_t kChunkElems = fuel::kChunkBytes / sizeof(Ref);
template <bool Metered>
HANDLER(opTableFill) {  // index, value, len, table
  TableInst* t = st->instance->tables[OPD(3)];
  uint32_t i = rd<uint32_t>(fp, OPD(0)), n = rd<uint32_t>(fp, OPD(2));
  if (uint64_t(i) + n > t->elems.size()) TRAP(TrapKind::OutOfBoundsTable);
  if (!chargeBulk<Metered>(st, n, fuel::kTableRate)) TRAP(TrapKind::OutOfFuel);
  Ref v = rd<Ref>(fp, OPD(1));
  BULK(n, kChunkElems, false, std::fill_n(t->elems.data() + i + o, k, v));
  NEXT(WORDS(4));
}
template <bool Metered>
HANDLER(opTableCopy) {  // dst, src, len, dstTable, srcTable
  TableInst* td = st->instance->tables[OPD(3)];
  TableInst* ts = st->instance->tables[OPD(4)];
  uint32_t d = rd<uint32_t>(fp, OPD(0)), s = rd<uint32_t>(fp, OPD(1)), n = rd<uint32_t>(fp, OPD(2));
  if (uint64_t(s) + n > ts->elems.size() || uint64_t(d) + n > td->elems.size())
    TRAP(TrapKind::OutOfBoundsTable);
  if (!chargeBulk<Metered>(st, n, fuel::kTableRate)) TRAP(TrapKind::OutOfFuel);
  // Backward pieces when the ranges may overlap with the destination above.
  if (n)
    BULK(n, kChunkElems, td == ts && d > s,
         std::memmove(td->elems.data() + d + o, ts->elems.data() + s + o, k * sizeof(Ref)));
  NEXT(WORDS(5));
}
template <bool Metered>
HANDLER(opTableInit) {  // dst, src, len, table, elem
  TableInst* t = st->instance->tables[OPD(3)];
  const ElemInst& e = st->instance->elems[OPD(4)];
  uint32_t d = rd<uint32_t>(fp, OPD(0)), s = rd<uint32_t>(fp, OPD(1)), n = rd<uint32_t>(fp, OPD(2));
  if (uint64_t(s) + n > e.elems.size() || uint64_t(d) + n > t->elems.size()) TRAP(TrapKind::OutOfBoundsTable);
  if (!chargeBulk<Metered>(st, n, fuel::kTableRate)) TRAP(TrapKind::OutOfFuel);
  if (n)
    BULK(n, kChunkElems, false,
         std::memcpy(t->elems.data() + d + o, e.elems.data() + s + o, k * sizeof(Ref)));
  NEXT(WORDS(5));
}
#undef BULK
HANDLER(opElemDrop) {  // elem
  st->instance->elems[OPD(0)].elems.clear();
  st->instance->elems[OPD(0)].elems.shrink_to_fit();
  NEXT(WORDS(1));
}

}  // namespace wharf::interp
