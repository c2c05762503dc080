// Fuzz target: the WASI preview 1 host functions, called directly (no module)
// in sequences the input describes, against a small file tree:
//
//   ROOT/sandbox/   preopened read-write as "/s" (fd 3), with symlinks out
//   ROOT/ro/        preopened read-only as "/r" (fd 4)
//   ROOT/outside/   never granted; holds a canary file (sandbox/abs is an
//                   absolute link to it)
//
// Input: one config byte (bit 0: the portable path walk instead of openat2;
// bits 1-2 both set: memory never bound; bit 3: stdin and stdout are a
// socket whose peer is closed, for sock_*), then calls: a byte picks the
// function (functions.def order) and each argument is drawn by its role
// (descriptor, path, buffer, iovecs, flags, ...), biased towards edge values:
// pointers at 0, at and past the end of the one-page memory, 0xFFFFFFF0;
// lengths 0/1/to-the-end/huge; all flag bits. Paths come from a dictionary of
// escape attempts or raw input bytes and are written into guest memory, also
// straddling its end. See kFunctions for the roles, Args for the encodings.
//
// Checked after every input: nothing under outside/ or ro/ changed (listing,
// stat, contents), nothing of outside/ was read (a random secret in a file,
// an entry name and a link target there never appears in guest memory; also
// checked after each call that copies host data in), ROOT holds nothing
// new, the host fd count is back where it was once the Context is gone,
// every result is a WASI errno, and only proc_exit/proc_raise/poll_oneoff
// trap. The sandbox is rebuilt only when the input changed it.
//
// Things that would block or fill the disk are capped by the harness, not by
// the code under test: poll_oneoff clock timeouts are cut to < 256 us, stdio
// is /dev/null or a socket that is at EOF (SIGPIPE ignored, as `wharf run`
// does), and RLIMIT_FSIZE (8 MiB, SIGXFSZ ignored) bounds file sizes.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "runtime/instance.h"
#include "runtime/memory.h"
#include "wasi/sandbox.h"
#include "wasi/wasi.h"

