// Iterative radix-2 complex FFT (bit reversal + butterflies), forward then
// inverse, over several signals. Twiddles come from half-angle recurrences so
// only IEEE-exact operations (+ - * / sqrt) are used and the checksum is
// bit-identical natively and in wasm.
#include "common.h"

#define LOG2N 16
#define N (1 << LOG2N)
#define ROUNDS BENCH_SIZE(240, 24)

static double re[N], im[N];
static double twr[N / 2], twi[N / 2];

// cos/sin(2*pi*k/N) for k < N/2: halve the angle pi/2 down to 2*pi/N with
// half-angle formulas, then rotate by that unit step.
static void make_twiddles(void) {
  double c = 0.0, s = 1.0;  // angle pi/2 = 2*pi/4
  for (int step = 2; step < LOG2N; ++step) {
    double c2 = __builtin_sqrt((1.0 + c) * 0.5);
    s = s / (2.0 * c2);
    c = c2;
  }
  twr[0] = 1.0;
  twi[0] = 0.0;
  for (int k = 1; k < N / 2; ++k) {
    twr[k] = twr[k - 1] * c - twi[k - 1] * s;
    twi[k] = twr[k - 1] * s + twi[k - 1] * c;
  }
}

static void fft(int inverse) {
  // Bit-reversal permutation.
  for (int i = 1, j = 0; i < N; ++i) {
    int bit = N >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      double t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  double sign = inverse ? 1.0 : -1.0;
  for (int len = 2; len <= N; len <<= 1) {
    int half = len >> 1;
    int stride = N / len;
    for (int i = 0; i < N; i += len) {
      for (int k = 0; k < half; ++k) {
        double wr = twr[k * stride], wi = sign * twi[k * stride];
        int a = i + k, b = a + half;
        double xr = re[b] * wr - im[b] * wi;
        double xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
  if (inverse) {
    double scale = 1.0 / N;
    for (int i = 0; i < N; ++i) {
      re[i] *= scale;
      im[i] *= scale;
    }
  }
}

EXPORT int64_t run(void) {
  make_twiddles();
  Rng rng = {0xF00DULL};
  uint64_t h = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    for (int i = 0; i < N; ++i) {
      re[i] = rng_unit(&rng) * 2.0 - 1.0;
      im[i] = 0.0;
    }
    fft(0);
    // Spectrum energy and a few bins depend on every input sample.
    double energy = 0.0;
    for (int i = 0; i < N; ++i) energy += re[i] * re[i] + im[i] * im[i];
    h = mix64(h, dbits(energy));
    h = mix64(h, dbits(re[(r * 131) & (N - 1)]));
    // Low-pass filter in the frequency domain, then transform back.
    for (int i = N / 8; i < N - N / 8; ++i) re[i] = im[i] = 0.0;
    fft(1);
    double acc = 0.0;
    for (int i = 0; i < N; ++i) acc += re[i] * (double)(i & 15) - im[i];
    h = mix64(h, dbits(acc));
  }
  return (int64_t)h;
}
