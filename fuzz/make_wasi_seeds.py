#!/usr/bin/env python3
"""Writes seed inputs for fuzz_wasi: call sequences in its input encoding
(see fuzz_wasi.cpp, struct Args) that open, read, write, list, poll and use
sockets, and try every way out of the sandbox. Each is written twice: with openat2 and
with the portable walk (config bit 0).

Usage: fuzz/make_wasi_seeds.py OUTDIR
"""
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "src", "wasi", "functions.def")) as f:
    NAMES = re.findall(r"^WASI_FUNCTION\((\w+),", f.read(), re.M)

SANDBOX, RO = 3, 4
FOLLOW = 1
CREAT, DIRECTORY, EXCL, TRUNC = 1, 2, 4, 8


def call(name, *args):
    return bytes([NAMES.index(name)]) + b"".join(args)


def fd(n):
    return bytes([n])  # n < 16


def flag(v):
    return bytes([v])  # v below the role's modulus


def path(s):
    s = s.encode() if isinstance(s, str) else s
    assert len(s) < 48
    return bytes([0xF0, len(s)]) + s + bytes([0])  # raw bytes, placed in scratch


def plen():
    return bytes([0])  # the length of the path just drawn


def out():
    return bytes([1])  # a scratch result pointer


def buf():
    return bytes([1])


def buflen(n):
    return bytes([2, n]) if n < 256 else bytes([7]) + struct.pack("<H", n)


def iov(*lens):
    b = bytes([len(lens)])
    for n in lens:
        b += buf() + buflen(n)
    return b + bytes([0])


def count():
    return bytes([0])  # as many as were drawn


def wide(v):
    if v in (0, 1):
        return bytes([v])
    if v < 256:
        return bytes([5, v])
    return bytes([7]) + struct.pack("<Q", v)


RIGHTS_FILE, RIGHTS_DIR, RIGHTS_BOTH, RIGHTS_READ = bytes([4]), bytes([5]), bytes([6]), bytes([3])


def open_(dirfd, p, oflags=0, rights=RIGHTS_BOTH, lookup=0, fdflags=0):
    return call("path_open", fd(dirfd), flag(lookup), path(p), plen(), flag(oflags), rights, rights,
                flag(fdflags), out())


def clock_sub(userdata, timeout_us, clock=1, abstime=0):
    return bytes([userdata, 0, clock, timeout_us, abstime])


def fd_sub(userdata, n, write=False):
    return bytes([userdata, 2 if write else 1]) + fd(n)


def poll(*subs):
    return call("poll_oneoff", bytes([len(subs) - 1]) + b"".join(subs) + bytes([0]), out(), count(), out())


S, R = SANDBOX, RO
T0 = bytes([0])  # timestamp 0
NOW = flag(10)  # fstflags atim_now | mtim_now


def read_all(n):
    """Reads from, lists and closes fd n: whatever it reaches ends up in guest memory."""
    return (call("fd_read", fd(n), iov(64), count(), out())
            + call("fd_readdir", fd(n), buf(), buflen(255), wide(0), out()) + call("fd_close", fd(n)))


