// Handler replicas (see replicas.h): a replica calls its handler in tail
// position and is flattened, so the handler's body, final indirect jump
// included, is inlined into it.
#include "interp/replicas.h"

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

constexpr std::array<Handler, 10> kPlain = {&opCopy1,      &opCopyPair,  &opCopyTriple, &opCopyJump,
                                            &opJump,       &opBrIf,      &opBrUnless,   &opSelect1,
                                            &opGlobalGet1, &opGlobalSet1};

struct Index {
  std::vector<std::pair<Handler, const Handler*>> byHandler;  // sorted

  template <const auto& Table>
  void add() {
    const auto& sets = Replicated<Table>::kSets;
    for (size_t i = 0; i < Table.size(); ++i)
      if (Table[i]) byHandler.emplace_back(Table[i], sets[i].data());
  }
  Index() {
    add<kScalarSimple>();
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
    add<loadHandlerGrid::kTable>();
    add<storeHandlerGrid::kTable>();
    add<stepLoadHandlerGrid::kTable>();
    add<loadAddHandlerGrid::kTable>();
    add<loadIdxHandlerGrid::kTable>();
    add<storeAddHandlerGrid::kTable>();
    add<storeIdxHandlerGrid::kTable>();
    auto less = [](const auto& a, const auto& b) { return std::less<>()(a.first, b.first); };
    std::sort(byHandler.begin(), byHandler.end(), less);
    // A handler listed by two families (e.g. a plain load) keeps one entry.
    byHandler.erase(std::unique(byHandler.begin(), byHandler.end(),
                                [](const auto& a, const auto& b) { return a.first == b.first; }),
                    byHandler.end());
  }
};

}  // namespace

const Handler* handlerReplicas(Handler h) {
  static const Index index;
  auto it = std::lower_bound(index.byHandler.begin(), index.byHandler.end(), h,
                             [](const auto& e, Handler x) { return std::less<>()(e.first, x); });
  return it != index.byHandler.end() && it->first == h ? it->second : nullptr;
}

}  // namespace wharf::interp
