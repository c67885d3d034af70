// Waking the job workers when jobs are enqueued, waking SQL sessions that
// wait for a job to finish, and the job workers' counters.
//
// add_jobs() calls gateway.wake_job_workers(n), which only notes that this
// transaction enqueued n jobs due now. A transaction callback, registered
// once per backend, sets the latches of that many job workers (rotating)
// when, and only if, the transaction commits: a worker woken earlier would not see the job yet,
// and one woken for a rolled-back enqueue would look for nothing. No
// session state is involved, so this works through PgBouncer's
// transaction pooling. Polling (pg_gateway.job_poll_interval) remains the
// safety net for jobs whose run_at arrives later and rows inserted by hand.
#include "extension/pg/pg_api.hpp"

extern "C" {
#include "access/xact.h"
#include "commands/async.h"
#include "nodes/pg_list.h"
#include "storage/condition_variable.h"
#include "storage/latch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
}

#include "extension/jobs/settings.hpp"
#include "extension/pg/guard.hpp"
#include "extension/workers/shared_state.hpp"

using pg_gateway::pg::call;
namespace shared = pg_gateway::shared;

namespace {

// Workers to wake at commit: jobs due now that this transaction enqueued
// (a worker drains the queue once awake, so one per job is enough and more
// would only have them race for the same rows), or all of them.
int64 wake_at_commit = 0;
constexpr int64 kWakeAll = INT64_MAX;
uint32 next_worker = 0;           // rotates, so that the same worker is not always the one
bool finished_at_commit = false;  // this transaction finished a job
bool callback_registered = false;

// The jobs this transaction finished, for the completion notification:
// each a palloc'd JSON object in TopTransactionContext with the
// subtransaction level that announced it, so that a rolled-back
// subtransaction takes its announcements with it (as NOTIFY itself does).
struct Announcement {
  int nest_level;
  char* json;
};
List* announcements = NIL;  // of Announcement*, in TopTransactionContext

// A NOTIFY payload must be shorter than 8000 bytes.
constexpr size_t kMaxPayload = 7900;

// Sends the announcements as few notifications as fit: each payload a JSON
// array of job objects. Runs at PRE_COMMIT, before PostgreSQL queues the
// transaction's notifications; an error here aborts the commit, as any
// error before commit does. Plain C: no C++ object lives in this frame.
void send_announcements() {
  if (announcements == NIL) return;
  StringInfoData buf;
  initStringInfo(&buf);
  ListCell* lc;
  foreach (lc, announcements) {
    const char* job = static_cast<Announcement*>(lfirst(lc))->json;
    size_t len = strlen(job);
    if (buf.len > 0 && size_t(buf.len) + len + 2 > kMaxPayload) {
      appendStringInfoChar(&buf, ']');
      Async_Notify("pg_gateway_jobs", buf.data);
      resetStringInfo(&buf);
    }
    appendStringInfoChar(&buf, buf.len == 0 ? '[' : ',');
    appendStringInfoString(&buf, job);
  }
  appendStringInfoChar(&buf, ']');
  Async_Notify("pg_gateway_jobs", buf.data);
  pfree(buf.data);
  announcements = NIL;
}

// A subtransaction's announcements belong to its parent once it commits,
// and are dropped if it aborts.
void at_subtransaction_end(SubXactEvent event, SubTransactionId mine, SubTransactionId parent,
                           void* arg) noexcept {
  (void)mine;
  (void)parent;
  (void)arg;
  if (announcements == NIL) return;
  int level = GetCurrentTransactionNestLevel();
  if (event == SUBXACT_EVENT_COMMIT_SUB) {
    ListCell* lc;
    foreach (lc, announcements) {
      auto* a = static_cast<Announcement*>(lfirst(lc));
      if (a->nest_level >= level) a->nest_level = level - 1;
    }
  } else if (event == SUBXACT_EVENT_ABORT_SUB) {
    ListCell* lc;
    foreach (lc, announcements) {
      if (static_cast<Announcement*>(lfirst(lc))->nest_level >= level)
        announcements = foreach_delete_current(announcements, lc);
    }
  }
}

// Plain C territory: called by PostgreSQL at transaction end, where an
// error at COMMIT would be turned into a PANIC. Nothing here can fail,
// except at PRE_COMMIT, where an error aborts the transaction.
void at_transaction_end(XactEvent event, void* arg) noexcept {
  (void)arg;
  if (event == XACT_EVENT_PRE_COMMIT) {
    send_announcements();
  } else if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_PARALLEL_COMMIT) {
    int64 woken = 0;
    for (int n = 0; n < shared::kMaxJobWorkers && woken < wake_at_commit; ++n) {
      shared::WorkerSlot* slot = shared::job_slot(int(next_worker++ % shared::kMaxJobWorkers));
      auto* latch = reinterpret_cast<Latch*>(uintptr_t(pg_atomic_read_u64(&slot->latch)));
      if (!latch) continue;
      pg_atomic_write_u32(&slot->wake_requested, 1);
      SetLatch(latch);
      ++woken;
    }
    if (finished_at_commit) ConditionVariableBroadcast(&shared::get()->job_finished);
    wake_at_commit = 0;
    finished_at_commit = false;
  } else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT ||
             event == XACT_EVENT_PREPARE) {
    // (A transaction that NOTIFYs cannot be prepared; one that finished
    // jobs announces nothing if it is.)
    wake_at_commit = 0;
    finished_at_commit = false;
    announcements = NIL;  // freed with TopTransactionContext
  }
}

