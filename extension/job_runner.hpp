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

#include "extension/pg_api.hpp"

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

class JobRunner {
 public:
  // worker_id: what jobs claimed by this worker are locked by
  // ("<incarnation>:<pid>", see shared_state.hpp).
  explicit JobRunner(std::string worker_id) : worker_id_(std::move(worker_id)) {}

  // Decides, inside the transaction that would claim, whether to claim the
  // next job there (false once the worker is shutting down or full).
  using ClaimGate = std::function<bool()>;

  // True when the installed extension has the job queue (0.4.0 or later).
  bool queue_installed();
  std::optional<ClaimedJob> claim();
  // Runs a SQL task (in this process, now). When `next` is given and the
  // gate allows it, the next due job is claimed in the transaction that
  // records this one's outcome: one commit per job instead of two while
  // the queue is not empty.
  Outcome run(const ClaimedJob& job, std::optional<ClaimedJob>* next = nullptr,
              const ClaimGate& gate = {});
  // Records how a network task's attempt ended (the worker ran the transfer).
  Outcome record_transfer(const jobs::TransferResult& transfer);
  // Records a failed attempt; `retryable` false fails the job for good.
  Outcome record_failure(int64_t job_id, const std::string& error, bool retryable,
                         const std::optional<std::string>& result_json = std::nullopt);
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

  const std::string& worker_id() const { return worker_id_; }

 private:
  Outcome run_sql_task(const ClaimedJob& job, std::optional<ClaimedJob>* next,
                       const ClaimGate& gate);
  // Claims one job in the current transaction.
  std::optional<ClaimedJob> claim_here();

  std::string worker_id_;
};

}  // namespace pg_gateway::jobs_pg
