// Internal to the crontab parser: the pieces of JavaScript string semantics
// that Graphile Worker's crontab syntax inherits (what `\s`, `.` and trim()
// mean, how Node's querystring.parse splits and decodes options), written
// for UTF-8 text that has already been validated.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pg_gateway::jobs::crontab_text {

// Byte length of the JavaScript whitespace or line terminator (what `\s`
// and String.prototype.trim() treat as blank, Unicode spaces included) that
// starts at s[i], or 0. Requires i < s.size().
size_t js_space_length(std::string_view s, size_t i);

// Byte length of a JavaScript line terminator (\n, \r, U+2028, U+2029: the
// characters `.` does not match) at s[i], or 0. Requires i < s.size().
size_t js_line_terminator_length(std::string_view s, size_t i);

bool contains_js_line_terminator(std::string_view s);

// s without leading and trailing JavaScript whitespace.
std::string_view js_trim(std::string_view s);

// User text quoted in an error message: cut to at most 200 bytes on a
// character boundary (with "..." when cut), so a hostile line cannot make a
// huge message, with invalid UTF-8 replaced and NUL written as \u0000
// (messages end up in PostgreSQL's log and errors: C strings of valid text).
std::string for_message(std::string_view s);

// One key of the object Node's querystring.parse() returns: `values` has one
// entry for a key given once, more when repeated (Node makes those an array).
struct QueryEntry {
  std::string key;
  std::vector<std::string> values;
};

// Node's querystring.parse(text) for "&" and "=": "+" is a space, %XX
// escapes are decoded like decodeURIComponent or, when that would throw,
// like Node's lenient unescapeBuffer (bad escapes kept, bad UTF-8 becoming
// U+FFFD); at most 1000 pairs are read. Entries come in JavaScript property
// order: array-index keys ("0", "7") ascending first, then the others in
// order of first appearance.
std::vector<QueryEntry> parse_querystring(std::string_view text);

// The bytes decoded as UTF-8 the way the WHATWG decoder (Node's
// Buffer.toString) does it: each maximal invalid subpart becomes U+FFFD.
std::string decode_utf8_lossy(std::string_view bytes);

}  // namespace pg_gateway::jobs::crontab_text
