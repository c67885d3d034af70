// What a job worker does in the database: claim a job, run its SQL task,
// record the outcome, give back the jobs of workers that died, delete old
// finished jobs. Each step is its own short transaction (claim, commit,
// work, commit): nothing is held open while the worker sleeps, and a
// claimed job is visible as running to everyone at once.
//
// The queue's rules (order, named queues, flags, backoff, key handling)
// are the extension's SQL functions (gateway.claim_jobs, finish_job,
// fail_job, ...); this file only calls them.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/jobs/transfers.hpp"

namespace pg_gateway::jobs_pg {

struct ClaimedJob {
  int64_t id = 0;
  std::string task;
  std::string payload;  // jsonb as text
  int attempts = 0;     // including this one
  int max_attempts = 0;
};

enum class Outcome {
  kSucceeded,
  kRetried,  // failed, back in the queue after the backoff
  kFailed,   // failed for good
  kLost,     // the job was taken from this worker meanwhile (force_unlock_workers)
};

// What a batch of SQL tasks came to.
struct BatchResult {
  std::vector<Outcome> outcomes;  // one per job, in order
  std::vector<ClaimedJob> next;   // the next batch, claimed in the same commit
};

class JobRunner {
 public:
  // worker_id: what jobs claimed by this worker are locked by
  // ("<incarnation>:<pid>", see shared_state.hpp).
  explicit JobRunner(std::string worker_id) : worker_id_(std::move(worker_id)) {}

  // How many jobs to claim next, decided inside the transaction that would
  // claim them (0: none, once the worker is shutting down or full).
  using ClaimGate = std::function<int()>;

  // True when the installed extension has the job queue (0.4.0 or later).
  bool queue_installed();
  // Claims up to max_jobs due jobs, in queue order, and commits.
  std::vector<ClaimedJob> claim(int max_jobs);
  // Runs SQL tasks (in this process, now) in ONE transaction: each task in
  // its own subtransaction, as the role that registered it, its outcome
  // recorded in the same transaction, and the next batch claimed there too.
  // One commit (and one completion notification) for the whole batch. If
  // that transaction fails as a whole, every job of the batch is recorded
  // as a failed attempt instead.
  BatchResult run_batch(const std::vector<ClaimedJob>& jobs, const ClaimGate& gate);
  // Records how a network task's attempt ended (the worker ran the transfer).
  Outcome record_transfer(const jobs::TransferResult& transfer);
  // Records a failed attempt; `retryable` false fails the job for good.
  Outcome record_failure(int64_t job_id, const std::string& error, bool retryable,
                         const std::optional<std::string>& result_json = std::nullopt);
  // Gives back claimed jobs that were never started (shutdown), without
  // spending their attempt; returns how many.
  int release(const std::vector<ClaimedJob>& jobs);
  // Returns to the queue the running jobs locked by workers other than
  // `live` (workers of an earlier incarnation, or that exited); returns
  // how many.
  int release_jobs_of_dead_workers(const std::vector<std::string>& live);
  // Deletes finished jobs older than the retention; returns how many.
  int delete_finished_jobs(int retention_seconds);
  // Milliseconds until the next queued job that this worker may claim is
  // due (0: one is due now), or nullopt when there is none. Jobs with a
  // forbidden flag and jobs whose named queue is busy do not count.
  std::optional<int64_t> ms_until_next_due();
  // For /metrics: queued jobs whose run_at has come, and how long ago the
  // oldest of them came due (0 when none). A read-only transaction.
  void due_backlog(uint64_t* depth, double* oldest_due_age_s);

  const std::string& worker_id() const { return worker_id_; }

 private:
  // Runs one SQL task and records its outcome, in the current transaction.
  Outcome run_sql_task_here(const ClaimedJob& job);
  // finish_job in the current transaction (kLost: the lease is gone).
  Outcome finish_here(int64_t job_id, const std::optional<std::string>& result_json);
  // fail_job in the current transaction.
  Outcome fail_here(int64_t job_id, const std::string& error, bool retryable,
                    const std::optional<std::string>& result_json);
  // Claims up to max_jobs jobs in the current transaction.
  std::vector<ClaimedJob> claim_here(int max_jobs);

  std::string worker_id_;
};

// Marks the current transaction as one that failed an attempt of a job
// (retry scheduled), so that webhook senders waiting for it are answered
// when it commits (extension/jobs/job_wakeup.cpp).
void note_attempt_failed();

}  // namespace pg_gateway::jobs_pg
