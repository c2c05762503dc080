// Superinstructions: pairs of instructions fused into one handler when the
// first one's result is a temporary consumed only by the second, which
// follows it directly. Each fusion saves a dispatch and a store+load of the
// intermediate value. Pairs chosen by measured frequency on the benchmark
// kernels (bench/): arithmetic chains, compare + branch, add + load.
#pragma once

#include <array>

#include "interp/simple_ops.h"

namespace wharf::interp {

template <Opcode Op>
struct SemFn;
#define WHARF_OP(name, prefix, code, text, imm, sig, feature, flags) \
  template <>                                                        \
  struct SemFn<Opcode::name> {                                       \
    using T = semdispatch::name##Fn;                                 \
  };
#include "common/opcodes.def"
#undef WHARF_OP

template <Opcode Op>
constexpr bool isPlainScalarOp() {
  constexpr OpInfo info = opInfo(Op);
  return isSimpleOp(Op) && info.imm == ImmKind::None && info.sig.result != ValType::V128 &&
         (info.sig.numParams == 1 || info.sig.numParams == 2);
}

// Evaluates a non-trapping simple op on values read from the frame.
template <Opcode Op, typename... A>
inline auto evalOp(A... a) {
  using R = CType<opInfo(Op).sig.result>;
  return static_cast<R>(SemFn<Op>::T::call(a...));
}

template <Opcode P, Opcode C, unsigned Pos>
constexpr bool chainable() {
  if constexpr (!isPlainScalarOp<P>() || !isPlainScalarOp<C>()) {
    return false;
  } else {
    constexpr OpSignature p = opInfo(P).sig, c = opInfo(C).sig;
    if (Pos >= c.numParams) return false;
    return p.result == c.params[Pos];
  }
}

// t = P(x[, y]); dst = C(t[, c]) or C(c, t). Operands: dst, P's params, C's other param.
template <Opcode P, Opcode C, unsigned Pos>
HANDLER(opChain) {
  constexpr OpSignature ps = opInfo(P).sig, cs = opInfo(C).sig;
  constexpr unsigned np = ps.numParams, nOperands = 1 + np + cs.numParams - 1;
  using PR = CType<ps.result>;
  PR t;
  if constexpr (np == 1)
    t = evalOp<P>(rd<CType<ps.params[0]>>(fp, OPD(1)));
  else
    t = evalOp<P>(rd<CType<ps.params[0]>>(fp, OPD(1)), rd<CType<ps.params[1]>>(fp, OPD(2)));
  using CR = CType<cs.result>;
  CR r;
  if constexpr (cs.numParams == 1) {
    r = evalOp<C>(t);
  } else if constexpr (Pos == 0) {
    r = evalOp<C>(t, rd<CType<cs.params[1]>>(fp, OPD(1 + np)));
  } else {
    r = evalOp<C>(rd<CType<cs.params[0]>>(fp, OPD(1 + np)), t);
  }
  wr<CR>(fp, OPD(0), r);
  NEXT(WORDS(nOperands));
}

// Compare + conditional branch: operands are the compare's params, then the
// branch offset. Neg: branch when the comparison is false (if / br_unless).
template <Opcode P, bool Neg, unsigned Imm = 0>
HANDLER(opBrCmp) {
  constexpr OpSignature ps = opInfo(P).sig;
  constexpr unsigned np = ps.numParams;
  uint32_t c;
  if constexpr (np == 1)
    c = evalOp<P>(rd<CType<ps.params[0]>>(fp, OPD(0)));
  else
    c = evalOp<P>(rd<CType<ps.params[0]>>(fp, OPD(0)), ARG(CType<ps.params[1]>, 1, Imm != 0));
  if ((c != 0) != Neg) DISPATCH_TO(ip + OPDS(np));
  NEXT(WORDS(np + 1));
}

// Loop counter step + test: dst = A(x, y) (dst is a local); branch if
// C(dst, z) != Neg. Operands: dst, x, y, z, offset.
template <Opcode A, Opcode C, bool Neg, unsigned Imm = 0>
HANDLER(opArithBrCmp) {
  constexpr OpSignature as = opInfo(A).sig, cs = opInfo(C).sig;
  auto v = evalOp<A>(rd<CType<as.params[0]>>(fp, OPD(1)), ARG(CType<as.params[1]>, 2, (Imm & 1) != 0));
  wr(fp, OPD(0), v);
  uint32_t c = evalOp<C>(v, ARG(CType<cs.params[1]>, 3, (Imm & 2) != 0));
  if ((c != 0) != Neg) DISPATCH_TO(ip + OPDS(4));
  NEXT(WORDS(5));
}

// Two adjacent steps (e.g. two induction variables): x = A(a, b); y = B(c, d).
// Operands: x, a, b, y, c, d.
template <Opcode A, Opcode B, unsigned Imm = 0>
HANDLER(opStep2) {
  constexpr OpSignature as = opInfo(A).sig, bs = opInfo(B).sig;
  wr(fp, OPD(0), evalOp<A>(rd<CType<as.params[0]>>(fp, OPD(1)), ARG(CType<as.params[1]>, 2, (Imm & 1) != 0)));
  wr(fp, OPD(3), evalOp<B>(rd<CType<bs.params[0]>>(fp, OPD(4)), ARG(CType<bs.params[1]>, 5, (Imm & 2) != 0)));
  NEXT(WORDS(6));
}

// "br_if (local.tee x (A a b))": dst, a, b, offset.
template <Opcode A, bool Neg>
HANDLER(opArithBrNz) {
  uint32_t v = evalOp<A>(rd<uint32_t>(fp, OPD(1)), rd<uint32_t>(fp, OPD(2)));
  wr(fp, OPD(0), v);
  if ((v != 0) != Neg) DISPATCH_TO(ip + OPDS(3));
  NEXT(WORDS(4));
}

// "(load (local.tee x (i32.add a b)))": x, a, b, dst, offset.
template <typename Mem, typename Val, unsigned Imm = 0>
HANDLER(opStepLoad) {
  uint32_t addr = rd<uint32_t>(fp, OPD(1)) + ARG(uint32_t, 2, Imm != 0);
  wr<uint32_t>(fp, OPD(0), addr);
  Mem m;
  std::memcpy(&m, mem + uint64_t(addr) + OPD(4), sizeof(Mem));
  if constexpr (std::is_same_v<Val, Mem>) {
    std::memcpy(fp + OPD(3), &m, sizeof(Mem));
  } else {
    wr<Val>(fp, OPD(3), static_cast<Val>(m));
  }
  NEXT(WORDS(5));
}

// The scalar memory accesses: Mem is the value's form in memory, Val its
// form in a slot (float values are moved as raw bits).
template <Opcode Op>
struct MemAccess;
#define WHARF_MEM_ACCESS(op, M, V) \
  template <>                      \
  struct MemAccess<Opcode::op> {   \
    using Mem = M;                 \
    using Val = V;                 \
  };
WHARF_MEM_ACCESS(I32Load, uint32_t, uint32_t)
WHARF_MEM_ACCESS(I64Load, uint64_t, uint64_t)
WHARF_MEM_ACCESS(F32Load, uint32_t, uint32_t)
WHARF_MEM_ACCESS(F64Load, uint64_t, uint64_t)
WHARF_MEM_ACCESS(I32Load8S, int8_t, uint32_t)
WHARF_MEM_ACCESS(I32Load8U, uint8_t, uint32_t)
WHARF_MEM_ACCESS(I32Load16S, int16_t, uint32_t)
WHARF_MEM_ACCESS(I32Load16U, uint16_t, uint32_t)
WHARF_MEM_ACCESS(I64Load8S, int8_t, uint64_t)
WHARF_MEM_ACCESS(I64Load8U, uint8_t, uint64_t)
WHARF_MEM_ACCESS(I64Load16S, int16_t, uint64_t)
WHARF_MEM_ACCESS(I64Load16U, uint16_t, uint64_t)
WHARF_MEM_ACCESS(I64Load32S, int32_t, uint64_t)
WHARF_MEM_ACCESS(I64Load32U, uint32_t, uint64_t)
WHARF_MEM_ACCESS(I32Store, uint32_t, uint32_t)
WHARF_MEM_ACCESS(I64Store, uint64_t, uint64_t)
WHARF_MEM_ACCESS(F32Store, uint32_t, uint32_t)
WHARF_MEM_ACCESS(F64Store, uint64_t, uint64_t)
WHARF_MEM_ACCESS(I32Store8, uint8_t, uint32_t)
WHARF_MEM_ACCESS(I32Store16, uint16_t, uint32_t)
WHARF_MEM_ACCESS(I64Store8, uint8_t, uint64_t)
WHARF_MEM_ACCESS(I64Store16, uint16_t, uint64_t)
WHARF_MEM_ACCESS(I64Store32, uint32_t, uint64_t)
#undef WHARF_MEM_ACCESS

// Load, compare with a slot, branch: "if (p[i] == c)". Operands: the load's
// address (one slot, or two summed when WithAdd), the load offset, the other
// compare operand (absent for eqz), the branch offset, and with Tee the local
// that also receives the loaded value ("(local.tee x (load ..))").
template <Opcode L, bool WithAdd, Opcode C, bool Neg, bool Tee = false>
HANDLER(opLoadCmpBr) {
  constexpr unsigned na = WithAdd ? 2 : 1;
  constexpr OpSignature cs = opInfo(C).sig;
  constexpr unsigned k = na + 1 + (cs.numParams - 1);  // the branch offset operand
  uint32_t addr = rd<uint32_t>(fp, OPD(0));
  if constexpr (WithAdd) addr += rd<uint32_t>(fp, OPD(1));
  using Mem = typename MemAccess<L>::Mem;
  using Val = CType<cs.params[0]>;
  Mem m;
  std::memcpy(&m, mem + uint64_t(addr) + OPD(na), sizeof(Mem));
  Val v = static_cast<Val>(m);
  if constexpr (Tee) wr<Val>(fp, OPD(k + 1), v);  // before the other operand is read: it may be x
  uint32_t c;
  if constexpr (cs.numParams == 1)
    c = evalOp<C>(v);
  else
    c = evalOp<C>(v, rd<Val>(fp, OPD(na + 1)));
  if ((c != 0) != Neg) DISPATCH_TO(ip + OPDS(k));
  NEXT(WORDS(k + 1 + (Tee ? 1 : 0)));
}

// Load whose address is an i32.add of two slots: dst, a, b, offset.
template <typename Mem, typename Val, unsigned Imm = 0>
HANDLER(opLoadAdd) {
  uint32_t addr = rd<uint32_t>(fp, OPD(1)) + ARG(uint32_t, 2, Imm != 0);
  Mem m;
  std::memcpy(&m, mem + uint64_t(addr) + OPD(3), sizeof(Mem));
  if constexpr (std::is_same_v<Val, Mem>) {
    std::memcpy(fp + OPD(0), &m, sizeof(Mem));
  } else {
    wr<Val>(fp, OPD(0), static_cast<Val>(m));
  }
  NEXT(WORDS(4));
}

// Plain load feeding a binary op: dst, addr, offset, other.
template <Opcode L, Opcode C, unsigned Pos>
HANDLER(opLoadOp) {
  constexpr OpSignature cs = opInfo(C).sig;
  using T = CType<opInfo(L).sig.result>;
  T v;
  std::memcpy(&v, mem + uint64_t(rd<uint32_t>(fp, OPD(1))) + OPD(2), sizeof(T));
  using CR = CType<cs.result>;
  CR r;
  if constexpr (Pos == 0)
    r = evalOp<C>(v, rd<CType<cs.params[1]>>(fp, OPD(3)));
  else
    r = evalOp<C>(rd<CType<cs.params[0]>>(fp, OPD(3)), v);
  wr<CR>(fp, OPD(0), r);
  NEXT(WORDS(4));
}

// Load at (a + b + offset) feeding a binary op: dst, a, b, offset, other.
template <Opcode L, Opcode C, unsigned Pos>
HANDLER(opLoadAddOp) {
  constexpr OpSignature cs = opInfo(C).sig;
  using T = CType<opInfo(L).sig.result>;
  uint32_t addr = rd<uint32_t>(fp, OPD(1)) + rd<uint32_t>(fp, OPD(2));
  T v;
  std::memcpy(&v, mem + uint64_t(addr) + OPD(3), sizeof(T));
  using CR = CType<cs.result>;
  CR r;
  if constexpr (Pos == 0)
    r = evalOp<C>(v, rd<CType<cs.params[1]>>(fp, OPD(4)));
  else
    r = evalOp<C>(rd<CType<cs.params[0]>>(fp, OPD(4)), v);
  wr<CR>(fp, OPD(0), r);
  NEXT(WORDS(5));
}

// The read-modify-write handlers below store either to their own address
// and offset operands or, InPlace, where they loaded (one address read).
#define RMW_STORE_AT(k, loadAt) (InPlace ? (loadAt) : mem + uint64_t(rd<uint32_t>(fp, OPD(k))) + OPD((k) + 1))

// Read-modify-write "mem[q] = C(mem[p], other)" (e.g. `x[i] += y`):
// operands loadAddr, loadOffset, other[, storeAddr, storeOffset].
template <Opcode L, Opcode C, unsigned Pos, bool InPlace = false>
HANDLER(opLoadOpStore) {
  constexpr OpSignature cs = opInfo(C).sig;
  using T = CType<opInfo(L).sig.result>;
  uint8_t* p = mem + uint64_t(rd<uint32_t>(fp, OPD(0))) + OPD(1);
  T v;
  std::memcpy(&v, p, sizeof(T));
  using CR = CType<cs.result>;
  CR r;
  if constexpr (Pos == 0)
    r = evalOp<C>(v, rd<CType<cs.params[1]>>(fp, OPD(2)));
  else
    r = evalOp<C>(rd<CType<cs.params[0]>>(fp, OPD(2)), v);
  std::memcpy(RMW_STORE_AT(3, p), &r, sizeof(CR));
  NEXT(WORDS(InPlace ? 3 : 5));
}

// Multiply-accumulate into memory, "y[j] += a * x[j]": a load + op (M) whose
// result feeds a read-modify-write (A). Operands: M's load address (one slot,
// or two summed when WithAdd), its offset, M's other operand, the RMW's load
// address and offset, the store address and offset.
template <Opcode L, Opcode M, unsigned PosM, bool WithAdd, Opcode A, unsigned PosA, bool InPlace = false>
HANDLER(opLoadOpRmw) {
  constexpr unsigned na = WithAdd ? 2 : 1;
  using T = CType<opInfo(L).sig.result>;
  uint32_t addr = rd<uint32_t>(fp, OPD(0));
  if constexpr (WithAdd) addr += rd<uint32_t>(fp, OPD(1));
  T v;
  std::memcpy(&v, mem + uint64_t(addr) + OPD(na), sizeof(T));
  T other = rd<T>(fp, OPD(na + 1));
  T x = PosM == 0 ? evalOp<M>(v, other) : evalOp<M>(other, v);
  uint8_t* p = mem + uint64_t(rd<uint32_t>(fp, OPD(na + 2))) + OPD(na + 3);
  T w;
  std::memcpy(&w, p, sizeof(T));
  T r = PosA == 0 ? evalOp<A>(w, x) : evalOp<A>(x, w);
  std::memcpy(RMW_STORE_AT(na + 4, p), &r, sizeof(T));
  NEXT(WORDS(na + (InPlace ? 4 : 6)));
}

// Read-modify-write by a product of three, "p[i] -= x * y * z": the chain
// t = M(M(x, y), z) (or M(z, M(x, y)) when PosM is 1) and mem[q] =
// A(mem[p], t) (A(t, mem[p]) when PosA is 1). Operands: x, y, z, load address
// and offset, store address and offset.
template <Opcode M, unsigned PosM, Opcode A, unsigned PosA, bool InPlace = false>
HANDLER(opChainRmw) {
  using T = CType<opInfo(M).sig.result>;
  T t = evalOp<M>(rd<T>(fp, OPD(0)), rd<T>(fp, OPD(1)));
  t = PosM == 0 ? evalOp<M>(t, rd<T>(fp, OPD(2))) : evalOp<M>(rd<T>(fp, OPD(2)), t);
  uint8_t* p = mem + uint64_t(rd<uint32_t>(fp, OPD(3))) + OPD(4);
  T v;
  std::memcpy(&v, p, sizeof(T));
  T r = PosA == 0 ? evalOp<A>(v, t) : evalOp<A>(t, v);
  std::memcpy(RMW_STORE_AT(5, p), &r, sizeof(T));
  NEXT(WORDS(InPlace ? 5 : 7));
}
#undef RMW_STORE_AT

// Store whose address is an i32.add of two slots: a, b, value, offset.
template <typename Mem, typename Val, unsigned Imm = 0>
HANDLER(opStoreAdd) {
  uint64_t ea = uint64_t(uint32_t(rd<uint32_t>(fp, OPD(0)) + ARG(uint32_t, 1, Imm != 0))) + OPD(3);
  Mem m = static_cast<Mem>(rd<Val>(fp, OPD(2)));
  std::memcpy(mem + ea, &m, sizeof(Mem));
  NEXT(WORDS(4));
}

// Array element access, "a[i]": the address is (x << shift) + base, with the
// shift amount (already masked to 0..31) as an immediate.
// Load operands: dst, x, base, shift, offset.
template <typename Mem, typename Val>
HANDLER(opLoadIdx) {
  uint32_t addr = (rd<uint32_t>(fp, OPD(1)) << OPD(3)) + rd<uint32_t>(fp, OPD(2));
  Mem m;
  std::memcpy(&m, mem + uint64_t(addr) + OPD(4), sizeof(Mem));
  if constexpr (std::is_same_v<Val, Mem>) {
    std::memcpy(fp + OPD(0), &m, sizeof(Mem));
  } else {
    wr<Val>(fp, OPD(0), static_cast<Val>(m));
  }
  NEXT(WORDS(5));
}
// Store operands: x, base, shift, value, offset.
template <typename Mem, typename Val>
HANDLER(opStoreIdx) {
  uint32_t addr = (rd<uint32_t>(fp, OPD(0)) << OPD(2)) + rd<uint32_t>(fp, OPD(1));
  Mem m = static_cast<Mem>(rd<Val>(fp, OPD(3)));
  std::memcpy(mem + uint64_t(addr) + OPD(4), &m, sizeof(Mem));
  NEXT(WORDS(5));
}

// br_table whose index is computed by a binary op (e.g. "switch (op - 1)"):
// a, b, count, offsets[count + 1].
template <Opcode Op>
HANDLER(opBrTableOp) {
  uint32_t i = evalOp<Op>(rd<uint32_t>(fp, OPD(0)), rd<uint32_t>(fp, OPD(1)));
  uint32_t n = OPD(2);
  if (i > n) i = n;
  DISPATCH_TO(ip + OPDS(3 + i));
}

// XOR of shifted / rotated values, as in hash functions ("rotr(e, 6) ^
// rotr(e, 11) ^ rotr(e, 25)"): dst, then (x, k) per term, k an immediate;
// when all terms shift the same x (Same): dst, x, then the k of each term.
template <typename T, bool Same, Opcode... S>
HANDLER(opShiftXor) {
  constexpr unsigned n = sizeof...(S);
  constexpr Opcode ops[] = {S...};
  T r = 0;
  if constexpr (Same) {
    T x = rd<T>(fp, OPD(1));
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((r ^= static_cast<T>(evalOp<ops[I]>(x, static_cast<T>(OPD(2 + I))))), ...);
    }(std::make_index_sequence<n>());
  } else {
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((r ^= static_cast<T>(evalOp<ops[I]>(rd<T>(fp, OPD(1 + 2 * I)), static_cast<T>(OPD(2 + 2 * I))))), ...);
    }(std::make_index_sequence<n>());
  }
  wr<T>(fp, OPD(0), r);
  NEXT(WORDS(Same ? 2 + n : 1 + 2 * n));
}