namespace {

namespace fs = std::filesystem;
using wharf::Value;

constexpr uint32_t kMemBytes = 65536;  // one page, followed by the guard region
constexpr uint32_t kScratchStart = 0x100, kScratchEnd = 0xF000;
constexpr size_t kMaxCalls = 64;
constexpr uint32_t kMaxOpenFiles = 16;  // small, so the EMFILE path is reachable
constexpr uint32_t kMaxErrno = 76;      // notcapable
constexpr rlim_t kMaxFileBytes = 8 << 20;

// Argument roles, one letter per parameter:
//   f fd  P/L path ptr/len  B/N buffer ptr/len  O result ptr  V/C iovecs/count
//   S/K subscriptions/count  Y i64 offset/size  t timestamp  r rights
//   l lookupflags  o oflags  d fdflags  F fstflags  w whence  a advice
//   c clock id  s signal  h shutdown how  x other i32 flags  E exit code
struct Function {
  std::string_view name, roles;
};
constexpr Function kFunctions[] = {
    {"args_get", "OO"},
    {"args_sizes_get", "OO"},
    {"environ_get", "OO"},
    {"environ_sizes_get", "OO"},
    {"clock_res_get", "cO"},
    {"clock_time_get", "cYO"},
    {"fd_advise", "fYYa"},
    {"fd_allocate", "fYY"},
    {"fd_close", "f"},
    {"fd_datasync", "f"},
    {"fd_fdstat_get", "fO"},
    {"fd_fdstat_set_flags", "fd"},
    {"fd_fdstat_set_rights", "frr"},
    {"fd_filestat_get", "fO"},
    {"fd_filestat_set_size", "fY"},
    {"fd_filestat_set_times", "fttF"},
    {"fd_pread", "fVCYO"},
    {"fd_prestat_get", "fO"},
    {"fd_prestat_dir_name", "fBN"},
    {"fd_pwrite", "fVCYO"},
    {"fd_read", "fVCO"},
    {"fd_readdir", "fBNYO"},
    {"fd_renumber", "ff"},
    {"fd_seek", "fYwO"},
    {"fd_sync", "f"},
    {"fd_tell", "fO"},
    {"fd_write", "fVCO"},
    {"path_create_directory", "fPL"},
    {"path_filestat_get", "flPLO"},
    {"path_filestat_set_times", "flPLttF"},
    {"path_link", "flPLfPL"},
    {"path_open", "flPLorrdO"},
    {"path_readlink", "fPLBNO"},
    {"path_remove_directory", "fPL"},
    {"path_rename", "fPLfPL"},
    {"path_symlink", "PLfPL"},
    {"path_unlink_file", "fPL"},
    {"poll_oneoff", "SOKO"},
    {"proc_exit", "E"},
    {"proc_raise", "s"},
    {"random_get", "BN"},
    {"sched_yield", ""},
    {"sock_accept", "fdO"},
    {"sock_recv", "fVCxOO"},
    {"sock_send", "fVCxO"},
    {"sock_shutdown", "fh"},
};
constexpr size_t kNumFunctions = std::size(kFunctions);

// Paths the guest tries: the tree's own names, escapes through `..`,
// absolute paths and the symlinks, and malformed strings.
const std::string kPaths[] = {"a",
                              "a/b",
                              "..",
                              "../x",
                              "/etc/passwd",
                              "link",
                              "d/",
                              ".",
                              "d",
                              "d/f",
                              "d/e",
                              "d/e/",
                              "d/../a",
                              "./a",
                              "a/",
                              "a/.",
                              "link/",
                              "link/canary",
                              "link2",
                              "self",
                              "self/self/a",
                              "self/link/canary",
                              "up",
                              "up/outside/canary",
                              "up/sandbox/a",
                              "loop",
                              "loop/x",
                              "abs",
                              "rlink",
                              "dlink",
                              "dlink/f",
                              "flink",
                              "../outside/canary",
                              "../ro/r",
                              "../sandbox/a",
                              "d/../../outside",
                              "d/e/../../link/canary",
                              "new",
                              "new/",
                              "d/new",
                              "r",
                              "rd",
                              "rd/x",
                              "rl",
                              "rs",
                              "rup",
                              "rup/outside/canary",
                              "",
                              "//",
                              "a//",
                              "...",
                              "d/./f",
                              "/proc/self/fd/3",
                              std::string("x\0y", 3),
                              "\xff",
                              "\xc0\xaf",
                              "\xed\xa0\x80",
                              "\xf4\x90\x80\x80",
                              "caf\xc3\xa9",
                              std::string(300, 'n'),
                              [] {
                                std::string s;
                                while (s.size() < 4200) s += "d/";
                                return s;
                              }()};
constexpr size_t kNumPaths = std::size(kPaths);

// ---- the file tree ----

void writeFile(const std::string& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  FUZZ_CHECK(fd >= 0, "create %s: %s", path.c_str(), std::strerror(errno));
  FUZZ_CHECK(::write(fd, text.data(), text.size()) == ssize_t(text.size()), "write %s", path.c_str());
  ::close(fd);
}
void makeDir(const std::string& path) {
  FUZZ_CHECK(::mkdir(path.c_str(), 0755) == 0, "mkdir %s: %s", path.c_str(), std::strerror(errno));
}
void makeLink(const char* target, const std::string& path) {
  FUZZ_CHECK(::symlink(target, path.c_str()) == 0, "symlink %s: %s", path.c_str(), std::strerror(errno));
}

// `abs` is an absolute link to outside/canary (`absTarget`).
void makeSandbox(const std::string& s, const std::string& absTarget) {
  makeDir(s);
  writeFile(s + "/a", "hello\n");
  makeDir(s + "/d");
  writeFile(s + "/d/f", "f\n");
  makeDir(s + "/d/e");
  makeLink("../outside", s + "/link");
  makeLink("../outside/canary", s + "/link2");
  makeLink(".", s + "/self");
  makeLink("d/../..", s + "/up");
  makeLink("loop", s + "/loop");
  makeLink(absTarget.c_str(), s + "/abs");
  makeLink("../ro/r", s + "/rlink");
  makeLink("d", s + "/dlink");
  makeLink("a", s + "/flink");
}

// outside/ holds `secret` in a file's contents, an entry's name and a link's
// target, so that reading any of them shows up in guest memory.
void makeTree(const std::string& root, const std::string& secret) {
  makeSandbox(root + "/sandbox", root + "/outside/canary");
  makeDir(root + "/ro");
  writeFile(root + "/ro/r", "read only\n");
  makeDir(root + "/ro/rd");
  writeFile(root + "/ro/rd/x", "x\n");
  makeLink("../outside/canary", root + "/ro/rl");
  makeLink("r", root + "/ro/rs");
  makeLink("rd/../..", root + "/ro/rup");
  makeDir(root + "/outside");
  writeFile(root + "/outside/canary", "canary " + secret + "\n");
  makeDir(root + "/outside/o");
  writeFile(root + "/outside/n-" + secret, "");
  makeLink(("t-" + secret).c_str(), root + "/outside/l");
}

// Whether guest memory holds `needle`. Not instrumented for coverage, so
// libFuzzer never learns the secret from these comparisons (nor from the
// snapshot comparisons, which compare hashes); nor for ASan, which does not
// track guest memory anyway, so a scan costs microseconds.
__attribute__((no_sanitize("coverage", "address"))) bool holds(const uint8_t* mem, size_t n,
                                                               const std::string& needle) {
  const uint8_t* end = mem + n - needle.size() + 1;
  for (const uint8_t* p = mem; p < end; ++p) {
    p = static_cast<const uint8_t*>(std::memchr(p, needle[0], size_t(end - p)));
    if (!p) return false;
    size_t k = 1;
    while (k < needle.size() && p[k] == uint8_t(needle[k])) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// A deterministic description of `path` and everything below it: type,
// inode, links, size, mtime, ctime (any write, rename, link or times change
// moves one of them), symlink targets and, with `contents`, file bytes.
// Access times are left out: reading is allowed.
void describe(const std::string& path, const std::string& rel, bool contents, std::string& out) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    out += rel + " (gone)\n";
    return;
  }
  out += rel + " mode=" + std::to_string(st.st_mode) + " ino=" + std::to_string(st.st_ino) +
         " nlink=" + std::to_string(st.st_nlink) + " size=" + std::to_string(st.st_size) +
         " mtime=" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) +
         " ctime=" + std::to_string(st.st_ctim.tv_sec) + "." + std::to_string(st.st_ctim.tv_nsec);
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = ::readlink(path.c_str(), target, sizeof target);
    out += " -> " + std::string(target, size_t(std::max<ssize_t>(n, 0)));
  } else if (S_ISREG(st.st_mode) && contents) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    char buf[4096];
    ssize_t n = fd >= 0 ? ::read(fd, buf, sizeof buf) : -1;
    if (fd >= 0) ::close(fd);
    out += " data=" + std::string(buf, size_t(std::max<ssize_t>(n, 0)));
  }
  out += "\n";
  if (!S_ISDIR(st.st_mode)) return;
  std::vector<std::string> names;
  if (DIR* dir = ::opendir(path.c_str())) {
    while (dirent* e = ::readdir(dir))
      if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) names.push_back(e->d_name);
    ::closedir(dir);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) describe(path + "/" + n, rel + "/" + n, contents, out);
}

