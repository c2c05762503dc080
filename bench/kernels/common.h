// Shared helpers for the benchmark kernels. Each kernel is a single C file that
// exports `int64_t run(void)`; it is compiled both natively and to wasm32 with
// the same flags, so nothing here may depend on libc I/O or on libm (libm
// results differ in the last ulp between glibc and wasi-libc, which would make
// checksums disagree).
#ifndef WHARF_BENCH_COMMON_H
#define WHARF_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

// `used` keeps the entry point alive under LTO; the wasm export itself comes from
// -Wl,--export=run in build.sh.
#define EXPORT __attribute__((used, visibility("default")))

// -DQUICK shrinks the work ~10x for smoke tests; the code paths stay the same.
#ifdef QUICK
#define BENCH_SIZE(full, quick) (quick)
#else
#define BENCH_SIZE(full, quick) (full)
#endif

// Deterministic input generator (xorshift64*): identical on every target.
typedef struct {
  uint64_t s;
} Rng;

static inline uint64_t rng_next(Rng* r) {
  uint64_t x = r->s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  r->s = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static inline uint32_t rng_u32(Rng* r) { return (uint32_t)(rng_next(r) >> 32); }

// Uniform double in [0, 1) built from 53 random bits.
static inline double rng_unit(Rng* r) { return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }

// Folds a value into a running checksum so every result influences the output.
static inline uint64_t mix64(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  return h;
}

// Turns a double into an integer for checksumming. The kernels only use IEEE
// basic operations (+ - * / sqrt), which are bit-exact on x86-64 and wasm32.
static inline uint64_t dbits(double d) {
  union {
    double d;
    uint64_t u;
  } c;
  c.d = d;
  return c.u;
}

#endif
