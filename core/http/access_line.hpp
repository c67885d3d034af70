// One line of the JSON access log (pg_gateway.access_log = json): what a
// finished HTTP request was, as one JSON object on one line, without
// anything secret. The extension (extension/http/access_log.cpp) fills an
// AccessRecord from the request and response and hands the line to the
// server log; the formatting lives here so it can be tested without a
// server.
//
// What is never in a line: headers, cookies, tokens, bodies and the query
// string (the record has no field for them, so no caller can add one by
// mistake). Every string field is cut to a bound at a character boundary,
// and escaped by the core JSON writer, which replaces invalid UTF-8: a
// hostile path can make neither a second line nor invalid JSON.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg_gateway::http {

// Bounds (bytes) on each string field. A path longer than kMaxPathBytes is
// cut and the line says "path_truncated":true.
inline constexpr size_t kMaxPathBytes = 512;
inline constexpr size_t kMaxMethodBytes = 32;
inline constexpr size_t kMaxRequestIdBytes = 128;
inline constexpr size_t kMaxRoleBytes = 64;  // NAMEDATALEN
inline constexpr size_t kMaxSubBytes = 256;
inline constexpr size_t kMaxOperationBytes = 256;
inline constexpr size_t kMaxClientBytes = 64;

// Views into the request and response; nothing is copied until the line
// is written. Empty strings and negative numbers (NaN too) mean "not
// known" and leave their field out: time, request_id, status and bytes
// are always written; method and path are missing only from the answers
// the server makes to requests it could not parse, duration_ms from those
// too.
struct AccessRecord {
  int64_t at_unix_us = 0;  // when the worker started handling the request
  std::string_view request_id;
  std::string_view method;
  std::string_view path;  // without the query string (callers pass Request::path)
  int status = 0;
  std::string_view role;
  std::string_view sub;        // the verified JWT's subject
  std::string_view operation;  // GraphQL operation name
  int64_t rows = -1;
  double duration_ms = -1;
  int64_t bytes = 0;  // response body bytes sent
  std::string_view client;
};

// "2026-12-07T20:49:39.123Z": UTC, milliseconds (truncated, not rounded).
std::string iso8601_utc_ms(int64_t unix_us);

// The longest prefix of `s` of at most `max` bytes that does not end
// inside a UTF-8 sequence (a sequence that is invalid anyway is left for
// the JSON writer to replace).
std::string_view cut_utf8(std::string_view s, size_t max);

// The JSON object, no trailing newline.
std::string format_access_line(const AccessRecord& record);

}  // namespace pg_gateway::http
