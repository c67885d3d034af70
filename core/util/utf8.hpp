// UTF-8 validation and encoding shared by the JSON writer, the JSON parser
// and the GraphQL lexer.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg_gateway::util {

// Length (1-4) of the valid UTF-8 sequence starting at s[i], or 0 if it is
// invalid: overlong forms, encoded surrogates and code points above
// U+10FFFF are invalid. Requires i < s.size().
size_t valid_utf8_length(std::string_view s, size_t i);

// Appends the UTF-8 encoding of code point `cp` (at most U+10FFFF).
void append_utf8(std::string& out, uint32_t cp);

}  // namespace pg_gateway::util
