// The job workers' counters as SQL.
#include "extension/pg/pg_api.hpp"

#include "extension/pg/entry.hpp"
#include "extension/jobs/counters.hpp"
#include "extension/workers/shared_state.hpp"
#include "extension/workers/settings.hpp"

using pg_gateway::pg::call;
namespace shared = pg_gateway::shared;

// gateway.job_worker_stats(): one row per configured job worker, from
// shared memory without locks.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_job_worker_stats) {
  pg_gateway::pg::RowSink rows(fcinfo);
  int workers = pg_gateway::workers::settings::job_workers;
  for (int i = 0; i < workers && i < shared::kMaxJobWorkers; ++i) {
    shared::WorkerSlot* slot = shared::job_slot(i);
    rows.add<8>([slot, i](Datum* values, bool* nulls) {
      uint32 pid = pg_atomic_read_u32(&slot->pid);
      auto count = [i](pg_gateway::jobs_pg::JobCounter c) {
        return Int64GetDatum(int64(pg_gateway::jobs_pg::counter(i, c)));
      };
      values[0] = Int32GetDatum(i + 1);
      values[1] = Int32GetDatum(int32(pid));
      nulls[1] = pid == 0;
      values[2] = CStringGetTextDatum(
          shared::state_name(shared::WorkerState(pg_atomic_read_u32(&slot->state))));
      values[3] = count(pg_gateway::jobs_pg::JobCounter::kClaimed);
      values[4] = count(pg_gateway::jobs_pg::JobCounter::kSucceeded);
      values[5] = count(pg_gateway::jobs_pg::JobCounter::kRetried);
      values[6] = count(pg_gateway::jobs_pg::JobCounter::kFailed);
      values[7] = count(pg_gateway::jobs_pg::JobCounter::kWakeups);
    });
  }
  return Datum(0);
}
