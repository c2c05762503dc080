// Sandbox escapes through symlinks that already exist inside the preopen
// (made by the runner): absolute and relative targets outside, a link deeper
// in the tree, a chain of links, a link whose target climbs out through `..`
// in its middle, a link to /. Used as the last component (followed) and as
// an intermediate directory, by every path function; readdir of the outside
// through them. The links themselves may be inspected, renamed and removed.
// run: --dir {sandbox}::/sandbox
// stdout: sandbox_symlinks.stdout
#include "sandbox_test.h"

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  uint32_t dir = (uint32_t)d;

  // Followed as the final component.
  static const char *const links[] = {"esc_abs_dir", "esc_abs_file", "esc_rel_dir", "esc_rel_file",
                                      "sub/esc_deep", "esc_chain", "esc_dotdot_mid", "esc_root",
                                      "link_sub/esc_deep", "sub/../esc_rel_file"};
  for (unsigned i = 0; i < sizeof links / sizeof *links; i++) DENY_FOLLOW(dir, links[i]);
  printf("following links out of the preopen: denied\n");

  // As directories in the middle of a path.
  static const char *const through[] = {
      "esc_abs_dir/secret.txt", "esc_abs_dir/dir", "esc_abs_dir/dir/inner.txt", "esc_abs_dir/new",
      "esc_rel_dir/secret.txt", "esc_rel_dir/dir/inner.txt", "esc_rel_dir/new", "esc_chain/secret.txt",
      "esc_chain/new", "esc_dotdot_mid/secret.txt", "esc_root/etc/passwd", "esc_root/tmp",
      "esc_abs_dir/.", "esc_rel_dir/./dir/../secret.txt", "link_sub/../esc_rel_dir/secret.txt",
      "esc_abs_dir/../outside/secret.txt"};
  for (unsigned i = 0; i < sizeof through / sizeof *through; i++) DENY_ALL(dir, through[i], 0);
  printf("links as intermediate directories: denied\n");

  // Listing the outside through a link: the open already fails, so there is
  // nothing to read. With SYMLINK_FOLLOW off the link itself is no directory.
  uint32_t fd;
  DENIED(raw_path_open(dir, 1, SP("esc_abs_dir"), __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, 0, P(&fd)), 0, "esc_abs_dir");
  DENIED(raw_path_open(dir, 1, SP("esc_rel_dir/dir"), __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, 0, P(&fd)), 0, "esc_rel_dir/dir");
  CHECK_ERR(raw_path_open(dir, 0, SP("esc_abs_dir"), __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, 0, P(&fd)),
            E_LOOP, E_NOTDIR, ESCAPE_ERRNOS);
  printf("readdir through links: denied\n");

  // The links themselves live inside: lstat, readlink, rename and unlink
  // them (the runner checks the targets stay untouched).
  __wasi_filestat_t st;
  OK(raw_path_filestat_get(dir, 0, SP("esc_abs_file"), P(&st)));
  CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  char buf[256];
  uint32_t n;
  OK(raw_path_readlink(dir, SP("esc_rel_file"), P(buf), sizeof buf, P(&n)));
  CHECK(n == 21 && memcmp(buf, "../outside/secret.txt", 21) == 0);
  // A hard link to the link (not its target) is fine; following it is not.
  OK(raw_path_link(dir, 0, SP("esc_rel_file"), dir, SP("hard_to_link")));
  OK(raw_path_filestat_get(dir, 0, SP("hard_to_link"), P(&st)));
  CHECK_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  DENY_FOLLOW(dir, "hard_to_link");
  OK(raw_path_rename(dir, SP("esc_abs_file"), dir, SP("sub/moved_link")));
  DENY_FOLLOW(dir, "sub/moved_link");
  OK(raw_path_unlink_file(dir, SP("sub/moved_link")));
  OK(raw_path_unlink_file(dir, SP("esc_rel_dir")));
  OK(raw_path_unlink_file(dir, SP("esc_abs_dir")));
  CHECK_ERR(raw_path_remove_directory(dir, SP("esc_rel_file")), E_NOTDIR);
  // Setting times on the link itself (no follow) is inside too, where the
  // host supports it.
  CHECK_ERR(raw_path_filestat_set_times(dir, 0, SP("esc_rel_file"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 0, E_NOTSUP);
  printf("the links themselves: inspected, renamed, removed\n");

  check_inside_intact(dir);
  printf("all denied\n");
  return 0;
}
