// Sandbox escapes by path: `..` out of the preopen (directly, after
// descending, via a subdirectory fd), and absolute paths (to the outside
// directory's real host path, to /etc, to /proc). Every path function must
// refuse, and nothing outside may change (the runner checks that and that
// the outside secret never shows up).
// run: --dir {sandbox}::/sandbox -- {outside} {sandbox}
// stdout: sandbox_paths.stdout
#include "sandbox_test.h"

int main(int argc, char **argv) {
  CHECK(argc == 3);
  const char *outside = argv[1], *sandbox_host = argv[2];
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  uint32_t dir = (uint32_t)d;

  static const char *const dotdot[] = {
      "..", "../", "../..", "../outside", "../outside/secret.txt", "../outside/dir",
      "../outside/dir/inner.txt", "../outside/new", "./../outside/secret.txt",
      "sub/../../outside/secret.txt", "sub/deeper/../../../outside/secret.txt",
      "sub/../..", "sub/deeper/../../..", "empty/../../outside", "../sandbox/hello.txt",
      "../sandbox", "../../../../../../../../etc/passwd", "sub/./../../outside/secret.txt",
      ".//..//outside//secret.txt",
  };
  for (unsigned i = 0; i < sizeof dotdot / sizeof *dotdot; i++) DENY_ALL(dir, dotdot[i], 0);
  printf("`..` out of the preopen: denied\n");

  // Absolute paths never name host files. (ENOENT is acceptable: a runtime
  // may treat them as names relative to the preopen, where none exist.)
  char abs1[512], abs2[512], abs3[512];
  snprintf(abs1, sizeof abs1, "%s/secret.txt", outside);
  snprintf(abs2, sizeof abs2, "%s/hello.txt", sandbox_host);  // even the preopen's own host path
  snprintf(abs3, sizeof abs3, "%s/new", outside);
  const char *const absolute[] = {"/", "/etc", "/etc/passwd", "/proc/self/environ", "/proc/self/root",
                                  "//etc/passwd", "/sandbox/hello.txt", "/tmp", outside, abs1, abs2, abs3};
  for (unsigned i = 0; i < sizeof absolute / sizeof *absolute; i++) DENY_ALL(dir, absolute[i], E_NOENT);
  printf("absolute paths: denied\n");

  // A directory fd opened below the preopen is a capability for that
  // directory only: `..` from it is refused even when it would stay inside
  // the preopen.
  uint32_t sub;
  OK(open_at(dir, "sub", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &sub));
  static const char *const from_sub[] = {"..", "../hello.txt", "../sub/a.txt", "deeper/../../hello.txt",
                                         "../../outside/secret.txt"};
  for (unsigned i = 0; i < sizeof from_sub / sizeof *from_sub; i++) {
    uint32_t fd;
    DENIED(raw_path_open(sub, 1, SP(from_sub[i]), 0, R(FD_READ), 0, 0, P(&fd)), 0, from_sub[i]);
    __wasi_filestat_t st;
    DENIED(raw_path_filestat_get(sub, 1, SP(from_sub[i]), P(&st)), 0, from_sub[i]);
  }
  // ... while `..` that stays within it is fine.
  char buf[32];
  OK(slurp(sub, "deeper/../a.txt", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "a\n") == 0);
  OK(raw_fd_close(sub));
  printf("`..` above a subdirectory fd: denied\n");

  // `..` that stays inside the preopen works, including back to its root.
  OK(slurp(dir, "sub/../hello.txt", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "hello, world\n") == 0);
  __wasi_filestat_t st, root;
  OK(raw_path_filestat_get(dir, 0, SP("sub/.."), P(&st)));
  OK(raw_fd_filestat_get(dir, P(&root)));
  CHECK(st.ino == root.ino && st.dev == root.dev);
  printf("`..` within the preopen: allowed\n");

  check_inside_intact(dir);
  printf("%d escape attempts denied\n", denied_count > 500 ? 500 : denied_count);
  return 0;
}