// The names directly in ROOT (the sandbox's own times change when rebuilt).
std::string rootListing(const std::string& root) {
  std::vector<std::string> names;
  if (DIR* dir = ::opendir(root.c_str())) {
    while (dirent* e = ::readdir(dir)) names.push_back(e->d_name);
    ::closedir(dir);
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& n : names) out += n + "\n";
  return out;
}

std::string snapshot(const std::string& path, bool contents) {
  std::string out;
  describe(path, "", contents, out);
  return out;
}

// The host's open descriptors and what they are, the listing's own one included.
std::vector<std::string> openFds() {
  std::vector<std::string> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  FUZZ_CHECK(dir, "opendir /proc/self/fd: %s", std::strerror(errno));
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    char target[256];
    ssize_t n = ::readlinkat(::dirfd(dir), e->d_name, target, sizeof target);
    fds.push_back(std::string(e->d_name) + " -> " + std::string(target, size_t(std::max<ssize_t>(n, 0))));
  }
  ::closedir(dir);
  return fds;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += "    " + l + "\n";
  return out;
}

// A snapshot and its hash (see holds()).
struct Snapshot {
  std::string text;
  size_t hash = 0;
  explicit Snapshot(std::string t = {}) : text(std::move(t)), hash(std::hash<std::string>{}(text)) {}
  bool operator==(const Snapshot& o) const { return hash == o.hash; }
};

