// pg_gateway.* parameters of the HTTP server: addresses, port, workers, connection limits and
// timeouts, CORS, rate limiting.
#include "extension/pg/pg_api.hpp"

#include "extension/http/settings.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/http/cors.hpp"
#include "core/http/listen_socket.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::http_pg::settings {

char* listen_addresses = nullptr;
int port = 8080;
int max_connections = 256;
int max_body_size = 1024 * 1024;
int max_header_size = 16 * 1024;
int header_timeout_ms = 10000;
int body_timeout_ms = 30000;
int keepalive_timeout_ms = 60000;
char* cors_allowed_origins = nullptr;
int debug_fault = 0;
int rate_limit = 0;
int rate_limit_burst = 0;
char* rate_limit_client_header = nullptr;

namespace {

void validate_listen_addresses(const char* value) { http::parse_listen_addresses(value); }

void validate_cors_origins(const char* value) { http::CorsPolicy::parse(value); }

const struct config_enum_entry debug_fault_options[] = {
    {"none", int(DebugFault::kNone), false},
    {"core_exception", int(DebugFault::kCoreException), false},
    {"pg_error", int(DebugFault::kPgError), false},
    {nullptr, 0, false},
};

}  // namespace

void define_settings() {
  pg::settings::define_string(
      {"pg_gateway.listen_addresses", "Comma-separated IP addresses the HTTP workers listen on.",
       "Use * for every address. The default serves only this machine.", PGC_POSTMASTER},
      &listen_addresses, "127.0.0.1", pg::settings::check_string<validate_listen_addresses>);
  pg::settings::define_int(
      {"pg_gateway.port", "TCP port of the HTTP API.", nullptr, PGC_POSTMASTER}, &port, 8080, 1,
      65535);
  pg::settings::define_int(
      {"pg_gateway.max_connections", "Maximum open client connections per HTTP worker.",
       "Connections beyond it are answered 503 and closed.", PGC_SIGHUP},
      &max_connections, 256, 1, 100000);
  pg::settings::define_int({"pg_gateway.max_body_size", "Largest request body accepted.",
                            "Larger bodies are answered 413.", PGC_SIGHUP, GUC_UNIT_BYTE},
                           &max_body_size, 1024 * 1024, 0, 1024 * 1024 * 1024);
  pg::settings::define_int(
      {"pg_gateway.max_header_size", "Largest request line plus header section accepted.",
       "Larger header sections are answered 431.", PGC_SIGHUP, GUC_UNIT_BYTE},
      &max_header_size, 16 * 1024, 1024, 1024 * 1024);
  pg::settings::define_int(
      {"pg_gateway.header_timeout", "Time a client has to send a request's headers.",
       "Counted from the request's first byte; a slow client gets 408 and is disconnected.",
       PGC_SIGHUP, GUC_UNIT_MS},
      &header_timeout_ms, 10000, 100, 3600 * 1000);
  pg::settings::define_int(
      {"pg_gateway.body_timeout",
       "Time a client has to send a request body, or to read a response.",
       "Counted from the end of the headers, or from the last progress in writing.", PGC_SIGHUP,
       GUC_UNIT_MS},
      &body_timeout_ms, 30000, 100, 3600 * 1000);
  pg::settings::define_int(
      {"pg_gateway.keepalive_timeout", "Time an idle keep-alive connection is kept open.", nullptr,
       PGC_SIGHUP, GUC_UNIT_MS},
      &keepalive_timeout_ms, 60000, 100, 3600 * 1000);
  pg::settings::define_string(
      {"pg_gateway.cors_allowed_origins",
       "Origins allowed to call the HTTP API from a browser (CORS).",
       "Empty disables CORS; * allows any origin without credentials; otherwise a comma-separated "
       "list of origins such as https://app.example.com.",
       PGC_SIGHUP},
      &cors_allowed_origins, "", pg::settings::check_string<validate_cors_origins>);
  pg::settings::define_enum(
      {"pg_gateway.debug_fault", "Fault injected into SQL route requests, for tests.",
       "core_exception throws a C++ exception in the core while building the request; pg_error "
       "raises an ERROR inside the request transaction.",
       PGC_SUSET, GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE},
      &debug_fault, int(DebugFault::kNone), debug_fault_options);
  pg::settings::define_int(
      {"pg_gateway.rate_limit", "GraphQL requests per minute each client may make.",
       "A client is the JWT subject (sub) of an authenticated request, else its IP address. Shared "
       "by all HTTP workers. 0: no limit.",
       PGC_SIGHUP},
      &rate_limit, 0, 0, INT_MAX);
  pg::settings::define_int(
      {"pg_gateway.rate_limit_burst", "Requests a client may make at once before the rate applies.",
       "0: the same as pg_gateway.rate_limit (a minute's worth).", PGC_SIGHUP},
      &rate_limit_burst, 0, 0, INT_MAX);
  pg::settings::define_string(
      {"pg_gateway.rate_limit_client_header", "Header holding the client's address behind a proxy.",
       "For example X-Forwarded-For: its last address (the one the proxy added) is the client. Set "
       "it only when every request comes through such a proxy. Empty: the peer address.",
       PGC_SIGHUP},
      &rate_limit_client_header, "");
}

http::ServerConfig server_config() {
  http::ServerConfig c;
  c.listen_addresses = http::parse_listen_addresses(listen_addresses ? listen_addresses : "");
  c.port = port;
  c.max_connections = max_connections;
  c.limits.max_body = size_t(max_body_size);
  c.limits.max_header_bytes = size_t(max_header_size);
  c.limits.max_request_line = std::min<size_t>(size_t(max_header_size), 8 * 1024);
  c.header_timeout_ms = header_timeout_ms;
  c.body_timeout_ms = body_timeout_ms;
  c.keepalive_timeout_ms = keepalive_timeout_ms;
  return c;
}

}  // namespace pg_gateway::http_pg::settings
