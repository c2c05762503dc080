// A memory bomb under --max-memory: growing linear memory page by page, and
// malloc in a loop, stop at the limit (memory.grow returns -1, malloc NULL)
// and the guest carries on; or, as the contract also allows, wharf stops it
// with an error naming max-memory. A module whose initial memory is already
// over the limit does not start.
// run: --max-memory 32M -- grow 32
// stdout: limits_memory.grow.stdout
// exit: 0|134
// stderr: max-memory
// run: --max-memory 48M -- malloc 48
// stdout: limits_memory.malloc.stdout
// exit: 0|134
// stderr: max-memory
// run: --max-memory 1G -- grow 1024
// stdout: limits_memory.grow.stdout
// exit: 0|134
// stderr: max-memory
// run: --max-memory 8M -- static
// exit: 1|134
// stderr: max-memory
// Without a limit, memory can grow well beyond these.
// run: -- grow-some 128
// stdout: limits_memory.grow-some.stdout
#include "wasi_test.h"

// volatile, so the optimizer keeps the array (and its memory) and the
// allocations below.
static volatile char big_static[16 << 20];  // initial memory of 16 MiB and up
static char *volatile keep[1024];

int main(int argc, char **argv) {
  CHECK(argc == 3 || argc == 2);
  const char *what = argv[1];
  uint64_t limit = argc == 3 ? (uint64_t)atoi(argv[2]) << 20 : 0;
  if (strcmp(what, "grow") == 0) {
    // One page at a time until refused.
    for (;;) {
      size_t before = __builtin_wasm_memory_size(0);
      size_t r = __builtin_wasm_memory_grow(0, 1);
      if (r == (size_t)-1) break;
      CHECK_EQ(r, before);
      CHECK((uint64_t)__builtin_wasm_memory_size(0) * 65536 <= limit);
    }
    uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) * 65536;
    CHECK(have <= limit && have + 65536 > limit - (1 << 20));  // stopped at (about) the limit
    // A huge request is refused too, and memory still works.
    CHECK(__builtin_wasm_memory_grow(0, 65536) == (size_t)-1);
    volatile char *last = (volatile char *)(uintptr_t)(have - 1);
    *last = 42;
    CHECK(*last == 42);
    printf("memory.grow refused at the limit\n");
    return 0;
  }
  if (strcmp(what, "malloc") == 0) {
    uint64_t total = 0;
    for (int i = 0;; i++) {
      CHECK(i < 1024);
      char *p = malloc(1 << 20);
      if (!p) break;
      keep[i] = p;
      ((volatile char *)p)[0] = ((volatile char *)p)[(1 << 20) - 1] = 1;  // touch it
      total += 1 << 20;
      CHECK(total <= limit);
    }
    CHECK((uint64_t)__builtin_wasm_memory_size(0) * 65536 <= limit);
    // Stopped near the limit: all but the static array and a few MiB used.
    CHECK(total + sizeof big_static + (4 << 20) >= limit);
    // Freeing makes room again.
    free(keep[0]);
    char *p = malloc(1 << 19);
    CHECK(p != NULL);
    printf("malloc returned NULL at the limit\n");
    return 0;
  }
  if (strcmp(what, "static") == 0) {
    big_static[12345] = 1;
    printf("started with %u bytes of memory\n", (unsigned)__builtin_wasm_memory_size(0) * 65536);
    return 0;
  }
  if (strcmp(what, "grow-some") == 0) {
    size_t pages = (size_t)limit / 65536;
    CHECK(__builtin_wasm_memory_grow(0, pages) != (size_t)-1);
    volatile char *last = (volatile char *)(uintptr_t)(__builtin_wasm_memory_size(0) * 65536 - 1);
    *last = 1;
    printf("grew by %u MiB\n", (unsigned)(limit >> 20));
    return 0;
  }
  FAIL_AT("unknown mode %s", what);
}
