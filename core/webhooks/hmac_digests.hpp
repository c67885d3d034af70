// HMAC-SHA1 and HMAC-SHA512 for inbound webhook verifiers (Twilio signs
// with SHA-1; generic schemes may pick SHA-512), a strict hex decoder for
// signatures sent as hex, and the timestamp checks the timestamped schemes
// share. core/util has only SHA-256 (hmac_sha256); these use libcrypto,
// which core already links for JWT signatures (core/auth/jwt_keys.cpp).
//
// Pure core code: throws only std::bad_alloc.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/webhooks/verification.hpp"

namespace pg_gateway::webhooks {

// The raw MAC bytes (20 and 64 bytes). Any key length is valid.
std::string hmac_sha1_bytes(std::string_view key, std::string_view message);
std::string hmac_sha512_bytes(std::string_view key, std::string_view message);

// Hex digits (either case) to bytes; nullopt for an odd length or any
// other character (no whitespace, no "0x").
std::optional<std::string> hex_decode(std::string_view hex);

// Lower-case hex of arbitrary bytes.
std::string hex_encode(std::string_view bytes);

// A unix-seconds header value: ASCII digits only (no sign, no spaces), at
// most 18 of them so it fits int64_t. nullopt otherwise.
std::optional<int64_t> parse_unix_seconds(std::string_view text);

// Whether `timestamp_s` is within options.tolerance_s of options.now_s,
// either way (the edge itself is accepted).
bool within_tolerance(int64_t timestamp_s, const VerifyOptions& options);

// A header value fit to compare as a signature: no CR, LF or NUL (a value
// that carries them was smuggled, and never verifies).
bool has_control_bytes(std::string_view value);

}  // namespace pg_gateway::webhooks
