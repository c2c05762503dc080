// A race against the sandbox: while the guest keeps resolving paths through
// `racedir`, the runner flips it between a link to a directory inside
// (racereal, holding secret.txt = "inside") and links to the outside
// directory (whose secret.txt holds the secret), atomically and not. A
// resolver that checks a path and then opens it (time-of-check to
// time-of-use) would sometimes land outside. The guest must only ever see
// the inside file or an error -- never the outside file's contents, size,
// or entries, and nothing it creates may appear outside.
// run: --dir {sandbox}::/sandbox
// setup: race
// stdout: sandbox_race.stdout
// wall: 120
#include "sandbox_test.h"

static uint64_t mono(void) {
  uint64_t t;
  OK(raw_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, P(&t)));
  return t;
}

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  uint32_t dir = (uint32_t)d;
  int inside_reads = 0, inside_stats = 0, inside_lists = 0, denied = 0;
  uint64_t end = mono() + 4000000000ull;  // four seconds of racing
  // Race for a while, and until both states were seen (so the test is not
  // vacuous: the runner's loop really flipped the link under the guest).
  for (int i = 0; mono() < end || inside_reads == 0 || inside_lists == 0 || denied == 0; i++) {
    CHECK(i < 5000000);
    // Read through the flipping directory.
    uint32_t fd;
    int e = raw_path_open(dir, 1, SP("racedir/secret.txt"), 0, R(FD_READ), 0, 0, P(&fd));
    if (e == 0) {
      char buf[128] = {0};
      __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
      uint32_t n = 0;
      OK(raw_fd_read(fd, P(&iov), 1, P(&n)));
      OK(raw_fd_close(fd));
      if (strcmp(buf, "inside\n") != 0) FAIL_AT("read [%.20s...] through racedir: escaped", buf);
      inside_reads++;
    } else {
      CHECK(escape_errno(e) || e == E_NOENT || e == E_LOOP);
      denied++;
    }
    // Stat: the inside file is 7 bytes, the outside one longer.
    __wasi_filestat_t st;
    e = raw_path_filestat_get(dir, 1, SP("racedir/secret.txt"), P(&st));
    if (e == 0) {
      if (st.size != 7) FAIL_AT("stat through racedir saw a %llu-byte file: escaped", (unsigned long long)st.size);
      inside_stats++;
    } else {
      CHECK(escape_errno(e) || e == E_NOENT || e == E_LOOP);
    }
    // List: the outside directory also has "dir".
    uint32_t dfd;
    e = raw_path_open(dir, 1, SP("racedir"), __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, 0, P(&dfd));
    if (e == 0) {
      char buf[512] __attribute__((aligned(8)));
      uint32_t used;
      OK(raw_fd_readdir(dfd, P(buf), sizeof buf, 0, P(&used)));
      OK(raw_fd_close(dfd));
      for (uint32_t pos = 0; pos + sizeof(__wasi_dirent_t) <= used;) {
        __wasi_dirent_t de;
        memcpy(&de, buf + pos, sizeof de);
        const char *name = buf + pos + sizeof de;
        if (de.d_namlen == 3 && memcmp(name, "dir", 3) == 0) FAIL_AT("listed the outside through racedir");
        pos += sizeof de + de.d_namlen;
      }
      inside_lists++;
    } else {
      CHECK(escape_errno(e) || e == E_NOENT || e == E_LOOP || e == E_NOTDIR);
    }
    // Create and remove: must never happen outside (the runner checks).
    e = raw_path_open(dir, 1, SP("racedir/made.txt"), __WASI_OFLAGS_CREAT, R(FD_WRITE), 0, 0, P(&fd));
    if (e == 0) {
      OK(raw_fd_close(fd));
      (void)raw_path_unlink_file(dir, SP("racedir/made.txt"));
    }
    (void)raw_path_create_directory(dir, SP("racedir/madedir"));
    (void)raw_path_remove_directory(dir, SP("racedir/madedir"));
    (void)raw_path_filestat_set_times(dir, 1, SP("racedir/secret.txt"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW);
  }
  fprintf(stderr, "inside: %d reads, %d stats, %d listings; %d opens refused\n", inside_reads, inside_stats,
          inside_lists, denied);
  printf("raced: only ever the inside file\n");
  return 0;
}
