// Standard base64 (RFC 4648 section 4, with padding), for PostGraphile's
// global object ids and cursors, which are base64 of a JSON array.
#pragma once
#include "core/core_zone.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace pg_gateway::util {

std::string base64_encode(std::string_view bytes);

// Decodes like Node's Buffer.from(s, "base64"), which PostGraphile uses:
// the URL-safe alphabet is accepted too, padding is optional, and decoding
// stops at the first '='. Any other character makes the input invalid
// (Node skips it; refusing is stricter and only turns garbage ids into
// "not found" sooner).
std::optional<std::string> base64_decode(std::string_view text);

// base64url without padding (RFC 7515 section 2), as JWS uses it.
std::string base64url_encode(std::string_view bytes);
// Strict base64url: the URL-safe alphabet only, no padding, and no
// non-zero bits left over in the last character, so every byte string has
// exactly one accepted encoding. nullopt for anything else.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace pg_gateway::util
