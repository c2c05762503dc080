// Path resolution beneath a preopen (wasi/sandbox.h), with openat2 and with
// the portable walk: the same answers, and nothing outside ever opens.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "wasi/sandbox.h"

namespace fs = std::filesystem;
using namespace wharf::wasi;

namespace {

void writeFile(const fs::path& p, const std::string& text) {
  FILE* f = std::fopen(p.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

std::string readFd(int fd) {
  char buf[64];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, size_t(n)) : std::string();
}

// root/ is the preopen; outside/ holds a secret next to it.
class Sandbox : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    setUseOpenat2(GetParam());
    char tmpl[] = "/tmp/wharf-sandbox-XXXXXX";
    base_ = ::mkdtemp(tmpl);
    root_ = base_ / "root";
    fs::create_directories(root_ / "a");
    fs::create_directories(root_ / "dir" / "sub");
    fs::create_directories(base_ / "outside");
    writeFile(root_ / "a" / "file", "inside");
    writeFile(base_ / "outside" / "secret", "secret");
    fs::create_directory_symlink("../outside", root_ / "up_link");
    fs::create_directory_symlink(base_ / "outside", root_ / "abs_link");
    fs::create_symlink("a/file", root_ / "inner");
    fs::create_symlink("loop2", root_ / "loop1");
    fs::create_symlink("loop1", root_ / "loop2");
    fs::create_symlink("../../a/file", root_ / "dir" / "sub" / "back");
    fs::create_directory_symlink("/proc/self/root", root_ / "proc_root");
    rootFd_ = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(rootFd_, 0);
  }
  void TearDown() override {
    ::close(rootFd_);
    fs::remove_all(base_);
    setUseOpenat2(true);
  }

  // Opens for reading; returns the content or "errno N".
  std::string open(const char* path, bool follow = true) {
    Opened o = openBeneath(rootFd_, path, O_RDONLY, 0, follow);
    if (o.fd < 0) return "errno " + std::to_string(o.error);
    std::string s = readFd(o.fd);
    ::close(o.fd);
    return s;
  }

  fs::path base_, root_;
  int rootFd_ = -1;
};

const std::string kNotCapable = "errno " + std::to_string(err::NotCapable);
const std::string kLoop = "errno " + std::to_string(err::Loop);
const std::string kNoEnt = "errno " + std::to_string(err::NoEnt);

TEST_P(Sandbox, OpensWhatIsInside) {
  EXPECT_EQ(open("a/file"), "inside");
  EXPECT_EQ(open("./a/../a/file"), "inside");
  EXPECT_EQ(open("dir/sub/../../a/file"), "inside");
  EXPECT_EQ(open("a//file"), "inside");
  EXPECT_EQ(open("inner"), "inside");         // a symlink within the preopen
  EXPECT_EQ(open("dir/sub/back"), "inside");  // a relative link going up, still inside
  EXPECT_EQ(open("missing"), kNoEnt);
  EXPECT_EQ(open(""), kNoEnt);
}

TEST_P(Sandbox, RefusesEveryWayOut) {
  EXPECT_EQ(open(".."), kNotCapable);
  EXPECT_EQ(open("../outside/secret"), kNotCapable);
  EXPECT_EQ(open("a/../../outside/secret"), kNotCapable);
  EXPECT_EQ(open("/etc/passwd"), kNotCapable);
  EXPECT_EQ(open("up_link/secret"), kNotCapable);   // relative symlink out
  EXPECT_EQ(open("abs_link/secret"), kNotCapable);  // absolute symlink out
  EXPECT_NE(open("proc_root/etc/passwd").rfind("errno", 0), std::string::npos);
}

TEST_P(Sandbox, SymlinkLoopsAndNofollow) {
  EXPECT_EQ(open("loop1"), kLoop);
  EXPECT_EQ(open("inner", /*follow=*/false), kLoop);
}

TEST_P(Sandbox, CreatesOnlyInside) {
  Opened o = openBeneath(rootFd_, "dir/new", O_WRONLY | O_CREAT | O_EXCL, 0644, false);
  ASSERT_GE(o.fd, 0);
  ::close(o.fd);
  EXPECT_TRUE(fs::exists(root_ / "dir" / "new"));
  o = openBeneath(rootFd_, "up_link/planted", O_WRONLY | O_CREAT, 0644, true);
  EXPECT_LT(o.fd, 0);
  EXPECT_EQ(o.error, err::NotCapable);
  EXPECT_FALSE(fs::exists(base_ / "outside" / "planted"));
}

TEST_P(Sandbox, ParentPathNeverNamesDotDot) {
  ParentPath p(rootFd_, "a/file");
  EXPECT_EQ(p.error(), err::Success);
  EXPECT_STREQ(p.name(), "file");
  ParentPath dotdot(rootFd_, "a/..");
  EXPECT_EQ(dotdot.error(), err::Success);
  EXPECT_STREQ(dotdot.name(), ".");
  ParentPath out(rootFd_, "..");
  EXPECT_EQ(out.error(), err::NotCapable);
  ParentPath viaLink(rootFd_, "up_link/secret");
  EXPECT_EQ(viaLink.error(), err::NotCapable);
  ParentPath slash(rootFd_, "dir/sub/");
  EXPECT_EQ(slash.error(), err::Success);
  EXPECT_STREQ(slash.name(), "sub");
  EXPECT_TRUE(slash.trailingSlash());
  ParentPath abs(rootFd_, "/etc");
  EXPECT_EQ(abs.error(), err::NotCapable);
}

