#include "core/signing/standard_webhooks.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/util/base64.hpp"
#include "core/util/hmac.hpp"

namespace pg_gateway::signing {

namespace {

constexpr size_t kMaxMessageIdLength = 256;
// More digits than any plausible unix time, few enough that the value and
// the arithmetic below stay far from int64 overflow.
constexpr size_t kMaxTimestampDigits = 15;
constexpr int64_t kTimeClamp = 1'000'000'000'000'000;  // 1e18

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

std::string_view trim_whitespace(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/* Strict standard base64 with optional padding: the alphabet characters,
 * then at most two '=' that complete a 4-character group. A lone trailing
 * character (length % 4 == 1) carries fewer than 8 bits and is refused. */
bool is_strict_base64(std::string_view text) {
  size_t data_end = text.find('=');
  if (data_end == std::string_view::npos) data_end = text.size();
  for (size_t i = 0; i < data_end; ++i)
    if (!is_base64_char(text[i])) return false;
  size_t padding = text.size() - data_end;
  for (size_t i = data_end; i < text.size(); ++i)
    if (text[i] != '=') return false;
  if (data_end % 4 == 1) return false;
  if (padding == 0) return true;
  return padding <= 2 && text.size() % 4 == 0;
}

int64_t clamp_time(int64_t t) { return std::clamp<int64_t>(t, -kTimeClamp, kTimeClamp); }

std::optional<int64_t> parse_timestamp(std::string_view text) {
  if (text.empty() || text.size() > kMaxTimestampDigits) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// What one header lookup found.
struct HeaderLookup {
  std::string_view value;
  int count = 0;
};

HeaderLookup find_single(std::span<const http::Header> headers, std::string_view name) {
  HeaderLookup found;
  for (const http::Header& h : headers) {
    if (!http::iequals(h.name, name)) continue;
    if (found.count++ == 0) found.value = h.value;
  }
  return found;
}

// The signature headers' values joined into one space-separated list.
std::string collect_signatures(std::span<const http::Header> headers) {
  std::string list;
  for (const http::Header& h : headers) {
    if (!http::iequals(h.name, kWebhookSignatureHeader)) continue;
    if (!list.empty()) list += ' ';
    list += h.value;
  }
  return list;
}

WebhookVerification failure(WebhookVerifyStatus status, std::string reason) {
  return WebhookVerification{status, std::move(reason)};
}

/* Tries every v1 entry against every expected signature and remembers a
 * match instead of returning at the first one, so the time taken does not
 * tell which entry or which secret matched. */
bool any_signature_matches(std::string_view list, const std::vector<std::string>& expected) {
  bool matched = false;
  while (!list.empty()) {
    size_t space = list.find(' ');
    std::string_view entry = list.substr(0, space);
    list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
    size_t comma = entry.find(',');
    if (comma == std::string_view::npos || entry.substr(0, comma) != "v1") continue;
    std::string_view given = entry.substr(comma + 1);
    for (const std::string& e : expected)
      if (util::constant_time_equal(given, e)) matched = true;
  }
  return matched;
}

}  // namespace

ParsedWebhookSecret parse_webhook_secret(std::string_view text) {
  ParsedWebhookSecret out;
  text = trim_whitespace(text);
  if (text.substr(0, kWebhookSecretPrefix.size()) == kWebhookSecretPrefix)
    text.remove_prefix(kWebhookSecretPrefix.size());
  if (text.empty()) {
    out.error = "webhook secret is empty";
    return out;
  }
  if (text.size() > kMaxWebhookSecretBytes * 4 / 3 + 4) {
    out.error =
        "webhook secret is too long (at most " + std::to_string(kMaxWebhookSecretBytes) + " bytes)";
    return out;
  }
  if (!is_strict_base64(text)) {
    out.error = "webhook secret is not valid base64 (expected \"whsec_\" followed by base64)";
    return out;
  }
  std::optional<std::string> key = util::base64_decode(text);
  if (!key || key->empty()) {
    out.error = "webhook secret is empty";
    return out;
  }
  if (key->size() > kMaxWebhookSecretBytes) {
    out.error =
        "webhook secret is too long (at most " + std::to_string(kMaxWebhookSecretBytes) + " bytes)";
    return out;
  }
  out.secret = WebhookSecret{std::move(*key)};
  return out;
}

std::optional<WebhookSecret> webhook_secret_from_bytes(std::string_view bytes) {
  if (bytes.empty() || bytes.size() > kMaxWebhookSecretBytes) return std::nullopt;
  return WebhookSecret{std::string(bytes)};
}

bool is_valid_webhook_message_id(std::string_view msg_id) {
  if (msg_id.empty() || msg_id.size() > kMaxMessageIdLength) return false;
  for (char c : msg_id)
    if (c <= 0x20 || c >= 0x7F || c == '.') return false;
  return true;
}

std::string sign_webhook(const WebhookSecret& secret, std::string_view msg_id,
                         int64_t timestamp_seconds, std::string_view body) {
  std::string timestamp = std::to_string(timestamp_seconds);
  util::Sha256Digest mac = util::hmac_sha256(secret.key, {msg_id, ".", timestamp, ".", body});
  return "v1," + util::base64_encode(util::digest_bytes(mac));
}

std::vector<http::Header> webhook_headers(std::span<const WebhookSecret> secrets,
                                          std::string_view msg_id, int64_t timestamp_seconds,
                                          std::string_view body) {
  if (secrets.empty()) throw std::invalid_argument("webhook_headers: no secret");
  if (!is_valid_webhook_message_id(msg_id))
    throw std::invalid_argument("webhook_headers: invalid message id");
  std::string signatures;
  for (const WebhookSecret& s : secrets) {
    if (!signatures.empty()) signatures += ' ';
    signatures += sign_webhook(s, msg_id, timestamp_seconds, body);
  }
  std::vector<http::Header> out;
  out.push_back({std::string(kWebhookIdHeader), std::string(msg_id)});
  out.push_back({std::string(kWebhookTimestampHeader), std::to_string(timestamp_seconds)});
  out.push_back({std::string(kWebhookSignatureHeader), std::move(signatures)});
  return out;
}

/* Checks run in the reference libraries' order (headers, timestamp, then
 * signatures), so a stale message is reported as stale even when its
 * signature is also wrong. */
WebhookVerification verify_webhook(std::span<const http::Header> headers, std::string_view body,
                                   std::span<const WebhookSecret> secrets, int64_t now_seconds,
                                   int64_t tolerance_seconds) {
  using S = WebhookVerifyStatus;
  if (secrets.empty()) return failure(S::kNoSecret, "no webhook secret configured");

  HeaderLookup id = find_single(headers, kWebhookIdHeader);
  HeaderLookup timestamp = find_single(headers, kWebhookTimestampHeader);
  std::string signatures = collect_signatures(headers);
  if (id.value.empty()) return failure(S::kMissingHeader, "missing webhook-id header");
  if (timestamp.value.empty())
    return failure(S::kMissingHeader, "missing webhook-timestamp header");
  if (signatures.empty()) return failure(S::kMissingHeader, "missing webhook-signature header");
  if (id.count > 1) return failure(S::kInvalidHeader, "webhook-id header given more than once");
  if (timestamp.count > 1)
    return failure(S::kInvalidHeader, "webhook-timestamp header given more than once");

  std::optional<int64_t> sent = parse_timestamp(timestamp.value);
  if (!sent)
    return failure(S::kInvalidTimestamp,
                   "invalid webhook-timestamp header (expected integer unix seconds)");
  // Clamped, every sum below stays within +-2e18: no overflow.
  int64_t now = clamp_time(now_seconds);
  int64_t tolerance = std::clamp<int64_t>(tolerance_seconds, 0, kTimeClamp / 2);
  if (now - *sent > tolerance)
    return failure(S::kTimestampTooOld, "message timestamp too old (" +
                                            std::to_string(now - *sent) + " s before now, " +
                                            "tolerance " + std::to_string(tolerance) + " s)");
  if (*sent > now + tolerance)
    return failure(S::kTimestampTooNew, "message timestamp too new (" +
                                            std::to_string(*sent - now) + " s after now, " +
                                            "tolerance " + std::to_string(tolerance) + " s)");

  std::vector<std::string> expected;
  expected.reserve(secrets.size());
  for (const WebhookSecret& s : secrets) {
    std::string signature = sign_webhook(s, id.value, *sent, body);
    expected.push_back(signature.substr(3));  // without "v1,"
  }
  if (!any_signature_matches(signatures, expected))
    return failure(S::kNoMatchingSignature, "no matching signature found");
  return {};
}

}  // namespace pg_gateway::signing
