#include "core/webhooks/twilio_verifier.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/http/fields.hpp"

namespace pg_gateway::webhooks {
namespace {

// Twilio's documented example (twilio.com/docs/usage/security, "Explore
// the algorithm yourself"); also recomputed with Python's hmac module.
// The other expected signatures below were computed at development time
// with python3 -c 'import hmac,hashlib,base64; ...' over the signed string
// named in each test, independently of this implementation.
const std::string kToken = "12345";
const std::string kUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
const std::string kBody =
    "To=%2B18005551212&From=%2B14158675310&Digits=1234&Caller=%2B14158675310&CallSid="
    "CA1234567890ABCDE";
const std::string kSignature = "GvWf1cFY/Q7PnoempGyD5oXAezc=";
const std::string kForm = "application/x-www-form-urlencoded";

struct Req {
  std::string url = kUrl;
  std::string body = kBody;
  std::string content_type = kForm;
  std::vector<http::Header> headers;
  SignedRequest get() const {
    return SignedRequest{
        .url = url, .headers = headers, .body = body, .content_type = content_type};
  }
};

Req signed_with(std::string signature) {
  Req r;
  r.headers.push_back({"x-twilio-signature", std::move(signature)});
  return r;
}

Verification verify(const Req& r, std::vector<std::string> secrets = {kToken}) {
  return verify_twilio(r.get(), secrets, VerifyOptions{.now_s = 0, .tolerance_s = 300});
}

TEST(TwilioVerifier, DocumentedExampleVerifies) {
  Verification v = verify(signed_with(kSignature));
  EXPECT_EQ(v.outcome, Outcome::kVerified) << v.reason;
  EXPECT_FALSE(v.timestamp.has_value());
}

TEST(TwilioVerifier, FormParameterOrderDoesNotMatter) {
  Req r = signed_with(kSignature);
  r.body =
      "CallSid=CA1234567890ABCDE&Caller=%2B14158675310&Digits=1234&From=%2B14158675310&To=%"
      "2B18005551212";
  EXPECT_TRUE(verify(r).verified());
  r.content_type = "Application/X-WWW-Form-Urlencoded; charset=utf-8";
  EXPECT_TRUE(verify(r).verified());
}

TEST(TwilioVerifier, DuplicateNamesSortByValue) {
  // signed string "https://example.com/tw" "a1" "a2" "b2"
  Req r = signed_with("7SK8H8LritfvRdWZ8byi/X3Yk7w=");
  r.url = "https://example.com/tw";
  r.body = "b=2&a=2&a=1";
  EXPECT_TRUE(verify(r).verified());
  r.body = "a=1&b=2&a=2";
  EXPECT_TRUE(verify(r).verified());
  r.body = "a=1&b=2&a=3";
  EXPECT_EQ(verify(r).outcome, Outcome::kBadSignature);
}

TEST(TwilioVerifier, PlusIsSpaceAndEscapesDecode) {
  // signed string "https://example.com/tw" "Body" "hello world!"
  Req r = signed_with("V6PausDUJYV17lO3WhzUi/0Qaqw=");
  r.url = "https://example.com/tw";
  r.body = "Body=hello+world%21";
  EXPECT_TRUE(verify(r).verified());
  r.body = "Body=hello%20world!";
  EXPECT_TRUE(verify(r).verified());
  r.body = "Body=hello+world%2";
  EXPECT_EQ(verify(r).outcome, Outcome::kBadSignature);
}

TEST(TwilioVerifier, DefaultPortIsAlsoTriedWithout) {
  Req r = signed_with(kSignature);
  r.url = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
  EXPECT_TRUE(verify(r).verified());
  r.url = "https://mycompany.com:8443/myapp.php?foo=1&bar=2";
  EXPECT_EQ(verify(r).outcome, Outcome::kBadSignature);
  r.url = "http://mycompany.com:443/myapp.php?foo=1&bar=2";
  EXPECT_EQ(verify(r).outcome, Outcome::kBadSignature);
}

TEST(TwilioVerifier, JsonBodyCheckedThroughBodySha256) {
  // signed string: the URL alone; the hash is hex SHA-256 of {"a":1}.
  const std::string hash = "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862";
  Req r = signed_with("2e7mH/NA6FwzvUqLZxhsETU/4bw=");
  r.url = "https://example.com/hook?bodySHA256=" + hash;
  r.body = R"({"a":1})";
  r.content_type = "application/json";
  EXPECT_TRUE(verify(r).verified());
  r.body = R"({"a":2})";
  EXPECT_EQ(verify(r).outcome, Outcome::kBadSignature);
  r.body = R"({"a":1)";
  EXPECT_EQ(verify(r).outcome, Outcome::kBadSignature);
}

TEST(TwilioVerifier, UnsignedNonFormBodyIsRefused) {
  Req r = signed_with("+NLPOnbpYyvB+0lmVCyvm5GkrYg=");
  r.url = "https://example.com/get?x=1";
  r.body = "";
  r.content_type = "";
  EXPECT_TRUE(verify(r).verified());  // URL only, empty body
  r.body = R"({"a":1})";
  r.content_type = "application/json";
  EXPECT_EQ(verify(r).outcome, Outcome::kBadSignature);
}

TEST(TwilioVerifier, RotatedAndWrongTokens) {
  EXPECT_TRUE(verify(signed_with(kSignature), {"old", kToken}).verified());
  EXPECT_TRUE(verify(signed_with(kSignature), {kToken, "new"}).verified());
  Verification v = verify(signed_with(kSignature), {"54321"});
  EXPECT_EQ(v.outcome, Outcome::kBadSignature);
  EXPECT_EQ(v.reason.find(kToken), std::string::npos);
  EXPECT_EQ(v.reason.find(kSignature), std::string::npos);
  EXPECT_EQ(v.reason.find("GvWf"), std::string::npos);
  EXPECT_EQ(verify(signed_with(kSignature), {}).outcome, Outcome::kNoUsableSecret);
  EXPECT_EQ(verify(signed_with(kSignature), {""}).outcome, Outcome::kNoUsableSecret);
}

TEST(TwilioVerifier, AlteredBodyOrUrl) {
  Req r = signed_with(kSignature);
  r.body = kBody + "&Extra=1";
  EXPECT_EQ(verify(r).outcome, Outcome::kBadSignature);
  r = signed_with(kSignature);
  r.body = kBody.substr(0, kBody.size() - 1);
  EXPECT_EQ(verify(r).outcome, Outcome::kBadSignature);
  r = signed_with(kSignature);
  r.url = kUrl + "&baz=3";
  EXPECT_EQ(verify(r).outcome, Outcome::kBadSignature);
}

TEST(TwilioVerifier, MissingAndMalformedSignature) {
  Req r;
  EXPECT_EQ(verify(r).outcome, Outcome::kMissingSignature);
  for (std::string bad : {std::string(""), kSignature.substr(0, 27), kSignature + "=",
                          std::string("GvWf1cFY_Q7PnoempGyD5oXAezc="), " " + kSignature,
                          kSignature + "\r\n", std::string("GvWf1cFY/Q7Pnoem\r\nyD5oXAezc=")}) {
    Verification v = verify(signed_with(bad));
    EXPECT_EQ(v.outcome, Outcome::kMalformedHeader) << bad;
    EXPECT_EQ(status_of(v.outcome), 400);
  }
}

TEST(TwilioVerifier, IdempotencyTokenIsTheEventId) {
  Req r = signed_with(kSignature);
  r.headers.push_back({"i-twilio-idempotency-token", "e1a2b3c4-idem"});
  EXPECT_EQ(verify(r).event_id, "e1a2b3c4-idem");
  Req bad = signed_with(kSignature);
  bad.headers.push_back({"i-twilio-idempotency-token", "x\r\ny"});
  EXPECT_FALSE(verify(bad).event_id.has_value());
}

TEST(TwilioVerifier, DecodeForm) {
  auto pairs = decode_form("a=1&&b&c=x+y%2Bz&=v");
  ASSERT_TRUE(pairs.has_value());
  ASSERT_EQ(pairs->size(), 4u);
  EXPECT_EQ((*pairs)[0], std::make_pair(std::string("a"), std::string("1")));
  EXPECT_EQ((*pairs)[1], std::make_pair(std::string("b"), std::string("")));
  EXPECT_EQ((*pairs)[2], std::make_pair(std::string("c"), std::string("x y+z")));
  EXPECT_EQ((*pairs)[3], std::make_pair(std::string(""), std::string("v")));
  EXPECT_FALSE(decode_form("a=%zz").has_value());
  EXPECT_FALSE(decode_form("%4=1").has_value());
  EXPECT_TRUE(decode_form("")->empty());
  EXPECT_EQ(twilio_signed_string("u", {{"b", "2"}, {"a", "2"}, {"a", "1"}}), "ua1a2b2");
}

}  // namespace
}  // namespace pg_gateway::webhooks
