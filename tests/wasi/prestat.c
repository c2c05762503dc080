// fd_prestat_get and fd_prestat_dir_name: preopens are numbered from 3 in
// command-line order (--dir and --dir-ro alike), carry the guest name as
// given (without a NUL), and nothing else is a preopen.
// run: --dir {sandbox}::/sandbox --dir-ro {ro}::/ro --dir {sandbox}/sub::data/sub --dir {sandbox}/empty -- {sandbox}/empty
// stdout: prestat.stdout
// compare: node
#include "wasi_test.h"

int main(int argc, char **argv) {
  CHECK(argc == 2);
  static const char *const want[] = {"/sandbox", "/ro", "data/sub", NULL};
  for (uint32_t fd = 3; fd < 7; fd++) {
    __wasi_prestat_t ps;
    memset(&ps, 0xEE, sizeof ps);
    OK(raw_fd_prestat_get(fd, P(&ps)));
    CHECK_EQ(ps.tag, __WASI_PREOPENTYPE_DIR);
    const char *name = fd < 6 ? want[fd - 3] : argv[1];  // the last one defaults to the host path
    uint32_t len = ps.u.dir.pr_name_len;
    CHECK_EQ(len, strlen(name));
    char buf[512];
    memset(buf, '#', sizeof buf);
    OK(raw_fd_prestat_dir_name(fd, P(buf), len));
    CHECK(memcmp(buf, name, len) == 0);
    CHECK(buf[len] == '#');  // exactly len bytes, no NUL
    // A roomier buffer gets the same bytes.
    memset(buf, '#', sizeof buf);
    OK(raw_fd_prestat_dir_name(fd, P(buf), sizeof buf));
    CHECK(memcmp(buf, name, len) == 0);
    // A buffer too small is an error, and nothing past it is written.
    memset(buf, '#', sizeof buf);
    int e = raw_fd_prestat_dir_name(fd, P(buf), len - 1);
    CHECK(e == E_NAMETOOLONG || e == E_NOBUFS || e == E_RANGE || e == E_INVAL);
    CHECK(buf[len - 1] == '#');
    // It is a directory with directory rights.
    __wasi_fdstat_t st;
    OK(raw_fd_fdstat_get(fd, P(&st)));
    CHECK_EQ(st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
    CHECK(st.fs_rights_base & R(PATH_OPEN));
    printf("fd %u: preopen %s\n", fd, fd < 6 ? name : "(host path)");
  }


  // No more preopens; stdio is not one.
  __wasi_prestat_t ps;
  char buf[16];
  // (An open fd that is not a preopen: EBADF, as wasi-libc's preopen scan
  // expects, or EINVAL, as Node answers; the spec does not say.)
  for (uint32_t fd = 0; fd < 3; fd++) {
    CHECK_ERR(raw_fd_prestat_get(fd, P(&ps)), E_BADF, E_INVAL);
    CHECK_ERR(raw_fd_prestat_dir_name(fd, P(buf), sizeof buf), E_BADF, E_INVAL);
  }
  CHECK_ERR(raw_fd_prestat_get(7, P(&ps)), E_BADF);
  CHECK_ERR(raw_fd_prestat_dir_name(7, P(buf), sizeof buf), E_BADF);
  printf("no other preopens\n");

  // Each preopen reaches its own host directory.
  char text[64];
  OK(slurp(3, "hello.txt", text, sizeof text, NULL));
  CHECK(strcmp(text, "hello, world\n") == 0);
  OK(slurp(4, "file.txt", text, sizeof text, NULL));
  CHECK(strcmp(text, "read only\n") == 0);
  OK(slurp(5, "a.txt", text, sizeof text, NULL));
  CHECK(strcmp(text, "a\n") == 0);
  __wasi_filestat_t st;
  CHECK_ERR(raw_path_filestat_get(6, 0, SP("hello.txt"), P(&st)), E_NOENT);
  // libc maps absolute paths onto preopens by name.
  FILE *f = fopen("/ro/file.txt", "r");
  CHECK(f != NULL);
  CHECK(fgets(text, sizeof text, f) != NULL);
  fclose(f);
  CHECK(strcmp(text, "read only\n") == 0);
  printf("preopens map to their host directories\n");
  return 0;
}
