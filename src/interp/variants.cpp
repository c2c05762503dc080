// Handler variants (see variants.h). A replica calls its handler in tail
// position and is flattened, so the handler's body, final indirect jump
// included, is inlined into it.
#include "interp/variants.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "interp/fusion.h"

namespace wharf::interp {
namespace {

template <Handler H, unsigned R>
[[gnu::flatten]] HANDLER(opReplica) {
  [[clang::musttail]] return H(ip, fp, mem, st);
}

using ReplicaSet = std::array<Handler, kReplicas>;

template <Handler H>
constexpr ReplicaSet replicasOf() {
  if constexpr (H == nullptr) {
    return {};
  } else {
    return []<unsigned... R>(std::integer_sequence<unsigned, R...>) {
      return ReplicaSet{&opReplica<H, R + 1>...};
    }(std::make_integer_sequence<unsigned, kReplicas>());
  }
}

// Replicas for every (non-null) handler of a constexpr table.
template <const auto& Table>
struct Replicated {
  static constexpr auto kSets = []<size_t... I>(std::index_sequence<I...>) {
    return std::array<ReplicaSet, sizeof...(I)>{replicasOf<Table[I]>()...};
  }(std::make_index_sequence<Table.size()>());
};

// The numeric (non-SIMD) simple handlers.
constexpr bool isScalar(const OpInfo& info) {
  if (info.sig.result == ValType::V128) return false;
  for (unsigned i = 0; i < info.sig.numParams; ++i)
    if (info.sig.params[i] == ValType::V128) return false;
  return true;
}
constexpr auto kScalarSimple = [] {
  std::array<Handler, std::size(kSimpleHandlers)> a{};
  for (size_t i = 0; i < a.size(); ++i)
    a[i] = isScalar(opInfo(static_cast<Opcode>(i))) ? kSimpleHandlers[i] : nullptr;
  return a;
}();

constexpr auto kScalarSimpleImm = [] {
  std::array<Handler, std::size(kSimpleImmHandlers)> a{};
  for (size_t i = 0; i < a.size(); ++i) a[i] = kSimpleImmHandlers[i];
  return a;
}();

constexpr std::array<Handler, 11> kPlain = {&opCopyPairJump, &opCopy1,      &opCopyPair,  &opCopyTriple,
                                            &opCopyJump,     &opJump,       &opBrIf,      &opBrUnless,
                                            &opSelect1,      &opGlobalGet1, &opGlobalSet1};

// Handlers by address, for lookups: an open-addressing table built in one
// pass at the first compile of the process (sorting the few thousand
// entries instead cost a quarter of the start-up of `wharf run`).
template <typename V>
struct SortedMap {
  std::vector<std::pair<Handler, V>> entries;
  std::vector<uint32_t> slots;  // index + 1 into entries, 0 = empty
  size_t mask = 0;
  static size_t hash(Handler h) {
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(h) >> 4) * 0x9e3779b97f4a7c15ull >> 20);
  }
  void finish() {
    size_t size = 16;
    while (size < 2 * entries.size()) size *= 2;
    slots.assign(size, 0);
    mask = size - 1;
    // A handler listed by two families (e.g. a plain load) keeps its first entry.
    for (size_t i = 0; i < entries.size(); ++i)
      for (size_t s = hash(entries[i].first) & mask;; s = (s + 1) & mask) {
        if (!slots[s]) {
          slots[s] = static_cast<uint32_t>(i + 1);
          break;
        }
        if (entries[slots[s] - 1].first == entries[i].first) break;
      }
  }
  const V* find(Handler h) const {
    for (size_t s = hash(h) & mask;; s = (s + 1) & mask) {
      if (!slots[s]) return nullptr;
      if (entries[slots[s] - 1].first == h) return &entries[slots[s] - 1].second;
    }
  }
};

struct ImmIndex {
  SortedMap<ImmediateForms> map;
  // A family whose grid's last dimension is the immediate mask.
  template <typename G>
  void add() {
    constexpr size_t m = G::kDims[G::kRank - 1];
    for (size_t i = 0; i < G::kSize; i += m) {
      const ImmSpec& spec = G::kImmSpecs[i];
      if (!G::kTable[i] || spec.n == 0) continue;
      ImmediateForms f{&G::kTable[i], spec.n, {spec.pos[0], spec.pos[1]}, {spec.wide[0], spec.wide[1]}};
      map.entries.emplace_back(G::kTable[i], f);
    }
  }
  std::array<std::array<Handler, 2>, std::size(kSimpleHandlers)> simple{};
  ImmIndex() {
    for (size_t i = 0; i < simple.size(); ++i) {
      if (!kSimpleImmHandlers[i]) continue;
      simple[i] = {kSimpleHandlers[i], kSimpleImmHandlers[i]};
      bool wide = opInfo(static_cast<Opcode>(i)).sig.params[1] == ValType::I64;
      map.entries.emplace_back(kSimpleHandlers[i], ImmediateForms{simple[i].data(), 1, {2}, {wide}});
    }
    add<BrCmpGrid>();
    add<ArithBrCmpGrid>();
    add<Step2Grid>();
    add<stepLoadHandlerGrid>();
    add<loadAddHandlerGrid>();
    add<storeAddHandlerGrid>();
    add<CmpSelectGrid>();
    map.finish();
  }
};

struct ReplicaIndex {
  SortedMap<const Handler*> map;

  template <const auto& Table>
  void add() {
    const auto& sets = Replicated<Table>::kSets;
    for (size_t i = 0; i < Table.size(); ++i)
      if (Table[i]) map.entries.emplace_back(Table[i], sets[i].data());
  }
  ReplicaIndex() {
    add<kScalarSimple>();
    add<kScalarSimpleImm>();
    add<kPlain>();
    add<ChainGrid::kTable>();
    add<BrCmpGrid::kTable>();
    add<LoadOpGrid::kTable>();
    add<LoadOpStoreGrid::kTable>();
    add<OpStoreGrid::kTable>();
    add<ArithBrCmpGrid::kTable>();
    add<Step2Grid::kTable>();
    add<ArithBrNzGrid::kTable>();
    add<LoadCmpBrGrid::kTable>();
    add<LoadOpRmwGrid::kTable>();
    add<ShiftXor2Grid::kTable>();
    add<ShiftXor3Grid::kTable>();
    add<BrTableOpGrid::kTable>();
    add<ChainRmwGrid::kTable>();
    add<CmpSelectGrid::kTable>();
    add<loadHandlerGrid::kTable>();
    add<storeHandlerGrid::kTable>();
    add<stepLoadHandlerGrid::kTable>();
    add<loadAddHandlerGrid::kTable>();
    add<loadIdxHandlerGrid::kTable>();
    add<storeAddHandlerGrid::kTable>();
    add<storeIdxHandlerGrid::kTable>();
    map.finish();
  }
};

}  // namespace

ImmediateForms immediateForms(Handler h) {
  static const ImmIndex index;
  const ImmediateForms* f = index.map.find(h);
  return f ? *f : ImmediateForms{};
}

const Handler* handlerReplicas(Handler h) {
  static const ReplicaIndex index;
  const Handler* const* r = index.map.find(h);
  return r ? *r : nullptr;
}

}  // namespace wharf::interp
