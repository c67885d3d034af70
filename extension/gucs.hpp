// pg_gateway.* configuration parameters.
//
// Parameters that shape the process model (database, listen_addresses,
// port, http_workers) need a restart; the rest take effect on SIGHUP /
// pg_reload_conf() at the next request or connection.
#pragma once

#include "core/http/server.hpp"

namespace pg_gateway::gucs {

enum class DebugFault { kNone = 0, kCoreException = 1, kPgError = 2 };

extern char* database;
extern char* listen_addresses;
extern int port;
extern int http_workers;
extern int job_workers;      // job queue workers (restart)
extern int job_concurrency;  // network tasks in flight per job worker
extern char* smtp_url;       // the email task's SMTP server ("" : none)
extern char* smtp_username;
extern char* smtp_password;        // superuser-only
extern int job_poll_interval_ms;   // idle job workers look for due jobs this often
extern int job_retention_s;        // finished jobs are deleted after this
extern char* job_forbidden_flags;  // comma-separated flags the job workers skip
extern int max_connections;
extern int max_body_size;
extern int max_header_size;
extern int header_timeout_ms;
extern int body_timeout_ms;
extern int keepalive_timeout_ms;
extern int shutdown_timeout_ms;
extern int statement_timeout_ms;
extern char* cors_allowed_origins;
extern int debug_fault;
// GraphQL (extension/graphql_route.cpp)
extern char* graphql_path;  // "" disables the GraphQL endpoint
extern char* schemas;       // comma-separated schema names the GraphQL schema reflects
extern int plan_cache_size;
extern bool mask_errors;
extern char* anonymous_role;      // "" : the worker's own user (development only)
extern char* authenticator_role;  // whose privileges shape the schema; "" : anonymous_role
// JWT (extension/request_auth.cpp)
extern char* jwt_secret;  // superuser-only: secret, JWK/JWKS, PEM, or @file
extern char* jwt_algorithms;
extern char* jwt_audience;
extern char* jwt_issuer;
extern int jwt_leeway_s;
extern char* jwt_role_claim;
extern char* jwt_cookie;
extern int jwt_cache_size;
extern bool role_schemas;               // a schema per request role (else authenticator_role's)
extern int rate_limit;                  // GraphQL requests per minute per client (0: off)
extern int rate_limit_burst;            // bucket size (0: rate_limit)
extern char* rate_limit_client_header;  // X-Forwarded-For behind a trusted proxy
extern int trusted_documents;           // 0 off, 1 allow, 2 only
extern int introspection;               // 0 on, 1 authenticated, 2 off
extern int max_query_depth;  // GraphQL operation limits (core/graphql/execution/limits.hpp)
extern int max_aliases;
extern int max_root_fields;
extern int max_query_cost;
extern int default_page_size;
extern int max_page_size;
extern int max_document_size;
extern char* jwt_type;           // PostGraphile's pgJwtTypes: tokens issued from this type
extern bool jwt_cookie_secure;   // Secure attribute of the token cookie
extern int jwt_cookie_samesite;  // 0 Strict, 1 Lax, 2 None
extern char* logout_path;        // POST here clears the token cookie
extern char* csrf_header;        // a header that proves a cookie request same-origin
extern char* pre_request;        // function run before each operation (PostgREST's db-pre-request)

// Defines every parameter and reserves the pg_gateway. prefix. Called once
// from _PG_init in the postmaster.
void define_all();

// The server settings as currently configured (after a reload, too).
http::ServerConfig server_config();

}  // namespace pg_gateway::gucs
