// The HTTP background worker: signal handlers, the database connection
// decision (bgworker/target_database.hpp) and the wait loop around the
// core's HttpServer.
#pragma once

#include "extension/pg/pg_api.hpp"

extern "C" {
// Named in bgw_function_name and found with dlsym, hence C linkage.
PGDLLEXPORT void pg_gateway_http_worker_main(Datum main_arg);
}
