#include "core/webhooks/stripe_verifier.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pg_gateway::webhooks {
namespace {

// Computed independently with Python's hmac module following Stripe's
// documented scheme: hmac.new(secret, b"1700000000." + body, sha256).
constexpr const char* kSecret = "whsec_test_secret_0123456789abcdef";
constexpr const char* kOldSecret = "whsec_old";
constexpr const char* kBody = R"({"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event"})";
constexpr int64_t kT = 1700000000;
constexpr const char* kSig = "2f2c74fd0d052ff3e150d173e2f4f76d5de0754867990ab5405c69aeec6d504c";
constexpr const char* kOldSig = "d1e2799caa3e32c922926f1244cecfd74ec53883b2d0e08dd920b165b8ecdf21";

struct Req {
  std::vector<http::Header> headers;
  std::string body = kBody;
  SignedRequest view() const { return SignedRequest{"", headers, body, "application/json"}; }
};

Req make(std::string value) {
  Req r;
  r.headers.push_back({"stripe-signature", std::move(value)});
  return r;
}

std::string good_header() { return "t=1700000000,v1=" + std::string(kSig); }

Verification run(const Req& r, std::vector<std::string> secrets = {kSecret}, int64_t now = kT,
                 int64_t tolerance = 300) {
  return verify_stripe(r.view(), secrets, VerifyOptions{now, tolerance});
}

void expect_no_leak(const Verification& v) {
  for (const char* s : {kSecret, kOldSecret, kSig, kOldSig, "2f2c74fd", "test_secret"})
    EXPECT_EQ(v.reason.find(s), std::string::npos) << v.reason;
}

TEST(StripeSignature, Parses) {
  auto p = parse_stripe_signature("t=12,v1=" + std::string(kSig) + ",v0=abc,v1=" + kOldSig);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->timestamp, 12);
  ASSERT_EQ(p->v1.size(), 2u);
  EXPECT_EQ(p->v1[0].size(), 32u);
}

TEST(StripeSignature, RefusesWithoutTOrV1) {
  EXPECT_FALSE(parse_stripe_signature(""));
  EXPECT_FALSE(parse_stripe_signature("garbage"));
  EXPECT_FALSE(parse_stripe_signature("v1=" + std::string(kSig)));
  EXPECT_FALSE(parse_stripe_signature("t=1700000000"));
  EXPECT_FALSE(parse_stripe_signature("t=1700000000,v0=" + std::string(kSig)));
  EXPECT_FALSE(parse_stripe_signature("t=1700000000,v1=abc"));
  EXPECT_FALSE(parse_stripe_signature("t=-1,v1=" + std::string(kSig)));
  EXPECT_FALSE(parse_stripe_signature("t=99999999999999999999,v1=" + std::string(kSig)));
  EXPECT_FALSE(parse_stripe_signature("t=1,t=2,v1=" + std::string(kSig)));
  EXPECT_FALSE(parse_stripe_signature("t= 1,v1=" + std::string(kSig)));
}

TEST(StripeVerifier, DocumentedSchemeVerifies) {
  Verification v = run(make(good_header()));
  EXPECT_TRUE(v.verified()) << v.reason;
  EXPECT_EQ(v.timestamp, kT);
  EXPECT_FALSE(v.event_id.has_value());
  EXPECT_EQ(stripe_event_id(kBody), "evt_1NG8Du2eZvKYlo2CUI79vXWy");
}

TEST(StripeVerifier, UpperCaseHexAndV0Ignored) {
  std::string upper = kSig;
  for (char& c : upper)
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  EXPECT_TRUE(run(make("t=1700000000,v0=zz,v1=" + upper)).verified());
  EXPECT_TRUE(run(make("t=1700000000,v9=x,junk,v1=" + std::string(kSig))).verified());
}

TEST(StripeVerifier, RotatedSecrets) {
  // Second secret matches the only signature.
  EXPECT_TRUE(
      run(make("t=1700000000,v1=" + std::string(kOldSig)), {kSecret, kOldSecret}).verified());
  // Second signature matches the only secret.
  EXPECT_TRUE(
      run(make("t=1700000000,v1=" + std::string(kOldSig) + ",v1=" + kSig), {kSecret}).verified());
}

