// Sandbox escapes the guest builds itself: symlinks it creates pointing out
// (absolute, relative, to the outside's real host path, dangling ones it then
// tries to create through), hard links through them, renames of files and
// directories out of the preopen or into directories that lead out, and a
// directory swapped for an escaping link behind an open directory fd.
// run: --dir {sandbox}::/sandbox -- {outside}
// stdout: sandbox_link_rename.stdout
#include "sandbox_test.h"

static uint32_t dir;

// The guest may or may not be allowed to create a link with this target;
// if it is, following it must be denied.
static void evil_link(const char *target, const char *at) {
  int e = raw_path_symlink(SP(target), dir, SP(at));
  if (e == 0) {
    DENY_FOLLOW(dir, at);
    char deeper[256];
    snprintf(deeper, sizeof deeper, "%s/secret.txt", at);
    DENY_ALL(dir, deeper, 0);
    snprintf(deeper, sizeof deeper, "%s/new_file", at);
    DENY_ALL(dir, deeper, 0);
  } else {
    DENIED(e, 0, target);
  }
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  const char *outside = argv[1];
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;

  char host_abs[512], host_file[512];
  snprintf(host_abs, sizeof host_abs, "%s", outside);
  snprintf(host_file, sizeof host_file, "%s/secret.txt", outside);
  evil_link("../outside", "g_rel_dir");
  evil_link("../outside/secret.txt", "g_rel_file");
  evil_link("../../outside", "sub/g_up2");
  evil_link("..", "g_parent");
  evil_link("sub/../..", "g_parent2");
  evil_link("/", "g_root");
  evil_link("/etc/passwd", "g_passwd");
  evil_link(host_abs, "g_host_dir");
  evil_link(host_file, "g_host_file");
  evil_link("/proc/self/cwd", "g_cwd");  // wharf's cwd is the outside directory
  // Dangling links to a name outside: creating through them must not
  // create the file there (the runner checks nothing appeared).
  evil_link("../outside/created_by_guest.txt", "g_dangle");
  char dangle_abs[512];
  snprintf(dangle_abs, sizeof dangle_abs, "%s/created_abs.txt", outside);
  evil_link(dangle_abs, "g_dangle_abs");
  printf("guest-made links out: never followed\n");

  // A relative link that stays inside is fine.
  OK(raw_path_symlink(SP("../hello.txt"), dir, SP("sub/g_inside")));
  char buf[64];
  OK(slurp(dir, "sub/g_inside", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "hello, world\n") == 0);
  printf("guest-made link inside: followed\n");

  // Renames out: a file, a directory, via `..` and via escaping links.
  static const char *const dests[] = {"../outside/stolen.txt", "../stolen.txt", "esc_rel_dir/stolen.txt",
                                      "esc_abs_dir/stolen.txt", "esc_chain/stolen.txt",
                                      "esc_rel_dir/dir/stolen.txt"};
  for (unsigned i = 0; i < sizeof dests / sizeof *dests; i++) {
    DENIED(raw_path_rename(dir, SP("hello.txt"), dir, SP(dests[i])), 0, dests[i]);
    DENIED(raw_path_rename(dir, SP("sub"), dir, SP(dests[i])), 0, dests[i]);
    DENIED(raw_path_rename(dir, SP("empty"), dir, SP(dests[i])), 0, dests[i]);
    DENIED(raw_path_link(dir, 0, SP("hello.txt"), dir, SP(dests[i])), 0, dests[i]);
    DENIED(raw_path_symlink(SP("hello.txt"), dir, SP(dests[i])), 0, dests[i]);
  }
  // Renames in: taking the outside's files or directories.
  static const char *const srcs[] = {"../outside/secret.txt", "../outside/dir", "esc_rel_dir/secret.txt",
                                     "esc_abs_dir/dir", "esc_chain/dir/inner.txt", "../outside"};
  for (unsigned i = 0; i < sizeof srcs / sizeof *srcs; i++) {
    DENIED(raw_path_rename(dir, SP(srcs[i]), dir, SP("taken")), 0, srcs[i]);
    DENIED(raw_path_link(dir, 0, SP(srcs[i]), dir, SP("taken")), 0, srcs[i]);
    DENIED(raw_path_link(dir, 1, SP(srcs[i]), dir, SP("taken")), 0, srcs[i]);
  }
  // Hard links to the outside file through links to it.
  DENIED(raw_path_link(dir, 1, SP("esc_abs_file"), dir, SP("taken")), 0, "esc_abs_file");
  DENIED(raw_path_link(dir, 1, SP("esc_rel_file"), dir, SP("taken")), 0, "esc_rel_file");
  DENIED(raw_path_link(dir, 1, SP("sub/esc_deep"), dir, SP("taken")), 0, "sub/esc_deep");
  __wasi_filestat_t st;
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("taken"), P(&st)), E_NOENT);
  printf("renames and hard links across the boundary: denied\n");

  // Hold a directory fd, then swap the directory for a link to the outside:
  // the fd keeps pointing at the directory it was opened on, and paths
  // through the new name are denied.
  OK(raw_path_create_directory(dir, SP("swap")));
  OK(spit(dir, "swap/mine.txt", "mine\n"));
  uint32_t held;
  OK(open_at(dir, "swap", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS | R(FD_READ), 0, &held));
  OK(raw_path_rename(dir, SP("swap"), dir, SP("swapped_away")));
  OK(raw_path_symlink(SP("esc_rel_dir"), dir, SP("swap")));  // a link to a link out
  OK(slurp(held, "mine.txt", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "mine\n") == 0);
  CHECK_ERR(raw_path_filestat_get(held, 0, SP("secret.txt"), P(&st)), E_NOENT);
  DENY_ALL(dir, "swap/secret.txt", 0);
  DENY_ALL(held, "../outside/secret.txt", 0);
  DENY_ALL(held, "../swap/secret.txt", 0);
  // Moving the held directory under the outside is impossible too.
  DENIED(raw_path_rename(dir, SP("swapped_away"), dir, SP("esc_rel_dir/moved")), 0, "esc_rel_dir/moved");
  OK(raw_fd_close(held));
  printf("held directory fd after a swap: stays inside\n");

  check_inside_intact(dir);
  return 0;
}
