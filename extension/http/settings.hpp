// pg_gateway.* parameters of the HTTP server: addresses, port, workers, connection limits and
// timeouts, CORS, rate limiting
// (defined in settings.cpp, which also says what each one means). Values
// change on SIGHUP / pg_reload_conf() unless the parameter says restart.
#pragma once

#include "core/http/server.hpp"

namespace pg_gateway::http_pg::settings {

enum class DebugFault { kNone = 0, kCoreException = 1, kPgError = 2 };

extern char* listen_addresses;
extern int port;
extern int max_connections;
extern int max_body_size;
extern int max_header_size;
extern int header_timeout_ms;
extern int body_timeout_ms;
extern int keepalive_timeout_ms;
extern char* cors_allowed_origins;
extern int debug_fault;       // DebugFault: fault injected into SQL route requests, for tests
extern int rate_limit;        // GraphQL requests per minute per client (0: off)
extern int rate_limit_burst;  // bucket size (0: rate_limit)
extern char* rate_limit_client_header;  // X-Forwarded-For behind a trusted proxy

// The server settings as currently configured (after a reload, too).
http::ServerConfig server_config();

// Defines these parameters; called once from _PG_init.
void define_settings();

}  // namespace pg_gateway::http_pg::settings
