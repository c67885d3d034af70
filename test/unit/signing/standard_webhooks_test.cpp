#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/signing/standard_webhooks.hpp"
#include "core/util/base64.hpp"

namespace pg_gateway::signing {
namespace {

using S = WebhookVerifyStatus;

// The published vectors of the reference libraries
// (standard-webhooks@b2fa7b8 libraries/python/tests/test_webhooks.py
// test_sign_function and libraries/rust/src/lib.rs test_sign).
constexpr const char* kPySecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kPyMsgId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t kPyTimestamp = 1614265330;
constexpr const char* kPyPayload = R"({"test": 2432232314})";
constexpr const char* kPySignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

constexpr const char* kRustSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
constexpr const char* kRustMsgId = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
constexpr int64_t kRustTimestamp = 1649367553;
constexpr const char* kRustPayload = R"({"email":"test@example.com","username":"test_user"})";
constexpr const char* kRustSignature = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

WebhookSecret secret(const char* text) {
  ParsedWebhookSecret p = parse_webhook_secret(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.error;
  return p.secret.value_or(WebhookSecret{"x"});
}

std::vector<http::Header> headers(std::string id, int64_t ts, std::string signature) {
  return {{"webhook-id", std::move(id)},
          {"webhook-timestamp", std::to_string(ts)},
          {"webhook-signature", std::move(signature)}};
}

TEST(StandardWebhooks, SignsThePublishedVectors) {
  EXPECT_EQ(sign_webhook(secret(kPySecret), kPyMsgId, kPyTimestamp, kPyPayload), kPySignature);
  EXPECT_EQ(sign_webhook(secret(kRustSecret), kRustMsgId, kRustTimestamp, kRustPayload),
            kRustSignature);
}

TEST(StandardWebhooks, SecretWithOrWithoutPrefixAndPadding) {
  // The python tests: the same key with and without "whsec_", and secrets
  // whose base64 needs zero, one or two padding characters, padded or not.
  EXPECT_EQ(secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").key, secret(kPySecret).key);
  EXPECT_EQ(secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS").key,
            secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=").key);
  EXPECT_EQ(secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr").key,
            secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr==").key);
  EXPECT_EQ(secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").key.size(), 24u);
  EXPECT_EQ(secret(" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n").key, secret(kPySecret).key);
}

TEST(StandardWebhooks, RejectsBadSecretsWithoutEchoingThem) {
  for (const char* bad : {"", "whsec_", "   ", "whsec_not base64!", "whsec_abc-def_", "whsec_a",
                          "whsec_ab=c", "whsec_abc===", "whsec_ab="}) {
    ParsedWebhookSecret p = parse_webhook_secret(bad);
    EXPECT_FALSE(p.ok()) << bad;
    EXPECT_FALSE(p.error.empty());
    if (std::string(bad).size() > 8) {
      EXPECT_EQ(p.error.find(bad), std::string::npos);
    }
  }
  EXPECT_FALSE(parse_webhook_secret("whsec_" + std::string(2000, 'A')).ok());
  EXPECT_FALSE(webhook_secret_from_bytes("").has_value());
  EXPECT_EQ(webhook_secret_from_bytes("raw key")->key, "raw key");
}

TEST(StandardWebhooks, MessageIds) {
  EXPECT_TRUE(is_valid_webhook_message_id("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
  EXPECT_TRUE(is_valid_webhook_message_id("12345"));
  EXPECT_FALSE(is_valid_webhook_message_id(""));
  EXPECT_FALSE(is_valid_webhook_message_id("msg.1"));  // the spec forbids '.'
  EXPECT_FALSE(is_valid_webhook_message_id("a b"));
  EXPECT_FALSE(is_valid_webhook_message_id("a\r\nX-Injected: 1"));
  EXPECT_FALSE(is_valid_webhook_message_id(std::string(257, 'a')));
}

TEST(StandardWebhooks, HeadersCarryOneSignaturePerSecret) {
  std::vector<WebhookSecret> secrets = {secret(kPySecret), secret(kRustSecret)};
  auto h = webhook_headers(secrets, kPyMsgId, kPyTimestamp, kPyPayload);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].name, "webhook-id");
  EXPECT_EQ(h[0].value, kPyMsgId);
  EXPECT_EQ(h[1].name, "webhook-timestamp");
  EXPECT_EQ(h[1].value, "1614265330");
  EXPECT_EQ(h[2].name, "webhook-signature");
  EXPECT_EQ(h[2].value, std::string(kPySignature) + " " +
                            sign_webhook(secrets[1], kPyMsgId, kPyTimestamp, kPyPayload));
  EXPECT_THROW(webhook_headers({}, kPyMsgId, 1, ""), std::invalid_argument);
  EXPECT_THROW(webhook_headers(secrets, "a.b", 1, ""), std::invalid_argument);
}

TEST(StandardWebhooks, VerifiesThePublishedVectors) {
  std::vector<WebhookSecret> py = {secret(kPySecret)};
  auto r = verify_webhook(headers(kPyMsgId, kPyTimestamp, kPySignature), kPyPayload, py,
                          kPyTimestamp + 10);
  EXPECT_TRUE(r.ok()) << r.reason;
  std::vector<WebhookSecret> rust = {secret(kRustSecret)};
  r = verify_webhook(headers(kRustMsgId, kRustTimestamp, kRustSignature), kRustPayload, rust,
                     kRustTimestamp);
  EXPECT_TRUE(r.ok()) << r.reason;
  // Header names are case-insensitive.
  std::vector<http::Header> mixed = {{"Webhook-Id", kPyMsgId},
                                     {"WEBHOOK-TIMESTAMP", "1614265330"},
                                     {"Webhook-Signature", kPySignature}};
  EXPECT_TRUE(verify_webhook(mixed, kPyPayload, py, kPyTimestamp).ok());
}

TEST(StandardWebhooks, RejectsTamperedMessages) {
  std::vector<WebhookSecret> py = {secret(kPySecret)};
  auto h = headers(kPyMsgId, kPyTimestamp, kPySignature);
  EXPECT_EQ(verify_webhook(h, R"({"test": 2432232315})", py, kPyTimestamp).status,
            S::kNoMatchingSignature);
  // The python test's "invalid signature": the right one with its last character changed.
  EXPECT_EQ(verify_webhook(
                headers(kPyMsgId, kPyTimestamp, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="),
                kPyPayload, py, kPyTimestamp)
                .status,
            S::kNoMatchingSignature);
  EXPECT_EQ(
      verify_webhook(headers("msg_other", kPyTimestamp, kPySignature), kPyPayload, py, kPyTimestamp)
          .status,
      S::kNoMatchingSignature);
  EXPECT_EQ(verify_webhook(headers(kPyMsgId, kPyTimestamp + 1, kPySignature), kPyPayload, py,
                           kPyTimestamp)
                .status,
            S::kNoMatchingSignature);
  // Another secret does not verify it.
  std::vector<WebhookSecret> rust = {secret(kRustSecret)};
  EXPECT_EQ(verify_webhook(h, kPyPayload, rust, kPyTimestamp).status, S::kNoMatchingSignature);
  // Partial signatures (the rust test): "v1," alone and a prefix of the header.
  EXPECT_EQ(
      verify_webhook(headers(kPyMsgId, kPyTimestamp, "v1,"), kPyPayload, py, kPyTimestamp).status,
      S::kNoMatchingSignature);
  EXPECT_EQ(verify_webhook(headers(kPyMsgId, kPyTimestamp, std::string(kPySignature).substr(0, 8)),
                           kPyPayload, py, kPyTimestamp)
                .status,
            S::kNoMatchingSignature);
  // The right signature under another version tag is not accepted.
  std::string v2 = "v2," + std::string(kPySignature).substr(3);
  EXPECT_EQ(
      verify_webhook(headers(kPyMsgId, kPyTimestamp, v2), kPyPayload, py, kPyTimestamp).status,
      S::kNoMatchingSignature);
}

TEST(StandardWebhooks, SeveralSignaturesAndSecrets) {
  std::vector<WebhookSecret> py = {secret(kPySecret)};
  // The python multi-signature test: junk, a v2 entry, the valid one, junk.
  std::string list =
      "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
      "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " +
      std::string(kPySignature) + " v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
  EXPECT_TRUE(
      verify_webhook(headers(kPyMsgId, kPyTimestamp, list), kPyPayload, py, kPyTimestamp).ok());
  // Garbage entries without a comma and doubled spaces are skipped.
  list = "garbage  v1a,AAAA " + std::string(kPySignature);
  EXPECT_TRUE(
      verify_webhook(headers(kPyMsgId, kPyTimestamp, list), kPyPayload, py, kPyTimestamp).ok());
  // Rotation on the receiving side: the old secret is still accepted.
  std::vector<WebhookSecret> rotated = {secret(kRustSecret), secret(kPySecret)};
  EXPECT_TRUE(verify_webhook(headers(kPyMsgId, kPyTimestamp, kPySignature), kPyPayload, rotated,
                             kPyTimestamp)
                  .ok());
  // Two signature headers are read as one list.
  std::vector<http::Header> two = {{"webhook-id", kPyMsgId},
                                   {"webhook-timestamp", "1614265330"},
                                   {"webhook-signature", "v1,AAAA"},
                                   {"webhook-signature", kPySignature}};
  EXPECT_TRUE(verify_webhook(two, kPyPayload, py, kPyTimestamp).ok());
  // Signing with both secrets and verifying with either.
  auto sent = webhook_headers(rotated, "msg_1", 1700000000, "body");
  EXPECT_TRUE(verify_webhook(sent, "body", py, 1700000000).ok());
  EXPECT_TRUE(
      verify_webhook(sent, "body", std::vector<WebhookSecret>{rotated[0]}, 1700000000).ok());
}

TEST(StandardWebhooks, MissingAndInvalidHeaders) {
  std::vector<WebhookSecret> py = {secret(kPySecret)};
  auto full = headers(kPyMsgId, kPyTimestamp, kPySignature);
  for (size_t drop = 0; drop < 3; ++drop) {
    auto h = full;
    h.erase(h.begin() + static_cast<long>(drop));
    auto r = verify_webhook(h, kPyPayload, py, kPyTimestamp);
    EXPECT_EQ(r.status, S::kMissingHeader);
    EXPECT_NE(r.reason.find(full[drop].name), std::string::npos) << r.reason;
  }
  auto empty_id = full;
  empty_id[0].value = "";
  EXPECT_EQ(verify_webhook(empty_id, kPyPayload, py, kPyTimestamp).status, S::kMissingHeader);
  for (const char* ts :
       {"hello", "-5", "+1614265330", "1614265330.5", " 1614265330", "9999999999999999999999"}) {
    auto h = full;
    h[1].value = ts;
    EXPECT_EQ(verify_webhook(h, kPyPayload, py, kPyTimestamp).status, S::kInvalidTimestamp) << ts;
  }
  auto twice = full;
  twice.push_back({"webhook-id", "msg_other"});
  EXPECT_EQ(verify_webhook(twice, kPyPayload, py, kPyTimestamp).status, S::kInvalidHeader);
  EXPECT_EQ(verify_webhook(full, kPyPayload, {}, kPyTimestamp).status, S::kNoSecret);
}

TEST(StandardWebhooks, TimestampTolerance) {
  std::vector<WebhookSecret> py = {secret(kPySecret)};
  auto h = headers(kPyMsgId, kPyTimestamp, kPySignature);
  // Exactly at the tolerance is accepted in both directions, one second beyond is not.
  EXPECT_TRUE(verify_webhook(h, kPyPayload, py, kPyTimestamp + 300).ok());
  EXPECT_TRUE(verify_webhook(h, kPyPayload, py, kPyTimestamp - 300).ok());
  auto old = verify_webhook(h, kPyPayload, py, kPyTimestamp + 301);
  EXPECT_EQ(old.status, S::kTimestampTooOld);
  EXPECT_NE(old.reason.find("too old"), std::string::npos);
  EXPECT_EQ(verify_webhook(h, kPyPayload, py, kPyTimestamp - 301).status, S::kTimestampTooNew);
  // A custom tolerance, and extreme clocks do not overflow.
  EXPECT_EQ(verify_webhook(h, kPyPayload, py, kPyTimestamp + 11, 10).status, S::kTimestampTooOld);
  EXPECT_EQ(verify_webhook(h, kPyPayload, py, INT64_MAX, INT64_MAX).status, S::kTimestampTooOld);
  EXPECT_EQ(verify_webhook(h, kPyPayload, py, INT64_MIN, INT64_MAX).status, S::kTimestampTooNew);
  EXPECT_EQ(verify_webhook(h, kPyPayload, py, kPyTimestamp + 1, -5).status, S::kTimestampTooOld);
  // A stale message is reported as stale even if its signature is wrong too.
  auto bad = headers(kPyMsgId, kPyTimestamp, "v1,AAAA");
  EXPECT_EQ(verify_webhook(bad, kPyPayload, py, kPyTimestamp + 1000).status, S::kTimestampTooOld);
  // Leading zeros are accepted and signed as the number, as the reference libraries do.
  auto zeros = headers(kPyMsgId, kPyTimestamp, kPySignature);
  zeros[1].value = "01614265330";
  EXPECT_TRUE(verify_webhook(zeros, kPyPayload, py, kPyTimestamp).ok());
}

}  // namespace
}  // namespace pg_gateway::signing
