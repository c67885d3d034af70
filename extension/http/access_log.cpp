// pg_gateway.access_log and the lines it writes.
#include "extension/pg/pg_api.hpp"

#include "extension/http/access_log.hpp"

#include <string>

#include "core/http/access_line.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::http_pg::access_log {

int mode = int(Mode::kOff);

namespace {

// TimestampTz counts microseconds from 2000-01-01, the line's time from
// 1970-01-01 (as the request log's entries do).
int64_t unix_us(TimestampTz t) {
  return int64_t(t) + int64_t(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * int64_t(USECS_PER_DAY);
}

// The server log gets the object and nothing else: no STATEMENT or
// CONTEXT line a parser would have to skip. pg::log swallows a failure
// to log; formatting can only fail for want of memory, which drops the
// line rather than the request.
void emit(const http::AccessRecord& record) {
  try {
    pg::LogEntry entry{http::format_access_line(record)};
    entry.message_only = true;
    pg::log(entry);
  } catch (...) {
    // Logging must never take a request down with it.
  }
}

}  // namespace

void define_settings() {
  static const struct config_enum_entry mode_options[] = {
      {"off", int(Mode::kOff), false}, {"json", int(Mode::kJson), false}, {nullptr, 0, false}};
  pg::settings::define_enum(
      {"pg_gateway.access_log", "Writes one line per HTTP request to the server log.",
       "off: none; json: a JSON object per request (time, request id, method, path without "
       "the query string, status, role, JWT subject, GraphQL operation, duration, bytes, client "
       "address) as the message of a LOG line. Headers, tokens and bodies are never logged.",
       PGC_SIGHUP},
      &mode, int(Mode::kOff), mode_options);
}

// Everything comes from what the request already carries: the request id
// Application::handle assigned, the annotations the routes set for the
// request log (role, subject, operation), the peer address. HEAD
// responses have no body on the wire; their bytes count as 0.
void write(const http::Request& request, const http::Response& response, TimestampTz started,
           double elapsed_ms) {
  const http::RequestAnnotations& a = request.annotations;
  http::AccessRecord r;
  r.at_unix_us = unix_us(started);
  r.request_id = request.id;
  r.method = request.method_text;
  r.path = request.path;
  r.status = response.status;
  r.role = a.role;
  r.sub = a.jwt_sub;
  r.operation = a.operation_name;
  r.duration_ms = elapsed_ms;
  r.bytes = request.method == http::Method::kHead ? 0 : int64_t(response.body.size());
  r.client = request.remote_addr;
  emit(r);
}

// The request id is the one decorate_server_response put on the response
// (the client's when its headers got that far, else a generated one).
// Called from inside the server core, which must see no exception.
void write_server_response(const http::Response& response) {
  try {
    http::AccessRecord r;
    r.at_unix_us = unix_us(pg::call([] { return GetCurrentTimestamp(); }));
    const std::string* id = response.find_header("X-Request-Id");
    if (id) r.request_id = *id;
    r.status = response.status;
    r.bytes = int64_t(response.body.size());
    emit(r);
  } catch (...) {
    // As emit(): the line is lost, the response is not.
  }
}

}  // namespace pg_gateway::http_pg::access_log
