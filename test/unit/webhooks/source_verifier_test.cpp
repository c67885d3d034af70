#include "core/webhooks/source_verifier.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/util/base64.hpp"
#include "core/util/hmac.hpp"
#include "core/webhooks/hmac_digests.hpp"

namespace pg_gateway::webhooks {
namespace {

SourceVerifier make(VerifierKind kind, std::vector<std::string> secrets = {},
                    std::string public_url = "") {
  SourceVerifier v;
  v.kind = kind;
  v.secrets = std::move(secrets);
  v.public_url = std::move(public_url);
  return v;
}

TEST(SourceVerifier, KindNamesRoundTrip) {
  for (const char* n : {"standard_webhooks", "stripe", "github", "slack", "twilio", "hmac"}) {
    auto k = verifier_kind(n);
    ASSERT_TRUE(k.has_value()) << n;
    EXPECT_EQ(verifier_name(*k), n);
  }
  EXPECT_FALSE(verifier_kind("Stripe").has_value());
  EXPECT_FALSE(verifier_kind("").has_value());
}

TEST(SourceVerifier, OptionsAreCheckedPerVerifier) {
  SourceVerifier hmac = make(VerifierKind::kHmac);
  EXPECT_EQ(apply_options(hmac, R"({"header":"X-Sig","algorithm":"sha512","encoding":"base64",
                                    "prefix":"sha512=","timestamp_header":"X-Ts",
                                    "signed_content":"{timestamp}.{body}"})"),
            "");
  EXPECT_EQ(hmac.hmac.algorithm, GenericHmacScheme::Algorithm::kSha512);
  SourceVerifier bad = make(VerifierKind::kHmac);
  EXPECT_NE(apply_options(bad, R"({"header":"X-Sig","algorithm":"md5"})"), "");
  EXPECT_NE(apply_options(bad, R"({"headr":"X-Sig"})"), "");
  EXPECT_NE(apply_options(bad, R"({"header":1})"), "");
  SourceVerifier no_header = make(VerifierKind::kHmac);
  EXPECT_NE(apply_options(no_header, "{}"), "");  // the header is required
  SourceVerifier ts = make(VerifierKind::kHmac);
  EXPECT_NE(apply_options(ts, R"({"header":"X-Sig","signed_content":"{timestamp}.{body}"})"), "");
  SourceVerifier stripe = make(VerifierKind::kStripe);
  EXPECT_EQ(apply_options(stripe, "{}"), "");
  EXPECT_NE(apply_options(stripe, R"({"public_url":"https://x"})"), "");
  SourceVerifier twilio = make(VerifierKind::kTwilio);
  EXPECT_EQ(apply_options(twilio, R"({"public_url":"https://example.com/webhooks/sms"})"), "");
  EXPECT_EQ(twilio.public_url, "https://example.com/webhooks/sms");
  EXPECT_NE(apply_options(twilio, "[1]"), "");
}

// GitHub through the dispatch: the delivery id becomes the event id.
TEST(SourceVerifier, DispatchesAndTakesTheEventId) {
  SourceVerifier v = make(VerifierKind::kGithub, {"s3cret"});
  std::string body = R"({"zen":"Keep it logically awesome."})";
  std::string sig = "sha256=" + util::digest_hex(util::hmac_sha256("s3cret", body));
  std::vector<http::Header> headers{{"x-hub-signature-256", sig}, {"x-github-delivery", "d-1"}};
  SignedRequest r{"/webhooks/gh", headers, body, "application/json"};
  Verification got = verify_source(v, r, VerifyOptions{});
  EXPECT_EQ(got.outcome, Outcome::kVerified) << got.reason;
  EXPECT_EQ(event_id_of(v, r, got), "d-1");
  headers[0].value[8] ^= 1;
  got = verify_source(v, SignedRequest{"/webhooks/gh", headers, body, ""}, VerifyOptions{});
  EXPECT_EQ(got.outcome, Outcome::kBadSignature);
  EXPECT_FALSE(event_id_of(v, r, got).has_value());
}

// Stripe's event id is the body's "id".
TEST(SourceVerifier, StripeEventIdFromTheBody) {
  SourceVerifier v = make(VerifierKind::kStripe, {"whsec_test"});
  std::string body = R"({"id":"evt_123","object":"event"})";
  int64_t now = 1700000000;
  std::string t = std::to_string(now);
  std::string sig = util::digest_hex(util::hmac_sha256("whsec_test", t + "." + body));
  std::vector<http::Header> headers{{"stripe-signature", "t=" + t + ",v1=" + sig}};
  SignedRequest r{"/webhooks/stripe", headers, body, "application/json"};
  Verification got = verify_source(v, r, [&] {
    VerifyOptions o;
    o.now_s = now;
    return o;
  }());
  ASSERT_EQ(got.outcome, Outcome::kVerified) << got.reason;
  EXPECT_EQ(event_id_of(v, r, got), "evt_123");
}

// Twilio signs the public URL plus the form's sorted fields.
TEST(SourceVerifier, TwilioUsesThePublicUrlAndTheQuery) {
  SourceVerifier v = make(VerifierKind::kTwilio, {"token"}, "https://example.com/hooks/sms");
  std::string body = "To=%2B1555&From=%2B1666&Body=hi";
  std::string signed_string = "https://example.com/hooks/sms?x=1BodyhiFrom+1666To+1555";
  std::string sig = util::base64_encode(hmac_sha1_bytes("token", signed_string));
  std::vector<http::Header> headers{{"x-twilio-signature", sig}, {"host", "127.0.0.1:8080"}};
  SignedRequest r{"/webhooks/sms?x=1", headers, body, "application/x-www-form-urlencoded"};
  EXPECT_EQ(verify_source(v, r, VerifyOptions{}).outcome, Outcome::kVerified);
  v.public_url.clear();  // then it is http://Host/target, which Twilio did not sign
  EXPECT_EQ(verify_source(v, r, VerifyOptions{}).outcome, Outcome::kBadSignature);
}

}  // namespace
}  // namespace pg_gateway::webhooks
