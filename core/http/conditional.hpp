// Conditional requests (RFC 9110 section 13): entity tags and If-None-Match.
//
// pg_gateway answers a GET whose If-None-Match names the current entity tag
// with 304 Not Modified. If-None-Match uses the weak comparison (13.1.2):
// W/"x" matches "x". "*" matches any current representation. A header that
// does not parse matches nothing (the request then runs as if it had no
// condition), which is what RFC 9110 asks of a server that cannot evaluate
// a condition it does not understand: ignore it.
//
// Pure core code: never touches PostgreSQL.
#pragma once
#include "core/core_zone.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg_gateway::http {

// A strong entity tag ("..." with the quotes) from a digest: its first 18
// bytes as base64url, 24 characters that are all etagc.
std::string strong_etag(const std::array<uint8_t, 32>& digest);

// Whether `if_none_match` (the header's value) matches the entity tag
// `etag` (a strong tag with its quotes).
bool if_none_match_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace pg_gateway::http
