// HMAC-SHA1 and HMAC-SHA512 for inbound webhook verifiers (Twilio signs
// with SHA-1; generic schemes may pick SHA-512), hex output, and the
// control-byte check of signature headers. The hex decoder and the
// timestamp checks every scheme shares are in verifier_support.hpp. core/util has only SHA-256
// (hmac_sha256); these use libcrypto, which core already links for JWT signatures
// (core/auth/jwt_keys.cpp).
//
// Pure core code: throws only std::bad_alloc.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/webhooks/verification.hpp"
#include "core/webhooks/verifier_support.hpp"

namespace pg_gateway::webhooks {

// The raw MAC bytes (20 and 64 bytes). Any key length is valid.
std::string hmac_sha1_bytes(std::string_view key, std::string_view message);
std::string hmac_sha512_bytes(std::string_view key, std::string_view message);

// Lower-case hex of arbitrary bytes.
std::string hex_encode(std::string_view bytes);

// A header value fit to compare as a signature: no CR, LF or NUL (a value
// that carries them was smuggled, and never verifies).
bool has_control_bytes(std::string_view value);

}  // namespace pg_gateway::webhooks