// select whose condition is a compare ("x < y ? a : b"), one-slot values:
// dst, a, b, then the compare's params.
template <Opcode Cmp, unsigned Imm = 0>
HANDLER(opCmpSelect) {
  constexpr OpSignature cs = opInfo(Cmp).sig;
  uint32_t c;
  if constexpr (cs.numParams == 1)
    c = evalOp<Cmp>(rd<CType<cs.params[0]>>(fp, OPD(3)));
  else
    c = evalOp<Cmp>(rd<CType<cs.params[0]>>(fp, OPD(3)), ARG(CType<cs.params[1]>, 4, Imm != 0));
  fp[OPD(0)] = fp[c ? OPD(1) : OPD(2)];
  NEXT(WORDS(3 + cs.numParams));
}

// Binary op whose result is stored: addr, a, b, offset.
template <Opcode P, typename Mem>
HANDLER(opOpStore) {
  constexpr OpSignature ps = opInfo(P).sig;
  auto r = evalOp<P>(rd<CType<ps.params[0]>>(fp, OPD(1)), rd<CType<ps.params[1]>>(fp, OPD(2)));
  Mem m;
  if constexpr (sizeof(Mem) == sizeof(r)) {
    std::memcpy(&m, &r, sizeof(Mem));
  } else {
    m = static_cast<Mem>(r);
  }
  std::memcpy(mem + uint64_t(rd<uint32_t>(fp, OPD(0))) + OPD(3), &m, sizeof(Mem));
  NEXT(WORDS(4));
}

