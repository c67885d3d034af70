#include "core/webhooks/standard_webhooks_verifier.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

#include "core/util/base64.hpp"

namespace pg_gateway::webhooks {
namespace {

// The published vector of the reference libraries
// (standard-webhooks libraries/python/tests/test_webhooks.py
// test_sign_function), as in test/unit/signing/standard_webhooks_test.cpp.
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kMsgId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t kT = 1614265330;
constexpr const char* kPayload = R"({"test": 2432232314})";
constexpr const char* kSig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
// The Rust library's vector, used here as a second (rotated-out) secret.
constexpr const char* kOtherSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

struct Req {
  std::vector<http::Header> headers;
  std::string body = kPayload;
  SignedRequest view() const { return SignedRequest{"", headers, body, "application/json"}; }
};

Req make(std::string signature, std::string id = kMsgId, std::string ts = std::to_string(kT)) {
  Req r;
  r.headers.push_back({"webhook-id", std::move(id)});
  r.headers.push_back({"webhook-timestamp", std::move(ts)});
  r.headers.push_back({"webhook-signature", std::move(signature)});
  return r;
}

Verification run(const Req& r, std::vector<std::string> secrets = {kSecret}, int64_t now = kT,
                 int64_t tolerance = 300) {
  return verify_standard_webhooks(r.view(), secrets, VerifyOptions{now, tolerance});
}

void expect_no_leak(const Verification& v) {
  for (const char* s : {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "g0hM9SsE", "C2FVsBQI"})
    EXPECT_EQ(v.reason.find(s), std::string::npos) << v.reason;
}

// An Ed25519 key pair made with OpenSSL for the v1a cases.
struct Ed25519 {
  struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  };
  std::unique_ptr<EVP_PKEY, Free> key;
  std::string public_secret;  // "whpk_..."

  Ed25519() {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    EVP_PKEY* raw = nullptr;
    EXPECT_EQ(EVP_PKEY_keygen_init(ctx), 1);
    EXPECT_EQ(EVP_PKEY_keygen(ctx, &raw), 1);
    EVP_PKEY_CTX_free(ctx);
    key.reset(raw);
    unsigned char pub[32];
    size_t len = sizeof pub;
    EXPECT_EQ(EVP_PKEY_get_raw_public_key(raw, pub, &len), 1);
    public_secret = "whpk_" + util::base64_encode(std::string(reinterpret_cast<char*>(pub), len));
  }

  std::string sign(std::string_view content) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    unsigned char sig[64];
    size_t len = sizeof sig;
    EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key.get()), 1);
    EXPECT_EQ(EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(content.data()),
                             content.size()),
              1);
    EVP_MD_CTX_free(ctx);
    return "v1a," + util::base64_encode(std::string(reinterpret_cast<char*>(sig), len));
  }
};

std::string content() { return std::string(kMsgId) + "." + std::to_string(kT) + "." + kPayload; }

TEST(StandardWebhooksVerifier, ReferenceVectorVerifies) {
  Verification v = run(make(kSig));
  EXPECT_TRUE(v.verified()) << v.reason;
  EXPECT_EQ(v.event_id, kMsgId);
  EXPECT_EQ(v.timestamp, kT);
  // Without the prefix too, as the reference libraries accept.
  EXPECT_TRUE(run(make(kSig), {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}).verified());
}

