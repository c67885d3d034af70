// Waking the job workers when jobs are enqueued, and their counters.
//
// add_jobs() calls gateway.wake_job_workers(), which only notes that this
// transaction enqueued something. A transaction callback, registered once
// per backend, sets every job worker's latch when (and only if) the
// transaction commits: a worker woken earlier would not see the job yet,
// and one woken for a rolled-back enqueue would look for nothing. No
// session state is involved, so this works through PgBouncer's
// transaction pooling. Polling (pg_gateway.job_poll_interval) remains the
// safety net for jobs whose run_at arrives later and rows inserted by hand.
#include "extension/pg_api.hpp"

extern "C" {
#include "access/xact.h"
#include "storage/latch.h"
}

#include "extension/gucs.hpp"
#include "extension/pg_guard.hpp"
#include "extension/shared_state.hpp"

using pg_gateway::pg::call;
namespace shared = pg_gateway::shared;

namespace {

bool wake_at_commit = false;
bool callback_registered = false;

// Plain C territory: called by PostgreSQL at transaction end, where an
// error at COMMIT would be turned into a PANIC. Nothing here can fail.
void at_transaction_end(XactEvent event, void* arg) noexcept {
  (void)arg;
  if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_PARALLEL_COMMIT) {
    if (wake_at_commit) {
      for (int i = 0; i < shared::kMaxJobWorkers; ++i) {
        shared::WorkerSlot* slot = shared::job_slot(i);
        auto* latch = reinterpret_cast<Latch*>(uintptr_t(pg_atomic_read_u64(&slot->latch)));
        if (latch) SetLatch(latch);
      }
    }
    wake_at_commit = false;
  } else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) {
    wake_at_commit = false;
  }
}

}  // namespace

// gateway.wake_job_workers(): the job workers wake when this transaction
// commits.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_wake_job_workers) {
  (void)fcinfo;
  if (!callback_registered) {
    call([] { RegisterXactCallback(at_transaction_end, nullptr); });
    callback_registered = true;
  }
  wake_at_commit = true;
  return Datum(0);
}

// gateway.job_worker_stats(): one row per configured job worker, from
// shared memory without locks.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_job_worker_stats) {
  call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  int workers = pg_gateway::gucs::job_workers;
  for (int i = 0; i < workers && i < shared::kMaxJobWorkers; ++i) {
    shared::WorkerSlot* slot = shared::job_slot(i);
    call([rsinfo, slot, i] {
      using shared::JobCounter;
      Datum values[8];
      bool nulls[8] = {false};
      uint32 pid = pg_atomic_read_u32(&slot->pid);
      auto count = [slot](JobCounter c) {
        return Int64GetDatum(int64(pg_atomic_read_u64(&slot->jobs[int(c)])));
      };
      values[0] = Int32GetDatum(i + 1);
      values[1] = Int32GetDatum(int32(pid));
      nulls[1] = pid == 0;
      values[2] = CStringGetTextDatum(
          shared::state_name(shared::WorkerState(pg_atomic_read_u32(&slot->state))));
      values[3] = count(JobCounter::kClaimed);
      values[4] = count(JobCounter::kSucceeded);
      values[5] = count(JobCounter::kRetried);
      values[6] = count(JobCounter::kFailed);
      values[7] = count(JobCounter::kWakeups);
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    });
  }
  return Datum(0);
}