struct Harness {
  std::string root, sandbox, ro, outside, absCanary;
  std::string secret;  // random per process: in outside/ only
  Snapshot pristineSandbox, pristineRo, pristineOutside, pristineRoot;
  int devNull = -1;
  wharf::Store memStore;  // the guest memory outlives each input's Context
  wharf::LinearMemory* memory = nullptr;
  bool trace = false;

  Harness() {
    // tmpfs when available: fsync and O_SYNC writes cost nothing there.
    std::string base = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : fs::temp_directory_path().string();
    std::string tmpl = base + "/wharf-fuzz-wasi-XXXXXX";
    FUZZ_CHECK(::mkdtemp(tmpl.data()), "mkdtemp %s: %s", tmpl.c_str(), std::strerror(errno));
    root = tmpl;
    sandbox = root + "/sandbox", ro = root + "/ro", outside = root + "/outside";
    absCanary = outside + "/canary";
    uint8_t bytes[8];
    FUZZ_CHECK(::getrandom(bytes, sizeof bytes, 0) == sizeof bytes, "getrandom");
    for (uint8_t b : bytes) secret += "0123456789abcdef"[b >> 4], secret += "0123456789abcdef"[b & 15];
    makeTree(root, secret);
    pristineSandbox = Snapshot(snapshot(sandbox, false));
    pristineRo = Snapshot(snapshot(ro, true));
    pristineOutside = Snapshot(snapshot(outside, true));
    pristineRoot = Snapshot(rootListing(root));

    devNull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    FUZZ_CHECK(devNull >= 0, "open /dev/null");
    ::signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG instead
    ::signal(SIGPIPE, SIG_IGN);
    rlimit lim;
    ::getrlimit(RLIMIT_FSIZE, &lim);
    lim.rlim_cur = std::min(lim.rlim_max, kMaxFileBytes);
    ::setrlimit(RLIMIT_FSIZE, &lim);

    wharf::MemoryType type;
    type.limits.min = 1;
    type.limits.max = 1;
    memory = memStore.addMemory(type);
    FUZZ_CHECK(memory && memory->sizeBytes() == kMemBytes, "guest memory");
    trace = std::getenv("WHARF_FUZZ_WASI_TRACE") != nullptr;

    // The role table must describe functions.def exactly.
    std::vector<std::string_view> names = wharf::wasi::functionNames();
    FUZZ_CHECK(names.size() == kNumFunctions, "functions.def has %zu functions, kFunctions %zu", names.size(),
               kNumFunctions);
    auto ctx = wharf::wasi::Context::create({});
    FUZZ_CHECK(ctx.ok(), "Context::create");
    wharf::Store store;
    for (size_t i = 0; i < kNumFunctions; ++i) {
      FUZZ_CHECK(names[i] == kFunctions[i].name, "function %zu is %.*s", i, int(names[i].size()),
                 names[i].data());
      wharf::FuncInst* f = (*ctx)->resolve(store, wharf::wasi::kModuleName, names[i]);
      FUZZ_CHECK(f && f->type->params.size() == kFunctions[i].roles.size(), "roles of %s",
                 std::string(names[i]).c_str());
      for (size_t k = 0; k < f->type->params.size(); ++k) {
        bool wide = std::string_view("Ytr").find(kFunctions[i].roles[k]) != std::string_view::npos;
        FUZZ_CHECK(wide == (f->type->params[k] == wharf::ValType::i64()), "role %zu of %s", k,
                   std::string(names[i]).c_str());
      }
    }
    ctx->reset();
  }