TEST(StandardWebhooksVerifier, RotatedSecretsAndLists) {
  EXPECT_TRUE(run(make(kSig), {kOtherSecret, kSecret}).verified());
  EXPECT_TRUE(
      run(make(std::string("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ") + kSig)).verified());
  // A second webhook-signature header is read as part of the list.
  Req r = make("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  r.headers.push_back({"webhook-signature", kSig});
  EXPECT_TRUE(run(r).verified());
}

TEST(StandardWebhooksVerifier, WrongSecretAlteredAndTruncatedBody) {
  Verification v = run(make(kSig), {kOtherSecret});
  EXPECT_EQ(v.outcome, Outcome::kBadSignature);
  expect_no_leak(v);
  Req r = make(kSig);
  r.body[3] = 'T';
  EXPECT_EQ(run(r).outcome, Outcome::kBadSignature);
  r.body = std::string(kPayload).substr(1);
  EXPECT_EQ(run(r).outcome, Outcome::kBadSignature);
  EXPECT_EQ(run(make(kSig, "msg_other")).outcome, Outcome::kBadSignature);
}

TEST(StandardWebhooksVerifier, ToleranceEdgesBothWays) {
  EXPECT_TRUE(run(make(kSig), {kSecret}, kT + 300).verified());
  EXPECT_TRUE(run(make(kSig), {kSecret}, kT - 300).verified());
  Verification old = run(make(kSig), {kSecret}, kT + 301);
  EXPECT_EQ(old.outcome, Outcome::kStaleTimestamp);
  EXPECT_EQ(status_of(old.outcome), 400);
  EXPECT_EQ(run(make(kSig), {kSecret}, kT - 301).outcome, Outcome::kStaleTimestamp);
  // Checked before the signature.
  EXPECT_EQ(
      run(make("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), {kSecret}, kT + 1000).outcome,
      Outcome::kStaleTimestamp);
  expect_no_leak(old);
}

TEST(StandardWebhooksVerifier, MissingHeaders) {
  for (int drop = 0; drop < 3; ++drop) {
    Req r = make(kSig);
    r.headers.erase(r.headers.begin() + drop);
    EXPECT_EQ(run(r).outcome, Outcome::kMissingSignature) << drop;
  }
  EXPECT_EQ(run(make(kSig, "")).outcome, Outcome::kMissingSignature);
  EXPECT_EQ(run(make(kSig, kMsgId, "")).outcome, Outcome::kMissingSignature);
}

TEST(StandardWebhooksVerifier, MalformedHeaders) {
  for (std::string ts :
       {"abc", "-1614265330", "1614265330.5", " 1614265330", "99999999999999999999999", "1e9"}) {
    Verification v = run(make(kSig, kMsgId, ts));
    EXPECT_EQ(v.outcome, Outcome::kMalformedHeader) << ts;
  }
  for (std::string list :
       {std::string(""), std::string("   "), std::string("garbage"), std::string("v1,"),
        std::string("v1,!!!notbase64"), std::string("v1,AAAA"), std::string(",abc"),
        std::string("v1a,AAAA"), std::string(kSig) + " junk"}) {
    Verification v = run(make(list));
    EXPECT_EQ(v.outcome, Outcome::kMalformedHeader) << list;
    expect_no_leak(v);
  }
  Req twice = make(kSig);
  twice.headers.push_back({"webhook-id", "msg_2"});
  EXPECT_EQ(run(twice).outcome, Outcome::kMalformedHeader);
}

TEST(StandardWebhooksVerifier, UnknownVersionsSkipped) {
  EXPECT_TRUE(run(make(std::string("v2,whatever v0,x ") + kSig)).verified());
  EXPECT_EQ(run(make("v2,whatever")).outcome, Outcome::kBadSignature);
}

TEST(StandardWebhooksVerifier, HeaderInjectionIsJustBytes) {
  EXPECT_FALSE(run(make(std::string(kSig) + "\r\n")).verified());
  EXPECT_FALSE(run(make(std::string(kSig) + "=")).verified());
  EXPECT_FALSE(run(make(std::string(kSig) + "\r\nX-Evil: 1")).verified());
  // The URL-safe alphabet is not the spec's.
  EXPECT_FALSE(run(make("v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=")).verified());
  EXPECT_FALSE(run(make(kSig, std::string(kMsgId) + "\r\nX-Evil: 1")).verified());
  EXPECT_FALSE(run(make(kSig, kMsgId, std::to_string(kT) + "\n")).verified());
}

TEST(StandardWebhooksVerifier, NoUsableSecret) {
  for (std::vector<std::string> secrets :
       {std::vector<std::string>{}, {""}, {"whsec_"}, {"whsec_!!!"}, {"whpk_AAAA"}, {"whpk_"}}) {
    Verification v = run(make(kSig), secrets);
    EXPECT_EQ(v.outcome, Outcome::kNoUsableSecret);
    EXPECT_EQ(status_of(v.outcome), 500);
  }
  // A broken secret next to a good one is skipped.
  EXPECT_TRUE(run(make(kSig), {"whsec_!!!", kSecret}).verified());
}

TEST(StandardWebhooksVerifier, BoundsOnSignaturesAndSecrets) {
  std::string list;
  for (int i = 0; i < 16; ++i) list += "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ";
  EXPECT_EQ(run(make(list + kSig)).outcome, Outcome::kBadSignature);
  std::vector<std::string> secrets(16, kOtherSecret);
  secrets.push_back(kSecret);
  EXPECT_EQ(run(make(kSig), secrets).outcome, Outcome::kBadSignature);
}

TEST(StandardWebhooksVerifier, Ed25519V1a) {
  Ed25519 key;
  Ed25519 other;
  std::string sig = key.sign(content());
  EXPECT_TRUE(run(make(sig), {key.public_secret}).verified());
  EXPECT_TRUE(run(make(sig), {other.public_secret, key.public_secret}).verified());
  EXPECT_TRUE(run(make(std::string(kSig) + " " + sig), {key.public_secret}).verified());
  EXPECT_EQ(run(make(sig), {other.public_secret}).outcome, Outcome::kBadSignature);
  // HMAC and Ed25519 secrets side by side, either signature is enough.
  EXPECT_TRUE(run(make(sig), {kSecret, key.public_secret}).verified());
  EXPECT_TRUE(run(make(kSig), {kSecret, key.public_secret}).verified());
  // A v1a signature is not checked against an HMAC secret and vice versa.
  EXPECT_EQ(run(make(sig), {kSecret}).outcome, Outcome::kBadSignature);
  EXPECT_EQ(run(make(kSig), {key.public_secret}).outcome, Outcome::kBadSignature);
  Req r = make(sig);
  r.body += " ";
  EXPECT_EQ(run(r, {key.public_secret}).outcome, Outcome::kBadSignature);
  EXPECT_EQ(run(make(sig, kMsgId, std::to_string(kT + 1)), {key.public_secret}, kT).outcome,
            Outcome::kBadSignature);
  Verification stale = run(make(sig), {key.public_secret}, kT + 301);
  EXPECT_EQ(stale.outcome, Outcome::kStaleTimestamp);
  EXPECT_EQ(stale.reason.find(sig.substr(4, 10)), std::string::npos);
}

}  // namespace
}  // namespace pg_gateway::webhooks
