#include "extension/pg/pg_api.hpp"

extern "C" {
#include "mb/pg_wchar.h"
#include "utils/fmgroids.h"
}

#include "extension/routes/sql_routes.hpp"

#include "core/http/request_document.hpp"
#include "extension/http/error_response.hpp"
#include "extension/http/settings.hpp"
#include "extension/workers/settings.hpp"
#include "extension/pg/guard.hpp"
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
  request::TransactionOptions opts;
  opts.read_only = true;
  opts.statement_timeout_ms = workers::settings::statement_timeout_ms;
  opts.activity = "pg_gateway: route lookup";
  try {
    request::run_in_transaction(opts, [&] {
      extension_installed =
          pg::call([] { return OidIsValid(get_extension_oid("pg_gateway", true)); });
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
  const std::string* content_type = request.header("content-type");
  const bool json_body =
      !request.body.empty() && content_type && http::is_json_media_type(*content_type);
  std::string document;
  std::string activity = request.method_text + " " + request.path;
  std::string sql;
  std::string body, status_text;
  bool body_null = true;
  const Oid handler = entry->handler, run_as = entry->run_as;

  request::TransactionOptions opts;
  opts.read_only = read_only;
  opts.statement_timeout_ms = workers::settings::statement_timeout_ms;
  opts.activity = activity.c_str();
  try {
    request::run_in_transaction(opts, [&] {
      if (http_pg::settings::debug_fault == int(http_pg::settings::DebugFault::kPgError)) {
        pg::call([] {
          ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                          errmsg("injected fault inside a request transaction"),
                          errdetail("pg_gateway.debug_fault is set to pg_error.")));
        });
      }
      // Built inside the transaction, so a failure in the core (including
      // the test fault point) exercises the abort path like any error.
      document = http::build_request_document(request, json_body);
      if (!read_only && pg::call([] { return RecoveryInProgress(); }))
        throw http::HttpError(503, "PGGW503",
                              "the server is a standby and cannot serve write routes", {},
                              "send writes to the primary");
      if (pg::call([run_as] { return superuser_arg(run_as); }))
        throw http::HttpError(500, "PGGW500", "this route is registered to run as a superuser",
                              "pg_gateway never runs request SQL as a superuser.",
                              "register the route with run_as set to an ordinary role");
      if (json_body && !pg::call([&] {
            return pg_verify_mbstr(GetDatabaseEncoding(), request.body.data(),
                                   int(request.body.size()), true);
          }))
        throw http::HttpError(400, "PGGW400",
                              "the request body is not valid text in the database encoding");
      // regprocedure/regrole columns carry no dependency: the handler or
      // the role may have been dropped since the route was registered.
      const char* qualified = pg::call([handler]() -> const char* {
        char* nsp = get_namespace_name(get_func_namespace(handler));
        char* fn = get_func_name(handler);
        if (!nsp || !fn) return nullptr;
        return quote_qualified_identifier(nsp, fn);
      });
      if (!qualified)
        throw http::HttpError(500, "PGGW500", "the handler of this route no longer exists",
                              "function OID " + std::to_string(handler) + " was dropped",
                              "register the route again with gateway.register_route()");
      if (!pg::call([run_as] { return SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(run_as)); }))
        throw http::HttpError(500, "PGGW500", "the role this route runs as no longer exists",
                              "role OID " + std::to_string(run_as) + " was dropped",
                              "register the route again with gateway.register_route()");
      sql = "SELECT ";
      sql += qualified;
      sql += json_body ? "($1::jsonb || pg_catalog.jsonb_build_object('body', $2::jsonb))::text"
                       : "($1::jsonb)::text";
      sql += ", pg_catalog.current_setting('response.status', true)";
      HandlerResult result = pg::call([&] {
        Oid saved_user;
        int saved_sec;
        GetUserIdAndSecContext(&saved_user, &saved_sec);
        // As SECURITY DEFINER does; an error leaves it to the transaction
        // abort, which restores the user of the transaction's start.
        SetUserIdAndSecContext(run_as, saved_sec | SECURITY_LOCAL_USERID_CHANGE);
        Oid argtypes[2] = {TEXTOID, TEXTOID};
        Datum values[2] = {
            PointerGetDatum(cstring_to_text_with_len(document.data(), int(document.size()))),
            json_body ? PointerGetDatum(
                            cstring_to_text_with_len(request.body.data(), int(request.body.size())))
                      : Datum(0)};
        const char nulls[2] = {' ', json_body ? ' ' : 'n'};
        int rc = SPI_execute_with_args(sql.c_str(), json_body ? 2 : 1, argtypes, values, nulls,
                                       false, 1);
        SetUserIdAndSecContext(saved_user, saved_sec);
        if (rc != SPI_OK_SELECT || SPI_processed != 1)
          elog(ERROR, "route handler call returned an unexpected result");
        HandlerResult r;
        r.body = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
        r.status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
        return r;
      });
      if (result.body) {
        body = result.body;
        body_null = false;
      }
      if (result.status) status_text = result.status;
    });
  } catch (const pg::PgError& e) {
    return request::response_for_pg_error(e, request);
  }

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

}  // namespace pg_gateway::routes
