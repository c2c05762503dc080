#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "registry/auth.h"
#include "registry/http.h"
#include "registry/retry.h"

using namespace wharf::registry;

TEST(Challenge, BearerWithQuotedParams) {
  auto c = parseChallenge(
      R"(Bearer realm="https://auth.example/token",service="reg.example",scope="repository:a/b:pull,push")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scheme, "bearer");
  EXPECT_EQ(c->params["realm"], "https://auth.example/token");
  EXPECT_EQ(c->params["service"], "reg.example");
  EXPECT_EQ(c->params["scope"], "repository:a/b:pull,push");
}

TEST(Challenge, BasicAndMalformed) {
  auto c = parseChallenge(R"(Basic realm="wharf test")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scheme, "basic");
  EXPECT_EQ(c->params["realm"], "wharf test");
  EXPECT_FALSE(parseChallenge(""));
  EXPECT_FALSE(parseChallenge(R"(Bearer realm="unterminated)"));
}

TEST(Base64, RoundTripsAndRejectsGarbage) {
  for (std::string s :
       std::vector<std::string>{"", "a", "ab", "abc", "alice:s3cret", std::string("\0\xff", 2)}) {
    auto d = base64Decode(base64Encode(s));
    ASSERT_TRUE(d) << s;
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(base64Encode("alice:s3cret"), "YWxpY2U6czNjcmV0");
  EXPECT_FALSE(base64Decode("YW*j"));
  EXPECT_FALSE(base64Decode("YQ==YQ=="));
}

TEST(Registry, NamesAndLoopback) {
  EXPECT_EQ(normaliseRegistry("https://index.docker.io/v1/"), "docker.io");
  EXPECT_EQ(normaliseRegistry("http://Localhost:5000/v2/"), "localhost:5000");
  EXPECT_EQ(configKey("docker.io"), "https://index.docker.io/v1/");
  EXPECT_TRUE(isLoopback("127.0.0.1:5000"));
  EXPECT_TRUE(isLoopback("127.1.2.3"));
  EXPECT_TRUE(isLoopback("localhost:80"));
  EXPECT_TRUE(isLoopback("[::1]:5000"));
  EXPECT_FALSE(isLoopback("10.0.0.1:5000"));
  EXPECT_FALSE(isLoopback("127.0.0.1.evil.example"));
  EXPECT_FALSE(isLoopback("ghcr.io"));
}

TEST(Retry, PolicyAndRetryAfter) {
  RetryPolicy p;
  EXPECT_TRUE(RetryPolicy::retryStatus(429));
  EXPECT_TRUE(RetryPolicy::retryStatus(503));
  EXPECT_FALSE(RetryPolicy::retryStatus(501));
  EXPECT_FALSE(RetryPolicy::retryStatus(404));
  EXPECT_DOUBLE_EQ(p.delay(0), 0.2);
  EXPECT_DOUBLE_EQ(p.delay(2), 0.8);
  EXPECT_DOUBLE_EQ(p.delay(20), 30);
  EXPECT_DOUBLE_EQ(p.delay(0, 5.0), 5.0);
  EXPECT_EQ(parseRetryAfter("7", 0), 7.0);
  EXPECT_EQ(parseRetryAfter("Thu, 01 Jan 1970 00:01:40 GMT", 40), 60.0);
  EXPECT_FALSE(parseRetryAfter("soon", 0));
}

TEST(Credentials, StoreLoadEraseKeepOtherKeys) {
  char dir[] = "/tmp/wharf-cred-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  std::string path = std::string(dir) + "/config.json";
  std::ofstream(path) << R"({"auths":{"other.example":{"auth":"eDp5"}},"HttpHeaders":{"X":"1"}})";
  ASSERT_TRUE(storeCredentials("127.0.0.1:5000", {"alice", "s3:cret"}, path));
  auto c = loadCredentials("127.0.0.1:5000", path);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "alice");
  EXPECT_EQ(c->secret, "s3:cret");
  auto other = loadCredentials("https://other.example/v2/", path);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->username, "x");
  std::stringstream ss;
  ss << std::ifstream(path).rdbuf();
  EXPECT_NE(ss.str().find("HttpHeaders"), std::string::npos);
  auto erased = eraseCredentials("127.0.0.1:5000", path);
  ASSERT_TRUE(erased);
  EXPECT_TRUE(*erased);
  auto gone = loadCredentials("127.0.0.1:5000", path);
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->empty());
  auto again = eraseCredentials("127.0.0.1:5000", path);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  std::ofstream(path) << "not json";
  EXPECT_FALSE(loadCredentials("x", path));
  unlink(path.c_str());
  rmdir(dir);
}