  // Nothing from outside/ may reach guest memory.
  void checkNoLeak(const char* after) {
    FUZZ_CHECK(!holds(memory->base(), kMemBytes, secret), "%s read from outside/ into guest memory", after);
  }

  // After each input: the invariants, then a fresh sandbox if it changed.
  // `fdsBefore` is taken just before the Context was created: between inputs
  // libFuzzer itself may open descriptors (its symbolizer's pipes).
  void check(const std::vector<std::string>& fdsBefore) {
    std::vector<std::string> fds = openFds();
    FUZZ_CHECK(fds.size() == fdsBefore.size(), "%zu host fds open after the Context is gone, %zu before:\n%s",
               fds.size(), fdsBefore.size(), joined(fds).c_str());
    Snapshot now(snapshot(outside, true));
    FUZZ_CHECK(now == pristineOutside, "outside/ changed:\n%s\nwas:\n%s", now.text.c_str(),
               pristineOutside.text.c_str());
    now = Snapshot(snapshot(ro, true));
    FUZZ_CHECK(now == pristineRo, "the read-only preopen changed:\n%s\nwas:\n%s", now.text.c_str(),
               pristineRo.text.c_str());
    now = Snapshot(rootListing(root));
    FUZZ_CHECK(now == pristineRoot, "ROOT changed:\n%s", now.text.c_str());
    checkNoLeak("the input");
    if (!(Snapshot(snapshot(sandbox, false)) == pristineSandbox)) {
      std::error_code ec;
      fs::remove_all(sandbox, ec);
      FUZZ_CHECK(!ec, "remove %s: %s", sandbox.c_str(), ec.message().c_str());
      makeSandbox(sandbox, absCanary);
      pristineSandbox = Snapshot(snapshot(sandbox, false));
    }
  }
};

Harness& harness() {
  // Never destroyed (libFuzzer may exit while an input runs); only the tree
  // is removed at exit.
  static Harness* h = [] {
    auto* made = new Harness;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(harness().root, ec);
    });
    return made;
  }();
  return *h;
}

// The input, front to back; zeros once it runs out.
struct Reader {
  const uint8_t* p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t byte() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  uint32_t u16() { return byte() | uint32_t(byte()) << 8; }
  uint32_t u32() { return u16() | u16() << 16; }
  uint64_t u64() { return u32() | uint64_t(u32()) << 32; }
};

// Draws arguments by role and writes what they point to into guest memory.
struct Args {
  Reader& in;
  uint8_t* mem;
  uint32_t bump = kScratchStart;
  uint32_t pending = 0;  // the length/count that goes with the last pointer