// ---- tables: producer and consumer sets, by profile ----

template <Opcode... Ops>
struct OpList {
  static constexpr std::array<Opcode, sizeof...(Ops)> ops{Ops...};
};

// A fused handler family as a dense table over a grid of choices (opcode
// list indices, operand positions, flags). Entry<i0, i1, ...>::value is the
// handler for one point of the grid, or null where the combination does not
// type-check; Grid<Entry, n0, n1, ...>::at(i0, i1, ...) looks one up.
// The operands of a handler that its immediate forms can take as values
// (positions, and whether each is an i64), for the families whose last grid
// dimension is the immediate mask.
struct ImmSpec {
  uint8_t n = 0;
  uint8_t pos[2] = {};
  bool wide[2] = {};
};

template <template <size_t...> class Entry, size_t... Dims>
struct Grid {
  static constexpr size_t kRank = sizeof...(Dims);
  static constexpr std::array<size_t, kRank> kDims{Dims...};
  static constexpr size_t kSize = (Dims * ... * 1);

  template <size_t Flat>
  static constexpr std::array<size_t, kRank> coords() {
    std::array<size_t, kRank> c{};
    size_t f = Flat;
    for (size_t i = kRank; i-- > 0;) {
      c[i] = f % kDims[i];
      f /= kDims[i];
    }
    return c;
  }
  template <size_t Flat, size_t... K>
  static constexpr Handler entry(std::index_sequence<K...>) {
    constexpr auto c = coords<Flat>();
    return Entry<c[K]...>::value;
  }
  template <size_t... Flat>
  static constexpr std::array<Handler, kSize> build(std::index_sequence<Flat...>) {
    return {entry<Flat>(std::make_index_sequence<kRank>())...};
  }
  static constexpr std::array<Handler, kSize> kTable = build(std::make_index_sequence<kSize>());

