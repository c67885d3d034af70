#include "core/webhooks/github_verifier.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace pg_gateway::webhooks {
namespace {

// GitHub's documented example (docs.github.com, "Validating webhook
// deliveries", "Testing the webhook payload validation").
constexpr const char* kSecret = "It's a Secret to Everybody";
constexpr const char* kBody = "Hello, World!";
constexpr const char* kHex = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

struct Req {
  std::vector<http::Header> headers;
  std::string body = kBody;
  SignedRequest view() const { return SignedRequest{"", headers, body, ""}; }
};

Req make(std::string signature, std::string delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958") {
  Req r;
  r.headers.push_back({"x-hub-signature-256", std::move(signature)});
  if (!delivery.empty()) r.headers.push_back({"x-github-delivery", std::move(delivery)});
  return r;
}

Verification run(const Req& r, std::vector<std::string> secrets = {kSecret}) {
  return verify_github(r.view(), secrets, VerifyOptions{});
}

void expect_no_leak(const Verification& v) {
  EXPECT_EQ(v.reason.find(kSecret), std::string::npos);
  EXPECT_EQ(v.reason.find(kHex), std::string::npos);
  EXPECT_EQ(v.reason.find("757107"), std::string::npos);
}

TEST(GitHubVerifier, DocumentedExampleVerifies) {
  Verification v = run(make(std::string("sha256=") + kHex));
  EXPECT_TRUE(v.verified()) << v.reason;
  EXPECT_EQ(v.event_id, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  EXPECT_FALSE(v.timestamp.has_value());
}

TEST(GitHubVerifier, UpperCaseHexVerifies) {
  std::string upper = kHex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(run(make("sha256=" + upper)).verified());
}

TEST(GitHubVerifier, RotatedSecretMatches) {
  Verification v = run(make(std::string("sha256=") + kHex), {"new secret", kSecret});
  EXPECT_TRUE(v.verified());
}

TEST(GitHubVerifier, WrongSecretRefused) {
  Verification v = run(make(std::string("sha256=") + kHex), {"It's a Secret to Everybody!"});
  EXPECT_EQ(v.outcome, Outcome::kBadSignature);
  EXPECT_EQ(status_of(v.outcome), 401);
  expect_no_leak(v);
}

TEST(GitHubVerifier, AlteredOrTruncatedBodyRefused) {
  Req r = make(std::string("sha256=") + kHex);
  r.body = "Hello, World?";
  EXPECT_EQ(run(r).outcome, Outcome::kBadSignature);
  r.body = "Hello, World";
  EXPECT_EQ(run(r).outcome, Outcome::kBadSignature);
  r.body = "";
  EXPECT_EQ(run(r).outcome, Outcome::kBadSignature);
}

TEST(GitHubVerifier, MissingHeader) {
  Req r;
  r.headers.push_back({"x-github-delivery", "abc"});
  EXPECT_EQ(run(r).outcome, Outcome::kMissingSignature);
  EXPECT_EQ(run(make("")).outcome, Outcome::kMissingSignature);
  // The legacy SHA-1 header alone is not enough.
  r.headers.push_back({"x-hub-signature", "sha1=0000"});
  EXPECT_EQ(run(r).outcome, Outcome::kMissingSignature);
}

TEST(GitHubVerifier, MalformedHeaders) {
  for (std::string bad :
       {std::string("garbage"), std::string("sha256="), std::string("sha1=") + kHex,
        std::string("SHA256=") + kHex, std::string("sha256=") + std::string(kHex).substr(1),
        std::string("sha256=") + kHex + "00",
        std::string("sha256=") + std::string(kHex).substr(0, 63) + "g",
        std::string("sha256= ") + kHex}) {
    Verification v = run(make(bad));
    EXPECT_EQ(v.outcome, Outcome::kMalformedHeader) << bad;
    EXPECT_EQ(status_of(v.outcome), 400);
    expect_no_leak(v);
  }
}

TEST(GitHubVerifier, HeaderInjectionIsJustBytes) {
  EXPECT_FALSE(run(make(std::string("sha256=") + kHex + "\r\nX-Evil: 1")).verified());
  EXPECT_FALSE(run(make(std::string("sha256=") + kHex + "\n")).verified());
  EXPECT_FALSE(run(make(std::string("sha256=\r\n") + kHex)).verified());
}

TEST(GitHubVerifier, NoUsableSecret) {
  Verification v = run(make(std::string("sha256=") + kHex), {});
  EXPECT_EQ(v.outcome, Outcome::kNoUsableSecret);
  EXPECT_EQ(status_of(v.outcome), 500);
  EXPECT_EQ(run(make(std::string("sha256=") + kHex), {"", ""}).outcome, Outcome::kNoUsableSecret);
}

TEST(GitHubVerifier, SecretsBeyondTheBoundAreIgnored) {
  std::vector<std::string> secrets(16, "other");
  secrets.push_back(kSecret);
  EXPECT_EQ(run(make(std::string("sha256=") + kHex), secrets).outcome, Outcome::kBadSignature);
}

TEST(GitHubVerifier, BadSignatureStillReportsDelivery) {
  Verification v = run(make("sha256=" + std::string(64, '0'), "d-1"));
  EXPECT_EQ(v.outcome, Outcome::kBadSignature);
  EXPECT_EQ(v.event_id, "d-1");
}

}  // namespace
}  // namespace pg_gateway::webhooks