void register_callback() {
  if (callback_registered) return;
  call([] {
    RegisterXactCallback(at_transaction_end, nullptr);
    RegisterSubXactCallback(at_subtransaction_end, nullptr);
  });
  callback_registered = true;
}

}  // namespace

// gateway.wake_job_workers(jobs): when this transaction commits, wake as
// many job workers as `jobs` (summed over the calls of the transaction), or
// all of them for NULL.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_wake_job_workers) {
  bool all = call([fcinfo] { return PG_ARGISNULL(0); });
  int64 jobs = all ? kWakeAll : call([fcinfo] { return int64(PG_GETARG_INT32(0)); });
  if (jobs <= 0) return Datum(0);
  register_callback();
  wake_at_commit = (all || wake_at_commit > kWakeAll - jobs) ? kWakeAll : wake_at_commit + jobs;
  return Datum(0);
}

// gateway.announce_job_finished(job json): the job goes into this
// transaction's completion notification, and sessions in wait_for_job()
// look again when it commits. Called by notify_job_finished().
PG_GATEWAY_SQL_FUNCTION(pg_gateway_announce_job_finished) {
  register_callback();
  call([fcinfo] {
    char* json = text_to_cstring(PG_GETARG_TEXT_PP(0));
    MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
    auto* a = static_cast<Announcement*>(palloc(sizeof(Announcement)));
    a->nest_level = GetCurrentTransactionNestLevel();
    a->json = pstrdup(json);
    announcements = lappend(announcements, a);
    MemoryContextSwitchTo(old);
  });
  finished_at_commit = true;
  return Datum(0);
}

// gateway.wait_for_job(id, timeout): the job's row once it has succeeded
// or failed, or as it is when the timeout passes; NULL if there is no such
// job. Sleeps on a condition variable broadcast at the commit of every
// transaction that finishes a job, so it neither polls nor misses one: the
// sleep is prepared before the row is read, and a broadcast after that
// read ends the sleep. Each read takes a new snapshot, which needs READ
// COMMITTED.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_wait_for_job) {
  int64 id = call([fcinfo] { return PG_GETARG_INT64(0); });
  Interval* timeout = call([fcinfo] { return PG_GETARG_INTERVAL_P(1); });
  if (call([] { return IsolationUsesXactSnapshot(); }))
    call([] {
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg("gateway.wait_for_job() needs the READ COMMITTED isolation level"),
                      errdetail("Under REPEATABLE READ or SERIALIZABLE the transaction's snapshot "
                                "never shows the job finishing."),
                      errhint("Call it outside an explicit transaction, or in a READ COMMITTED "
                              "one.")));
    });
  int64 timeout_ms = call([timeout] {
    return int64(timeout->time / 1000 +
                 (int64(timeout->day) + int64(timeout->month) * DAYS_PER_MONTH) *
                     (USECS_PER_DAY / 1000));
  });
  TimestampTz deadline =
      call([timeout_ms] { return TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms); });
  ConditionVariable* cv = &shared::get()->job_finished;
  call([] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  });
  Datum result = Datum(0);
  bool found = false;
  while (true) {
    call([cv] { ConditionVariablePrepareToSleep(cv); });
    bool done = call([id, &result, &found] {
      Oid argtypes[1] = {INT8OID};
      Datum values[1] = {Int64GetDatum(id)};
      int rc = SPI_execute_with_args(
          "SELECT j, j.status IN ('succeeded', 'failed') "
          "FROM gateway.jobs j WHERE j.id = $1",
          1, argtypes, values, nullptr, false, 1);
      if (rc != SPI_OK_SELECT) elog(ERROR, "could not read gateway.jobs");
      if (SPI_processed == 0) {
        found = false;
        return true;
      }
      bool isnull = false;
      result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
      found = !isnull;
      return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
    });
    if (done) break;
    int64 left = call([deadline] {
      long secs;
      int usecs;
      TimestampDifference(GetCurrentTimestamp(), deadline, &secs, &usecs);
      return int64(secs) * 1000 + usecs / 1000;
    });
    if (left <= 0) break;
    call([cv, left] { (void)ConditionVariableTimedSleep(cv, long(left), PG_WAIT_EXTENSION); });
  }
  call([] { ConditionVariableCancelSleep(); });
  if (!found) {
    call([] { SPI_finish(); });
    fcinfo->isnull = true;
    return Datum(0);
  }
  // The row lives in SPI memory: copy it out before SPI_finish frees it.
  Datum copy = call([result] {
    HeapTupleHeader row = DatumGetHeapTupleHeader(result);
    Datum out = SPI_datumTransfer(PointerGetDatum(row), false, -1);
    SPI_finish();
    return out;
  });
  return copy;
}

// gateway.job_worker_stats(): one row per configured job worker, from
// shared memory without locks.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_job_worker_stats) {
  call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  int workers = pg_gateway::jobs_pg::settings::job_workers;
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
