#include "core/webhooks/verifier_support.hpp"

#include <algorithm>

#include "core/util/base64.hpp"

namespace pg_gateway::webhooks {

namespace {

/* The value of one hex digit, or -1. */
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

/* See the header: the one place refusals are built. */
Verification refuse(Outcome outcome, std::string reason) {
  Verification v;
  v.outcome = outcome;
  v.reason = std::move(reason);
  return v;
}

/* See the header. */
std::optional<std::string> decode_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_value(hex[i]);
    int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

/* Validates the shape, then lets util::base64_decode do the decoding;
 * a lone trailing character (length % 4 == 1) carries under 8 bits. */
std::optional<std::string> decode_base64_strict(std::string_view text) {
  size_t data_end = text.find('=');
  if (data_end == std::string_view::npos) data_end = text.size();
  for (size_t i = 0; i < data_end; ++i)
    if (!is_base64_char(text[i])) return std::nullopt;
  for (size_t i = data_end; i < text.size(); ++i)
    if (text[i] != '=') return std::nullopt;
  size_t padding = text.size() - data_end;
  if (data_end % 4 == 1) return std::nullopt;
  if (padding > 0 && (padding > 2 || text.size() % 4 != 0)) return std::nullopt;
  return util::base64_decode(text);
}

/* See the header. */
std::optional<int64_t> parse_unix_seconds(std::string_view text) {
  if (text.empty() || text.size() > kMaxTimestampDigits) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

/* Clamps both sides so that a huge now_s or tolerance_s from a caller
 * cannot overflow; timestamps are at most 15 digits already. */
bool within_tolerance(int64_t timestamp, const VerifyOptions& options) {
  constexpr int64_t kClamp = 1'000'000'000'000'000;  // 1e18
  int64_t now = std::clamp<int64_t>(options.now_s, -kClamp, kClamp);
  int64_t tolerance = std::clamp<int64_t>(options.tolerance_s, 0, kClamp);
  return timestamp >= now - tolerance && timestamp <= now + tolerance;
}

}  // namespace pg_gateway::webhooks
