// Segmented sieve of Eratosthenes over odd numbers: counts the primes below
// LIMIT and folds their sum and gap statistics into the checksum.
#include "common.h"

#define LIMIT BENCH_SIZE(1000000000u, 100000000u)
#define SEGMENT (1 << 15)  // odd numbers per segment: fits in L1
#define MAX_BASE 8192      // odd primes up to sqrt(LIMIT) < 2^16: 6541 of them

static uint8_t small[1 << 16];
static uint32_t base_primes[MAX_BASE];
static uint32_t next_multiple[MAX_BASE];  // odd-index of next composite to strike
static uint8_t seg[SEGMENT];

EXPORT int64_t run(void) {
  uint32_t root = 1;
  while ((uint64_t)root * root < LIMIT) ++root;
  // Plain sieve for the base primes (odd primes <= root).
  int nbase = 0;
  for (uint32_t i = 0; i <= root; ++i) small[i] = 1;
  for (uint32_t p = 3; p <= root; p += 2) {
    if (!small[p]) continue;
    base_primes[nbase] = p;
    next_multiple[nbase] = (p * p) / 2;  // index of odd number p*p
    ++nbase;
    for (uint32_t m = p * p; m <= root; m += 2 * p) small[m] = 0;
  }
  uint64_t count = 1, sum = 2, gap_hash = 0;  // 2 is prime
  uint64_t last = 2;
  uint32_t total = LIMIT / 2;  // odd numbers 1,3,5,... below LIMIT
  for (uint32_t lo = 0; lo < total; lo += SEGMENT) {
    uint32_t len = total - lo < SEGMENT ? total - lo : SEGMENT;
    for (uint32_t i = 0; i < len; ++i) seg[i] = 1;
    if (lo == 0) seg[0] = 0;  // 1 is not prime
    for (int b = 0; b < nbase; ++b) {
      uint32_t p = base_primes[b];
      uint32_t j = next_multiple[b];
      for (; j < lo + len; j += p) seg[j - lo] = 0;
      next_multiple[b] = j;
    }
    for (uint32_t i = 0; i < len; ++i) {
      if (!seg[i]) continue;
      uint64_t v = 2 * (uint64_t)(lo + i) + 1;
      ++count;
      sum += v;
      gap_hash = gap_hash * 31 + (v - last);
      last = v;
    }
  }
  uint64_t h = mix64(count, sum);
  return (int64_t)mix64(h, gap_hash);
}
