// HMAC-SHA256 (RFC 2104 with SHA-256, test vectors in RFC 4231), for
// Standard Webhooks signatures on outgoing HTTP jobs and for verifying
// signed requests. Built on the one-shot sha256() of core/util/sha256.hpp.
#pragma once
#include "core/core_zone.hpp"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace pg_gateway::util {

using Sha256Digest = std::array<uint8_t, 32>;

// HMAC-SHA256 under `key` of the concatenation of `message_parts`. Signing
// schemes MAC a joined string ("{id}.{timestamp}.{body}"); taking the parts
// lets the body be copied once, into the inner hash input, instead of being
// joined first and copied again. Any key length is valid (keys longer than
// the 64-byte block are hashed first, as RFC 2104 says).
Sha256Digest hmac_sha256(std::string_view key,
                         std::initializer_list<std::string_view> message_parts);

inline Sha256Digest hmac_sha256(std::string_view key, std::string_view message) {
  return hmac_sha256(key, {message});
}

// The digest as a byte string (for base64_encode) or as 64 lower-case hex digits.
std::string digest_bytes(const Sha256Digest& digest);
std::string digest_hex(const Sha256Digest& digest);

// Equality whose running time depends only on the lengths, never on where
// the inputs differ, so comparing a received MAC with the expected one does
// not leak how many leading bytes an attacker got right. Lengths are public
// (a MAC's length is fixed by its scheme), so different lengths return false
// at once.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace pg_gateway::util
