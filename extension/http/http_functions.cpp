// SQL-callable functions of the extension. Each body is C++ behind the
// entry guard (PG_GATEWAY_SQL_FUNCTION); PostgreSQL calls inside go
// through pg::call.
#include "extension/pg/pg_api.hpp"

extern "C" {
#include "commands/event_trigger.h"
#include "utils/inval.h"
}

#include "core/http/sqlstate_status.hpp"
#include "extension/http/settings.hpp"
#include "extension/pg/guard.hpp"
#include "extension/workers/shared_state.hpp"

using pg_gateway::pg::call;
namespace shared = pg_gateway::shared;

// pg_gateway.http_worker_stats(): one row per configured HTTP worker, read
// from shared memory without locks (each counter is an atomic written only
// by its worker).
PG_GATEWAY_SQL_FUNCTION(pg_gateway_http_worker_stats) {
  call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  int workers = pg_gateway::http_pg::settings::http_workers;
  for (int i = 0; i < workers && i < shared::kMaxHttpWorkers; ++i) {
    shared::WorkerSlot* slot = shared::http_slot(i);
    call([rsinfo, slot, i] {
      using shared::StatCounter;
      Datum values[12];
      bool nulls[12] = {false};
      uint32 pid = pg_atomic_read_u32(&slot->pid);
      auto stat = [slot](StatCounter c) {
        return Int64GetDatum(int64(pg_atomic_read_u64(&slot->stats[int(c)])));
      };
      values[0] = Int32GetDatum(i + 1);
      values[1] = Int32GetDatum(int32(pid));
      nulls[1] = pid == 0;
      values[2] = CStringGetTextDatum(
          shared::state_name(shared::WorkerState(pg_atomic_read_u32(&slot->state))));
      values[3] = stat(StatCounter::kRequests);
      values[4] = stat(StatCounter::kResponses2xx);
      values[5] = stat(StatCounter::kResponses4xx);
      values[6] = stat(StatCounter::kResponses5xx);
      values[7] = stat(StatCounter::kConnectionsAccepted);
      values[8] = stat(StatCounter::kConnectionsRejected);
      values[9] = stat(StatCounter::kOpenConnections);
      values[10] = stat(StatCounter::kParseErrors);
      values[11] = stat(StatCounter::kTimeouts);
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
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

// gateway.graphql_worker_stats(): per HTTP worker, how often it rebuilt the
// GraphQL schema and how its plan cache fares. Same lock-free reads as
// http_worker_stats().
PG_GATEWAY_SQL_FUNCTION(pg_gateway_graphql_worker_stats) {
  call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  int workers = pg_gateway::http_pg::settings::http_workers;
  for (int i = 0; i < workers && i < shared::kMaxHttpWorkers; ++i) {
    shared::WorkerSlot* slot = shared::http_slot(i);
    call([rsinfo, slot, i] {
      using shared::StatCounter;
      Datum values[7];
      bool nulls[7] = {false};
      uint32 pid = pg_atomic_read_u32(&slot->pid);
      auto stat = [slot](StatCounter c) {
        return Int64GetDatum(int64(pg_atomic_read_u64(&slot->stats[int(c)])));
      };
      values[0] = Int32GetDatum(i + 1);
      values[1] = Int32GetDatum(int32(pid));
      nulls[1] = pid == 0;
      values[2] = stat(StatCounter::kSchemaBuilds);
      values[3] = stat(StatCounter::kPlanCacheEntries);
      values[4] = stat(StatCounter::kPlanCacheHits);
      values[5] = stat(StatCounter::kPlanCacheMisses);
      values[6] = stat(StatCounter::kPlanCacheEvictions);
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    });
  }
  return Datum(0);
}

// gateway.note_schema_change(): the ddl_command_end event trigger that tells
// the HTTP workers to rebuild their GraphQL schema (the protocol is
// described in extension/graphql/schema_cache.hpp). It queues a relcache
// invalidation of gateway.schema_change_marker, which PostgreSQL delivers
// only if and when this transaction commits. Commands that cannot change
// the served schema are skipped: REFRESH MATERIALIZED VIEW, and commands
// that only touched temporary objects.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_note_schema_change) {
  if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
    throw pg_gateway::pg::SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED,
                                   "gateway.note_schema_change() must be called as an event "
                                   "trigger");
  auto* event = reinterpret_cast<EventTriggerData*>(fcinfo->context);
  if (event->tag == CMDTAG_REFRESH_MATERIALIZED_VIEW) return Datum(0);
  call([] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    // True when there were commands and every one was on a temporary object.
    int rc = SPI_execute(
        "SELECT coalesce(pg_catalog.bool_and(schema_name IS NOT DISTINCT FROM 'pg_temp'), false) "
        "FROM pg_catalog.pg_event_trigger_ddl_commands()",
        true, 1);
    if (rc != SPI_OK_SELECT || SPI_processed != 1)
      elog(ERROR, "pg_event_trigger_ddl_commands() returned an unexpected result");
    bool isnull = false;
    bool only_temporary =
        DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    SPI_finish();
    if (only_temporary) return;
    Oid nsp = get_namespace_oid("gateway", true);
    Oid marker = OidIsValid(nsp) ? get_relname_relid("schema_change_marker", nsp) : InvalidOid;
    if (OidIsValid(marker)) CacheInvalidateRelcacheByRelid(marker);
  });
  return Datum(0);
}
