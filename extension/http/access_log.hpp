// The JSON access log (pg_gateway.access_log = json): one line per request
// an HTTP worker finishes, written to the server log as a LOG message that
// is nothing but a JSON object (core/http/access_line.hpp says which
// fields, and that no secret is among them). With log_destination =
// jsonlog the object is the "message" field of PostgreSQL's own JSON.
//
// The HTTP worker's RequestScope calls write() when a response is given,
// for a deferred webhook response when it resumes, and
// write_server_response() for the answers the server makes itself (a
// request it could not parse, 408, 503 at capacity). The line is written
// synchronously by the worker: it costs one ereport per request (see
// bench/access_log_cost.sh), and nothing at all while the setting is off.
#pragma once

#include "extension/pg/pg_api.hpp"

#include "core/http/message.hpp"

namespace pg_gateway::http_pg::access_log {

enum class Mode : int { kOff = 0, kJson = 1 };

extern int mode;  // Mode: pg_gateway.access_log

// Read once per request; a reload applies between wake-ups of the worker.
inline bool enabled() { return mode == int(Mode::kJson); }

// Defines pg_gateway.access_log; called once from _PG_init.
void define_settings();

// One line for a request the application answered: `started` is when the
// worker began handling it, `elapsed_ms` how long building the response
// took. Never throws and never fails the request.
void write(const http::Request& request, const http::Response& response, TimestampTz started,
           double elapsed_ms);

// One line for a response the server made without a request it could
// hand to the application: its status, bytes and request id only.
void write_server_response(const http::Response& response);

}  // namespace pg_gateway::http_pg::access_log
