// SQL functions of inbound webhooks written in C++: the job payload a
// delivery's body becomes, and the per-source counters. receive_webhook() and replay_webhook()
// (sql/schema/webhooks.sql) call it, so the first delivery and a replay
// of it give the task the same document.
#include "extension/pg/pg_api.hpp"

extern "C" {
#include "utils/jsonb.h"
}

#include <string>

#include "core/webhooks/job_payload.hpp"
#include "extension/pg/entry.hpp"
#include "extension/webhooks/counters.hpp"
#include "extension/workers/settings.hpp"
#include "extension/workers/shared_state.hpp"

using pg_gateway::pg::call;

// gateway.webhook_payload(body bytea, content_type text) -> jsonb: the
// parsed JSON body, a form's fields, or the text or base64 of anything
// else (core/webhooks/job_payload.hpp). A body that does not match its
// declared type is the sender's mistake: 22P02, nothing is written.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_webhook_payload) {
  bytea* raw = call([fcinfo] { return PG_GETARG_BYTEA_PP(0); });
  std::string body(VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw));
  std::string content_type = call([fcinfo] { return text_to_cstring(PG_GETARG_TEXT_PP(1)); });
  pg_gateway::webhooks::JobPayload payload = pg_gateway::webhooks::job_payload(body, content_type);
  if (!payload.ok()) {
    const char* error = payload.error.c_str();
    const char* type = content_type.c_str();
    call([error, type] {
      ereport(ERROR,
              (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
               errmsg("webhook body does not match its content type \"%s\"", type),
               errdetail("%s.", error), errhint("Send a body of the declared Content-Type.")));
    });
  }
  const char* json = payload.json.c_str();
  return call([json] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json)); });
}

// gateway.webhook_worker_stats(): each HTTP worker's counters per webhook
// source (extension/webhooks/counters.hpp), lock-free reads of shared
// memory; gateway.webhook_stats() sums them by source.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_webhook_worker_stats) {
  namespace wh = pg_gateway::webhooks_pg;
  pg_gateway::pg::RowSink rows(fcinfo);
  int workers = pg_gateway::workers::settings::http_workers;
  constexpr int kCounters = int(wh::SourceCounter::kCount);
  for (int i = 0; i < workers && i < pg_gateway::shared::kMaxHttpWorkers; ++i) {
    for (int slot = 0; slot < wh::kMaxSources; ++slot) {
      std::string source;
      uint64_t values[kCounters];
      if (!wh::read_row(i, slot, &source, values)) continue;
      const char* name = source.c_str();
      rows.add<2 + kCounters>([i, name, &values](Datum* out, bool* nulls) {
        (void)nulls;
        out[0] = Int32GetDatum(i + 1);
        out[1] = CStringGetTextDatum(name);
        for (int c = 0; c < kCounters; ++c) out[2 + c] = Int64GetDatum(int64(values[c]));
      });
    }
  }
  return Datum(0);
}