  template <size_t Flat, size_t... K>
  static constexpr ImmSpec immSpec(std::index_sequence<K...>) {
    constexpr auto c = coords<Flat>();
    using E = Entry<c[K]...>;
    if constexpr (requires { E::imm; })
      return E::imm;
    else
      return ImmSpec{};
  }
  template <size_t... Flat>
  static constexpr std::array<ImmSpec, kSize> buildSpecs(std::index_sequence<Flat...>) {
    return {immSpec<Flat>(std::make_index_sequence<kRank>())...};
  }
  static constexpr std::array<ImmSpec, kSize> kImmSpecs = buildSpecs(std::make_index_sequence<kSize>());

  // Null when any coordinate is out of range (e.g. -1 for "not in the list").
  template <typename... I>
  static Handler at(I... idx) {
    static_assert(sizeof...(I) == kRank);
    const long c[] = {static_cast<long>(idx)...};
    size_t flat = 0;
    for (size_t i = 0; i < kRank; ++i) {
      if (c[i] < 0 || static_cast<size_t>(c[i]) >= kDims[i]) return nullptr;
      flat = flat * kDims[i] + static_cast<size_t>(c[i]);
    }
    return kTable[flat];
  }
};

#define WHARF_I32_BIN                                                                            \
  Opcode::I32Add, Opcode::I32Sub, Opcode::I32Mul, Opcode::I32And, Opcode::I32Or, Opcode::I32Xor, \
      Opcode::I32Shl, Opcode::I32ShrS, Opcode::I32ShrU, Opcode::I32Rotl, Opcode::I32Rotr
