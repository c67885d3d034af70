// SQLSTATE -> HTTP status, so an error raised in SQL reaches the client with
// a status a client library can act on. Close to PostgREST's table (users
// move between the two), with two differences documented in
// docs/user-guide/http.md: statement timeouts are 504, and class 42 errors
// (undefined objects, syntax) are 500 because route SQL is written by the
// server's owner, not by the client.
#pragma once
#include "core/core_zone.hpp"

#include <string_view>

namespace pg_gateway::http {

// `sqlstate` is the five-character code. "PTnnn" (PostgREST's convention for
// a status chosen in SQL, e.g. RAISE SQLSTATE 'PT402') maps to nnn when nnn
// is a valid 4xx/5xx status.
int http_status_for_sqlstate(std::string_view sqlstate);

}  // namespace pg_gateway::http
