// How a PostgreSQL error raised while serving a request reaches the client:
// status from the SQLSTATE (core/http/sqlstate_status.hpp), and a JSON body
// with the SQLSTATE as "code" and PostgreSQL's message, detail and hint.
#pragma once

#include "core/http/message.hpp"
#include "extension/pg/guard.hpp"

namespace pg_gateway::http_pg {

http::Response response_for_pg_error(const pg::PgError& error, const http::Request& request);

}  // namespace pg_gateway::http_pg
