// fd_readdir holds no listing per descriptor: 1000 descriptors on one
// directory of 1000 files with 200-byte names, each read from cookie 0, keep
// wharf's peak RSS small (a listing per descriptor took 270 MB), and listings
// through several descriptors at once, a buffer at a time in turns, are each
// complete and in step with their own cookies.
// run: --dir {sandbox}::/sandbox --max-memory 2M
// stdout: limits_readdir.stdout
// maxrss: 64
// wall: 30
#include "wasi_test.h"

#define FILES 1000
#define NAME_LEN 200
#define DESCRIPTORS 1000
#define INTERLEAVED 8

static uint32_t fds[DESCRIPTORS];
static char seen[INTERLEAVED][FILES];

// "many/" and a NAME_LEN-byte name ending in the file's number.
static void name_of(int i, char *out) {
  memcpy(out, "many/", 5);
  for (int k = 0; k < NAME_LEN - 5; k++) out[5 + k] = "long-name-"[k % 10];
  snprintf(out + 5 + NAME_LEN - 5, 6, "%05d", i);
}

// Parses the entries in buf[0, used) (skipping . and ..), marks each file's
// number in marks and returns the d_next of the last complete entry
// (*cookie unchanged if there is none).
static int parse(const char *buf, uint32_t used, uint64_t *cookie, char *marks) {
  uint32_t pos = 0;
  int entries = 0;
  while (pos + sizeof(__wasi_dirent_t) <= used) {
    __wasi_dirent_t d;
    memcpy(&d, buf + pos, sizeof d);
    if (pos + sizeof d + d.d_namlen > used) break;  // cut off: read again from the cookie
    const char *name = buf + pos + sizeof d;
    if (!(d.d_namlen <= 2 && memcmp(name, "..", d.d_namlen) == 0)) {
      CHECK_EQ(d.d_namlen, NAME_LEN);
      char full[NAME_LEN + 8], want[NAME_LEN + 8];
      snprintf(full, sizeof full, "many/%.*s", (int)d.d_namlen, name);
      int i = atoi(full + strlen(full) - 5);
      name_of(i, want);
      CHECK(i >= 0 && i < FILES && strcmp(full, want) == 0);
      CHECK(marks[i] == 0);  // each entry once
      marks[i] = 1;
      CHECK_EQ(d.d_type, __WASI_FILETYPE_REGULAR_FILE);
    }
    *cookie = d.d_next;
    pos += sizeof d + d.d_namlen;
    entries++;
  }
  return entries;
}

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  uint32_t dir = (uint32_t)d;
  OK(raw_path_create_directory(dir, SP("many")));
  for (int i = 0; i < FILES; i++) {
    char name[NAME_LEN + 8];
    name_of(i, name);
    uint32_t fd;
    OK(open_at(dir, name, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R(FD_WRITE), 0, &fd));
    OK(raw_fd_close(fd));
  }
  printf("%d files\n", FILES);

  // Every descriptor starts a listing and keeps its place.
  static char buf[1024] __attribute__((aligned(8)));
  for (int k = 0; k < DESCRIPTORS; k++) {
    OK(open_at(dir, "many", __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, &fds[k]));
    uint32_t used = 0;
    OK(raw_fd_readdir(fds[k], P(buf), 512, 0, P(&used)));
    CHECK_EQ(used, 512);
  }
  printf("%d descriptors each started a listing\n", DESCRIPTORS);

  // Several listings at once, one small buffer each per turn, each from its
  // own cookie: every one sees every file exactly once.
  uint64_t cookie[INTERLEAVED] = {0};
  int done[INTERLEAVED] = {0}, left = INTERLEAVED;
  while (left > 0) {
    for (int k = 0; k < INTERLEAVED; k++) {
      if (done[k]) continue;
      uint32_t size = 240 + 61 * (uint32_t)k;  // different cuts per listing
      uint32_t used = 0;
      OK(raw_fd_readdir(fds[k], P(buf), size, cookie[k], P(&used)));
      CHECK(used <= size);
      int n = parse(buf, used, &cookie[k], seen[k]);
      if (used < size) {
        done[k] = 1;
        left--;
      } else {
        CHECK(n > 0);  // a full buffer holds at least one whole entry
      }
    }
  }
  for (int k = 0; k < INTERLEAVED; k++)
    for (int i = 0; i < FILES; i++) CHECK(seen[k][i]);
  printf("%d interleaved listings complete\n", INTERLEAVED);

  // Past the end: nothing; from 0 again: the start.
  uint32_t used = 1;
  OK(raw_fd_readdir(fds[0], P(buf), sizeof buf, cookie[0], P(&used)));
  CHECK_EQ(used, 0);
  OK(raw_fd_readdir(fds[0], P(buf), sizeof buf, 0, P(&used)));
  CHECK_EQ(used, sizeof buf);
  for (int k = 0; k < DESCRIPTORS; k++) OK(raw_fd_close(fds[k]));
  printf("end and rewind ok\n");
  return 0;
}
