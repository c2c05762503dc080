// Sandbox escapes through /proc: links in the preopen to /proc/self/root,
// /proc/self/cwd (wharf runs with the outside directory as its cwd) and
// /proc/self/fd (where wharf's own descriptors, including the preopen's host
// fd, are magic links), made by the runner or by the guest, and /proc paths
// reached by `..`. All denied.
// run: --dir {sandbox}::/sandbox
// stdout: sandbox_proc.stdout
#include "sandbox_test.h"

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  uint32_t dir = (uint32_t)d;

  static const char *const links[] = {"esc_proc_root", "esc_proc_cwd", "esc_proc_fd"};
  for (unsigned i = 0; i < 3; i++) DENY_FOLLOW(dir, links[i]);
  DENY_ALL(dir, "esc_proc_root/etc/passwd", 0);
  DENY_ALL(dir, "esc_proc_root/proc/self/environ", 0);
  DENY_ALL(dir, "esc_proc_cwd/secret.txt", 0);
  DENY_ALL(dir, "esc_proc_cwd/dir/inner.txt", 0);
  DENY_ALL(dir, "esc_proc_cwd/new_file", 0);
  // Every host fd number wharf might have open, as a directory and as the
  // preopen's own directory re-entered through its magic link.
  char path[64];
  for (int fd = 0; fd < 64; fd++) {
    snprintf(path, sizeof path, "esc_proc_fd/%d", fd);
    DENY_FOLLOW(dir, path);
    snprintf(path, sizeof path, "esc_proc_fd/%d/secret.txt", fd);
    deny_open_read(dir, 1, path, 0, __LINE__);
    snprintf(path, sizeof path, "esc_proc_fd/%d/hello.txt", fd);
    deny_open_read(dir, 1, path, 0, __LINE__);
    snprintf(path, sizeof path, "esc_proc_fd/%d/../outside/secret.txt", fd);
    deny_open_read(dir, 1, path, 0, __LINE__);
  }
  printf("runner-made /proc links: denied\n");

  // The guest's own links to /proc (if it may make them at all).
  static const char *const targets[] = {"/proc/self/root", "/proc/self/cwd", "/proc/self/fd",
                                        "/proc/self/fd/3", "/proc/self/environ", "/proc/self/mem",
                                        "/proc/thread-self/root", "/proc/1/root"};
  for (unsigned i = 0; i < sizeof targets / sizeof *targets; i++) {
    snprintf(path, sizeof path, "g_proc_%u", i);
    int e = raw_path_symlink(SP(targets[i]), dir, SP(path));
    if (e != 0) {
      DENIED(e, 0, targets[i]);
      continue;
    }
    DENY_FOLLOW(dir, path);
    char deeper[96];
    snprintf(deeper, sizeof deeper, "%s/secret.txt", path);
    DENY_ALL(dir, deeper, 0);
    snprintf(deeper, sizeof deeper, "%s/etc/passwd", path);
    DENY_ALL(dir, deeper, 0);
  }
  printf("guest-made /proc links: denied\n");

  // /proc by `..` and absolute paths.
  DENY_ALL(dir, "../../../../../../proc/self/cwd/secret.txt", 0);
  DENY_ALL(dir, "/proc/self/cwd/secret.txt", E_NOENT);
  DENY_ALL(dir, "/proc/self/fd/3/hello.txt", E_NOENT);
  printf("/proc by path: denied\n");
  check_inside_intact(dir);
  return 0;
}
