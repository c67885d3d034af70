#include "core/webhooks/slack_verifier.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/http/fields.hpp"

namespace pg_gateway::webhooks {
namespace {

// Slack's worked example ("Verifying requests from Slack", api.slack.com);
// the signature was also recomputed with Python's hmac module.
const std::string kSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const std::string kTimestamp = "1531420618";
const std::string kBody =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
    "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%"
    "2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
    "803a0bc887a14d10d2c447fce8b6703c";
const std::string kHex = "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const std::string kSignature = "v0=" + kHex;

struct Fixture {
  std::vector<http::Header> headers;
  std::string body = kBody;
  SignedRequest request() const {
    return SignedRequest{.url = "https://example.com/slack",
                         .headers = headers,
                         .body = body,
                         .content_type = "application/x-www-form-urlencoded"};
  }
};

Fixture example(std::string signature = kSignature, std::string timestamp = kTimestamp) {
  Fixture f;
  f.headers.push_back({"x-slack-signature", std::move(signature)});
  f.headers.push_back({"x-slack-request-timestamp", std::move(timestamp)});
  return f;
}

VerifyOptions at(int64_t now) { return VerifyOptions{.now_s = now, .tolerance_s = 300}; }

Verification verify(const Fixture& f, std::vector<std::string> secrets = {kSecret},
                    int64_t now = 1531420618) {
  return verify_slack(f.request(), secrets, at(now));
}

void expect_no_leak(const Verification& v) {
  EXPECT_EQ(v.reason.find(kSecret), std::string::npos) << v.reason;
  EXPECT_EQ(v.reason.find(kHex), std::string::npos) << v.reason;
  EXPECT_EQ(v.reason.find("a2114d57"), std::string::npos) << v.reason;
}

TEST(SlackVerifier, DocumentedExampleVerifies) {
  Verification v = verify(example());
  EXPECT_EQ(v.outcome, Outcome::kVerified) << v.reason;
  EXPECT_EQ(v.timestamp, 1531420618);
  EXPECT_FALSE(v.event_id.has_value());
}

TEST(SlackVerifier, UpperCaseHexVerifies) {
  std::string upper = kHex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verify(example("v0=" + upper)).verified());
}

TEST(SlackVerifier, RotatedSecretsAnyActiveOneVerifies) {
  EXPECT_TRUE(verify(example(), {"old-secret", kSecret}).verified());
  EXPECT_TRUE(verify(example(), {kSecret, "new-secret"}).verified());
  EXPECT_TRUE(verify(example(), {"", kSecret}).verified());
}

TEST(SlackVerifier, WrongSecretIsBadSignature) {
  Verification v = verify(example(), {"not-the-secret"});
  EXPECT_EQ(v.outcome, Outcome::kBadSignature);
  EXPECT_EQ(status_of(v.outcome), 401);
  expect_no_leak(v);
}

TEST(SlackVerifier, NoUsableSecret) {
  EXPECT_EQ(verify(example(), {}).outcome, Outcome::kNoUsableSecret);
  EXPECT_EQ(verify(example(), {""}).outcome, Outcome::kNoUsableSecret);
}

TEST(SlackVerifier, AlteredOrTruncatedBodyIsBadSignature) {
  Fixture f = example();
  f.body[0] = 'T';
  EXPECT_EQ(verify(f).outcome, Outcome::kBadSignature);
  f = example();
  f.body.pop_back();
  EXPECT_EQ(verify(f).outcome, Outcome::kBadSignature);
  f = example();
  f.body += "&x=1";
  EXPECT_EQ(verify(f).outcome, Outcome::kBadSignature);
}

TEST(SlackVerifier, TimestampToleranceBothSidesOfTheEdge) {
  const int64_t ts = 1531420618;
  EXPECT_TRUE(verify(example(), {kSecret}, ts + 300).verified());
  EXPECT_TRUE(verify(example(), {kSecret}, ts - 300).verified());
  Verification stale = verify(example(), {kSecret}, ts + 301);
  EXPECT_EQ(stale.outcome, Outcome::kStaleTimestamp);
  EXPECT_EQ(status_of(stale.outcome), 400);
  EXPECT_EQ(stale.timestamp, ts);
  EXPECT_EQ(verify(example(), {kSecret}, ts - 301).outcome, Outcome::kStaleTimestamp);
  expect_no_leak(stale);
}

TEST(SlackVerifier, ChangedTimestampIsBadSignature) {
  EXPECT_EQ(verify(example(kSignature, "1531420619")).outcome, Outcome::kBadSignature);
}

TEST(SlackVerifier, MissingHeaders) {
  Fixture f;
  EXPECT_EQ(verify(f).outcome, Outcome::kMissingSignature);
  f.headers.push_back({"x-slack-signature", kSignature});
  EXPECT_EQ(verify(f).outcome, Outcome::kMissingSignature);
  Fixture g;
  g.headers.push_back({"x-slack-request-timestamp", kTimestamp});
  EXPECT_EQ(verify(g).outcome, Outcome::kMissingSignature);
}

TEST(SlackVerifier, MalformedHeaders) {
  for (std::string bad :
       {std::string("a2114d57"), "v1=" + kHex, "v0=" + kHex.substr(1), "v0=" + kHex + "00",
        "v0=" + kHex.substr(0, 63) + "g", std::string("v0="), " v0=" + kHex, "V0=" + kHex}) {
    Verification v = verify(example(bad));
    EXPECT_EQ(v.outcome, Outcome::kMalformedHeader) << bad;
    expect_no_leak(v);
  }
  for (std::string bad : {"", "-1531420618", "+1531420618", " 1531420618", "1531420618.5",
                          "1531420618000000000000", "abc"}) {
    EXPECT_EQ(verify(example(kSignature, bad)).outcome, Outcome::kMalformedHeader) << bad;
  }
}

TEST(SlackVerifier, HeaderInjectionNeverVerifies) {
  EXPECT_FALSE(verify(example(kSignature + "\r\nx-evil: 1")).verified());
  EXPECT_FALSE(verify(example(kSignature + "\n")).verified());
  EXPECT_FALSE(verify(example(kSignature, kTimestamp + "\r\n")).verified());
  EXPECT_FALSE(verify(example("v0=" + kHex.substr(0, 32) + "\r\n" + kHex.substr(32))).verified());
}

TEST(SlackVerifier, EventIdFromBody) {
  EXPECT_EQ(slack_event_id(R"({"type":"event_callback","event_id":"Ev08MFMKH6","event":{}})"),
            "Ev08MFMKH6");
  EXPECT_EQ(slack_event_id(R"({"event":{"event_id":"nested"}})"), std::nullopt);
  EXPECT_EQ(slack_event_id(R"({"event_id":42})"), std::nullopt);
  EXPECT_EQ(slack_event_id(R"(["event_id"])"), std::nullopt);
  EXPECT_EQ(slack_event_id(kBody), std::nullopt);
  EXPECT_EQ(slack_event_id(""), std::nullopt);
}

}  // namespace
}  // namespace pg_gateway::webhooks
