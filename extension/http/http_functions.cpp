// SQL-callable functions of the HTTP feature. Each body is C++ behind the
// entry guard (PG_GATEWAY_SQL_FUNCTION); PostgreSQL calls inside go
// through pg::call.
#include "extension/pg/pg_api.hpp"

#include "core/http/sqlstate_status.hpp"
#include "extension/pg/entry.hpp"
#include "extension/http/counters.hpp"
#include "extension/workers/shared_state.hpp"
#include "extension/workers/settings.hpp"

using pg_gateway::pg::call;
namespace shared = pg_gateway::shared;

// pg_gateway.http_worker_stats(): one row per configured HTTP worker, read
// from shared memory without locks (each counter is an atomic written only
// by its worker).
PG_GATEWAY_SQL_FUNCTION(pg_gateway_http_worker_stats) {
  pg_gateway::pg::RowSink rows(fcinfo);
  int workers = pg_gateway::workers::settings::http_workers;
  for (int i = 0; i < workers && i < shared::kMaxHttpWorkers; ++i) {
    shared::WorkerSlot* slot = shared::http_slot(i);
    rows.add<12>([slot, i](Datum* values, bool* nulls) {
      uint32 pid = pg_atomic_read_u32(&slot->pid);
      auto stat = [i](pg_gateway::http_pg::HttpCounter c) {
        return Int64GetDatum(int64(pg_gateway::http_pg::counter(i, c)));
      };
      values[0] = Int32GetDatum(i + 1);
      values[1] = Int32GetDatum(int32(pid));
      nulls[1] = pid == 0;
      values[2] = CStringGetTextDatum(
          shared::state_name(shared::WorkerState(pg_atomic_read_u32(&slot->state))));
      values[3] = stat(pg_gateway::http_pg::HttpCounter::kRequests);
      values[4] = stat(pg_gateway::http_pg::HttpCounter::kResponses2xx);
      values[5] = stat(pg_gateway::http_pg::HttpCounter::kResponses4xx);
      values[6] = stat(pg_gateway::http_pg::HttpCounter::kResponses5xx);
      values[7] = stat(pg_gateway::http_pg::HttpCounter::kConnectionsAccepted);
      values[8] = stat(pg_gateway::http_pg::HttpCounter::kConnectionsRejected);
      values[9] = stat(pg_gateway::http_pg::HttpCounter::kOpenConnections);
      values[10] = stat(pg_gateway::http_pg::HttpCounter::kParseErrors);
      values[11] = stat(pg_gateway::http_pg::HttpCounter::kTimeouts);
    });
  }
  return Datum(0);
}

// pg_gateway.http_status_for_sqlstate(text): the HTTP status a request gets
// when its SQL fails with that SQLSTATE, so handler authors can check.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_http_status_for_sqlstate) {
  char code[8];
  call([fcinfo, &code] { text_to_cstring_buffer(PG_GETARG_TEXT_PP(0), code, sizeof code); });
  std::string_view sqlstate(code);
  bool valid = sqlstate.size() == 5;
  for (char c : sqlstate) valid = valid && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'));
  if (!valid)
    throw pg_gateway::pg::SqlError(ERRCODE_INVALID_PARAMETER_VALUE,
                                   "\"" + std::string(sqlstate) + "\" is not a SQLSTATE",
                                   "A SQLSTATE is five digits or upper-case letters.");
  return Int32GetDatum(pg_gateway::http::http_status_for_sqlstate(sqlstate));
}
