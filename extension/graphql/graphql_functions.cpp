// SQL-callable functions of the GraphQL feature: its per-worker counters and
// the event trigger that tells the workers to rebuild their schema.
#include "extension/pg/pg_api.hpp"

extern "C" {
#include "commands/event_trigger.h"
#include "utils/inval.h"
}

#include "core/catalog/smart_tags.hpp"
#include "core/graphql/cache/cache_hint.hpp"
#include "extension/pg/entry.hpp"
#include "extension/graphql/counters.hpp"
#include "extension/workers/shared_state.hpp"
#include "extension/workers/settings.hpp"

using pg_gateway::pg::call;
namespace shared = pg_gateway::shared;

// gateway.graphql_worker_stats(): per HTTP worker, how often it rebuilt the
// GraphQL schema, how its plan cache fares, and HTTP caching (304s and the
// shared response cache). Same lock-free reads as
// http_worker_stats().
PG_GATEWAY_SQL_FUNCTION(pg_gateway_graphql_worker_stats) {
  pg_gateway::pg::RowSink rows(fcinfo);
  int workers = pg_gateway::workers::settings::http_workers;
  for (int i = 0; i < workers && i < shared::kMaxHttpWorkers; ++i) {
    shared::WorkerSlot* slot = shared::http_slot(i);
    rows.add<12>([slot, i](Datum* values, bool* nulls) {
      uint32 pid = pg_atomic_read_u32(&slot->pid);
      auto stat = [i](pg_gateway::graphql_pg::GraphqlCounter c) {
        return Int64GetDatum(int64(pg_gateway::graphql_pg::counter(i, c)));
      };
      values[0] = Int32GetDatum(i + 1);
      values[1] = Int32GetDatum(int32(pid));
      nulls[1] = pid == 0;
      values[2] = stat(pg_gateway::graphql_pg::GraphqlCounter::kSchemaBuilds);
      values[3] = stat(pg_gateway::graphql_pg::GraphqlCounter::kPlanCacheEntries);
      values[4] = stat(pg_gateway::graphql_pg::GraphqlCounter::kPlanCacheHits);
      values[5] = stat(pg_gateway::graphql_pg::GraphqlCounter::kPlanCacheMisses);
      values[6] = stat(pg_gateway::graphql_pg::GraphqlCounter::kPlanCacheEvictions);
      values[7] = stat(pg_gateway::graphql_pg::GraphqlCounter::kNotModified);
      values[8] = stat(pg_gateway::graphql_pg::GraphqlCounter::kResponseCacheHits);
      values[9] = stat(pg_gateway::graphql_pg::GraphqlCounter::kResponseCacheMisses);
      values[10] = stat(pg_gateway::graphql_pg::GraphqlCounter::kResponseCacheEvictions);
      values[11] = stat(pg_gateway::graphql_pg::GraphqlCounter::kResponseCacheStores);
    });
  }
  return Datum(0);
}

// gateway.parse_cache_control(comment): the comment's @pgCacheControl tag
// through the parser the schema build uses (core/graphql/cache/cache_hint),
// so that SQL (and pg_regress) sees exactly what the workers will.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_parse_cache_control) {
  pg_gateway::pg::RowSink rows(fcinfo);
  std::string comment = call([fcinfo] { return text_to_cstring(PG_GETARG_TEXT_PP(0)); });
  namespace cache = pg_gateway::graphql::cache;
  std::optional<cache::ParsedHint> parsed =
      cache::cache_hint_of(pg_gateway::catalog::parse_smart_comment(comment));
  if (!parsed) return Datum(0);
  const cache::CacheHint& h = parsed->hint;
  std::string scope = !h.scope ? "" : *h.scope == cache::Scope::kPrivate ? "PRIVATE" : "PUBLIC";
  const char* scope_text = scope.c_str();
  const char* error = parsed->error.c_str();
  bool ok = parsed->ok();
  rows.add<4>([&h, scope_text, error, ok](Datum* values, bool* nulls) {
    values[0] = Int32GetDatum(int32(h.max_age.value_or(0)));
    nulls[0] = !h.max_age;
    values[1] = CStringGetTextDatum(scope_text);
    nulls[1] = scope_text[0] == '\0';
    values[2] = BoolGetDatum(h.inherit_max_age);
    nulls[2] = !ok;
    values[3] = CStringGetTextDatum(error);
    nulls[3] = ok;
  });
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