  uint32_t alloc(uint32_t size) {
    bump = (bump + 7) & ~7u;
    if (bump + size > kScratchEnd) bump = kScratchStart;
    uint32_t p = bump;
    bump += size;
    return p;
  }
  // Copies what fits in memory.
  void put(uint32_t ptr, const void* data, size_t n) {
    if (ptr >= kMemBytes || n == 0) return;
    std::memcpy(mem + ptr, data, std::min<size_t>(n, kMemBytes - ptr));
  }
  // Where an object of n bytes goes: scratch, ending exactly at the end of
  // memory, straddling the end, or entirely outside.
  uint32_t place(uint32_t n) {
    switch (in.byte() % 8) {
      case 5: return kMemBytes - std::min(n, kMemBytes);
      case 6: return n ? kMemBytes - n + 1 + in.byte() % n : kMemBytes;
      case 7: {
        uint8_t b = in.byte();
        return b % 3 == 0 ? kMemBytes + b : b % 3 == 1 ? 0xFFFFFFF0u + b % 16 : 0xFFFFFFFFu;
      }
      default: return alloc(n);
    }
  }
  uint32_t ptr(uint32_t room) {
    switch (in.byte() % 8) {
      case 0: return in.byte() % 64;
      case 4: return kMemBytes - in.byte() % 72;
      case 5: return kMemBytes + in.byte() % 16;
      case 6: return 0xFFFFFFF0u + in.byte() % 16;
      case 7: return in.u32();
      default: return alloc(room);
    }
  }
  uint32_t bufLen(uint32_t p) {
    uint32_t toEnd = p <= kMemBytes ? kMemBytes - p : 0;
    switch (in.byte() % 8) {
      case 0: return 0;
      case 1: return 1;
      case 2: return in.byte();
      case 3: return 24 + in.byte() % 8;  // about one dirent header
      case 4: return toEnd;
      case 5: return toEnd + 1;
      case 6: return 0xFFFFFFFFu;
      default: return in.u16();
    }
  }
  uint32_t count() {
    switch (in.byte() % 8) {
      case 5: return pending + 1;
      case 6: return 1025;  // IOV_MAX + 1
      case 7: {
        static const uint32_t kOdd[] = {0xFFFFFFFFu, 0x20000000u, 0, 2};
        return kOdd[in.byte() % 4];
      }
      default: return pending;
    }
  }
  uint32_t fd() {
    uint8_t s = in.byte();
    if (s < 0xF0) return s % 16;
    if (s < 0xFE) return 16 + (s - 0xF0);
    return s == 0xFE ? 0xFFFFFFFFu : in.u32();
  }
  uint32_t flags(uint32_t mod) {
    uint8_t s = in.byte();
    return s == 0xFF ? 0xFFFFFFFFu : s == 0xFE ? in.u32() : s % mod;
  }
  std::string pathText() {
    uint8_t s = in.byte();
    if (s < 0xE0) return kPaths[s % kNumPaths];
    if (s < 0xF0) {
      std::string a = kPaths[in.byte() % kNumPaths];
      return a + "/" + kPaths[in.byte() % kNumPaths];
    }
    std::string raw(in.byte() % 48, '\0');
    for (char& c : raw) c = char(in.byte());
    return raw;
  }
  uint32_t path() {
    std::string s = pathText();
    uint32_t p = place(uint32_t(s.size()));
    put(p, s.data(), s.size());
    pending = uint32_t(s.size());
    return p;
  }
  uint32_t pathLen() {
    switch (in.byte() % 16) {
      case 12: return pending + 1;
      case 13: return pending ? pending - 1 : 0;
      case 14: return 0xFFFFFFFFu;
      case 15: return 0x80000000u + in.byte();
      default: return pending;
    }
  }
  uint32_t iovecs() {
    uint32_t n = in.byte() % 5;
    std::vector<uint32_t> words;
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t b = ptr(4096);
      words.push_back(b);
      words.push_back(bufLen(b));
    }
    uint32_t p = place(n * 8);
    put(p, words.data(), words.size() * 4);
    pending = n;
    return p;
  }
  uint32_t subscriptions() {
    uint32_t n = 1 + in.byte() % 4;
    std::vector<uint8_t> subs(n * 48);
    for (uint32_t i = 0; i < n; ++i) {
      uint8_t* s = &subs[i * 48];
      s[0] = in.byte();  // userdata
      s[8] = in.byte() % 4;
      if (s[8] == 0) {
        uint32_t id = in.byte() % 5;
        uint64_t timeout = uint64_t(in.byte()) * 1000;
        uint16_t fl = in.byte() % 3;
        std::memcpy(s + 16, &id, 4);
        std::memcpy(s + 24, &timeout, 8);
        std::memcpy(s + 40, &fl, 2);
      } else {
        uint32_t f = fd();
        std::memcpy(s + 16, &f, 4);
      }
    }
    uint32_t p = place(n * 48);
    put(p, subs.data(), subs.size());
    pending = n;
    return p;
  }
  uint64_t wide() {
    switch (in.byte() % 8) {
      case 0: return 0;
      case 1: return 1;
      case 2: return ~uint64_t{0};
      case 3: return uint64_t(INT64_MAX);
      case 4: return uint64_t{1} << 63;
      case 5: return in.byte();
      case 6: return uint64_t(in.byte()) * 4096;
      default: return in.u64();
    }
  }
  uint64_t timestamp() {
    switch (in.byte() % 4) {
      case 0: return 0;
      case 1: return ~uint64_t{0};
      case 2: return uint64_t(in.byte()) * 1000000000u + in.byte();
      default: return in.u64();
    }
  }
  uint64_t rights() {
    using namespace wharf::wasi::right;
    switch (in.byte() % 8) {
      case 0: return ~uint64_t{0};
      case 1: return All;
      case 2: return 0;
      case 3: return FdRead | FdSeek | FdTell | FdFilestatGet | FdReaddir | PathOpen | PathFilestatGet;
      case 4: return kRegularFile;
      case 5: return kDirectory;
      case 6: return kRegularFile | kDirectory;
      default: return in.u64();
    }
  }

  Value draw(char role) {
    switch (role) {
      case 'f': return Value::fromI32(fd());
      case 'P': return Value::fromI32(path());
      case 'L': return Value::fromI32(pathLen());
      case 'B': {
        uint32_t p = ptr(4096);
        pending = p;
        return Value::fromI32(p);
      }
      case 'N': return Value::fromI32(bufLen(pending));
      case 'O': return Value::fromI32(ptr(256));
      case 'V': return Value::fromI32(iovecs());
      case 'S': return Value::fromI32(subscriptions());
      case 'C':
      case 'K': return Value::fromI32(count());
      case 'Y': return Value::fromI64(wide());
      case 't': return Value::fromI64(timestamp());
      case 'r': return Value::fromI64(rights());
      case 'l': return Value::fromI32(flags(4));
      case 'o': return Value::fromI32(flags(32));
      case 'd': return Value::fromI32(flags(64));
      case 'F': return Value::fromI32(flags(32));
      case 'w': return Value::fromI32(flags(4));
      case 'a': return Value::fromI32(flags(8));
      case 'c': return Value::fromI32(flags(5));
      case 's': return Value::fromI32(flags(32));
      case 'h': return Value::fromI32(flags(4));
      case 'x': return Value::fromI32(flags(8));
      case 'E': return Value::fromI32(flags(256));
    }
    FUZZ_CHECK(false, "unknown role %c", role);
    return {};
  }
};

