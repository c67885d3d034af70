// Waking the job workers when jobs are enqueued, and SQL sessions in
// gateway.wait_for_job() (extension/jobs/wait_for_job.cpp) when jobs finish.
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

#include "extension/jobs/job_runner.hpp"
#include "extension/pg/entry.hpp"
#include "extension/workers/shared_state.hpp"

using pg_gateway::pg::call;
namespace shared = pg_gateway::shared;

namespace {

// Workers to wake at commit: jobs due now that this transaction enqueued
// (a worker drains the queue once awake, so one per job is enough and more
// would only have them race for the same rows), or all of them.
int64 wake_at_commit = 0;
constexpr int64 kWakeAll = INT64_MAX;
uint32 next_worker = 0;                 // rotates, so that the same worker is not always the one
bool finished_at_commit = false;        // this transaction finished a job
bool attempt_failed_at_commit = false;  // ... or failed an attempt of one (a retry is due)
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

// The HTTP workers that keep webhook senders waiting look at their jobs
// again. Runs after the commit is visible (ProcArrayEndTransaction comes
// before the COMMIT callbacks), so a worker that raised job_waits before
// this read either is woken here or reads the job after this commit.
// Only atomics and SetLatch: nothing can fail.
void wake_webhook_waiters() {
  pg_memory_barrier();
  for (int i = 0; i < shared::kMaxHttpWorkers; ++i) {
    shared::WorkerSlot* slot = shared::http_slot(i);
    if (!slot || pg_atomic_read_u32(&slot->job_waits) == 0) continue;
    auto* latch = reinterpret_cast<Latch*>(uintptr_t(pg_atomic_read_u64(&slot->latch)));
    if (!latch) continue;
    pg_atomic_write_u32(&slot->wake_requested, 1);
    SetLatch(latch);
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
    if (finished_at_commit || attempt_failed_at_commit) wake_webhook_waiters();
    wake_at_commit = 0;
    finished_at_commit = false;
    attempt_failed_at_commit = false;
  } else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT ||
             event == XACT_EVENT_PREPARE) {
    // (A transaction that NOTIFYs cannot be prepared; one that finished
    // jobs announces nothing if it is.)
    wake_at_commit = 0;
    finished_at_commit = false;
    attempt_failed_at_commit = false;
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

namespace pg_gateway::jobs_pg {

// The job runner failed an attempt of a job and scheduled its retry in
// this transaction (gateway.fail_job announces only final failures):
// webhook senders waiting for that job are answered at commit.
void note_attempt_failed() {
  register_callback();
  attempt_failed_at_commit = true;
}

}  // namespace pg_gateway::jobs_pg

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