#define WHARF_I64_BIN                                                                            \
  Opcode::I64Add, Opcode::I64Sub, Opcode::I64Mul, Opcode::I64And, Opcode::I64Or, Opcode::I64Xor, \
      Opcode::I64Shl, Opcode::I64ShrS, Opcode::I64ShrU, Opcode::I64Rotl
#define WHARF_I32_CMP                                                                           \
  Opcode::I32Eqz, Opcode::I32Eq, Opcode::I32Ne, Opcode::I32LtS, Opcode::I32LtU, Opcode::I32GtS, \
      Opcode::I32GtU, Opcode::I32LeS, Opcode::I32LeU, Opcode::I32GeS, Opcode::I32GeU
#define WHARF_I64_CMP                                                                           \
  Opcode::I64Eqz, Opcode::I64Eq, Opcode::I64Ne, Opcode::I64LtS, Opcode::I64LtU, Opcode::I64GtS, \
      Opcode::I64GtU, Opcode::I64LeS, Opcode::I64LeU, Opcode::I64GeS, Opcode::I64GeU
#define WHARF_F_ARITH \
  Opcode::F64Add, Opcode::F64Sub, Opcode::F64Mul, Opcode::F32Add, Opcode::F32Sub, Opcode::F32Mul

using ChainProducers = OpList<WHARF_I32_BIN, WHARF_I64_BIN, WHARF_F_ARITH, Opcode::I64ExtendI32U,
                              Opcode::I64ExtendI32S, Opcode::F64ConvertI32S>;
using ChainConsumers = OpList<WHARF_I32_BIN, WHARF_I64_BIN, WHARF_F_ARITH, WHARF_I32_CMP, WHARF_I64_CMP,
                              Opcode::I64ExtendI32U, Opcode::I64ExtendI32S>;
using BranchCompares = OpList<WHARF_I32_CMP, WHARF_I64_CMP>;

template <typename List>
constexpr int indexIn(Opcode op) {
  for (size_t i = 0; i < List::ops.size(); ++i)
    if (List::ops[i] == op) return static_cast<int>(i);
  return -1;
}

// The scalar loads and stores (the first four of each: full width).
using ScalarLoads =
    OpList<Opcode::I32Load, Opcode::I64Load, Opcode::F32Load, Opcode::F64Load, Opcode::I32Load8S,
           Opcode::I32Load8U, Opcode::I32Load16S, Opcode::I32Load16U, Opcode::I64Load8S, Opcode::I64Load8U,
           Opcode::I64Load16S, Opcode::I64Load16U, Opcode::I64Load32S, Opcode::I64Load32U>;
using ScalarStores =
    OpList<Opcode::I32Store, Opcode::I64Store, Opcode::F32Store, Opcode::F64Store, Opcode::I32Store8,
           Opcode::I32Store16, Opcode::I64Store8, Opcode::I64Store16, Opcode::I64Store32>;

// "P then C with P's result as C's operand Pos".
template <size_t PI, size_t Pos, size_t CI>
struct ChainEntry {
  static constexpr Opcode P = ChainProducers::ops[PI], C = ChainConsumers::ops[CI];
  static constexpr Handler value = []() -> Handler {
    if constexpr (chainable<P, C, Pos>())
      return &opChain<P, C, Pos>;
    else
      return nullptr;
  }();
};
using ChainGrid = Grid<ChainEntry, ChainProducers::ops.size(), 2, ChainConsumers::ops.size()>;

inline Handler chainHandler(Opcode p, Opcode c, unsigned pos) {
  return ChainGrid::at(indexIn<ChainProducers>(p), pos, indexIn<ChainConsumers>(c));
}

template <size_t I, size_t Neg, size_t Imm>
struct BrCmpEntry {
  static constexpr OpSignature sig = opInfo(BranchCompares::ops[I]).sig;
  static constexpr ImmSpec imm = {uint8_t(sig.numParams - 1), {1}, {sig.params[1] == ValType::I64}};
  static constexpr Handler value = []() -> Handler {
    if constexpr (Imm > (1u << imm.n) - 1)
      return nullptr;
    else
      return &opBrCmp<BranchCompares::ops[I], (Neg != 0), Imm>;
  }();
};
using BrCmpGrid = Grid<BrCmpEntry, BranchCompares::ops.size(), 2, 2>;

inline Handler brCmpHandler(Opcode cmp, bool negate) {
  return BrCmpGrid::at(indexIn<BranchCompares>(cmp), negate ? 1 : 0, 0);
}

using LoadOpLoads = OpList<Opcode::I32Load, Opcode::I64Load, Opcode::F32Load, Opcode::F64Load>;
using LoadOpConsumers = OpList<Opcode::I32Add, Opcode::I32Sub, Opcode::I32Mul, Opcode::I32And, Opcode::I32Or,
                               Opcode::I32Xor, Opcode::I64Add, Opcode::I64Sub, Opcode::I64Mul, Opcode::I64And,
                               Opcode::I64Or, Opcode::I64Xor, WHARF_F_ARITH, Opcode::F64Div, Opcode::F32Div>;

