// Quicksort (median-of-three, insertion sort for short ranges, recursion on
// the smaller side) of pseudo-random 32-bit keys, with a sortedness check.
#include "common.h"

#define COUNT BENCH_SIZE(4000000, 400000)
#define ROUNDS 3

static int32_t keys[COUNT];

static void insertion_sort(int32_t* a, long lo, long hi) {
  for (long i = lo + 1; i <= hi; ++i) {
    int32_t v = a[i];
    long j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      --j;
    }
    a[j + 1] = v;
  }
}

static inline void swap(int32_t* a, long i, long j) {
  int32_t t = a[i];
  a[i] = a[j];
  a[j] = t;
}

static void quicksort(int32_t* a, long lo, long hi) {
  while (hi - lo > 16) {
    long mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    int32_t pivot = a[mid];
    long i = lo, j = hi;
    // Hoare partition.
    for (;;) {
      while (a[i] < pivot) ++i;
      while (a[j] > pivot) --j;
      if (i >= j) break;
      swap(a, i, j);
      ++i;
      --j;
    }
    // Recurse on the smaller half, loop on the larger: O(log n) stack.
    if (j - lo < hi - j) {
      quicksort(a, lo, j);
      lo = j + 1;
    } else {
      quicksort(a, j + 1, hi);
      hi = j;
    }
  }
  insertion_sort(a, lo, hi);
}

EXPORT int64_t run(void) {
  Rng rng = {0x9E3779B9ULL};
  uint64_t h = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    // Round 1 has many duplicate keys, the others are nearly all distinct.
    uint32_t mask = r == 1 ? 0xFFFu : 0xFFFFFFFFu;
    for (long i = 0; i < COUNT; ++i) keys[i] = (int32_t)(rng_u32(&rng) & mask);
    quicksort(keys, 0, COUNT - 1);
    for (long i = 1; i < COUNT; ++i)
      if (keys[i - 1] > keys[i]) return -1;
    for (long i = 0; i < COUNT; i += 1013) h = mix64(h, (uint32_t)keys[i]);
  }
  return (int64_t)h;
}