// kPathMax counts the NUL, as Linux's PATH_MAX: 4095 bytes is a path, 4096
// is ENAMETOOLONG before any work.
TEST_P(Sandbox, LongPaths) {
  std::string path = "." + std::string(4095 - 7, '/') + "a/file";
  ASSERT_EQ(path.size(), 4095u);
  EXPECT_EQ(open(path.c_str()), "inside");
  ParentPath fits(rootFd_, path);
  EXPECT_EQ(fits.error(), err::Success);
  EXPECT_STREQ(fits.name(), "file");
  path.insert(0, "/");
  const std::string kTooLong = "errno " + std::to_string(err::NameTooLong);
  EXPECT_EQ(open(path.c_str()), kTooLong);
  EXPECT_EQ(ParentPath(rootFd_, path).error(), err::NameTooLong);
  EXPECT_EQ(ParentPath(rootFd_, std::string(1 << 20, 'a')).error(), err::NameTooLong);
}

// The walk holds a descriptor per level: links that lead deeper than any
// path of kPathMax bytes could name are ENAMETOOLONG there; openat2 walks
// in the kernel, which holds none and resolves them (the documented
// difference between the modes). The levels are made in /dev/shm where
// there is one: thousands of directories take seconds on a journaled disk.
TEST_P(Sandbox, WalkDepthIsBounded) {
  char tmpl[] = "/dev/shm/wharf-deep-XXXXXX";
  fs::path base = ::mkdtemp(tmpl) ? fs::path(tmpl) : base_ / "deep";
  fs::create_directories(base);
  int root = ::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(root, 0);
  int fd = ::dup(root);
  for (int i = 0; i < 2050; ++i) {
    ASSERT_EQ(::mkdirat(fd, "d", 0755), 0);
    int next = ::openat(fd, "d", O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(next, 0);
    ::close(fd);
    fd = next;
  }
  ::close(fd);
  std::string deep = "d";
  for (int i = 1; i < 2040; ++i) deep += "/d";
  ASSERT_EQ(::symlinkat(deep.c_str(), root, "deep"), 0);
  auto open = [&](const char* path) {
    Opened o = openBeneath(root, path, O_RDONLY, 0, true);
    if (o.fd >= 0) ::close(o.fd);
    return o.error;
  };
  EXPECT_EQ(open("deep/d/d/d/d/d/d/d/nothing"), err::NoEnt);  // 2047 levels down
  EXPECT_EQ(open("deep/d/d/d/d/d/d/d/d/d/nothing"), GetParam() ? err::NoEnt : err::NameTooLong);
  ::close(root);
  fs::remove_all(base);
}

// Another process swaps a directory on the path for a symlink to outside,
// again and again, while the guest keeps opening a file through it.
TEST_P(Sandbox, RaceWithSymlinkSwapNeverEscapes) {
  fs::create_directories(root_ / "swap_dir");
  writeFile(root_ / "swap_dir" / "secret", "inside");
  fs::create_directory_symlink(base_ / "outside", root_ / "swap_link");
  fs::rename(root_ / "swap_dir", root_ / "swap");
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    std::string swap = (root_ / "swap").string(), dir = (root_ / "swap_dir").string(),
                link = (root_ / "swap_link").string();
    while (!stop.load()) {
      ::rename(swap.c_str(), dir.c_str());   // swap is gone
      ::rename(link.c_str(), swap.c_str());  // swap -> outside
      ::rename(swap.c_str(), link.c_str());
      ::rename(dir.c_str(), swap.c_str());  // swap is the directory again
    }
  });
  // At least 3000 attempts, and on until both states have been seen (a busy
  // machine may let the swapper run in long bursts).
  int inside = 0, refused = 0;
  for (int i = 0; i < 3000 || ((inside == 0 || refused == 0) && i < 200000); ++i) {
    std::string got = open("swap/secret");
    ASSERT_NE(got, "secret") << "escaped on attempt " << i;
    inside += got == "inside";
    refused += got != "inside";
  }
  stop = true;
  swapper.join();
  EXPECT_GT(inside, 0);  // the race really ran both ways
  EXPECT_GT(refused, 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, Sandbox, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "openat2" : "walk"; });

}  // namespace

TEST(GuestPath, MustBeUtf8WithoutNul) {
  EXPECT_EQ(checkPath("dir/caf\xC3\xA9/\xF0\x9F\x90\xB3"), err::Success);
  EXPECT_EQ(checkPath(std::string_view("a\0b", 3)), err::Inval);
  EXPECT_EQ(checkPath("bad\xff\xfe"), err::IlSeq);
  EXPECT_EQ(checkPath("\xC0\xAF"), err::IlSeq);          // overlong '/'
  EXPECT_EQ(checkPath("\xE0\x80\xAF"), err::IlSeq);      // overlong, 3 bytes
  EXPECT_EQ(checkPath("\xED\xA0\x80"), err::IlSeq);      // a surrogate
  EXPECT_EQ(checkPath("\xF4\x90\x80\x80"), err::IlSeq);  // beyond U+10FFFF
  EXPECT_EQ(checkPath("\xE2\x82"), err::IlSeq);          // truncated
}
