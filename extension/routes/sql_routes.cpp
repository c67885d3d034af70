#include "extension/pg/pg_api.hpp"

extern "C" {
#include "mb/pg_wchar.h"
#include "utils/fmgroids.h"
}

#include "extension/routes/sql_routes.hpp"

#include "core/auth/csrf.hpp"
#include "core/http/request_document.hpp"
#include "extension/auth/settings.hpp"
#include "extension/http/error_response.hpp"
#include "extension/http/settings.hpp"
#include "extension/workers/settings.hpp"
#include "extension/pg/catalog.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/settings.hpp"
#include "extension/pg/transaction.hpp"

namespace pg_gateway::routes {

namespace {

struct HandlerResult {
  const char* body;    // palloc'd in SPI memory, valid until the transaction ends
  const char* status;  // response.status as the handler left it, or NULL
};

}  // namespace

void SqlRoutes::require_database() const {
  if (!status_.connected)
    throw http::HttpError(503, "PGGW503", status_.unavailable_message, {},
                          status_.unavailable_hint);
}

// Looks the path up in pg_gateway.routes. A short read-only transaction of
// its own: the route decides whether the request's transaction is
// read-only, so it must be known before that transaction starts.
std::optional<http::MethodSet> SqlRoutes::methods_for(const http::Request& request) {
  require_database();
  looked_up_for_ = nullptr;
  entries_.clear();
  std::vector<Entry>& entries = entries_;
  const std::string& path = request.path;
  bool extension_installed = false;
  pg::TransactionOptions opts;
  opts.read_only = true;
  opts.statement_timeout_ms = workers::settings::statement_timeout_ms;
  opts.activity = "pg_gateway: route lookup";
  try {
    pg::run_in_transaction(opts, [&] {
      extension_installed = pg::extension_installed("pg_gateway");
      if (!extension_installed) return;
      pg::call([&] {
        Oid argtypes[1] = {TEXTOID};
        Datum values[1] = {
            PointerGetDatum(cstring_to_text_with_len(path.data(), int(path.size())))};
        int rc = SPI_execute_with_args(
            "SELECT method, handler::oid, run_as::oid FROM gateway.routes WHERE path = $1", 1,
            argtypes, values, nullptr, true, 0);
        if (rc != SPI_OK_SELECT) elog(ERROR, "route lookup failed: %s", SPI_result_code_string(rc));
        for (uint64 i = 0; i < SPI_processed; ++i) {
          HeapTuple t = SPI_tuptable->vals[i];
          TupleDesc d = SPI_tuptable->tupdesc;
          bool n1, n2, n3;
          Datum m = SPI_getbinval(t, d, 1, &n1);
          Datum h = SPI_getbinval(t, d, 2, &n2);
          Datum r = SPI_getbinval(t, d, 3, &n3);
          if (n1 || n2 || n3) continue;
          char method[16];
          text_to_cstring_buffer(DatumGetTextPP(m), method, sizeof method);
          entries.push_back({http::parse_method(method), DatumGetObjectId(h), DatumGetObjectId(r)});
        }
      });
    });
  } catch (const pg::PgError& e) {
    throw http::HttpError(503, e.sqlstate, "could not look up the route: " + e.message, e.detail,
                          e.hint);
  }
  if (!extension_installed)
    throw http::HttpError(
        503, "PGGW503",
        "extension \"pg_gateway\" is not installed in database \"" + status_.database + "\"", {},
        "run CREATE EXTENSION pg_gateway in that database");
  if (entries_.empty()) return std::nullopt;
  looked_up_for_ = &request;
  http::MethodSet methods;
  for (const Entry& e : entries_) methods.add(e.method);
  return methods;
}

// The checks before a handler runs, inside the request's transaction:
// regprocedure/regrole columns carry no dependency, so the handler or the
// role may have been dropped since the route was registered. A JSON body
// must be text in the database encoding. Returns the handler's qualified
// name.
std::string SqlRoutes::checked_handler(const Entry& entry, bool read_only,
                                       const std::string* json_body) const {
  if (!read_only && pg::in_recovery())
    throw http::HttpError(503, "PGGW503", "the server is a standby and cannot serve write routes",
                          {}, "send writes to the primary");
  if (pg::is_superuser(entry.run_as))
    throw http::HttpError(500, "PGGW500", "this route is registered to run as a superuser",
                          "pg_gateway never runs request SQL as a superuser.",
                          "register the route with run_as set to an ordinary role");
  if (json_body && !pg::call([json_body] {
        return pg_verify_mbstr(GetDatabaseEncoding(), json_body->data(), int(json_body->size()),
                               true);
      }))
    throw http::HttpError(400, "PGGW400",
                          "the request body is not valid text in the database encoding");
  const char* qualified = pg::qualified_function_name(entry.handler);
  if (!qualified)
    throw http::HttpError(500, "PGGW500", "the handler of this route no longer exists",
                          "function OID " + std::to_string(entry.handler) + " was dropped",
                          "register the route again with gateway.register_route()");
  if (!pg::role_exists(entry.run_as))
    throw http::HttpError(500, "PGGW500", "the role this route runs as no longer exists",
                          "role OID " + std::to_string(entry.run_as) + " was dropped",
                          "register the route again with gateway.register_route()");
  return qualified;
}

namespace {

// Calls the handler as the route's role, as SECURITY DEFINER does; an error
// leaves the user to the transaction abort, which restores the user of the
// transaction's start.
HandlerResult call_handler(const std::string& sql, Oid run_as, const std::string& document,
                           const std::string* json_body) {
  return pg::call([&] {
    Oid saved_user;
    int saved_sec;
    GetUserIdAndSecContext(&saved_user, &saved_sec);
    SetUserIdAndSecContext(run_as, saved_sec | SECURITY_LOCAL_USERID_CHANGE);
    Oid argtypes[2] = {TEXTOID, TEXTOID};
    Datum values[2] = {
        PointerGetDatum(cstring_to_text_with_len(document.data(), int(document.size()))),
        json_body
            ? PointerGetDatum(cstring_to_text_with_len(json_body->data(), int(json_body->size())))
            : Datum(0)};
    const char nulls[2] = {' ', json_body ? ' ' : 'n'};
    int rc =
        SPI_execute_with_args(sql.c_str(), json_body ? 2 : 1, argtypes, values, nulls, false, 1);
    SetUserIdAndSecContext(saved_user, saved_sec);
    if (rc != SPI_OK_SELECT || SPI_processed != 1)
      elog(ERROR, "route handler call returned an unexpected result");
    HandlerResult r;
    r.body = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
    r.status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
    return r;
  });
}

// The handler's answer as HTTP: 204 without a body, else 200 or the
// response.status it set.
http::Response handler_response(bool body_null, std::string body, const std::string& status_text) {
  int status = body_null ? 204 : 200;
  if (!status_text.empty()) {
    char* end = nullptr;
    long s = strtol(status_text.c_str(), &end, 10);
    if (*end != '\0' || s < 200 || s > 599)
      throw http::HttpError(500, "PGGW500", "the route handler set an invalid response.status",
                            "response.status = \"" + status_text + "\"",
                            "use a status between 200 and 599");
    status = int(s);
  }
  if (body_null) return http::Response(status, "", "");
  return http::Response(status, "application/json; charset=utf-8", std::move(body));
}

// 401 with WWW-Authenticate (RFC 6750), or 403; a JSON error body.
http::Response refusal_response(const auth_pg::Refusal& refused) {
  http::Response r =
      http::json_error(refused.status, "PGGW" + std::to_string(refused.status), refused.message);
  if (!refused.www_authenticate.empty()) r.set_header("WWW-Authenticate", refused.www_authenticate);
  return r;
}

// Another site's form must not write through a visitor's session cookie.
std::optional<std::string> forged_write(const http::Request& request) {
  http::CorsPolicy cors;
  try {
    cors = http::CorsPolicy::parse(pg::settings::text(http_pg::settings::cors_allowed_origins));
  } catch (const std::invalid_argument&) {
    // The check hook refuses such a setting; nothing is allowed then.
  }
  return auth::csrf_refusal(request, cors, pg::settings::text(auth_pg::settings::csrf_header));
}

void inject_debug_fault() {
  if (http_pg::settings::debug_fault != int(http_pg::settings::DebugFault::kPgError)) return;
  pg::call([] {
    ereport(ERROR,
            (errcode(ERRCODE_INTERNAL_ERROR), errmsg("injected fault inside a request transaction"),
             errdetail("pg_gateway.debug_fault is set to pg_error.")));
  });
}

}  // namespace

http::Response SqlRoutes::invoke(http::Request& request) {
  require_database();
  if (looked_up_for_ != &request) methods_for(request);  // not reached through Application
  looked_up_for_ = nullptr;
  http::Method wanted = request.method == http::Method::kHead ? http::Method::kGet : request.method;
  const Entry* entry = nullptr;
  for (const Entry& e : entries_)
    if (e.method == wanted) entry = &e;
  if (!entry) throw http::HttpError(405, "PGGW405", "method not allowed");

  const bool read_only = wanted == http::Method::kGet;
  auth_pg::Identity identity;
  if (std::optional<auth_pg::Refusal> refused = auth_.identify(request, &identity))
    return refusal_response(*refused);
  if (!read_only && identity.source == auth::TokenSource::kCookie) {
    if (std::optional<std::string> why = forged_write(request)) {
      pg::log("pg_gateway: refused a cookie-authenticated route call: " + *why);
      return http::json_error(403, "PGGW403", *why);
    }
  }
  const std::string* content_type = request.header("content-type");
  const bool json_body =
      !request.body.empty() && content_type && http::is_json_media_type(*content_type);
  std::string activity = request.method_text + " " + request.path;
  std::string body, status_text;
  bool body_null = true;

  pg::TransactionOptions opts;
  opts.read_only = read_only;
  opts.statement_timeout_ms = workers::settings::statement_timeout_ms;
  opts.activity = activity.c_str();
  try {
    pg::run_in_transaction(opts, [&] {
      inject_debug_fault();
      // Built inside the transaction, so a failure in the core (including
      // the test fault point) exercises the abort path like any error.
      std::string document = http::build_request_document(request, json_body);
      std::string qualified =
          checked_handler(*entry, read_only, json_body ? &request.body : nullptr);
      auth_.apply_settings(identity, request, false);
      std::string sql = "SELECT " + qualified +
                        (json_body ? "($1::jsonb || pg_catalog.jsonb_build_object('body', "
                                     "$2::jsonb))::text"
                                   : "($1::jsonb)::text") +
                        ", pg_catalog.current_setting('response.status', true)";
      HandlerResult result =
          call_handler(sql, entry->run_as, document, json_body ? &request.body : nullptr);
      if (result.body) {
        body = result.body;
        body_null = false;
      }
      if (result.status) status_text = result.status;
    });
  } catch (const pg::PgError& e) {
    return http_pg::response_for_pg_error(e, request);
  }
  return handler_response(body_null, std::move(body), status_text);
}

}  // namespace pg_gateway::routes
