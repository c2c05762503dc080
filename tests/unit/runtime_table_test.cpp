// Tables against the store's budgets: what is charged is what is allocated,
// and no limit or allocation failure escapes as anything but a value.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

#include "runtime/instance.h"

using namespace wharf;

namespace {

TableType funcTable(uint64_t min, std::optional<uint64_t> max = std::nullopt) {
  return TableType{ValType::funcref(), Limits{min, max}};
}

TEST(RuntimeTable, GrowthIsChargedByCapacity) {
  Store store;
  store.setResourceLimit(1 << 20);
  ResourceBudget& budget = *store.resourceBudget();
  TableInst* t = store.addTable(funcTable(0), nullptr).value();
  int64_t size = 0;
  while (t->grow(1, nullptr) == size) {
    ++size;
    // The vector never holds more than what the budget was charged for.
    ASSERT_LE(t->elems.capacity() * sizeof(Ref), budget.used()) << "at size " << size;
    ASSERT_LE(budget.used(), budget.limit());
  }
  EXPECT_EQ(t->grow(1, nullptr), -1);
  EXPECT_EQ(t->elems.size(), uint64_t(size));
  // The copy on reallocation needs the old and the new buffer: a table gets
  // at least a quarter of the budget, at most all of it.
  EXPECT_GE(uint64_t(size) * sizeof(Ref), budget.limit() / 4);
  EXPECT_GT(budget.refusals(), 0u);
}

TEST(RuntimeTable, GrowByOneIsAmortised) {
  // Without a limit, a grow-by-one loop reallocates a logarithmic number of
  // times (doubling), not once per element.
  Store store;
  TableInst* t = store.addTable(funcTable(0), nullptr).value();
  size_t reallocations = 0;
  const Ref* data = nullptr;
  for (int i = 0; i < 100000; ++i) {
    ASSERT_EQ(t->grow(1, nullptr), i);
    if (t->elems.data() != data) ++reallocations, data = t->elems.data();
  }
  EXPECT_LT(reallocations, 40u);
}

TEST(RuntimeTable, InitialSizeOverTheLimitIsAnError) {
  Store store;
  store.setResourceLimit(4096);
  auto t = store.addTable(funcTable(1024), nullptr);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.takeError().message, "table allocation failed: 8192 bytes exceed the limit of 4096 bytes");
  EXPECT_EQ(store.resourceBudget()->used(), 0u);
  EXPECT_TRUE(store.addTable(funcTable(512), nullptr).ok());
}

TEST(RuntimeTable, ZeroLimitIsARealZero) {
  Store store;
  store.setResourceLimit(0);
  EXPECT_TRUE(store.addTable(funcTable(0), nullptr).ok());
  EXPECT_FALSE(store.addTable(funcTable(1), nullptr).ok());
  TableInst* t = store.addTable(funcTable(0), nullptr).value();
  EXPECT_EQ(t->grow(1, nullptr), -1);
  EXPECT_EQ(store.addMemory(MemoryType{Limits{1, std::nullopt}}), nullptr);
  LinearMemory* m = store.addMemory(MemoryType{Limits{0, std::nullopt}});
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->grow(1), -1);
}

TEST(RuntimeTable, StoreBoundsAllTablesWithoutALimit) {
  // Each table is allowed on its own; together they may not exceed the
  // store's fixed bound, by creation or by growth.
  Store store;
  constexpr uint64_t kQuarter = TableInst::kMaxElems / 4;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store.addTable(funcTable(kQuarter), nullptr).ok()) << i;
  auto fifth = store.addTable(funcTable(kQuarter), nullptr);
  ASSERT_FALSE(fifth.ok());
  EXPECT_EQ(fifth.takeError().message, "table allocation failed: the store's tables would exceed " +
                                           std::to_string(TableInst::kMaxStoreBytes) + " bytes");
  TableInst* small = store.addTable(funcTable(0), nullptr).value();
  EXPECT_EQ(small->grow(1, nullptr), -1);
  EXPECT_EQ(store.resourceBudget(), nullptr);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WHARF_ASAN 1
#endif
#endif

// Address space in use by this process, from /proc/self/statm (pages).
uint64_t addressSpaceBytes() {
  unsigned long pages = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f) {
    if (std::fscanf(f, "%lu", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  return uint64_t(pages) * 4096;
}

// In a child whose address space leaves no room for the table: an error
// (creation) and -1 (growth), never std::bad_alloc escaping to abort().
[[noreturn]] void allocateWithoutRoom() {
  Store store;
  TableInst* t = store.addTable(funcTable(0), nullptr).value();
  rlimit lim{};
  lim.rlim_cur = lim.rlim_max = addressSpaceBytes() + (16 << 20);
  if (setrlimit(RLIMIT_AS, &lim) != 0) std::exit(2);
  auto big = store.addTable(funcTable(TableInst::kMaxElems / 2), nullptr);
  if (big.ok() || big.takeError().message != "table allocation failed: out of host memory") std::exit(3);
  if (t->grow(TableInst::kMaxElems / 2, nullptr) != -1) std::exit(4);
  if (t->grow(16, nullptr) != 0) std::exit(5);  // a small one still works
  std::exit(0);
}

TEST(RuntimeTable, AllocationFailureIsAValue) {
#ifdef WHARF_ASAN
  GTEST_SKIP() << "address-space limits and the sanitizer's shadow memory do not mix";
#else
  EXPECT_EXIT(allocateWithoutRoom(), ::testing::ExitedWithCode(0), "");
#endif
}

}  // namespace
