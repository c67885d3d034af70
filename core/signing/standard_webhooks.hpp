// Standard Webhooks (https://www.standardwebhooks.com, spec and reference
// libraries in github.com/standard-webhooks/standard-webhooks): the symmetric
// "v1" scheme. A message is signed as
//
//   v1,base64(HMAC-SHA256(secret, "{webhook-id}.{webhook-timestamp}.{body}"))
//
// and sent with the headers webhook-id, webhook-timestamp (unix seconds) and
// webhook-signature (a space-separated list of such signatures, one per
// secret, so receivers keep working while a secret is rotated).
//
// The HTTP job task signs outgoing requests with this; verify_webhook is the
// receiving side (tests, and inbound webhooks later). The asymmetric "v1a"
// scheme (Ed25519) is not implemented: v1a signatures are skipped when
// verifying, as the reference libraries skip every version but v1.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/fields.hpp"

namespace pg_gateway::signing {

inline constexpr std::string_view kWebhookSecretPrefix = "whsec_";
inline constexpr std::string_view kWebhookIdHeader = "webhook-id";
inline constexpr std::string_view kWebhookTimestampHeader = "webhook-timestamp";
inline constexpr std::string_view kWebhookSignatureHeader = "webhook-signature";
// The reference libraries' tolerance for webhook-timestamp, both directions.
inline constexpr int64_t kDefaultWebhookToleranceSeconds = 5 * 60;
// Upper bound on a decoded secret; the spec recommends 24 to 64 bytes.
inline constexpr size_t kMaxWebhookSecretBytes = 1024;

// The raw HMAC key (never empty).
struct WebhookSecret {
  std::string key;
};

struct ParsedWebhookSecret {
  std::optional<WebhookSecret> secret;  // set on success
  std::string error;                    // set on failure; never contains the secret
  bool ok() const { return secret.has_value(); }
};

// Reads a secret the way the reference libraries do: an optional "whsec_"
// prefix, then standard base64 (padding optional, as the Python library
// accepts). Surrounding whitespace (a pasted newline) is ignored. Stricter
// than some libraries: the URL-safe alphabet and stray characters are
// refused rather than skipped, so a mangled secret fails here and not as a
// stream of signatures the receiver rejects. Raw key bytes go through
// webhook_secret_from_bytes instead (the JavaScript library's "raw" format).
ParsedWebhookSecret parse_webhook_secret(std::string_view text);
std::optional<WebhookSecret> webhook_secret_from_bytes(std::string_view bytes);

// The spec asks senders for message ids that contain no '.' (the signed
// string is dot-separated). We also require 1..256 visible ASCII characters
// so an id can go into a header line as is.
bool is_valid_webhook_message_id(std::string_view msg_id);

// "v1," + base64 of the HMAC of "{msg_id}.{timestamp_seconds}.{body}".
std::string sign_webhook(const WebhookSecret& secret, std::string_view msg_id,
                         int64_t timestamp_seconds, std::string_view body);

// The three headers to send, names in the spec's lower case; the signature
// header carries one v1 signature per secret, in the order given (the
// current secret first, then those being rotated out). Requires at least
// one secret and a valid message id (std::invalid_argument otherwise).
std::vector<http::Header> webhook_headers(std::span<const WebhookSecret> secrets,
                                          std::string_view msg_id, int64_t timestamp_seconds,
                                          std::string_view body);

enum class WebhookVerifyStatus {
  kOk,
  kNoSecret,             // the caller passed no secret
  kMissingHeader,        // webhook-id, -timestamp or -signature absent or empty
  kInvalidHeader,        // e.g. webhook-id or webhook-timestamp given twice
  kInvalidTimestamp,     // not a plain decimal number of seconds
  kTimestampTooOld,      // older than now - tolerance
  kTimestampTooNew,      // newer than now + tolerance
  kNoMatchingSignature,  // no v1 signature matches any secret
};

struct WebhookVerification {
  WebhookVerifyStatus status = WebhookVerifyStatus::kOk;
  std::string reason;  // empty when ok; a sentence naming the problem otherwise
  bool ok() const { return status == WebhookVerifyStatus::kOk; }
};

// Checks a received message: header names match case-insensitively, the
// timestamp must lie within [now - tolerance, now + tolerance], and some v1
// entry of webhook-signature must equal the signature under some secret
// (several secrets: the receiver's side of rotation). Comparisons are
// constant-time. Several webhook-signature headers are read as one list;
// a repeated webhook-id or webhook-timestamp is refused as ambiguous.
WebhookVerification verify_webhook(std::span<const http::Header> headers, std::string_view body,
                                   std::span<const WebhookSecret> secrets, int64_t now_seconds,
                                   int64_t tolerance_seconds = kDefaultWebhookToleranceSeconds);

}  // namespace pg_gateway::signing