template <size_t WithAdd, size_t LI, size_t Pos, size_t CI>
struct LoadOpEntry {
  static constexpr Opcode L = LoadOpLoads::ops[LI], C = LoadOpConsumers::ops[CI];
  static constexpr Handler value = []() -> Handler {
    if constexpr (opInfo(L).sig.result != opInfo(C).sig.params[Pos])
      return nullptr;
    else if constexpr (WithAdd != 0)
      return &opLoadAddOp<L, C, Pos>;
    else
      return &opLoadOp<L, C, Pos>;
  }();
};
using LoadOpGrid = Grid<LoadOpEntry, 2, LoadOpLoads::ops.size(), 2, LoadOpConsumers::ops.size()>;

// The fused "load then op" handler (address from a slot, or an i32.add of
// two slots when withAdd), or null.
inline Handler loadOpHandler(Opcode load, Opcode op, unsigned pos, bool withAdd) {
  return LoadOpGrid::at(withAdd ? 1 : 0, indexIn<LoadOpLoads>(load), pos, indexIn<LoadOpConsumers>(op));
}

// Read-modify-write "mem[q] = C(mem[p], other)": per load, the ops.
using RmwLoads = OpList<Opcode::F64Load, Opcode::F32Load, Opcode::I32Load, Opcode::I64Load>;
using RmwOps = OpList<Opcode::F64Add, Opcode::F64Sub, Opcode::F64Mul, Opcode::F32Add, Opcode::F32Sub,
                      Opcode::F32Mul, Opcode::I32Add, Opcode::I32Sub, Opcode::I32And, Opcode::I32Or,
                      Opcode::I32Xor, Opcode::I64Add, Opcode::I64Sub, Opcode::I64Xor>;
template <size_t LI, size_t CI, size_t Pos, size_t InPlace>
struct LoadOpStoreEntry {
  static constexpr Opcode L = RmwLoads::ops[LI], C = RmwOps::ops[CI];
  static constexpr Handler value = []() -> Handler {
    if constexpr (opInfo(L).sig.result != opInfo(C).sig.result)
      return nullptr;
    else
      return &opLoadOpStore<L, C, Pos, (InPlace != 0)>;
  }();
};
using LoadOpStoreGrid = Grid<LoadOpStoreEntry, RmwLoads::ops.size(), RmwOps::ops.size(), 2, 2>;

inline Handler loadOpStoreHandler(Opcode load, Opcode op, unsigned pos, Opcode store, bool inPlace) {
  // The store writes what the load read: the same type.
  if (opInfo(store).sig.params[1] != opInfo(load).sig.result || indexIn<ScalarStores>(store) >= 4)
    return nullptr;
  return LoadOpStoreGrid::at(indexIn<RmwLoads>(load), indexIn<RmwOps>(op), pos, inPlace ? 1 : 0);
}

// Binary op whose result is stored (full width, or i32 to 8 bits).
using OpStoreOps =
    OpList<Opcode::F64Add, Opcode::F64Sub, Opcode::F64Mul, Opcode::F32Add, Opcode::F32Sub, Opcode::F32Mul,
           Opcode::I32Add, Opcode::I32Sub, Opcode::I32And, Opcode::I32Or, Opcode::I32Xor, Opcode::I32ShrU,
           Opcode::I64Add, Opcode::I64Sub, Opcode::I64Xor, Opcode::I64Or, Opcode::I64And>;
template <size_t OI, size_t Narrow>
struct OpStoreEntry {
  static constexpr Opcode O = OpStoreOps::ops[OI];
  static constexpr ValType::Kind R = opInfo(O).sig.result;
  using Full = std::conditional_t<R == ValType::I64 || R == ValType::F64, uint64_t, uint32_t>;
  static constexpr Handler value = []() -> Handler {
    if constexpr (Narrow == 0)
      return &opOpStore<O, Full>;
    else if constexpr (R == ValType::I32)
      return &opOpStore<O, uint8_t>;
    else
      return nullptr;
  }();
};
using OpStoreGrid = Grid<OpStoreEntry, OpStoreOps::ops.size(), 2>;

inline Handler opStoreHandler(Opcode op, Opcode store) {
  int narrow = store == Opcode::I32Store8 ? 1
               : opInfo(store).sig.params[1] == opInfo(op).sig.result && indexIn<ScalarStores>(store) < 4
                   ? 0
                   : -1;
  return OpStoreGrid::at(indexIn<OpStoreOps>(op), narrow);
}

using StepOps = OpList<Opcode::I32Add, Opcode::I32Sub, Opcode::I64Add, Opcode::I64Sub>;
using StepCompares = OpList<Opcode::I32Eq, Opcode::I32Ne, Opcode::I32LtS, Opcode::I32LtU, Opcode::I32GtS,
                            Opcode::I32GtU, Opcode::I32LeS, Opcode::I32LeU, Opcode::I32GeS, Opcode::I32GeU,
                            Opcode::I64Eq, Opcode::I64Ne, Opcode::I64LtS, Opcode::I64LtU, Opcode::I64GtS,
                            Opcode::I64GtU, Opcode::I64LeS, Opcode::I64LeU, Opcode::I64GeS, Opcode::I64GeU>;
template <size_t AI, size_t Neg, size_t CI, size_t Imm>
struct ArithBrCmpEntry {
  static constexpr Opcode A = StepOps::ops[AI], C = StepCompares::ops[CI];
  static constexpr bool wide = opInfo(A).sig.result == ValType::I64;
  static constexpr ImmSpec imm = {2, {2, 3}, {wide, wide}};
  static constexpr Handler value = []() -> Handler {
    if constexpr (opInfo(A).sig.result == opInfo(C).sig.params[0])
      return &opArithBrCmp<A, C, (Neg != 0), Imm>;
    else
      return nullptr;
  }();
};
using ArithBrCmpGrid = Grid<ArithBrCmpEntry, StepOps::ops.size(), 2, StepCompares::ops.size(), 4>;

