// args_get, args_sizes_get, environ_get, environ_sizes_get: what the guest
// sees for argv and the environment, and that only --env (or, with
// --env-inherit, the host environment) reaches it.
// run: --env A=1 --env EMPTY= --env 'SPACED=two words' --env EQ=x=y -- first 'second arg' ''
// exit: 0
// stdout: args_env.stdout
// compare: node
// (Node's environ_get fails with EINVAL on an empty environment, so this
// case is not compared.)
// run: -- --not-an-option
// exit: 0
// stdout: args_env.2.stdout
// run: --env-inherit -- inherit
// exit: 0
// stdout: args_env.3.stdout
#include "wasi_test.h"

static uint32_t argc_, argbuf_, envc_, envbuf_;
static char *argv_[64], argdata_[4096], *env_[4096];
static char envdata_[1 << 20];

static void print_args(void) {
  OK(raw_args_sizes_get(P(&argc_), P(&argbuf_)));
  CHECK(argc_ < 64 && argbuf_ <= sizeof argdata_);
  memset(argdata_, 0x55, sizeof argdata_);
  OK(raw_args_get(P(argv_), P(argdata_)));
  // The strings are packed NUL-terminated into exactly argbuf_ bytes.
  uint32_t used = 0;
  for (uint32_t i = 0; i < argc_; i++) {
    CHECK(argv_[i] == argdata_ + used);
    used += strlen(argv_[i]) + 1;
  }
  CHECK_EQ(used, argbuf_);
  CHECK((unsigned char)argdata_[argbuf_] == 0x55);  // nothing written past the end
  printf("argc %u\n", argc_);
  // argv[0] is the program's path as given, which differs between runners;
  // only its file name is stable.
  const char *base = strrchr(argv_[0], '/');
  printf("argv[0] ends with %s\n", base ? base + 1 : argv_[0]);
  for (uint32_t i = 1; i < argc_; i++) printf("argv[%u] [%s]\n", i, argv_[i]);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static void print_env(int all) {
  OK(raw_environ_sizes_get(P(&envc_), P(&envbuf_)));
  CHECK(envc_ < 4096 && envbuf_ < sizeof envdata_);
  OK(raw_environ_get(P(env_), P(envdata_)));
  uint32_t used = 0;
  for (uint32_t i = 0; i < envc_; i++) {
    CHECK(env_[i] == envdata_ + used);
    CHECK(strchr(env_[i], '=') != NULL);
    used += strlen(env_[i]) + 1;
  }
  CHECK_EQ(used, envbuf_);
  if (all) {
    printf("environ %u\n", envc_);
    qsort(env_, envc_, sizeof *env_, cmp);
    for (uint32_t i = 0; i < envc_; i++) printf("env [%s]\n", env_[i]);
  } else {
    // With --env-inherit only the variable the runner sets is predictable.
    int found = 0;
    for (uint32_t i = 0; i < envc_; i++)
      if (strcmp(env_[i], "WHARF_WASI_TEST_INHERIT=yes") == 0) found = 1;
    printf("inherited WHARF_WASI_TEST_INHERIT: %s\n", found ? "yes" : "no");
    CHECK(envc_ > 1);
  }
  // libc's getenv sees the same thing.
  const char *a = getenv("A");
  printf("getenv(A) %s\n", a ? a : "(null)");
}

int main(int argc, char **argv) {
  print_args();
  CHECK_EQ(argc, argc_);
  print_env(argc < 2 || strcmp(argv[1], "inherit") != 0);
  // The calls are repeatable and give the same answers.
  uint32_t c2, b2;
  OK(raw_args_sizes_get(P(&c2), P(&b2)));
  CHECK_EQ(c2, argc_);
  CHECK_EQ(b2, argbuf_);
  OK(raw_environ_sizes_get(P(&c2), P(&b2)));
  CHECK_EQ(c2, envc_);
  CHECK_EQ(b2, envbuf_);
  printf("done\n");
  return 0;
}
