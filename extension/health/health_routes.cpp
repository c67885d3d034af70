#include "extension/pg/pg_api.hpp"

#include "extension/health/health_routes.hpp"

#include <algorithm>

#include "core/json/json_writer.hpp"
#include "extension/workers/settings.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/transaction.hpp"

namespace pg_gateway::health {

namespace {

constexpr int kReadyQueryTimeoutMs = 5000;

struct ReadyRow {
  bool extension_installed;
  bool in_recovery;
  char extension_version[64];
};

http::Response json_response(int status, std::string body) {
  http::Response r(status, "application/json; charset=utf-8", std::move(body));
  r.set_header("Cache-Control", "no-store");
  return r;
}

http::Response unavailable(const WorkerStatus& st, std::string_view reason,
                           std::string_view message, std::string_view hint) {
  json::Writer w;
  w.begin_object()
      .key("status")
      .value("unavailable")
      .key("reason")
      .value(reason)
      .key("message")
      .value(message)
      .key("hint")
      .value(hint)
      .key("database")
      .value(st.database)
      .key("worker")
      .value(int64_t(st.index + 1))
      .end_object();
  return json_response(503, w.take());
}

http::Response ready(const WorkerStatus& st, bool for_write) {
  if (!st.connected)
    return unavailable(st, st.unavailable_reason, st.unavailable_message, st.unavailable_hint);

  ReadyRow row{};
  try {
    pg::TransactionOptions opts;
    opts.read_only = true;
    opts.statement_timeout_ms =
        workers::settings::statement_timeout_ms > 0
            ? std::min(workers::settings::statement_timeout_ms, kReadyQueryTimeoutMs)
            : kReadyQueryTimeoutMs;
    opts.activity = for_write ? "GET /ready/write" : "GET /ready";
    pg::run_in_transaction(opts, [&] {
      row = pg::call([] {
        ReadyRow r{};
        int rc = SPI_execute(
            "SELECT (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_gateway'), "
            "pg_catalog.pg_is_in_recovery()",
            true, 1);
        if (rc != SPI_OK_SELECT || SPI_processed != 1)
          elog(ERROR, "readiness query returned an unexpected result");
        bool isnull = false;
        Datum v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
        if (!isnull) {
          r.extension_installed = true;
          text_to_cstring_buffer(DatumGetTextPP(v), r.extension_version,
                                 sizeof r.extension_version);
        }
        v = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
        r.in_recovery = !isnull && DatumGetBool(v);
        return r;
      });
    });
  } catch (const pg::PgError& e) {
    return unavailable(st, "database_error", e.message, e.hint);
  }

  if (!row.extension_installed)
    return unavailable(
        st, "extension_missing",
        "extension \"pg_gateway\" is not installed in database \"" + st.database + "\"",
        "run CREATE EXTENSION pg_gateway in database \"" + st.database + "\"");
  if (for_write && row.in_recovery)
    return unavailable(st, "standby", "the server is a standby and cannot serve write routes",
                       "send writes to the primary");
  json::Writer w;
  w.begin_object()
      .key("status")
      .value("ready")
      .key("database")
      .value(st.database)
      .key("extension_version")
      .value(row.extension_version)
      .key("in_recovery")
      .value(row.in_recovery)
      .key("worker")
      .value(int64_t(st.index + 1))
      .end_object();
  return json_response(200, w.take());
}

}  // namespace

std::vector<http::Route> health_routes(const WorkerStatus& status) {
  const WorkerStatus* st = &status;
  std::vector<http::Route> routes;
  routes.push_back({"/live", {http::Method::kGet}, [st](http::Request&) {
                      json::Writer w;
                      w.begin_object()
                          .key("status")
                          .value("live")
                          .key("worker")
                          .value(int64_t(st->index + 1))
                          .key("pid")
                          .value(int64_t(MyProcPid))
                          .end_object();
                      return json_response(200, w.take());
                    }});
  routes.push_back(
      {"/ready", {http::Method::kGet}, [st](http::Request&) { return ready(*st, false); }});
  routes.push_back(
      {"/ready/write", {http::Method::kGet}, [st](http::Request&) { return ready(*st, true); }});
  return routes;
}

}  // namespace pg_gateway::health
