#include "core/webhooks/generic_hmac_verifier.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/http/fields.hpp"

namespace pg_gateway::webhooks {
namespace {

// Expected MACs computed at development time with Python's hmac module
// (python3 -c 'import hmac,hashlib,base64; ...'), over the signed content
// named in each test, independently of this implementation.
const std::string kSecret = "whsec-generic-test";
const std::string kBody = R"({"id":"evt_1"})";
const std::string kHex256 = "83d0f88c17b5a5881e7ab638a2cbaade3129b6b44e6b511e6cbc0c954f8f79cb";
const std::string kB64Sha512 =
    "9rb/ygCpHEGwAwLAR0m5u1nPIgAYMZW8qA4SuNaQsRkaYyPJcMigvwdE3eex6P1blgYa9IJ+7pfXcph/v3ibaA==";
const std::string kUrlHex = "ec778c6d2b5eec6a62fe9c171823d1eccea959eb0044a70856ba2af798266398";
const int64_t kTs = 1700000000;

using Algorithm = GenericHmacScheme::Algorithm;
using Encoding = GenericHmacScheme::Encoding;

GenericHmacScheme body_hex() {
  GenericHmacScheme s;
  s.header = "X-Signature";
  s.prefix = "sha256=";
  s.event_id_header = "X-Id";
  return s;
}

GenericHmacScheme timestamped_b64() {
  GenericHmacScheme s;
  s.header = "X-Signature";
  s.algorithm = Algorithm::kSha512;
  s.encoding = Encoding::kBase64;
  s.timestamp_header = "X-Timestamp";
  s.signed_content = "{timestamp}.{body}";
  return s;
}

struct Req {
  Req() = default;
  Req(std::vector<http::Header> h) : headers(std::move(h)) {}
  std::vector<http::Header> headers;
  std::string body = kBody;
  std::string url = "https://example.com/hooks/x";
  SignedRequest get() const {
    return SignedRequest{
        .url = url, .headers = headers, .body = body, .content_type = "application/json"};
  }
};

Verification verify(const Req& r, const GenericHmacScheme& s,
                    std::vector<std::string> secrets = {kSecret}, int64_t now = kTs) {
  return verify_generic_hmac(r.get(), s, secrets, VerifyOptions{.now_s = now, .tolerance_s = 300});
}

void expect_no_leak(const Verification& v) {
  EXPECT_EQ(v.reason.find(kSecret), std::string::npos) << v.reason;
  EXPECT_EQ(v.reason.find(kHex256.substr(0, 16)), std::string::npos) << v.reason;
  EXPECT_EQ(v.reason.find(kB64Sha512.substr(0, 16)), std::string::npos) << v.reason;
}

TEST(GenericHmac, HexBodySignatureVerifies) {
  Req r({{"x-signature", "sha256=" + kHex256}, {"x-id", "delivery-7"}});
  Verification v = verify(r, body_hex());
  EXPECT_EQ(v.outcome, Outcome::kVerified) << v.reason;
  EXPECT_EQ(v.event_id, "delivery-7");
  EXPECT_FALSE(v.timestamp.has_value());
}

TEST(GenericHmac, TimestampedBase64Sha512Verifies) {
  Req r({{"x-signature", kB64Sha512}, {"x-timestamp", "1700000000"}});
  Verification v = verify(r, timestamped_b64());
  EXPECT_EQ(v.outcome, Outcome::kVerified) << v.reason;
  EXPECT_EQ(v.timestamp, kTs);
}

TEST(GenericHmac, UrlAndLiteralsInTemplate) {
  GenericHmacScheme s;
  s.header = "X-Signature";
  s.timestamp_header = "X-Timestamp";
  s.signed_content = "POST {url}|{timestamp}|{body}";
  Req r({{"x-signature", kUrlHex}, {"x-timestamp", "1700000000"}});
  EXPECT_TRUE(verify(r, s).verified());
  r.url = "https://example.com/hooks/y";
  EXPECT_EQ(verify(r, s).outcome, Outcome::kBadSignature);
}

TEST(GenericHmac, RotatedWrongAndNoSecrets) {
  Req r({{"x-signature", "sha256=" + kHex256}});
  EXPECT_TRUE(verify(r, body_hex(), {"old", kSecret}).verified());
  EXPECT_TRUE(verify(r, body_hex(), {kSecret, "new"}).verified());
  Verification v = verify(r, body_hex(), {"wrong"});
  EXPECT_EQ(v.outcome, Outcome::kBadSignature);
  expect_no_leak(v);
  EXPECT_EQ(verify(r, body_hex(), {}).outcome, Outcome::kNoUsableSecret);
  EXPECT_EQ(verify(r, body_hex(), {""}).outcome, Outcome::kNoUsableSecret);
}

TEST(GenericHmac, AlteredBodyOrTimestamp) {
  Req r({{"x-signature", "sha256=" + kHex256}});
  r.body.pop_back();
  EXPECT_EQ(verify(r, body_hex()).outcome, Outcome::kBadSignature);
  Req t({{"x-signature", kB64Sha512}, {"x-timestamp", "1700000001"}});
  EXPECT_EQ(verify(t, timestamped_b64()).outcome, Outcome::kBadSignature);
}

TEST(GenericHmac, ToleranceBothSidesOfTheEdge) {
  Req r({{"x-signature", kB64Sha512}, {"x-timestamp", "1700000000"}});
  EXPECT_TRUE(verify(r, timestamped_b64(), {kSecret}, kTs + 300).verified());
  EXPECT_TRUE(verify(r, timestamped_b64(), {kSecret}, kTs - 300).verified());
  Verification v = verify(r, timestamped_b64(), {kSecret}, kTs + 301);
  EXPECT_EQ(v.outcome, Outcome::kStaleTimestamp);
  expect_no_leak(v);
  EXPECT_EQ(verify(r, timestamped_b64(), {kSecret}, kTs - 301).outcome, Outcome::kStaleTimestamp);
  // Milliseconds are not seconds: far in the future.
  Req ms({{"x-signature", kB64Sha512}, {"x-timestamp", "1700000000000"}});
  EXPECT_EQ(verify(ms, timestamped_b64()).outcome, Outcome::kStaleTimestamp);
}

TEST(GenericHmac, MissingAndMalformedHeaders) {
  Req none;
  EXPECT_EQ(verify(none, body_hex()).outcome, Outcome::kMissingSignature);
  Req no_ts({{"x-signature", kB64Sha512}});
  EXPECT_EQ(verify(no_ts, timestamped_b64()).outcome, Outcome::kMissingSignature);
  Req bad_ts({{"x-signature", kB64Sha512}, {"x-timestamp", "17e8"}});
  EXPECT_EQ(verify(bad_ts, timestamped_b64()).outcome, Outcome::kMalformedHeader);
  for (std::string bad :
       {kHex256, "sha1=" + kHex256, "sha256=" + kHex256.substr(2), "sha256=" + kHex256 + "0",
        "sha256=" + kHex256 + "\r\n", "sha256=" + kHex256.substr(0, 63) + "x"}) {
    Req r({{"x-signature", bad}});
    Verification v = verify(r, body_hex());
    EXPECT_EQ(v.outcome, Outcome::kMalformedHeader) << bad;
    expect_no_leak(v);
  }
  for (std::string bad : {kB64Sha512.substr(0, 86), kB64Sha512 + "=", kB64Sha512 + "AA",
                          kB64Sha512.substr(0, 40) + "\n" + kB64Sha512.substr(40)}) {
    Req r({{"x-signature", bad}, {"x-timestamp", "1700000000"}});
    EXPECT_EQ(verify(r, timestamped_b64()).outcome, Outcome::kMalformedHeader) << bad;
  }
}

TEST(GenericHmac, TemplateValidation) {
  GenericHmacScheme s = body_hex();
  EXPECT_TRUE(parse_signed_content_template(s).ok());
  s.signed_content = "{timestamp}.{body}";
  EXPECT_FALSE(parse_signed_content_template(s).ok());  // no timestamp header
  s.timestamp_header = "X-Ts";
  SignedContentTemplate t = parse_signed_content_template(s);
  ASSERT_TRUE(t.ok()) << t.error;
  ASSERT_EQ(t.parts.size(), 3u);
  EXPECT_EQ(t.parts[0].kind, SignedContentPart::Kind::kTimestamp);
  EXPECT_EQ(t.parts[1].literal, ".");
  EXPECT_EQ(t.parts[2].kind, SignedContentPart::Kind::kBody);
  for (std::string bad : {"{bdy}", "{body", "{}", "{Body}", "", "x{url}{nope}"}) {
    s.signed_content = bad;
    EXPECT_FALSE(parse_signed_content_template(s).ok()) << bad;
  }
  s.signed_content = "}{url}}";
  EXPECT_TRUE(parse_signed_content_template(s).ok());
  GenericHmacScheme no_header = body_hex();
  no_header.header = "";
  EXPECT_FALSE(parse_signed_content_template(no_header).ok());
  no_header.header = "X Sig";
  EXPECT_FALSE(parse_signed_content_template(no_header).ok());
  Req r({{"x-signature", "sha256=" + kHex256}});
  EXPECT_EQ(verify(r, no_header).outcome, Outcome::kNoUsableSecret);
}

}  // namespace
}  // namespace pg_gateway::webhooks
