// The guest of the image tests: prints its arguments and $GREETING, the
// contents of any file named with "cat=PATH", and exits with "exit=N".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  printf("hello from wasm");
  for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
  const char* g = getenv("GREETING");
  if (g) printf(" [%s]", g);
  printf("\n");
  int status = 0;
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "cat=", 4) == 0) {
      FILE* f = fopen(argv[i] + 4, "r");
      if (!f) {
        printf("cannot open %s\n", argv[i] + 4);
        status = 1;
        continue;
      }
      char buf[256];
      size_t n;
      while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
      fclose(f);
    } else if (strncmp(argv[i], "exit=", 5) == 0) {
      status = atoi(argv[i] + 5);
    }
  }
  return status;
}
