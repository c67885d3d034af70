// SHA-256 (FIPS 180-4). PostGraphile's cursors begin with the first ten hex
// digits of the SHA-256 of their ORDER BY expressions; computing the same
// digest lets cursors from PostGraphile and from us be exchanged.
#pragma once
#include "core/core_zone.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg_gateway::util {

std::array<uint8_t, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);  // 64 lower-case hex digits

}  // namespace pg_gateway::util