// "x = A(..); if (C(x, z)) branch" as one instruction, or null.
inline Handler arithBrCmpHandler(Opcode a, Opcode c, bool negate) {
  return ArithBrCmpGrid::at(indexIn<StepOps>(a), negate ? 1 : 0, indexIn<StepCompares>(c), 0);
}

template <size_t AI, size_t BI, size_t Imm>
struct Step2Entry {
  static constexpr ImmSpec imm = {2,
                                  {2, 5},
                                  {opInfo(StepOps::ops[AI]).sig.result == ValType::I64,
                                   opInfo(StepOps::ops[BI]).sig.result == ValType::I64}};
  static constexpr Handler value = &opStep2<StepOps::ops[AI], StepOps::ops[BI], Imm>;
};
using Step2Grid = Grid<Step2Entry, StepOps::ops.size(), StepOps::ops.size(), 4>;

inline Handler step2Handler(Opcode a, Opcode b) {
  return Step2Grid::at(indexIn<StepOps>(a), indexIn<StepOps>(b), 0);
}

using BrNzOps = OpList<Opcode::I32Add, Opcode::I32Sub>;
template <size_t AI, size_t Neg>
struct ArithBrNzEntry {
  static constexpr Handler value = &opArithBrNz<BrNzOps::ops[AI], (Neg != 0)>;
};
using ArithBrNzGrid = Grid<ArithBrNzEntry, BrNzOps::ops.size(), 2>;

inline Handler arithBrNzHandler(Opcode a, bool negate) {
  return ArithBrNzGrid::at(indexIn<BrNzOps>(a), negate ? 1 : 0);
}

using CmpBrLoads =
    OpList<Opcode::I32Load, Opcode::I64Load, Opcode::I32Load8U, Opcode::I32Load8S, Opcode::I32Load16U>;

template <size_t LI, size_t WithAdd, size_t Neg, size_t CI, size_t Tee>
struct LoadCmpBrEntry {
  static constexpr Opcode L = CmpBrLoads::ops[LI], C = BranchCompares::ops[CI];
  static constexpr Handler value = []() -> Handler {
    if constexpr (opInfo(L).sig.result == opInfo(C).sig.params[0])
      return &opLoadCmpBr<L, (WithAdd != 0), C, (Neg != 0), (Tee != 0)>;
    else
      return nullptr;
  }();
};
using LoadCmpBrGrid = Grid<LoadCmpBrEntry, CmpBrLoads::ops.size(), 2, 2, BranchCompares::ops.size(), 2>;

// "if (load(..) <cmp> x)" as one instruction (the load result being the
// compare's first operand), or null.
inline Handler loadCmpBrHandler(Opcode load, bool withAdd, Opcode cmp, bool negate, bool tee) {
  return LoadCmpBrGrid::at(indexIn<CmpBrLoads>(load), withAdd ? 1 : 0, negate ? 1 : 0,
                           indexIn<BranchCompares>(cmp), tee ? 1 : 0);
}

// Multiply-accumulate into memory (opLoadOpRmw), per load type: the load,
// its multiply, and the accumulating add / sub.
using MacLoads = OpList<Opcode::F64Load, Opcode::F32Load, Opcode::I32Load, Opcode::I64Load>;
using MacMuls = OpList<Opcode::F64Mul, Opcode::F32Mul, Opcode::I32Mul, Opcode::I64Mul>;
using MacAdds = OpList<Opcode::F64Add, Opcode::F32Add, Opcode::I32Add, Opcode::I64Add>;
using MacSubs = OpList<Opcode::F64Sub, Opcode::F32Sub, Opcode::I32Sub, Opcode::I64Sub>;

template <size_t LI, size_t PosM, size_t WithAdd, size_t Sub, size_t PosA, size_t InPlace>
struct LoadOpRmwEntry {
  static constexpr Opcode A = (Sub ? MacSubs::ops : MacAdds::ops)[LI];
  static constexpr Handler value =
      &opLoadOpRmw<MacLoads::ops[LI], MacMuls::ops[LI], PosM, (WithAdd != 0), A, PosA, (InPlace != 0)>;
};
using LoadOpRmwGrid = Grid<LoadOpRmwEntry, MacLoads::ops.size(), 2, 2, 2, 2, 2>;

// "store(q, A(load(q'), M(load(p), other)))" as one instruction, or null.
inline Handler loadOpRmwHandler(Opcode load, Opcode mul, unsigned posM, bool withAdd, Opcode acc,
                                unsigned posA, bool inPlace) {
  int li = indexIn<MacLoads>(load);
  if (li < 0 || MacMuls::ops[li] != mul) return nullptr;
  int sub = acc == MacAdds::ops[li] ? 0 : acc == MacSubs::ops[li] ? 1 : -1;
  return LoadOpRmwGrid::at(li, posM, withAdd ? 1 : 0, sub, posA, inPlace ? 1 : 0);
}

