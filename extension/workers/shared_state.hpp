// The workers' shared memory: one slot per HTTP worker and per job worker.
//
// Slots are written only by their own worker (counters with atomics, so
// readers such as pg_gateway.http_worker_stats() need no lock) and survive
// the worker's exit until a crash-restart of the cluster re-creates shared
// memory. That survival is what lets a restarted worker know that its
// previous incarnation died while connecting to the target database.
#pragma once

#include "extension/pg/pg_api.hpp"

extern "C" {
#include "storage/condition_variable.h"
}

namespace pg_gateway::shared {

constexpr int kMaxHttpWorkers = 64;  // upper bound of pg_gateway.http_workers
constexpr int kMaxJobWorkers = 32;   // upper bound of pg_gateway.job_workers

enum class WorkerState : uint32 {
  kNotRunning = 0,
  kStarting = 1,
  kServing = 2,       // connected to the target database
  kDegraded = 3,      // target database missing: /live only, 503 elsewhere
  kListenFailed = 4,  // port not available; retrying
  kDraining = 5,      // SIGTERM received
};

// One worker process, HTTP or job (job workers use `latch` and
// `wake_requested`). Each feature keeps its own counters per worker in a
// segment of its own (extension/http/counters.hpp, graphql/counters.hpp,
// jobs/counters.hpp).
struct WorkerSlot {
  pg_atomic_uint32 pid;
  pg_atomic_uint32 state;
  // Set just before connecting to the target database, cleared right after.
  // Still set when a worker starts means the previous one died connecting.
  pg_atomic_uint32 connect_in_progress;
  pg_atomic_uint32 connect_failures;
  // The worker's process latch (a Latch* into the shared PGPROC array), 0
  // when no worker runs. Setting a stale one only wakes whichever process
  // now owns that PGPROC, which latches tolerate.
  pg_atomic_uint64 latch;
  // Set by whoever means to wake the (job) worker, just before setting its
  // latch, and cleared by the worker when it wakes: a latch also wakes for
  // other reasons (PostgreSQL's SIGALRM handler sets it whenever a stale
  // timer goes off), and those must not start a round of work.
  pg_atomic_uint32 wake_requested;
  // HTTP workers: how many webhook senders this worker keeps waiting for
  // their job (extension/webhooks/webhook_routes.hpp). While it is not 0,
  // every commit that finishes a job, or an attempt of one, sets
  // wake_requested and the latch (extension/jobs/job_wakeup.cpp).
  pg_atomic_uint32 job_waits;
};

// A statement that needs pg_gateway.database free of other sessions
// (extension/workers/utility_hook.cpp). Stored in target_database_change.
enum class TargetDatabaseChange : uint32 {
  kNone = 0,
  kDrop = 1,    // DROP DATABASE
  kRename = 2,  // ALTER DATABASE ... RENAME TO
  kMove = 3,    // ALTER DATABASE ... SET TABLESPACE
};

struct SharedState {
  // Number of such statements whose transaction has not ended yet. While
  // it is not zero, a starting HTTP worker connects to no database.
  pg_atomic_uint32 target_database_busy;
  pg_atomic_uint32 target_database_change;  // TargetDatabaseChange, the latest one
  // Set when a DROP or RENAME of the target database committed: starting
  // workers then know it is gone without a FATAL connection attempt. A
  // worker clears it once it sees the database exist again.
  pg_atomic_uint32 target_database_gone;
  // Random, chosen each time shared memory is created (server start and
  // every crash-restart): job workers' lock ids start with it, so a job
  // locked under an older incarnation belongs to a worker that is gone.
  uint64 incarnation;
  // Broadcast at the commit of every transaction that finished a job
  // (extension/jobs/job_wakeup.cpp); gateway.wait_for_job() sleeps on it.
  ConditionVariable job_finished;
  WorkerSlot http[kMaxHttpWorkers];
  WorkerSlot job[kMaxJobWorkers];
  // The request log writer (bgworker/log_writer.cpp), one per cluster.
  WorkerSlot log_writer;
};

void reserve_shared_memory();  // from _PG_init
SharedState* get();            // attached in every backend after startup
WorkerSlot* http_slot(int index);
WorkerSlot* job_slot(int index);
WorkerSlot* log_writer_slot();
const char* state_name(WorkerState s);

}  // namespace pg_gateway::shared