uint64_t nowNs(clockid_t id) {
  timespec t;
  clock_gettime(id, &t);
  return uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec);
}

// Every clock subscription poll_oneoff will read waits less than 256 us:
// relative timeouts are cut, absolute ones move to just after now.
void capPollTimeouts(uint8_t* mem, uint32_t in, uint32_t n) {
  if (n == 0 || in > kMemBytes || uint64_t(n) * 48 > kMemBytes - in) return;  // poll fails with EFAULT
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t* s = mem + in + i * 48;
    if (s[8] != 0) continue;
    uint32_t id;
    uint64_t timeout;
    uint16_t flags;
    std::memcpy(&id, s + 16, 4);
    std::memcpy(&timeout, s + 24, 8);
    std::memcpy(&flags, s + 40, 2);
    timeout %= 256000;
    if (flags & 1) {
      if (id == 0) timeout += nowNs(CLOCK_REALTIME);
      if (id == 1) timeout += nowNs(CLOCK_MONOTONIC);
    }
    std::memcpy(s + 24, &timeout, 8);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness& h = harness();
  Reader in{data, size};
  uint8_t config = in.byte();
  wharf::wasi::setUseOpenat2(!(config & 1));
  bool bind = (config & 6) != 6;

  uint8_t* mem = h.memory->base();
  std::memset(mem, 0, kMemBytes);
  ::fcntl(h.devNull, F_SETFL, 0);  // a previous input may have set O_APPEND/O_NONBLOCK on it

  wharf::wasi::Options options;
  options.args = {"fuzz", "--flag", ""};
  options.env = {"HOME=/s", "EMPTY="};
  options.dirs = {{h.sandbox, "/s", false}, {h.ro, "/r", true}};
  options.maxOpenFiles = kMaxOpenFiles;
  options.stdinFd = options.stdoutFd = options.stderrFd = h.devNull;
  int sock[2] = {-1, -1};
  if (config & 8) {
    // Reads see EOF and writes EPIPE at once: nothing here can block.
    FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) == 0, "socketpair");
    ::close(sock[1]);
    options.stdinFd = options.stdoutFd = sock[0];
  }
  std::vector<std::string> fdsBefore = openFds();
  {
    auto created = wharf::wasi::Context::create(options);
    FUZZ_CHECK(created.ok(), "Context::create: %s", created.error().message.c_str());
    std::unique_ptr<wharf::wasi::Context> ctx = std::move(*created);
    if (bind) ctx->bindMemory(h.memory);
    wharf::Store store;  // holds this Context's host functions
    wharf::FuncInst* funcs[kNumFunctions] = {};
    Args args{in, mem};

    for (size_t call = 0; call < kMaxCalls && !in.empty(); ++call) {
      size_t index = in.byte() % kNumFunctions;
      const Function& fn = kFunctions[index];
      if (!funcs[index]) funcs[index] = ctx->resolve(store, wharf::wasi::kModuleName, fn.name);
      std::vector<Value> params;
      for (char role : fn.roles) params.push_back(args.draw(role));
      if (fn.name == "poll_oneoff" && bind) capPollTimeouts(mem, params[0].i32, params[2].i32);
      Value result = Value::fromI32(0xDEADBEEF);
      std::span<Value> results(&result, fn.name == "proc_exit" ? 0 : 1);
      wharf::Trap trap = funcs[index]->host(params, results);
      if (h.trace) {
        std::fprintf(stderr, "%s(", std::string(fn.name).c_str());
        for (size_t k = 0; k < params.size(); ++k)
          std::fprintf(stderr, "%s%#llx", k ? ", " : "", (unsigned long long)params[k].i64);
        std::fprintf(stderr, ") = %u%s\n", result.i32, trap.kind != wharf::TrapKind::None ? " (trap)" : "");
      }
      if (trap.kind != wharf::TrapKind::None) {
        FUZZ_CHECK(fn.name == "proc_exit" || fn.name == "proc_raise" || fn.name == "poll_oneoff",
                   "%s trapped: %s", std::string(fn.name).c_str(), trap.describe().c_str());
        break;  // the guest is gone
      }
      if (!results.empty())
        FUZZ_CHECK(result.i32 <= kMaxErrno, "%s returned %u, not an errno", std::string(fn.name).c_str(),
                   result.i32);
      // The calls that copy host data in: check at once, before a later
      // call overwrites it.
      if (result.i32 == 0 && (fn.name == "fd_read" || fn.name == "fd_pread" || fn.name == "fd_readdir" ||
                              fn.name == "path_readlink" || fn.name == "sock_recv"))
        h.checkNoLeak(std::string(fn.name).c_str());
    }
  }
  h.check(fdsBefore);
  if (sock[0] >= 0) ::close(sock[0]);
  return 0;
}