SEEDS = {
    "io": open_(S, "a") + call("fd_write", fd(5), iov(3, 5), count(), out())
    + call("fd_seek", fd(5), wide(0), flag(0), out()) + call("fd_read", fd(5), iov(4, 16), count(), out())
    + call("fd_pread", fd(5), iov(8), count(), wide(2), out())
    + call("fd_pwrite", fd(5), iov(8), count(), wide(100), out()) + call("fd_tell", fd(5), out())
    + call("fd_filestat_get", fd(5), out()) + call("fd_filestat_set_size", fd(5), wide(3))
    + call("fd_allocate", fd(5), wide(0), wide(4096)) + call("fd_advise", fd(5), wide(0), wide(0), flag(1))
    + call("fd_fdstat_set_flags", fd(5), flag(1)) + call("fd_fdstat_get", fd(5), out())
    + call("fd_sync", fd(5)) + call("fd_datasync", fd(5)) + call("fd_close", fd(5)),
    "dirs": call("path_create_directory", fd(S), path("n"), plen()) + open_(S, "n/f", CREAT)
    + call("path_filestat_get", fd(S), flag(FOLLOW), path("n/f"), plen(), out())
    + call("path_rename", fd(S), path("n/f"), plen(), fd(S), path("d/g"), plen())
    + call("path_link", fd(S), flag(0), path("d/g"), plen(), fd(S), path("h"), plen())
    + call("path_unlink_file", fd(S), path("d/g"), plen())
    + call("path_remove_directory", fd(S), path("n"), plen())
    + call("path_symlink", path("d/f"), plen(), fd(S), path("sl"), plen())
    + call("path_readlink", fd(S), path("sl"), plen(), buf(), buflen(64), out())
    + call("path_filestat_set_times", fd(S), flag(FOLLOW), path("sl"), plen(), T0, T0, NOW),
    "readdir": call("fd_readdir", fd(S), buf(), buflen(200), wide(0), out())
    + call("fd_readdir", fd(S), buf(), buflen(30), wide(2), out())
    + call("fd_readdir", fd(R), buf(), buflen(4096), wide(0), out())
    + open_(S, "d", DIRECTORY, RIGHTS_DIR) + call("fd_readdir", fd(5), buf(), buflen(24), wide(0), out()),
    "prestat": call("fd_prestat_get", fd(S), out()) + call("fd_prestat_dir_name", fd(S), buf(), buflen(2))
    + call("fd_prestat_get", fd(R), out()) + call("fd_prestat_dir_name", fd(R), buf(), buflen(1))
    + call("fd_fdstat_get", fd(R), out()) + call("fd_fdstat_set_rights", fd(S), RIGHTS_READ, RIGHTS_READ)
    + call("fd_renumber", fd(R), fd(S)) + call("fd_close", fd(0)),
    "misc": call("args_sizes_get", out(), out()) + call("args_get", out(), out())
    + call("environ_sizes_get", out(), out()) + call("environ_get", out(), out())
    + call("clock_res_get", flag(1), out()) + call("clock_time_get", flag(0), wide(1), out())
    + call("random_get", buf(), buflen(100)) + call("sched_yield")
    + call("sock_accept", fd(S), flag(0), out())
    + call("sock_recv", fd(1), iov(4), count(), flag(0), out(), out())
    + call("sock_send", fd(1), iov(4), count(), flag(0), out()) + call("sock_shutdown", fd(1), flag(3))
    + call("proc_raise", flag(0)) + call("proc_raise", flag(15)),
    "poll": open_(S, "a", rights=RIGHTS_FILE)
    + poll(clock_sub(1, 50), fd_sub(2, 5), fd_sub(3, 0), fd_sub(4, 1, write=True))
    + poll(clock_sub(5, 10, clock=0, abstime=1)) + poll(clock_sub(6, 10, clock=2))
    + call("proc_exit", flag(3)),
    "fds": b"".join(open_(S, ".", DIRECTORY, RIGHTS_DIR) for _ in range(14))
    + call("fd_renumber", fd(15), fd(6)) + call("fd_close", fd(7)) + open_(R, "r", rights=RIGHTS_READ),
    # Each of these must fail (or stay inside): the harness checks outside/ and ro/.
    "escape": open_(S, "link/canary", TRUNC, lookup=FOLLOW) + open_(S, "link2", TRUNC, lookup=FOLLOW)
    + open_(S, "../outside/canary", TRUNC) + open_(S, "up/outside/canary", TRUNC, lookup=FOLLOW)
    + open_(S, "self/link/x", CREAT, lookup=FOLLOW) + open_(S, "abs", TRUNC, lookup=FOLLOW)
    + call("path_rename", fd(S), path("link/canary"), plen(), fd(S), path("c"), plen())
    + call("path_unlink_file", fd(S), path("link2/"), plen())
    + call("path_create_directory", fd(S), path("link/new"), plen())
    + call("path_symlink", path("../outside/canary"), plen(), fd(S), path("s2"), plen())
    + open_(S, "s2", TRUNC, lookup=FOLLOW)
    + call("path_link", fd(S), flag(FOLLOW), path("link2"), plen(), fd(S), path("hl"), plen())
    + call("path_filestat_set_times", fd(S), flag(FOLLOW), path("link2"), plen(), T0, T0, NOW)
    + call("fd_write", fd(5), iov(8), count(), out()),
    # ... and these must not read anything of outside/ into guest memory.
    "leak": open_(S, "link2", rights=RIGHTS_READ, lookup=FOLLOW) + read_all(5)
    + open_(S, "abs", rights=RIGHTS_READ, lookup=FOLLOW) + read_all(5)
    + open_(S, "link", DIRECTORY, RIGHTS_READ, lookup=FOLLOW) + read_all(5)
    + open_(S, "up/outside", DIRECTORY, RIGHTS_READ, lookup=FOLLOW) + read_all(5)
    + open_(R, "rl", rights=RIGHTS_READ, lookup=FOLLOW) + read_all(5)
    + open_(R, "rup/outside", DIRECTORY, RIGHTS_READ, lookup=FOLLOW) + read_all(5)
    + call("path_readlink", fd(S), path("link/l"), plen(), buf(), buflen(64), out()),
    "readonly": open_(R, "r", TRUNC) + open_(R, "new", CREAT) + open_(R, "r", fdflags=1)
    + open_(R, "rd", DIRECTORY, RIGHTS_READ) + call("path_unlink_file", fd(5), path("x"), plen())
    + call("path_rename", fd(R), path("r"), plen(), fd(S), path("stolen"), plen())
    + call("path_link", fd(R), flag(0), path("r"), plen(), fd(S), path("hl"), plen())
    + call("path_filestat_set_times", fd(R), flag(0), path("r"), plen(), T0, T0, NOW)
    + call("path_symlink", path("x"), plen(), fd(R), path("s"), plen())
    + open_(S, "rlink", TRUNC, lookup=FOLLOW)
    + call("fd_renumber", fd(R), fd(S)) + open_(S, "r", rights=RIGHTS_READ)
    + call("fd_write", fd(6), iov(8), count(), out()) + call("fd_filestat_set_size", fd(6), wide(0)),
    # config bit 3: stdin/stdout are a socket at EOF.
    "sockets": call("sock_recv", fd(0), iov(8), count(), flag(1), out(), out())
    + call("sock_send", fd(1), iov(8), count(), flag(0), out())
    + call("fd_write", fd(1), iov(3), count(), out())
    + call("fd_read", fd(0), iov(3), count(), out()) + poll(fd_sub(1, 0), fd_sub(2, 1, write=True))
    + call("fd_filestat_get", fd(0), out()) + call("sock_accept", fd(0), flag(4), out())
    + call("sock_shutdown", fd(0), flag(1)) + call("sock_shutdown", fd(1), flag(3)),
}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name, body in SEEDS.items():
        for config, mode in ((0, "openat2"), (1, "walk")):
            if name == "sockets":
                config |= 8
            with open(os.path.join(outdir, f"{name}-{mode}"), "wb") as f:
                f.write(bytes([config]) + body)


if __name__ == "__main__":
    main()
