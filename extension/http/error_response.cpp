#include "extension/pg/pg_api.hpp"

#include "extension/http/error_response.hpp"

#include "core/http/sqlstate_status.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/transaction.hpp"

namespace pg_gateway::http_pg {

http::Response response_for_pg_error(const pg::PgError& error, const http::Request& request) {
  if (error.sqlstate == "57014" && pg::cancelled_for_shutdown()) {
    pg::log("pg_gateway: " + request.method_text + " " + request.path +
            " cancelled: still running pg_gateway.shutdown_timeout after SIGTERM");
    http::Response r = http::json_error(
        503, "57P01", "request cancelled because the server is shutting down",
        "It was still running pg_gateway.shutdown_timeout after the worker was asked to stop.",
        "retry the request");
    r.close = true;
    return r;
  }
  int status = http::http_status_for_sqlstate(error.sqlstate);
  if (status >= 500) {
    // Server-side failures belong in the server log too, with the request.
    pg::log("pg_gateway: " + request.method_text + " " + request.path + " failed with SQLSTATE " +
            error.sqlstate + ": " + error.message);
  }
  return http::json_error(status, error.sqlstate, error.message, error.detail, error.hint);
}

}  // namespace pg_gateway::http_pg
