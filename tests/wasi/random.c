// random_get: fills exactly the requested bytes, differs between calls,
// accepts zero and large lengths and a buffer ending at the end of memory.
// (EFAULT paths: faults.c.)
// run:
// stdout: random.stdout
// compare: node
#include "wasi_test.h"

static unsigned char big[1 << 20];

int main(void) {
  unsigned char a[64], b[64];
  memset(a, 0xAA, sizeof a);
  memset(b, 0xAA, sizeof b);
  OK(raw_random_get(P(a) + 8, 32));
  OK(raw_random_get(P(b) + 8, 32));
  // Guard bytes untouched on both sides.
  for (int i = 0; i < 8; i++) CHECK(a[i] == 0xAA && b[i] == 0xAA);
  for (int i = 40; i < 64; i++) CHECK(a[i] == 0xAA && b[i] == 0xAA);
  CHECK(memcmp(a + 8, b + 8, 32) != 0);  // 2^-256 chance of a false failure
  printf("two 32-byte draws differ\n");

  OK(raw_random_get(P(a), 0));
  printf("zero length ok\n");

  // A large buffer is filled completely: every byte position gets a
  // non-0xAA value in one of several draws.
  static unsigned char seen[1 << 20];
  for (int round = 0; round < 4; round++) {
    memset(big, 0xAA, sizeof big);
    OK(raw_random_get(P(big), sizeof big));
    for (unsigned i = 0; i < sizeof big; i++) seen[i] |= big[i] != 0xAA;
  }
  for (unsigned i = 0; i < sizeof big; i++) CHECK(seen[i]);
  // Byte values are roughly uniform: each of 256 values appears in 1 MiB.
  unsigned counts[256] = {0};
  for (unsigned i = 0; i < sizeof big; i++) counts[big[i]]++;
  for (int v = 0; v < 256; v++) CHECK(counts[v] > 3000 && counts[v] < 5300);
  printf("1 MiB filled, all byte values present\n");

  // The last bytes of linear memory are a valid buffer.
  OK(raw_random_get(mem_end() - 16, 16));
  printf("buffer at end of memory ok\n");

  // libc's getentropy goes through random_get too.
  extern int getentropy(void *, size_t);
  CHECK(getentropy(a, 32) == 0);
  printf("getentropy ok\n");
  return 0;
}