TEST(StripeVerifier, WrongSecretRefused) {
  Verification v = run(make(good_header()), {kOldSecret});
  EXPECT_EQ(v.outcome, Outcome::kBadSignature);
  expect_no_leak(v);
  // The "whsec_" prefix is part of the key.
  EXPECT_EQ(run(make(good_header()), {"test_secret_0123456789abcdef"}).outcome,
            Outcome::kBadSignature);
}

TEST(StripeVerifier, AlteredAndTruncatedBody) {
  Req r = make(good_header());
  r.body[7] = 'X';
  EXPECT_EQ(run(r).outcome, Outcome::kBadSignature);
  r.body = std::string(kBody).substr(0, std::string(kBody).size() - 1);
  EXPECT_EQ(run(r).outcome, Outcome::kBadSignature);
}

TEST(StripeVerifier, SignedTimestampIsBound) {
  // Same MAC, another t: the MAC covers t.
  EXPECT_EQ(run(make("t=1700000001,v1=" + std::string(kSig))).outcome, Outcome::kBadSignature);
}

TEST(StripeVerifier, ToleranceEdges) {
  Req r = make(good_header());
  EXPECT_TRUE(run(r, {kSecret}, kT + 300).verified());
  EXPECT_TRUE(run(r, {kSecret}, kT - 300).verified());
  Verification past = run(r, {kSecret}, kT + 301);
  EXPECT_EQ(past.outcome, Outcome::kStaleTimestamp);
  EXPECT_EQ(status_of(past.outcome), 400);
  EXPECT_EQ(run(r, {kSecret}, kT - 301).outcome, Outcome::kStaleTimestamp);
  // Checked before the signature: a stale request with a wrong secret is stale.
  EXPECT_EQ(run(r, {"nope"}, kT + 10000).outcome, Outcome::kStaleTimestamp);
  expect_no_leak(past);
}

TEST(StripeVerifier, MissingAndMalformed) {
  Req none;
  EXPECT_EQ(run(none).outcome, Outcome::kMissingSignature);
  EXPECT_EQ(run(make("")).outcome, Outcome::kMissingSignature);
  for (std::string bad : {std::string("garbage"), std::string("t=1700000000"),
                          std::string("v1=") + kSig, std::string("t=abc,v1=") + kSig,
                          std::string("t=1700000000,v1=") + std::string(kSig).substr(2)}) {
    Verification v = run(make(bad));
    EXPECT_EQ(v.outcome, Outcome::kMalformedHeader) << bad;
    expect_no_leak(v);
  }
}

TEST(StripeVerifier, HeaderInjectionIsJustBytes) {
  EXPECT_FALSE(run(make(good_header() + "\r\n")).verified());
  EXPECT_FALSE(run(make("t=1700000000\r\n,v1=" + std::string(kSig))).verified());
}

TEST(StripeVerifier, NoUsableSecret) {
  EXPECT_EQ(run(make(good_header()), {}).outcome, Outcome::kNoUsableSecret);
  EXPECT_EQ(run(make(good_header()), {""}).outcome, Outcome::kNoUsableSecret);
}

TEST(StripeVerifier, BoundedSignatureCount) {
  std::string h = "t=1700000000";
  for (int i = 0; i < 16; ++i) h += ",v1=" + std::string(64, '0');
  h += ",v1=" + std::string(kSig);
  EXPECT_EQ(run(make(h)).outcome, Outcome::kBadSignature);
}

TEST(StripeEventId, ReadsTopLevelIdOnly) {
  EXPECT_EQ(stripe_event_id(R"({"data":{"id":"x"},"id":"evt_1"})"), "evt_1");
  EXPECT_FALSE(stripe_event_id(R"({"data":{"id":"x"}})"));
  EXPECT_FALSE(stripe_event_id(R"({"id":7})"));
  EXPECT_FALSE(stripe_event_id(R"(["id"])"));
  EXPECT_FALSE(stripe_event_id("not json"));
}

}  // namespace
}  // namespace pg_gateway::webhooks