// Fused memory accesses, per scalar load or store opcode.
#define WHARF_ACCESS_TABLE(fn, list, handler)                                    \
  template <size_t I>                                                            \
  struct fn##Entry {                                                             \
    using A = MemAccess<list::ops[I]>;                                           \
    static constexpr Handler value = &handler<typename A::Mem, typename A::Val>; \
  };                                                                             \
  using fn##Grid = Grid<fn##Entry, list::ops.size()>;                            \
  inline Handler fn(Opcode op) { return fn##Grid::at(indexIn<list>(op)); }
// Families whose address addend (operand immPos) may be an immediate.
#define WHARF_ACCESS_TABLE_IMM(fn, list, handler, immPos)                             \
  template <size_t I, size_t Imm>                                                     \
  struct fn##Entry {                                                                  \
    using A = MemAccess<list::ops[I]>;                                                \
    static constexpr ImmSpec imm = {1, {immPos}, {false}};                            \
    static constexpr Handler value = &handler<typename A::Mem, typename A::Val, Imm>; \
  };                                                                                  \
  using fn##Grid = Grid<fn##Entry, list::ops.size(), 2>;                              \
  inline Handler fn(Opcode op) { return fn##Grid::at(indexIn<list>(op), 0); }
WHARF_ACCESS_TABLE(loadHandler, ScalarLoads, opLoad)
WHARF_ACCESS_TABLE(storeHandler, ScalarStores, opStore)
// "(load (local.tee x (i32.add a b)))"
WHARF_ACCESS_TABLE_IMM(stepLoadHandler, ScalarLoads, opStepLoad, 2)
// "(load (i32.add a b))"
WHARF_ACCESS_TABLE_IMM(loadAddHandler, ScalarLoads, opLoadAdd, 2)
// "(load (i32.add (i32.shl x k) base))"
WHARF_ACCESS_TABLE(loadIdxHandler, ScalarLoads, opLoadIdx)
// "(store (i32.add a b) v)"
WHARF_ACCESS_TABLE_IMM(storeAddHandler, ScalarStores, opStoreAdd, 1)
// "(store (i32.add (i32.shl x k) base) v)"
WHARF_ACCESS_TABLE(storeIdxHandler, ScalarStores, opStoreIdx)
#undef WHARF_ACCESS_TABLE
#undef WHARF_ACCESS_TABLE_IMM

using BrTableIndexOps = OpList<Opcode::I32Add, Opcode::I32Sub, Opcode::I32And, Opcode::I32ShrU>;
template <size_t I>
struct BrTableOpEntry {
  static constexpr Handler value = &opBrTableOp<BrTableIndexOps::ops[I]>;
};
using BrTableOpGrid = Grid<BrTableOpEntry, BrTableIndexOps::ops.size()>;
inline Handler brTableOpHandler(Opcode op) { return BrTableOpGrid::at(indexIn<BrTableIndexOps>(op)); }

// Shift terms of opShiftXor, per type (rotr is a rotl by the complement).
using ShiftTerms32 = OpList<Opcode::I32Rotl, Opcode::I32ShrU, Opcode::I32Shl>;
using ShiftTerms64 = OpList<Opcode::I64Rotl, Opcode::I64ShrU, Opcode::I64Shl>;
template <size_t Wide, size_t Same, size_t... S>
struct ShiftXorEntry {
  using L = std::conditional_t<Wide != 0, ShiftTerms64, ShiftTerms32>;
  using T = std::conditional_t<Wide != 0, uint64_t, uint32_t>;
  static constexpr Handler value = &opShiftXor<T, (Same != 0), L::ops[S]...>;
};
using ShiftXor2Grid = Grid<ShiftXorEntry, 2, 2, 3, 3>;
using ShiftXor3Grid = Grid<ShiftXorEntry, 2, 2, 3, 3, 3>;

// The term index of a shift opcode in its type's list, or -1.
inline int shiftTermIndex(Opcode op) {
  int i = indexIn<ShiftTerms32>(op);
  return i >= 0 ? i : indexIn<ShiftTerms64>(op);
}
// opShiftXor for the given terms (2 or 3 of them, all i32 or all i64), or null.
inline Handler shiftXorHandler(bool wide, bool same, const Opcode* terms, unsigned n) {
  int t[3];
  for (unsigned i = 0; i < n; ++i)
    t[i] = wide ? indexIn<ShiftTerms64>(terms[i]) : indexIn<ShiftTerms32>(terms[i]);
  if (n == 2) return ShiftXor2Grid::at(wide ? 1 : 0, same ? 1 : 0, t[0], t[1]);
  if (n == 3) return ShiftXor3Grid::at(wide ? 1 : 0, same ? 1 : 0, t[0], t[1], t[2]);
  return nullptr;
}

// opChainRmw, per float type: the load, the multiply, the add and sub.
using ProdLoads = OpList<Opcode::F64Load, Opcode::F32Load>;
using ProdMuls = OpList<Opcode::F64Mul, Opcode::F32Mul>;
using ProdAccs = OpList<Opcode::F64Add, Opcode::F64Sub, Opcode::F32Add, Opcode::F32Sub>;
template <size_t TI, size_t PosM, size_t AI, size_t PosA, size_t InPlace>
struct ChainRmwEntry {
  static constexpr Handler value =
      &opChainRmw<ProdMuls::ops[TI], PosM, ProdAccs::ops[2 * TI + AI], PosA, (InPlace != 0)>;
};
using ChainRmwGrid = Grid<ChainRmwEntry, 2, 2, 2, 2, 2>;

// "store(q, A(load(p), M(M(x, y), z)))" as one instruction, or null.
inline Handler chainRmwHandler(Opcode load, Opcode mul, unsigned posM, Opcode acc, unsigned posA,
                               bool inPlace) {
  int ti = indexIn<ProdLoads>(load);
  if (ti < 0 || ProdMuls::ops[ti] != mul) return nullptr;
  int ai = indexIn<ProdAccs>(acc) - 2 * ti;
  return ChainRmwGrid::at(ti, posM, ai < 0 || ai > 1 ? -1 : ai, posA, inPlace ? 1 : 0);
}

template <size_t I, size_t Imm>
struct CmpSelectEntry {
  static constexpr OpSignature sig = opInfo(BranchCompares::ops[I]).sig;
  static constexpr ImmSpec imm = {uint8_t(sig.numParams - 1), {4}, {sig.params[1] == ValType::I64}};
  static constexpr Handler value = []() -> Handler {
    if constexpr (Imm > (1u << imm.n) - 1)
      return nullptr;
    else
      return &opCmpSelect<BranchCompares::ops[I], Imm>;
  }();
};
using CmpSelectGrid = Grid<CmpSelectEntry, BranchCompares::ops.size(), 2>;
inline Handler cmpSelectHandler(Opcode cmp) { return CmpSelectGrid::at(indexIn<BranchCompares>(cmp), 0); }

}  // namespace wharf::interp
