// Dense double-precision matrix multiply C = A * B (i-k-j loop order, the
// cache-friendly form a typical C programmer writes), repeated with the result
// fed back into A so every pass depends on the previous one.
#include "common.h"

#define N BENCH_SIZE(600, 280)
#define PASSES BENCH_SIZE(24, 24)

static double A[N * N], B[N * N], C[N * N];

static void multiply(void) {
  for (int i = 0; i < N * N; ++i) C[i] = 0.0;
  for (int i = 0; i < N; ++i) {
    double* ci = &C[i * N];
    for (int k = 0; k < N; ++k) {
      double a = A[i * N + k];
      const double* bk = &B[k * N];
      for (int j = 0; j < N; ++j) ci[j] += a * bk[j];
    }
  }
}

EXPORT int64_t run(void) {
  Rng rng = {0x1234567ULL};
  for (int i = 0; i < N * N; ++i) A[i] = rng_unit(&rng) - 0.5;
  for (int i = 0; i < N * N; ++i) B[i] = (rng_unit(&rng) - 0.5) * (2.0 / N);
  uint64_t h = 0;
  for (int p = 0; p < PASSES; ++p) {
    multiply();
    // Keep values bounded while still depending on the whole product.
    for (int i = 0; i < N * N; ++i) A[i] = C[i] * 0.5 + A[i] * 0.5;
    h = mix64(h, dbits(C[(p * 7919) % (N * N)]));
  }
  double trace = 0.0, sum = 0.0;
  for (int i = 0; i < N; ++i) trace += C[i * N + i];
  for (int i = 0; i < N * N; ++i) sum += C[i];
  h = mix64(h, dbits(trace));
  h = mix64(h, dbits(sum));
  return (int64_t)h;
}
