// fd_readdir: entry names, types, inode numbers and lengths; resuming from
// every cookie; buffers too small for one entry; a large directory read in
// small pieces; libc's opendir/readdir on top. (EBADF/ENOTDIR: fd_errors.c;
// EFAULT: faults.c; missing FD_READDIR: rights.c.)
// run: --dir {sandbox}::/sandbox -- ino
// stdout: readdir.stdout
// Node reports d_ino as 0, so the comparison with it leaves out the inode check.
// run: --dir {sandbox}::/sandbox
// stdout: readdir.stdout
// compare: node
#include <dirent.h>
#include "wasi_test.h"

static uint32_t dir;
static int check_ino;

typedef struct {
  char name[64];
  uint8_t type;
  uint64_t ino, next;
} entry_t;

static const char *type_name(uint8_t t) {
  switch (t) {
    case __WASI_FILETYPE_DIRECTORY: return "dir";
    case __WASI_FILETYPE_REGULAR_FILE: return "file";
    case __WASI_FILETYPE_SYMBOLIC_LINK: return "symlink";
    default: return "other";
  }
}

// Reads every entry from COOKIE on with a buffer of BUFLEN bytes, restarting
// after the last complete entry whenever the buffer fills (as libc does).
// Skips "." and ".." after checking they are directories.
static int list(uint32_t fd, uint64_t cookie, uint32_t buflen, entry_t *out, int max) {
  static char buf[65536] __attribute__((aligned(8)));
  CHECK(buflen <= sizeof buf);
  int n = 0;
  for (;;) {
    uint32_t used = 0;
    OK(raw_fd_readdir(fd, P(buf), buflen, cookie, P(&used)));
    CHECK(used <= buflen);
    uint32_t pos = 0;
    int progressed = 0;
    while (pos + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, buf + pos, sizeof d);
      if (pos + sizeof d + d.d_namlen > used) break;  // name cut off: re-read from cookie
      const char *name = buf + pos + sizeof d;
      CHECK(d.d_namlen > 0 && d.d_namlen < 64);
      CHECK(memchr(name, '\0', d.d_namlen) == NULL);
      if ((d.d_namlen == 1 && name[0] == '.') || (d.d_namlen == 2 && memcmp(name, "..", 2) == 0)) {
        CHECK_EQ(d.d_type, __WASI_FILETYPE_DIRECTORY);
      } else {
        CHECK(n < max);
        memcpy(out[n].name, name, d.d_namlen);
        out[n].name[d.d_namlen] = 0;
        out[n].type = d.d_type;
        out[n].ino = d.d_ino;
        out[n].next = d.d_next;
        n++;
      }
      cookie = d.d_next;
      pos += sizeof d + d.d_namlen;
      progressed = 1;
    }
    if (used < buflen) return n;  // end of directory
    CHECK(progressed);            // the buffer must hold at least one entry
  }
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const entry_t *)a)->name, ((const entry_t *)b)->name);
}

static void make_tree(void) {
  OK(raw_path_create_directory(dir, SP("rd")));
  OK(spit(dir, "rd/alpha.txt", "a"));
  OK(spit(dir, "rd/beta.txt", "bb"));
  OK(spit(dir, "rd/a-much-longer-file-name-than-the-others.data", "x"));
  OK(raw_path_create_directory(dir, SP("rd/subdir")));
  OK(raw_path_symlink(SP("alpha.txt"), dir, SP("rd/to_alpha")));
  OK(raw_path_symlink(SP("missing"), dir, SP("rd/dangling")));
}

static void basic(void) {
  uint32_t fd;
  OK(open_at(dir, "rd", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &fd));
  entry_t e[16];
  int n = list(fd, 0, 4096, e, 16);
  // Cookies: starting from each entry's d_next gives exactly the entries
  // after it.
  for (int i = 0; i < n; i++) {
    entry_t rest[16];
    int m = list(fd, e[i].next, 4096, rest, 16);
    CHECK_EQ(m, n - 1 - i);
    for (int j = 0; j < m; j++) CHECK(strcmp(rest[j].name, e[i + 1 + j].name) == 0);
  }
  qsort(e, n, sizeof *e, by_name);
  for (int i = 0; i < n; i++) {
    printf("rd/%s %s\n", e[i].name, type_name(e[i].type));
    // d_ino is the entry's own inode (the link's, not its target's).
    char path[80];
    snprintf(path, sizeof path, "rd/%s", e[i].name);
    __wasi_filestat_t st;
    OK(raw_path_filestat_get(dir, 0, SP(path), P(&st)));
    if (check_ino) CHECK_EQ(e[i].ino, st.ino);
    CHECK_EQ(e[i].type, st.filetype);
  }
  // The same listing through buffers that cut entries off at every point
  // (the longest entry, 24 + 47 bytes, must fit).
  for (uint32_t size = 71; size < 200; size++) {
    entry_t again[16];
    CHECK_EQ(list(fd, 0, size, again, 16), n);
  }
  // A buffer smaller than one entry header is filled completely.
  char tiny[10];
  uint32_t used = 0;
  OK(raw_fd_readdir(fd, P(tiny), sizeof tiny, 0, P(&used)));
  CHECK_EQ(used, sizeof tiny);
  OK(raw_fd_close(fd));
  printf("cookies and small buffers ok\n");
}

static void empty_and_changes(void) {
  uint32_t fd;
  OK(open_at(dir, "empty", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &fd));
  entry_t e[4];
  CHECK_EQ(list(fd, 0, 4096, e, 4), 0);
  // Entries made after opening show up when reading again from cookie 0.
  OK(spit(dir, "empty/new.txt", "n"));
  CHECK_EQ(list(fd, 0, 4096, e, 4), 1);
  CHECK(strcmp(e[0].name, "new.txt") == 0);
  OK(raw_path_unlink_file(dir, SP("empty/new.txt")));
  CHECK_EQ(list(fd, 0, 4096, e, 4), 0);
  OK(raw_fd_close(fd));
  printf("empty directory and changes ok\n");
}

static void large(void) {
  OK(raw_path_create_directory(dir, SP("big")));
  char name[32];
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "big/file-%03d", i);
    OK(spit(dir, name, ""));
  }
  uint32_t fd;
  OK(open_at(dir, "big", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &fd));
  static entry_t e[400];
  int n = list(fd, 0, 128, e, 400);
  CHECK_EQ(n, 300);
  qsort(e, n, sizeof *e, by_name);
  for (int i = 0; i < n; i++) {
    snprintf(name, sizeof name, "file-%03d", i);
    CHECK(strcmp(e[i].name, name) == 0);
  }
  OK(raw_fd_close(fd));
  // libc's readdir sees the same 300 (plus . and ..).
  DIR *d = opendir("/sandbox/big");
  CHECK(d != NULL);
  int count = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL)
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) count++;
  closedir(d);
  CHECK_EQ(count, 300);
  printf("300 entries through a 128-byte buffer ok\n");
}

int main(int argc, char **argv) {
  check_ino = argc > 1 && strcmp(argv[1], "ino") == 0;
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;
  make_tree();
  basic();
  empty_and_changes();
  large();
  return 0;
}
