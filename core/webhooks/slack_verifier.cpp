#include "core/webhooks/slack_verifier.hpp"

#include "core/json/json_value.hpp"
#include "core/util/hmac.hpp"
#include "core/webhooks/hmac_digests.hpp"

namespace pg_gateway::webhooks {

namespace {

constexpr std::string_view kVersionPrefix = "v0=";

}  // namespace

/* Order of checks: headers present, then well-formed, then fresh, then the
   MAC. Freshness is checked before the MAC so a replayed request is told
   apart from a forged one, and both are refused before any secret work
   that an attacker could time. Reasons name headers, never values. */
Verification verify_slack(const SignedRequest& request, std::span<const std::string> secrets,
                          const VerifyOptions& options) {
  const std::string* signature = request.header("x-slack-signature");
  if (signature == nullptr)
    return refuse(Outcome::kMissingSignature, "missing X-Slack-Signature header");
  const std::string* timestamp_text = request.header("x-slack-request-timestamp");
  if (timestamp_text == nullptr)
    return refuse(Outcome::kMissingSignature, "missing X-Slack-Request-Timestamp header");

  std::optional<int64_t> timestamp = parse_unix_seconds(*timestamp_text);
  if (!timestamp)
    return refuse(Outcome::kMalformedHeader, "X-Slack-Request-Timestamp is not unix seconds");
  std::string_view sig = *signature;
  if (has_control_bytes(sig) || sig.substr(0, kVersionPrefix.size()) != kVersionPrefix)
    return refuse(Outcome::kMalformedHeader, "X-Slack-Signature is not v0=<hex>");
  std::optional<std::string> received = decode_hex(sig.substr(kVersionPrefix.size()));
  if (!received || received->size() != 32)
    return refuse(Outcome::kMalformedHeader, "X-Slack-Signature is not v0=<64 hex digits>");

  if (!within_tolerance(*timestamp, options)) {
    Verification v = refuse(Outcome::kStaleTimestamp,
                            "X-Slack-Request-Timestamp is outside the allowed tolerance");
    v.timestamp = timestamp;
    return v;
  }

  bool usable = false;
  bool matched = false;
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    usable = true;
    util::Sha256Digest mac = util::hmac_sha256(secret, {"v0:", *timestamp_text, ":", request.body});
    // Every secret is tried even after a match, so timing does not reveal
    // which secret of a rotation signed.
    if (util::constant_time_equal(util::digest_bytes(mac), *received)) matched = true;
  }
  if (!usable) return refuse(Outcome::kNoUsableSecret, "no Slack signing secret configured");

  Verification v;
  v.timestamp = timestamp;
  if (!matched) {
    v.outcome = Outcome::kBadSignature;
    v.reason = "X-Slack-Signature does not match any signing secret";
    return v;
  }
  v.outcome = Outcome::kVerified;
  return v;
}

/* Events API envelopes carry "event_id" at the top level; it is the same
   on every retry, so it is the dedupe key Slack intends. */
std::optional<std::string> slack_event_id(std::string_view body) {
  json::ParseResult parsed = json::parse(body, json::ParseLimits{.max_depth = 64});
  if (!parsed.ok() || !parsed.value->is_object()) return std::nullopt;
  const json::Value* id = parsed.value->find("event_id");
  if (id == nullptr || !id->is_string()) return std::nullopt;
  return id->text();
}

}  // namespace pg_gateway::webhooks
