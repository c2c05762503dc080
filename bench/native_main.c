// Native driver: calls the kernel once and prints its checksum, matching what
// the wasm harnesses print for the exported `run`.
#include <inttypes.h>
#include <stdio.h>

int64_t run(void);

int main(void) {
  printf("%" PRId64 "\n", run());
  return 0;
}
