// Small pieces the inbound signature verifiers share: building a refusal,
// strict hex decoding, strict unix-seconds parsing and the tolerance check.
//
// Pure core code: never touches PostgreSQL; throws only std::bad_alloc.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/webhooks/verification.hpp"

namespace pg_gateway::webhooks {

// Most secrets and signatures a verifier looks at; the rest are ignored, so
// one request costs at most kMaxSecrets * kMaxSignatures MACs.
inline constexpr size_t kMaxSecrets = 16;
inline constexpr size_t kMaxSignatures = 16;
// More digits than any plausible unix time, few enough to stay far from
// int64 overflow when the tolerance is added.
inline constexpr size_t kMaxTimestampDigits = 15;

/* A refusal with a fixed reason: callers only ever pass literal text or
 * text they built from public values, never a secret or a signature. */
Verification refuse(Outcome outcome, std::string reason);

/* Hex digits (either case) to bytes; nullopt for an odd length or any
 * other character. Decoding before comparing lets the comparison itself be
 * constant-time over bytes while still accepting upper-case hex. */
std::optional<std::string> decode_hex(std::string_view hex);

/* Strict standard base64 (RFC 4648 section 4): the standard alphabet,
 * then optional '=' padding that completes the last group, and nothing
 * after it. util::base64_decode stops at the first '=' and would accept
 * "<signature>=\r\n<anything>"; a signature must have one spelling. */
std::optional<std::string> decode_base64_strict(std::string_view text);

/* A plain decimal number of seconds: digits only, 1..kMaxTimestampDigits
 * of them (no sign, no spaces, no fraction). */
std::optional<int64_t> parse_unix_seconds(std::string_view text);

/* Whether `timestamp` lies within [now - tolerance, now + tolerance]. A
 * negative tolerance is read as zero. */
bool within_tolerance(int64_t timestamp, const VerifyOptions& options);

}  // namespace pg_gateway::webhooks
