#include "extension/pg_api.hpp"

#include "extension/gucs.hpp"

extern "C" {
#include "utils/varlena.h"
}

#include "core/auth/claim_path.hpp"
#include "core/auth/jwt_keys.hpp"
#include "core/http/cors.hpp"
#include "core/http/listen_socket.hpp"
#include "extension/pg_guard.hpp"

namespace pg_gateway::gucs {

char* database = nullptr;
char* listen_addresses = nullptr;
int port = 8080;
int http_workers = 2;
int job_workers = 1;
int job_concurrency = 10;
char* smtp_url = nullptr;
char* smtp_username = nullptr;
char* smtp_password = nullptr;
int job_poll_interval_ms = 2000;
int job_retention_s = 7 * 24 * 3600;
char* job_forbidden_flags = nullptr;
int max_connections = 256;
int max_body_size = 1024 * 1024;
int max_header_size = 16 * 1024;
int header_timeout_ms = 10000;
int body_timeout_ms = 30000;
int keepalive_timeout_ms = 60000;
int shutdown_timeout_ms = 10000;
int statement_timeout_ms = 30000;
char* cors_allowed_origins = nullptr;
int debug_fault = 0;
char* graphql_path = nullptr;
char* schemas = nullptr;
int plan_cache_size = 256;
bool mask_errors = false;
char* anonymous_role = nullptr;
char* authenticator_role = nullptr;
char* jwt_secret = nullptr;
char* jwt_algorithms = nullptr;
char* jwt_audience = nullptr;
char* jwt_issuer = nullptr;
int jwt_leeway_s = 30;
char* jwt_role_claim = nullptr;
char* jwt_cookie = nullptr;
int jwt_cache_size = 1000;
char* pre_request = nullptr;
char* jwt_type = nullptr;
int introspection = 0;      // on
int trusted_documents = 0;  // off
int rate_limit = 0;
int rate_limit_burst = 0;
char* rate_limit_client_header = nullptr;
bool role_schemas = true;
int max_query_depth = 16;
int max_aliases = 256;
int max_root_fields = 64;
int max_query_cost = 0;
int default_page_size = 0;
int max_page_size = 0;
int max_document_size = 1024 * 1024;
bool jwt_cookie_secure = true;
int jwt_cookie_samesite = 1;  // Lax
char* logout_path = nullptr;
char* csrf_header = nullptr;

namespace {

const struct config_enum_entry debug_fault_options[] = {
    {"none", int(DebugFault::kNone), false},
    {"core_exception", int(DebugFault::kCoreException), false},
    {"pg_error", int(DebugFault::kPgError), false},
    {nullptr, 0, false},
};

// GUC check hooks are callbacks from PostgreSQL's C code: no exception may
// leave them, so each validates inside try/catch and reports through
// GUC_check_errdetail after the catch block.
bool check_listen_addresses(char** newval, void** extra, GucSource source) {
  (void)extra;
  (void)source;
  pg::CaughtError err;
  try {
    http::parse_listen_addresses(*newval ? *newval : "");
    return true;
  } catch (const std::exception& e) {
    err.set(e);
  }
  GUC_check_errdetail("%s", err.detail[0] ? err.detail : err.message);
  return false;
}

bool check_cors_origins(char** newval, void** extra, GucSource source) {
  (void)extra;
  (void)source;
  pg::CaughtError err;
  try {
    http::CorsPolicy::parse(*newval ? *newval : "");
    return true;
  } catch (const std::exception& e) {
    err.set(e);
  }
  GUC_check_errdetail("%s", err.detail[0] ? err.detail : err.message);
  return false;
}

// The message of a rejected value, kept in a plain buffer so that no C++
// object is alive when GUC_check_errdetail (which can ereport) runs.
char check_message[512];

bool check_jwt_algorithms(char** newval, void** extra, GucSource source) {
  (void)extra;
  (void)source;
  try {
    auth::parse_algorithm_list(*newval ? *newval : "");
    return true;
  } catch (const std::exception& e) {
    snprintf(check_message, sizeof check_message, "%s", e.what());
  }
  GUC_check_errdetail(
      "%s; accepted: HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, "
      "PS512, ES256, ES384, ES512, EdDSA.",
      check_message);
  return false;
}

bool check_jwt_role_claim(char** newval, void** extra, GucSource source) {
  (void)extra;
  (void)source;
  try {
    auth::ClaimPath::parse(*newval && **newval ? *newval : "role");
    return true;
  } catch (const std::exception& e) {
    snprintf(check_message, sizeof check_message, "%s", e.what());
  }
  GUC_check_errdetail("%s.", check_message);
  return false;
}

// A cookie name is an RFC 9110 token ("" : no cookie).
bool check_jwt_cookie(char** newval, void** extra, GucSource source) {
  (void)extra;
  (void)source;
  for (const char* c = *newval ? *newval : ""; *c; ++c) {
    unsigned char u = static_cast<unsigned char>(*c);
    if (u <= 0x20 || u >= 0x7F || strchr("()<>@,;:\\\"/[]?={}", *c)) {
      GUC_check_errdetail("A cookie name is letters, digits and !#$%%&'*+-.^_`|~ only.");
      return false;
    }
  }
  return true;
}

// The GraphQL path must be a plain origin-form path that the built-in
// routes do not already own; "" turns the endpoint off.
bool check_graphql_path(char** newval, void** extra, GucSource source) {
  (void)extra;
  (void)source;
  const char* p = *newval ? *newval : "";
  if (!*p) return true;
  if (*p != '/') {
    GUC_check_errdetail("The GraphQL path must start with \"/\".");
    return false;
  }
  for (const char* c = p; *c; ++c) {
    unsigned char u = static_cast<unsigned char>(*c);
    if (u <= 0x20 || u >= 0x7F || *c == '?' || *c == '#') {
      GUC_check_errdetail(
          "The GraphQL path holds only URL path characters, without a query string.");
      return false;
    }
  }
  if (strcmp(p, "/live") == 0 || strcmp(p, "/ready") == 0 || strcmp(p, "/ready/write") == 0) {
    GUC_check_errdetail("\"%s\" is a built-in route of pg_gateway.", p);
    return false;
  }
  return true;
}

// A list of schema names as search_path spells them (quotes keep case).
bool check_schemas(char** newval, void** extra, GucSource source) {
  (void)extra;
  (void)source;
  char* copy = pstrdup(*newval ? *newval : "");
  List* names = NIL;
  bool ok = SplitIdentifierString(copy, ',', &names);
  int count = list_length(names);
  list_free(names);
  pfree(copy);
  if (!ok) {
    GUC_check_errdetail("List syntax is invalid.");
    return false;
  }
  if (count == 0) {
    GUC_check_errdetail("Name at least one schema.");
    return false;
  }
  return true;
}

}  // namespace

void define_all() {
  DefineCustomStringVariable("pg_gateway.database", "Database the HTTP workers connect to.",
                             "Like cron.database_name: one target database per cluster.", &database,
                             "postgres", PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.listen_addresses", "Comma-separated IP addresses the HTTP workers listen on.",
      "Use * for every address. The default serves only this machine.", &listen_addresses,
      "127.0.0.1", PGC_POSTMASTER, 0, check_listen_addresses, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.port", "TCP port of the HTTP API.", nullptr, &port, 8080, 1,
                          65535, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "pg_gateway.job_workers", "Number of job queue background workers.",
      "Each runs one SQL task at a time; 0 runs no jobs (they wait in gateway.jobs).", &job_workers,
      1, 0, 32, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "pg_gateway.job_concurrency", "Network tasks (http) each job worker runs at once.",
      "SQL tasks run one at a time; http requests are started while fewer than this are in "
      "flight.",
      &job_concurrency, 10, 1, 1000, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.smtp_url", "SMTP server the email task sends through.",
      "smtp://host:port (STARTTLS when offered) or smtps://host:port; empty: email jobs fail.",
      &smtp_url, "", PGC_SIGHUP, GUC_SUPERUSER_ONLY, nullptr, nullptr, nullptr);
  DefineCustomStringVariable("pg_gateway.smtp_username", "User name for SMTP AUTH.",
                             "Empty: no authentication.", &smtp_username, "", PGC_SIGHUP,
                             GUC_SUPERUSER_ONLY, nullptr, nullptr, nullptr);
  // A secret: only superusers can read or set it (PGC_SUSET semantics via
  // GUC_SUPERUSER_ONLY for reading; postgresql.conf / ALTER SYSTEM to set).
  DefineCustomStringVariable("pg_gateway.smtp_password", "Password for SMTP AUTH.", nullptr,
                             &smtp_password, "", PGC_SIGHUP, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL,
                             nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "pg_gateway.job_poll_interval", "How often idle job workers look for due jobs.",
      "Enqueuing wakes them at commit; polling finds jobs whose run_at arrives and rows "
      "inserted into gateway.jobs by hand.",
      &job_poll_interval_ms, 2000, 10, 3600 * 1000, PGC_SIGHUP, GUC_UNIT_MS, nullptr, nullptr,
      nullptr);
  DefineCustomIntVariable(
      "pg_gateway.job_retention", "How long finished jobs are kept.",
      "Succeeded and permanently failed jobs older than this are deleted by the job workers; "
      "0 deletes them at once.",
      &job_retention_s, 7 * 24 * 3600, 0, INT_MAX, PGC_SIGHUP, GUC_UNIT_S, nullptr, nullptr,
      nullptr);
  DefineCustomStringVariable(
      "pg_gateway.job_forbidden_flags", "Flags of jobs the job workers leave alone.",
      "A comma-separated list, as Graphile Worker's forbiddenFlags: a job carrying any of "
      "these flags (add_job's flags) waits until the setting no longer names it.",
      &job_forbidden_flags, "", PGC_SIGHUP, GUC_LIST_INPUT, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.http_workers", "Number of HTTP background workers.",
                          "Each is a background worker counted against max_worker_processes.",
                          &http_workers, 2, 0, 64, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.max_connections",
                          "Maximum open client connections per HTTP worker.",
                          "Connections beyond it are answered 503 and closed.", &max_connections,
                          256, 1, 100000, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.max_body_size", "Largest request body accepted.",
                          "Larger bodies are answered 413.", &max_body_size, 1024 * 1024, 0,
                          1024 * 1024 * 1024, PGC_SIGHUP, GUC_UNIT_BYTE, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.max_header_size",
                          "Largest request line plus header section accepted.",
                          "Larger header sections are answered 431.", &max_header_size, 16 * 1024,
                          1024, 1024 * 1024, PGC_SIGHUP, GUC_UNIT_BYTE, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "pg_gateway.header_timeout", "Time a client has to send a request's headers.",
      "Counted from the request's first byte; a slow client gets 408 and is disconnected.",
      &header_timeout_ms, 10000, 100, 3600 * 1000, PGC_SIGHUP, GUC_UNIT_MS, nullptr, nullptr,
      nullptr);
  DefineCustomIntVariable(
      "pg_gateway.body_timeout", "Time a client has to send a request body, or to read a response.",
      "Counted from the end of the headers, or from the last progress in writing.",
      &body_timeout_ms, 30000, 100, 3600 * 1000, PGC_SIGHUP, GUC_UNIT_MS, nullptr, nullptr,
      nullptr);
  DefineCustomIntVariable("pg_gateway.keepalive_timeout",
                          "Time an idle keep-alive connection is kept open.", nullptr,
                          &keepalive_timeout_ms, 60000, 100, 3600 * 1000, PGC_SIGHUP, GUC_UNIT_MS,
                          nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.shutdown_timeout",
                          "Time an HTTP worker spends finishing requests in flight after SIGTERM.",
                          "After it, remaining connections are closed and the worker exits.",
                          &shutdown_timeout_ms, 10000, 0, 3600 * 1000, PGC_SIGHUP, GUC_UNIT_MS,
                          nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "pg_gateway.statement_timeout", "Statement timeout for the SQL a request runs.",
      "0 disables it. A request that runs longer is cancelled and answered 504.",
      &statement_timeout_ms, 30000, 0, INT_MAX, PGC_SIGHUP, GUC_UNIT_MS, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.cors_allowed_origins",
      "Origins allowed to call the HTTP API from a browser (CORS).",
      "Empty disables CORS; * allows any origin without credentials; otherwise a "
      "comma-separated list of origins such as https://app.example.com.",
      &cors_allowed_origins, "", PGC_SIGHUP, 0, check_cors_origins, nullptr, nullptr);
  DefineCustomEnumVariable(
      "pg_gateway.debug_fault", "Fault injected into SQL route requests, for tests.",
      "core_exception throws a C++ exception in the core while building the request; "
      "pg_error raises an ERROR inside the request transaction.",
      &debug_fault, int(DebugFault::kNone), debug_fault_options, PGC_SUSET,
      GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.graphql_path", "HTTP path of the GraphQL endpoint.",
      "POST and GET requests to this path run GraphQL; an empty string turns the endpoint off.",
      &graphql_path, "/graphql", PGC_SIGHUP, 0, check_graphql_path, nullptr, nullptr);
  DefineCustomStringVariable("pg_gateway.schemas", "Schemas the GraphQL schema is built from.",
                             "A comma-separated list of schema names, written as in search_path.",
                             &schemas, "public", PGC_SIGHUP, GUC_LIST_INPUT, check_schemas, nullptr,
                             nullptr);
  DefineCustomIntVariable(
      "pg_gateway.plan_cache_size", "Prepared GraphQL statements kept per HTTP worker.",
      "Least recently used plans are freed beyond it; 0 prepares every statement afresh.",
      &plan_cache_size, 256, 0, 100000, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomBoolVariable(
      "pg_gateway.mask_errors", "Hide PostgreSQL error messages from GraphQL clients.",
      "When on, a database error reaches the client as \"An error occurred (logged with hash: "
      "..., id: ...)\" and its text goes to the server log, as PostGraphile does.",
      &mask_errors, false, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.anonymous_role", "Role that GraphQL requests run as.",
      "Must not be a superuser. Empty runs them as the workers' own (superuser) connection and "
      "logs a warning: for development only.",
      &anonymous_role, "", PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.authenticator_role",
      "Role whose privileges decide what the GraphQL schema offers.",
      "Like the role PostGraphile connects as: the schema has the tables, columns, functions and "
      "mutations that this role or any role it is a member of may use. Empty: "
      "pg_gateway.anonymous_role.",
      &authenticator_role, "", PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  // A secret: only superusers can read or set it, and SHOW ALL leaves it out.
  DefineCustomStringVariable(
      "pg_gateway.jwt_secret", "Key(s) that verify JSON Web Tokens.",
      "An HMAC secret (at least 32 bytes), a JWK or JWKS document, a PEM public key, or "
      "@/path/to/a/file holding one. Empty: requests with a token are refused.",
      &jwt_secret, "", PGC_SIGHUP, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.jwt_algorithms", "JWS algorithms accepted in tokens.",
      "Comma-separated; empty accepts every supported algorithm that fits the configured keys. "
      "\"none\" is never accepted.",
      &jwt_algorithms, "", PGC_SIGHUP, GUC_LIST_INPUT, check_jwt_algorithms, nullptr, nullptr);
  DefineCustomStringVariable("pg_gateway.jwt_audience", "Audiences a token must name in \"aud\".",
                             "Comma-separated; empty does not check \"aud\".", &jwt_audience, "",
                             PGC_SIGHUP, GUC_LIST_INPUT, nullptr, nullptr, nullptr);
  DefineCustomStringVariable("pg_gateway.jwt_issuer", "Issuer a token's \"iss\" must equal.",
                             "Empty does not check \"iss\".", &jwt_issuer, "", PGC_SIGHUP, 0,
                             nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.jwt_leeway", "Clock skew allowed for exp, nbf and iat.",
                          nullptr, &jwt_leeway_s, 30, 0, 3600, PGC_SIGHUP, GUC_UNIT_S, nullptr,
                          nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.jwt_role_claim", "Where the role is in a token's claims.",
      "A claim name or a JSONPath such as $.app.role or $[\"https://example.com/claims\"].role; "
      "a token without it runs as pg_gateway.anonymous_role.",
      &jwt_role_claim, "role", PGC_SIGHUP, 0, check_jwt_role_claim, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.jwt_cookie", "Cookie that may carry the token.",
      "Empty: tokens come from the Authorization header only (which wins when both are sent).",
      &jwt_cookie, "", PGC_SIGHUP, 0, check_jwt_cookie, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.jwt_cache_size", "Verified tokens kept per HTTP worker.",
                          "0 verifies every token's signature on every request.", &jwt_cache_size,
                          1000, 0, 1000000, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.pre_request", "Function run before every GraphQL operation.",
      "Like PostgREST's db-pre-request: called with no arguments as the request's role, after "
      "the request settings are in place; raising an error refuses the request.",
      &pre_request, "", PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.jwt_type", "Composite type whose values are issued as signed tokens.",
      "Like PostGraphile's pgJwtTypes: \"schema.type\". A function returning it (a login "
      "mutation) answers with a JWT signed with the HMAC secret of pg_gateway.jwt_secret, and "
      "sets pg_gateway.jwt_cookie when that is set.",
      &jwt_type, "", PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomBoolVariable("pg_gateway.jwt_cookie_secure",
                           "Mark the token cookie Secure (sent over HTTPS only).",
                           "Turn off only for plain-HTTP development.", &jwt_cookie_secure, true,
                           PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  static const struct config_enum_entry samesite_options[] = {
      {"strict", 0, false}, {"lax", 1, false}, {"none", 2, false}, {nullptr, 0, false}};
  DefineCustomEnumVariable("pg_gateway.jwt_cookie_samesite",
                           "SameSite attribute of the token cookie.",
                           "none also needs jwt_cookie_secure.", &jwt_cookie_samesite, 1,
                           samesite_options, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable("pg_gateway.logout_path", "Path that clears the token cookie (POST).",
                             "Only served while pg_gateway.jwt_cookie is set.", &logout_path,
                             "/logout", PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.csrf_header", "Header that marks a cookie-authenticated request as not forged.",
      "A cookie-authenticated mutation must come from an allowed Origin (the server's own, or "
      "pg_gateway.cors_allowed_origins), say Sec-Fetch-Site: same-origin, or carry this header "
      "(browsers cannot send it cross-site without CORS). Empty: no header is accepted.",
      &csrf_header, "", PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomBoolVariable(
      "pg_gateway.role_schemas", "Serve each role the GraphQL schema of its own privileges.",
      "On: a request sees (in introspection and validation) only the tables, columns, functions "
      "and mutations its role may use. Off: every request sees what "
      "pg_gateway.authenticator_role may use, as PostGraphile does.",
      &role_schemas, true, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "pg_gateway.rate_limit", "GraphQL requests per minute each client may make.",
      "A client is the JWT subject (sub) of an authenticated request, else its IP address. "
      "Shared by all HTTP workers. 0: no limit.",
      &rate_limit, 0, 0, INT_MAX, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "pg_gateway.rate_limit_burst", "Requests a client may make at once before the rate applies.",
      "0: the same as pg_gateway.rate_limit (a minute's worth).", &rate_limit_burst, 0, 0, INT_MAX,
      PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "pg_gateway.rate_limit_client_header", "Header holding the client's address behind a proxy.",
      "For example X-Forwarded-For: its last address (the one the proxy added) is the client. "
      "Set it only when every request comes through such a proxy. Empty: the peer address.",
      &rate_limit_client_header, "", PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  static const struct config_enum_entry trusted_options[] = {
      {"off", 0, false}, {"allow", 1, false}, {"only", 2, false}, {nullptr, 0, false}};
  DefineCustomEnumVariable(
      "pg_gateway.trusted_documents",
      "Whether GraphQL documents are run from gateway.trusted_documents.",
      "off: only documents sent in full; allow: also {\"documentId\": \"sha256:...\"} (or "
      "Apollo's persisted query hash) from the table; only: nothing but the table's documents.",
      &trusted_documents, 0, trusted_options, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  static const struct config_enum_entry introspection_options[] = {
      {"on", 0, false}, {"authenticated", 1, false}, {"off", 2, false}, {nullptr, 0, false}};
  DefineCustomEnumVariable(
      "pg_gateway.introspection", "Who may run GraphQL introspection (__schema, __type).",
      "on: everyone; authenticated: requests with a valid token; off: nobody.", &introspection, 0,
      introspection_options, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.max_query_depth",
                          "Deepest nesting of fields a GraphQL operation may have.",
                          "Introspection fields are not counted. 0: no limit.", &max_query_depth,
                          16, 0, 1000, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.max_aliases", "Most aliased fields in a GraphQL operation.",
                          "Fragments count each time they are spread. 0: no limit.", &max_aliases,
                          256, 0, 1000000, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.max_root_fields", "Most root fields in a GraphQL operation.",
                          "0: no limit.", &max_root_fields, 64, 0, 1000000, PGC_SIGHUP, 0, nullptr,
                          nullptr, nullptr);
  DefineCustomIntVariable(
      "pg_gateway.max_query_cost", "Largest estimated cost of a GraphQL operation.",
      "Each field costs 1; a connection multiplies what is below it by its page size (first, "
      "last, else default_page_size, max_page_size or 100). 0: no limit.",
      &max_query_cost, 0, 0, INT_MAX, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.default_page_size",
                          "Rows of a connection asked for without first or last.",
                          "0: all of them, as PostGraphile.", &default_page_size, 0, 0, INT_MAX,
                          PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.max_page_size", "Largest first or last of a connection.",
                          "0: no limit.", &max_page_size, 0, 0, INT_MAX, PGC_SIGHUP, 0, nullptr,
                          nullptr, nullptr);
  DefineCustomIntVariable("pg_gateway.max_document_size", "Largest GraphQL document.",
                          "Longer documents are refused before they are parsed.",
                          &max_document_size, 1024 * 1024, 1, INT_MAX, PGC_SIGHUP, GUC_UNIT_BYTE,
                          nullptr, nullptr, nullptr);
  MarkGUCPrefixReserved("pg_gateway");
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

}  // namespace pg_gateway::gucs
