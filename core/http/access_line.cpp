#include "core/http/access_line.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

#include "core/json/json_writer.hpp"

namespace pg_gateway::http {

// gmtime_r rather than a calendar of our own: it is reentrant, needs no
// time zone data for UTC, and the access log's cost is dominated by the
// server log's write, not by this.
std::string iso8601_utc_ms(int64_t unix_us) {
  if (unix_us < 0) unix_us = 0;
  time_t seconds = time_t(unix_us / 1000000);
  int ms = int((unix_us % 1000000) / 1000);
  struct tm t {};
  gmtime_r(&seconds, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900,
                t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ms);
  return buf;
}

// Backs off over continuation bytes (10xxxxxx) so the cut never splits a
// character: at most three of them follow a lead byte, so at most three
// steps back; a longer run is not UTF-8 anyway and is cut where it is.
std::string_view cut_utf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  for (int back = 0; back < 3 && end > 0; ++back) {
    if ((static_cast<unsigned char>(s[end]) & 0xC0) != 0x80) break;
    --end;
  }
  if ((static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) end = max;
  return s.substr(0, end);
}

namespace {

// A string member, left out when empty.
void optional_string(json::Writer& w, std::string_view key, std::string_view value, size_t max) {
  if (value.empty()) return;
  w.key(key).value(cut_utf8(value, max));
}

// Milliseconds with microsecond precision (the caller has ruled out
// negative values and NaN; infinity would not be JSON either).
std::string milliseconds(double ms) {
  if (std::isinf(ms)) ms = 0;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f", ms);
  return buf;
}

}  // namespace

// Keys in a fixed order (time first), so lines read alike and a grep for
// a prefix finds them.
std::string format_access_line(const AccessRecord& r) {
  json::Writer w;
  w.begin_object();
  w.key("time").value(iso8601_utc_ms(r.at_unix_us));
  w.key("request_id").value(cut_utf8(r.request_id, kMaxRequestIdBytes));
  optional_string(w, "method", r.method, kMaxMethodBytes);
  std::string_view path = cut_utf8(r.path, kMaxPathBytes);
  optional_string(w, "path", path, kMaxPathBytes);
  if (path.size() < r.path.size()) w.key("path_truncated").value(true);
  w.key("status").value(int64_t(r.status));
  optional_string(w, "role", r.role, kMaxRoleBytes);
  optional_string(w, "sub", r.sub, kMaxSubBytes);
  optional_string(w, "operation", r.operation, kMaxOperationBytes);
  if (r.rows >= 0) w.key("rows").value(r.rows);
  if (r.duration_ms >= 0) w.key("duration_ms").raw(milliseconds(r.duration_ms));
  w.key("bytes").value(r.bytes < 0 ? int64_t(0) : r.bytes);
  optional_string(w, "client", r.client, kMaxClientBytes);
  w.end_object();
  return w.take();
}

}  // namespace pg_gateway::http
