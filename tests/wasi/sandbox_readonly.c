// A read-only preopen (--dir-ro): readable, but no write by any route --
// opening for write, creating, truncating, removing, renaming out of or
// into it, hard-linking its files somewhere writable (which would make them
// writable), symlinking into it, setting sizes or times. Its rights say so,
// and cannot be raised. The runner checks the directory is unchanged.
// run: --dir {sandbox}::/sandbox --dir-ro {ro}::/ro
// stdout: sandbox_readonly.stdout
#include "sandbox_test.h"

#define RO_ERRNOS E_NOTCAPABLE, E_ROFS, E_PERM, E_ACCES

int main(void) {
  int d = preopen_fd("/sandbox"), r = preopen_fd("/ro");
  CHECK(d >= 3 && r >= 3);
  uint32_t dir = (uint32_t)d, ro = (uint32_t)r;

  // Reading works, through a link too.
  char buf[64];
  OK(slurp(ro, "file.txt", buf, sizeof buf, NULL));
  CHECK(strcmp(buf, "read only\n") == 0);
  OK(slurp(ro, "link", buf, sizeof buf, NULL));
  OK(slurp(ro, "dir/inner.txt", buf, sizeof buf, NULL));
  uint32_t fd, n;
  OK(raw_path_open(ro, 1, SP("dir"), __WASI_OFLAGS_DIRECTORY, R(FD_READDIR), 0, 0, P(&fd)));
  OK(raw_fd_readdir(fd, P(buf), sizeof buf, 0, P(&n)));
  OK(raw_fd_close(fd));
  __wasi_filestat_t st;
  OK(raw_path_filestat_get(ro, 0, SP("file.txt"), P(&st)));
  printf("read-only preopen: readable\n");

  // Its rights: nothing that writes, for it or anything opened from it.
  __wasi_fdstat_t fst;
  OK(raw_fd_fdstat_get(ro, P(&fst)));
  static const uint64_t dir_writes = R(PATH_CREATE_DIRECTORY) | R(PATH_CREATE_FILE) | R(PATH_LINK_TARGET) |
                                     R(PATH_RENAME_SOURCE) | R(PATH_RENAME_TARGET) | R(PATH_FILESTAT_SET_SIZE) |
                                     R(PATH_FILESTAT_SET_TIMES) | R(PATH_SYMLINK) | R(PATH_REMOVE_DIRECTORY) |
                                     R(PATH_UNLINK_FILE) | R(FD_FILESTAT_SET_TIMES) | R(FD_FILESTAT_SET_SIZE) |
                                     R(FD_WRITE) | R(FD_ALLOCATE);
  static const uint64_t file_writes = R(FD_WRITE) | R(FD_ALLOCATE) | R(FD_FILESTAT_SET_SIZE) |
                                      R(FD_FILESTAT_SET_TIMES);
  CHECK_EQ(fst.fs_rights_base & dir_writes, 0);
  CHECK_EQ(fst.fs_rights_inheriting & (dir_writes | file_writes), 0);
  CHECK_ERR(raw_fd_fdstat_set_rights(ro, fst.fs_rights_base | R(PATH_CREATE_FILE), fst.fs_rights_inheriting), E_NOTCAPABLE);
  CHECK_ERR(raw_fd_fdstat_set_rights(ro, fst.fs_rights_base, fst.fs_rights_inheriting | R(FD_WRITE)), E_NOTCAPABLE);
  printf("read-only preopen: no write rights, none addable\n");

  // Opening for any kind of write.
  CHECK_ERR(raw_path_open(ro, 1, SP("file.txt"), 0, R(FD_WRITE), 0, 0, P(&fd)), RO_ERRNOS);
  CHECK_ERR(raw_path_open(ro, 1, SP("file.txt"), 0, R(FD_READ) | R(FD_WRITE), 0, 0, P(&fd)), RO_ERRNOS);
  CHECK_ERR(raw_path_open(ro, 1, SP("file.txt"), 0, R(FD_READ), R(FD_WRITE), 0, P(&fd)), RO_ERRNOS);
  CHECK_ERR(raw_path_open(ro, 1, SP("file.txt"), __WASI_OFLAGS_TRUNC, R(FD_READ), 0, 0, P(&fd)), RO_ERRNOS);
  CHECK_ERR(raw_path_open(ro, 1, SP("new.txt"), __WASI_OFLAGS_CREAT, R(FD_READ), 0, 0, P(&fd)), RO_ERRNOS);
  CHECK_ERR(raw_path_open(ro, 1, SP("file.txt"), __WASI_OFLAGS_CREAT, R(FD_READ), 0, 0, P(&fd)), RO_ERRNOS);
  CHECK_ERR(raw_path_open(ro, 1, SP("link"), 0, R(FD_WRITE), 0, 0, P(&fd)), RO_ERRNOS);
  CHECK_ERR(raw_path_open(ro, 1, SP("dir/inner.txt"), 0, R(FD_ALLOCATE), 0, 0, P(&fd)), RO_ERRNOS);
  CHECK_ERR(raw_path_open(ro, 1, SP("file.txt"), 0, R(FD_FILESTAT_SET_SIZE), 0, 0, P(&fd)), RO_ERRNOS);
  // A subdirectory opened from it is just as read-only.
  uint32_t sub;
  OK(raw_path_open(ro, 1, SP("dir"), __WASI_OFLAGS_DIRECTORY, fst.fs_rights_inheriting & DIR_RIGHTS,
                   fst.fs_rights_inheriting, 0, P(&sub)));
  CHECK_ERR(raw_path_open(sub, 1, SP("inner.txt"), 0, R(FD_WRITE), 0, 0, P(&fd)), RO_ERRNOS);
  CHECK_ERR(raw_path_create_directory(sub, SP("x")), RO_ERRNOS);
  OK(raw_fd_close(sub));
  printf("opening for write: denied\n");

  // A file opened for reading cannot be written, resized or touched.
  OK(raw_path_open(ro, 1, SP("file.txt"), 0, R(FD_READ) | R(FD_SEEK), 0, 0, P(&fd)));
  __wasi_ciovec_t iov = {(const uint8_t *)"X", 1};
  CHECK_ERR(raw_fd_write(fd, P(&iov), 1, P(&n)), E_NOTCAPABLE, E_BADF);
  CHECK_ERR(raw_fd_pwrite(fd, P(&iov), 1, 0, P(&n)), E_NOTCAPABLE, E_BADF);
  CHECK_ERR(raw_fd_filestat_set_size(fd, 0), E_NOTCAPABLE, E_BADF, E_INVAL);
  CHECK_ERR(raw_fd_allocate(fd, 0, 4096), E_NOTCAPABLE, E_BADF);
  CHECK_ERR(raw_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), E_NOTCAPABLE, E_BADF, E_PERM, E_ACCES);
  CHECK_ERR(raw_fd_fdstat_set_rights(fd, R(FD_READ) | R(FD_WRITE), 0), E_NOTCAPABLE);
  // APPEND (a write mode) cannot be switched on to gain anything either.
  (void)raw_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND);
  CHECK_ERR(raw_fd_write(fd, P(&iov), 1, P(&n)), E_NOTCAPABLE, E_BADF);
  OK(raw_fd_close(fd));
  printf("read-only file fd: no write\n");

  // Directory-changing operations.
  CHECK_ERR(raw_path_create_directory(ro, SP("newdir")), RO_ERRNOS);
  CHECK_ERR(raw_path_remove_directory(ro, SP("dir")), RO_ERRNOS, E_NOTEMPTY);
  CHECK_ERR(raw_path_unlink_file(ro, SP("file.txt")), RO_ERRNOS);
  CHECK_ERR(raw_path_unlink_file(ro, SP("link")), RO_ERRNOS);
  CHECK_ERR(raw_path_unlink_file(ro, SP("dir/inner.txt")), RO_ERRNOS);
  CHECK_ERR(raw_path_symlink(SP("file.txt"), ro, SP("newlink")), RO_ERRNOS);
  CHECK_ERR(raw_path_filestat_set_times(ro, 1, SP("file.txt"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), RO_ERRNOS);
  CHECK_ERR(raw_path_filestat_set_times(ro, 0, SP("dir"), 0, 0, __WASI_FSTFLAGS_ATIM_NOW), RO_ERRNOS);
  CHECK_ERR(raw_path_rename(ro, SP("file.txt"), ro, SP("renamed.txt")), RO_ERRNOS);
  CHECK_ERR(raw_path_link(ro, 0, SP("file.txt"), ro, SP("hard.txt")), RO_ERRNOS);
  printf("changing the read-only directory: denied\n");

  // Across the two preopens. Moving a file out of it removes it from there;
  // a hard link to its file in the writable preopen would let the guest
  // write the read-only file through the new name.
  CHECK_ERR(raw_path_rename(ro, SP("file.txt"), dir, SP("moved.txt")), RO_ERRNOS, E_XDEV);
  CHECK_ERR(raw_path_rename(ro, SP("dir"), dir, SP("moved_dir")), RO_ERRNOS, E_XDEV);
  CHECK_ERR(raw_path_rename(dir, SP("hello.txt"), ro, SP("hello.txt")), RO_ERRNOS, E_XDEV);
  CHECK_ERR(raw_path_link(ro, 0, SP("file.txt"), dir, SP("hard.txt")), RO_ERRNOS, E_XDEV);
  CHECK_ERR(raw_path_link(ro, 1, SP("link"), dir, SP("hard.txt")), RO_ERRNOS, E_XDEV);
  CHECK_ERR(raw_path_link(dir, 0, SP("hello.txt"), ro, SP("hard.txt")), RO_ERRNOS, E_XDEV);
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("hard.txt"), P(&st)), E_NOENT);
  CHECK_ERR(raw_path_filestat_get(dir, 0, SP("moved.txt"), P(&st)), E_NOENT);
  printf("across preopens: denied\n");

  // Reaching it from the writable preopen by name does not work either (it
  // is outside that preopen): `..`, and links the runner or guest made.
  DENY_ALL(dir, "../ro/file.txt", 0);
  int e = raw_path_symlink(SP("../ro/file.txt"), dir, SP("to_ro"));
  if (e == 0) {
    DENY_FOLLOW(dir, "to_ro");
  } else {
    DENIED(e, 0, "../ro/file.txt");
  }
  printf("the read-only directory by path from the writable one: denied\n");
  return 0;
}
