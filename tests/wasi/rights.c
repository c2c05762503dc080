// Capability rights: fd_fdstat_set_rights only ever drops rights; every
// operation checks its right (ENOTCAPABLE); path_open cannot grant more
// than the directory's inheriting rights; dropped inheriting rights bound
// what later opens get.
// run: --dir {sandbox}::/sandbox
// stdout: rights.stdout
// compare: node
#include "wasi_test.h"

static uint32_t dir;

static __wasi_fdstat_t fdstat(uint32_t fd) {
  __wasi_fdstat_t st;
  OK(raw_fd_fdstat_get(fd, P(&st)));
  return st;
}

static void file_rights(void) {
  uint32_t fd;
  uint64_t base = R(FD_READ) | R(FD_SEEK) | R(FD_TELL) | R(FD_FILESTAT_GET);
  OK(raw_path_open(dir, 1, SP("hello.txt"), 0, base, 0, 0, P(&fd)));
  __wasi_fdstat_t st = fdstat(fd);
  CHECK_EQ(st.fs_rights_base & ~base, 0);  // nothing beyond what was asked
  CHECK_EQ(st.fs_rights_base & base, base);  // and all of it (it applies to files)
  char buf[16];
  __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
  uint32_t n;
  uint64_t off;
  // Operations whose right was not asked for.
  CHECK_ERR(raw_fd_write(fd, P(&iov), 1, P(&n)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_pwrite(fd, P(&iov), 1, 0, P(&n)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_filestat_set_size(fd, 0), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_allocate(fd, 0, 100), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_advise(fd, 0, 1, 0), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_datasync(fd), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_sync(fd), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), E_NOTCAPABLE);
  __wasi_filestat_t fst;
  OK(raw_fd_filestat_get(fd, P(&fst)));
  CHECK_EQ(fst.size, 13);
  printf("file opened read-only: write-side operations ENOTCAPABLE\n");

  // Dropping rights one at a time.
  OK(raw_fd_fdstat_set_rights(fd, base & ~R(FD_SEEK), 0));
  CHECK_EQ(fdstat(fd).fs_rights_base, base & ~R(FD_SEEK));
  CHECK_ERR(raw_fd_seek(fd, 0, __WASI_WHENCE_SET, P(&off)), E_NOTCAPABLE);
  OK(raw_fd_tell(fd, P(&off)));
  OK(raw_fd_read(fd, P(&iov), 1, P(&n)));
  OK(raw_fd_fdstat_set_rights(fd, R(FD_READ), 0));
  CHECK_ERR(raw_fd_tell(fd, P(&off)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_filestat_get(fd, P(&fst)), E_NOTCAPABLE);
  OK(raw_fd_read(fd, P(&iov), 1, P(&n)));
  // Rights never come back.
  CHECK_ERR(raw_fd_fdstat_set_rights(fd, R(FD_READ) | R(FD_SEEK), 0), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_fdstat_set_rights(fd, R(FD_READ), R(FD_READ)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_fdstat_set_rights(fd, RIGHTS_ALL, 0), E_NOTCAPABLE);
  CHECK_EQ(fdstat(fd).fs_rights_base, R(FD_READ));
  // Down to nothing: not even reading.
  OK(raw_fd_fdstat_set_rights(fd, 0, 0));
  CHECK_ERR(raw_fd_read(fd, P(&iov), 1, P(&n)), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_pread(fd, P(&iov), 1, 0, P(&n)), E_NOTCAPABLE);
  OK(raw_fd_fdstat_get(fd, P(&st)));  // needs no right
  OK(raw_fd_close(fd));                // needs no right
  printf("fdstat_set_rights: drops, never adds\n");

  // Write-only.
  OK(raw_path_open(dir, 1, SP("wo.txt"), __WASI_OFLAGS_CREAT, R(FD_WRITE), 0, 0, P(&fd)));
  CHECK_ERR(raw_fd_read(fd, P(&iov), 1, P(&n)), E_NOTCAPABLE);
  __wasi_ciovec_t civ = {(const uint8_t *)"w", 1};
  OK(raw_fd_write(fd, P(&civ), 1, P(&n)));
  OK(raw_fd_close(fd));
  printf("file opened write-only: reads ENOTCAPABLE\n");
}

static void dir_rights(void) {
  __wasi_fdstat_t st = fdstat(dir);
  // The preopen can do everything a directory can, and hand on file rights.
  CHECK((st.fs_rights_base & (R(PATH_OPEN) | R(FD_READDIR) | R(PATH_CREATE_FILE))) ==
        (R(PATH_OPEN) | R(FD_READDIR) | R(PATH_CREATE_FILE)));
  CHECK((st.fs_rights_inheriting & (R(FD_READ) | R(FD_WRITE))) == (R(FD_READ) | R(FD_WRITE)));

  // A subdirectory opened with a limited set of rights.
  uint32_t sub, fd;
  uint64_t sub_base = R(PATH_OPEN) | R(FD_READDIR);
  OK(raw_path_open(dir, 1, SP("sub"), __WASI_OFLAGS_DIRECTORY, sub_base, R(FD_READ), 0, P(&sub)));
  st = fdstat(sub);
  CHECK_EQ(st.fs_rights_base & ~sub_base, 0);
  CHECK_EQ(st.fs_rights_inheriting & ~R(FD_READ), 0);
  // Opening beneath it: only within the inheriting rights.
  OK(raw_path_open(sub, 1, SP("a.txt"), 0, R(FD_READ), 0, 0, P(&fd)));
  CHECK_EQ(fdstat(fd).fs_rights_base & ~R(FD_READ), 0);
  OK(raw_fd_close(fd));
  CHECK_ERR(raw_path_open(sub, 1, SP("a.txt"), 0, R(FD_READ) | R(FD_WRITE), 0, 0, P(&fd)), E_NOTCAPABLE);
  CHECK_ERR(raw_path_open(sub, 1, SP("a.txt"), 0, R(FD_READ), R(FD_WRITE), 0, P(&fd)), E_NOTCAPABLE);
  // Directory operations it was not given.
  CHECK_ERR(raw_path_open(sub, 1, SP("new.txt"), __WASI_OFLAGS_CREAT, R(FD_READ), 0, 0, P(&fd)), E_NOTCAPABLE);
  CHECK_ERR(raw_path_create_directory(sub, SP("d")), E_NOTCAPABLE);
  CHECK_ERR(raw_path_unlink_file(sub, SP("a.txt")), E_NOTCAPABLE);
  CHECK_ERR(raw_path_remove_directory(sub, SP("deeper")), E_NOTCAPABLE);
  CHECK_ERR(raw_path_rename(sub, SP("a.txt"), sub, SP("z.txt")), E_NOTCAPABLE);
  CHECK_ERR(raw_path_rename(dir, SP("hello.txt"), sub, SP("z.txt")), E_NOTCAPABLE);
  CHECK_ERR(raw_path_link(sub, 0, SP("a.txt"), dir, SP("z.txt")), E_NOTCAPABLE);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt"), sub, SP("z.txt")), E_NOTCAPABLE);
  CHECK_ERR(raw_path_symlink(SP("a.txt"), sub, SP("z")), E_NOTCAPABLE);
  char buf[64];
  uint32_t n;
  CHECK_ERR(raw_path_readlink(sub, SP("link_up"), P(buf), sizeof buf, P(&n)), E_NOTCAPABLE);
  __wasi_filestat_t fst;
  CHECK_ERR(raw_path_filestat_get(sub, 0, SP("a.txt"), P(&fst)), E_NOTCAPABLE);
  CHECK_ERR(raw_path_filestat_set_times(sub, 0, SP("a.txt"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_filestat_get(sub, P(&fst)), E_NOTCAPABLE);
  // Nothing changed on disk.
  OK(raw_path_filestat_get(dir, 0, SP("sub/a.txt"), P(&fst)));
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("sub/z.txt"), P(&fst)), E_NOENT);
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("z.txt"), P(&fst)), E_NOENT);
  // Readdir is allowed, until the right is dropped.
  uint32_t used;
  OK(raw_fd_readdir(sub, P(buf), sizeof buf, 0, P(&used)));
  OK(raw_fd_fdstat_set_rights(sub, R(PATH_OPEN), R(FD_READ)));
  CHECK_ERR(raw_fd_readdir(sub, P(buf), sizeof buf, 0, P(&used)), E_NOTCAPABLE);
  OK(raw_fd_close(sub));
  printf("directory rights: each path operation checked\n");

  // Asking path_open for rights the directory cannot hand on.
  OK(raw_path_open(dir, 1, SP("sub"), __WASI_OFLAGS_DIRECTORY, sub_base, R(FD_READ), 0, P(&sub)));
  CHECK_ERR(raw_path_open(sub, 1, SP("deeper"), __WASI_OFLAGS_DIRECTORY, sub_base, R(FD_READ) | R(FD_WRITE), 0, P(&fd)), E_NOTCAPABLE);
  OK(raw_path_open(sub, 1, SP("deeper"), __WASI_OFLAGS_DIRECTORY, 0, R(FD_READ), 0, P(&fd)));
  // ... and the directory opened from it has no base rights, so cannot open.
  uint32_t fd2;
  CHECK_ERR(raw_path_open(fd, 1, SP("c.txt"), 0, R(FD_READ), 0, 0, P(&fd2)), E_NOTCAPABLE);
  OK(raw_fd_close(fd));
  OK(raw_fd_close(sub));
  printf("path_open: no rights beyond the directory's inheriting rights\n");

  // Dropping a right on the preopen itself.
  st = fdstat(dir);
  OK(raw_fd_fdstat_set_rights(dir, st.fs_rights_base & ~R(PATH_CREATE_DIRECTORY), st.fs_rights_inheriting));
  CHECK_ERR(raw_path_create_directory(dir, SP("newdir")), E_NOTCAPABLE);
  OK(raw_fd_fdstat_set_rights(dir, st.fs_rights_base & ~R(PATH_CREATE_DIRECTORY), st.fs_rights_inheriting & ~R(FD_WRITE)));
  CHECK_ERR(raw_path_open(dir, 1, SP("hello.txt"), 0, R(FD_WRITE), 0, 0, P(&fd)), E_NOTCAPABLE);
  OK(raw_path_open(dir, 1, SP("hello.txt"), 0, R(FD_READ), 0, 0, P(&fd)));
  OK(raw_fd_close(fd));
  printf("preopen rights can be dropped\n");
}

// path_open's access to the host: a directory reopened with its own rights
// (which include fd_datasync and fd_sync, meaningful for a directory) is not
// a write open; asking to write one is EISDIR, as open(2) answers and
// wasi-testsuite's path_open_preopen expects.
static void reopen_rights(void) {
  __wasi_fdstat_t st = fdstat(dir);
  uint32_t fd;
  OK(raw_path_open(dir, 0, SP("."), 0, st.fs_rights_base, st.fs_rights_inheriting, 0, P(&fd)));
  CHECK_EQ(fdstat(fd).fs_filetype, __WASI_FILETYPE_DIRECTORY);
  OK(raw_fd_close(fd));
  OK(raw_path_open(dir, 0, SP("."), __WASI_OFLAGS_DIRECTORY, st.fs_rights_base, st.fs_rights_inheriting, 0, P(&fd)));
  OK(raw_fd_close(fd));
  OK(raw_path_open(dir, 0, SP("sub"), 0, st.fs_rights_base, st.fs_rights_inheriting, 0, P(&fd)));
  OK(raw_fd_close(fd));
  CHECK_ERR(raw_path_open(dir, 0, SP("."), __WASI_OFLAGS_DIRECTORY, R(FD_READ) | R(FD_WRITE), 0, 0, P(&fd)), E_ISDIR);
  CHECK_ERR(raw_path_open(dir, 0, SP("sub"), 0, R(FD_WRITE), 0, 0, P(&fd)), E_ISDIR);
  // A file opened only to be synced.
  OK(raw_path_open(dir, 1, SP("hello.txt"), 0, R(FD_DATASYNC) | R(FD_SYNC), 0, 0, P(&fd)));
  OK(raw_fd_datasync(fd));
  OK(raw_fd_sync(fd));
  OK(raw_fd_close(fd));
  printf("path_open: a directory with its own rights, EISDIR for writing one\n");
}

// The fdflags of path_open need rights in the directory's inheriting set:
// dsync needs fd_datasync; sync and rsync need fd_sync.
static void sync_flag_rights(void) {
  uint64_t base = R(PATH_OPEN);
  uint64_t file = R(FD_READ) | R(FD_WRITE) | R(FD_SEEK);  // Node also wants fd_seek for a write open
  uint32_t sub, fd;
  OK(raw_path_open(dir, 1, SP("sub"), __WASI_OFLAGS_DIRECTORY, base, file | R(FD_SYNC), 0, P(&sub)));
  OK(raw_path_open(sub, 1, SP("a.txt"), 0, file, 0, __WASI_FDFLAGS_SYNC, P(&fd)));
  OK(raw_fd_close(fd));
  OK(raw_path_open(sub, 1, SP("a.txt"), 0, file, 0, __WASI_FDFLAGS_RSYNC, P(&fd)));
  OK(raw_fd_close(fd));
  CHECK_ERR(raw_path_open(sub, 1, SP("a.txt"), 0, file, 0, __WASI_FDFLAGS_DSYNC, P(&fd)), E_NOTCAPABLE);
  OK(raw_fd_close(sub));
  OK(raw_path_open(dir, 1, SP("sub"), __WASI_OFLAGS_DIRECTORY, base, file | R(FD_DATASYNC), 0, P(&sub)));
  OK(raw_path_open(sub, 1, SP("a.txt"), 0, file, 0, __WASI_FDFLAGS_DSYNC, P(&fd)));
  OK(raw_fd_close(fd));
  CHECK_ERR(raw_path_open(sub, 1, SP("a.txt"), 0, file, 0, __WASI_FDFLAGS_SYNC, P(&fd)), E_NOTCAPABLE);
  CHECK_ERR(raw_path_open(sub, 1, SP("a.txt"), 0, file, 0, __WASI_FDFLAGS_RSYNC, P(&fd)), E_NOTCAPABLE);
  OK(raw_fd_close(sub));
  printf("path_open: dsync needs fd_datasync, sync and rsync need fd_sync\n");
}

int main(void) {
  int d = preopen_fd("/sandbox");
  CHECK(d >= 3);
  dir = (uint32_t)d;
  file_rights();
  reopen_rights();
  sync_flag_rights();
  dir_rights();
  return 0;
}
