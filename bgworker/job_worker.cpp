// pg_gateway's job workers: background workers that run the job queue's
// jobs (extension/jobs/job_runner.hpp does the database work).
//
// Each worker loops: claim due jobs and run them, until none is due; then
// sleep in WaitEventSetWait on its latch (set at commit by every enqueue,
// see extension/jobs/job_wakeup.cpp) and postmaster death, for at most
// pg_gateway.job_poll_interval or until the next job's run_at. Every
// minute, and at start, worker 1 gives back the jobs of workers that are
// gone (a crash-restart changes the shared-memory incarnation in their lock
// ids; a worker that exited no longer has a slot) and deletes finished
// jobs past pg_gateway.job_retention.
//
// Worker 1 also enqueues recurring jobs (gateway.crontab) each minute they
// match (extension/jobs/cron_scheduler.hpp).
//
// SIGTERM: the job in progress finishes (its SQL is cancelled once
// pg_gateway.shutdown_timeout has passed, like a request's, and the job is
// then retried by the next worker), no new job is claimed.
#include "extension/pg/pg_api.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <cstdio>
#include <string>
#include <vector>

#include "bgworker/target_database.hpp"
#include "core/jobs/task_specs.hpp"
#include "core/jobs/transfers.hpp"
#include "core/util/clock.hpp"
#include "extension/audit/audit_maintenance.hpp"
#include "extension/jobs/cron_scheduler.hpp"
#include "extension/jobs/settings.hpp"
#include "extension/metrics/recorder.hpp"
#include "extension/workers/settings.hpp"
#include "extension/jobs/job_runner.hpp"
#include "extension/jobs/counters.hpp"
#include "extension/pg/entry.hpp"
#include "extension/pg/wait_set.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/transaction.hpp"
#include "extension/workers/shared_state.hpp"
#include "extension/pg/settings.hpp"

extern "C" {
PGDLLEXPORT void pg_gateway_job_worker_main(Datum main_arg);
}

namespace pg_gateway::bgworker {

namespace {

constexpr int64_t kHousekeepingMs = 60 * 1000;
// How often the first job worker measures the queue for /metrics.
constexpr int64_t kQueueMetricsMs = 5 * 1000;
constexpr int64_t kAuditMaintenanceMs = 3600 * 1000;
constexpr int64_t kNoQueuePollMs = 10 * 1000;  // extension missing or older than 0.4.0
constexpr int64_t kMinIdleWaitMs = 5;          // after a round that claimed nothing
constexpr double kBatchBudgetUs = 20000;       // work one claimed batch may hold (next_claim_size)
constexpr int kMaxBatch = 128;

volatile sig_atomic_t shutdown_requested = false;
volatile int64_t shutdown_requested_at = 0;

void handle_sigterm(SIGNAL_ARGS) {
  int save_errno = errno;
  if (!shutdown_requested) shutdown_requested_at = GetCurrentTimestamp();
  shutdown_requested = true;
  SetLatch(MyLatch);
  errno = save_errno;
}

std::string worker_id_for(uint32 pid) {
  char buf[64];
  snprintf(buf, sizeof buf, "%016llx:%u",
           static_cast<unsigned long long>(shared::get()->incarnation), pid);
  return buf;
}

// Lock ids of the job workers alive now.
std::vector<std::string> live_workers() {
  std::vector<std::string> ids;
  for (int i = 0; i < workers::settings::job_workers && i < shared::kMaxJobWorkers; ++i) {
    uint32 pid = pg_atomic_read_u32(&shared::job_slot(i)->pid);
    if (pid != 0) ids.push_back(worker_id_for(pid));
  }
  return ids;
}

class JobWorker {
 public:
  JobWorker(int index, shared::WorkerSlot* slot)
      : index_(index),
        slot_(slot),
        runner_(worker_id_for(uint32(MyProcPid))),
        cron_(int64_t(time(nullptr))) {}

  void run();

 private:
  std::string name() const { return "pg_gateway job worker " + std::to_string(index_ + 1); }
  // Runs due jobs until none is left or shutdown; false if the queue is
  // not installed. Adds the jobs it claimed to `claimed`.
  bool drain(int* claimed);
  // Starts the request of an "http" job (or fails the job when its payload
  // is not a valid http task).
  void start_http(const jobs_pg::ClaimedJob& job);
  void start_email(const jobs_pg::ClaimedJob& job);
  // Records the transfers libcurl finished; returns how many.
  size_t collect_transfers();
  // After SIGTERM: lets transfers in flight finish until shutdown_timeout,
  // then gives the rest back to the queue as failed attempts.
  void finish_transfers(pg::WaitSet* set);
  void counted(std::string_view task, jobs_pg::Outcome outcome, double seconds = -1);
  void refresh_queue_metrics(int64_t now);
  int next_claim_size() const;
  void absorb_interrupts(const char* when);
  void housekeeping();
  void sleep(int64_t ms, pg::WaitSet* set);

  int index_;
  shared::WorkerSlot* slot_;
  jobs_pg::JobRunner runner_;
  jobs_pg::CronScheduler cron_;  // worker 1 only
  jobs::TransferSet transfers_;  // http tasks in flight
  // Recent average time of a SQL task, in microseconds, including its
  // share of the batch's transaction (starts at the batch budget: the
  // first claim after a start takes one job).
  double sql_job_us_ = kBatchBudgetUs;
  bool queue_known_ = false;
  bool warned_missing_ = false;
  int64_t next_housekeeping_ = 0;
  int64_t next_queue_metrics_ = 0;
  int64_t next_audit_maintenance_ = 0;  // worker 1 only
};

// Microseconds this process has spent runnable but waiting for a CPU
// (Linux's /proc/self/schedstat, second field, in nanoseconds); 0 where
// that is not available.
int64_t runqueue_wait_us() {
  FILE* f = fopen("/proc/self/schedstat", "r");
  if (!f) return 0;
  unsigned long long on_cpu = 0, waiting = 0;
  int n = fscanf(f, "%llu %llu", &on_cpu, &waiting);
  fclose(f);
  return n == 2 ? int64_t(waiting / 1000) : 0;
}

bool JobWorker::drain(int* claimed) {
  if (!queue_known_) {
    queue_known_ = runner_.queue_installed();
    if (!queue_known_) {
      if (!warned_missing_)
        pg::log(name() + ": the job queue is not installed in database \"" +
                std::string(workers::settings::database) +
                "\" (CREATE EXTENSION pg_gateway, version 0.4.0 or later); checking again every "
                "10 s");
      warned_missing_ = true;
      return false;
    }
    pg::log(name() + " running jobs of database \"" + std::string(workers::settings::database) +
            "\"");
  }
  // A batch's outcomes and the next claim share a commit (job_runner.hpp),
  // so `batch` may already hold claimed jobs when the loop comes round.
  std::vector<jobs_pg::ClaimedJob> batch;
  auto claim_size = [this] { return next_claim_size(); };
  while (true) {
    if (batch.empty()) batch = runner_.claim(claim_size());
    if (batch.empty()) break;
    if (shutdown_requested) {
      // Claimed in the same commit as the last outcomes, never started.
      runner_.release(batch);
      break;
    }
    *claimed += int(batch.size());
    std::vector<jobs_pg::ClaimedJob> sql;
    for (jobs_pg::ClaimedJob& job : batch) {
      jobs_pg::count(index_, jobs_pg::JobCounter::kClaimed);
      metrics_pg::count_job(job.task, metrics_pg::JobEvent::kStarted);
      if (job.task == "http")
        start_http(job);
      else if (job.task == "email")
        start_email(job);
      else
        sql.push_back(std::move(job));
    }
    batch.clear();
    if (!sql.empty()) {
      auto started = std::chrono::steady_clock::now();
      int64_t waited_before = runqueue_wait_us();
      jobs_pg::BatchResult done = runner_.run_batch(sql, claim_size);
      double us =
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
              .count();
      // /metrics: each job of the batch is charged an equal share.
      const double each_s = us / 1e6 / double(sql.size());
      // Time spent waiting for a CPU is not the tasks' cost: on a busy
      // machine it would shrink the batches, and more, smaller batches mean
      // more commits competing for the notification lock.
      us -= double(std::max<int64_t>(0, runqueue_wait_us() - waited_before));
      sql_job_us_ = 0.7 * sql_job_us_ + 0.3 * (std::max(us, 0.0) / double(sql.size()));
      for (size_t i = 0; i < done.outcomes.size(); ++i)
        counted(i < sql.size() ? std::string_view(sql[i].task) : std::string_view("other"),
                done.outcomes[i], each_s);
      batch = std::move(done.next);
    }
    collect_transfers();
    absorb_interrupts("between jobs");
  }
  return true;
}

// How many jobs the next claim may take. Batching spreads one claim and one
// commit over many jobs, but a claimed job waits for the ones before it in
// its batch even if another worker is idle; so a batch holds about
// kBatchBudgetUs of work, by the recent average time of a SQL task: one
// job at a time for slow tasks, up to kMaxBatch for tasks of microseconds.
// Never more than the free network-task slots, nor any once shutting down.
int JobWorker::next_claim_size() const {
  if (shutdown_requested) return 0;
  int free = jobs_pg::settings::job_concurrency - int(transfers_.in_flight());
  if (free <= 0) return 0;
  double fit = kBatchBudgetUs / std::max(sql_job_us_, 1.0);
  int size = fit >= kMaxBatch ? kMaxBatch : std::max(1, int(fit));
  return std::min(size, free);
}

// Absorbs procsignal barriers and other interrupts (a stray cancel raises
// an ERROR, which is logged) and applies a pending reload.
void JobWorker::absorb_interrupts(const char* when) {
  if (std::optional<std::string> ignored = pg::absorb_interrupts())
    pg::log(name() + ": ignored interrupt " + when + ": " + *ignored);
  (void)pg::reload_config_if_requested();
}

// The job counters of gateway.job_worker_stats() and, by task, of
// /metrics (with the attempt's duration when known, seconds < 0 if not).
void JobWorker::counted(std::string_view task, jobs_pg::Outcome outcome, double seconds) {
  using metrics_pg::JobEvent;
  switch (outcome) {
    case jobs_pg::Outcome::kSucceeded:
      jobs_pg::count(index_, jobs_pg::JobCounter::kSucceeded);
      metrics_pg::count_job(task, JobEvent::kSucceeded);
      break;
    case jobs_pg::Outcome::kRetried:
      jobs_pg::count(index_, jobs_pg::JobCounter::kRetried);
      metrics_pg::count_job(task, JobEvent::kRetried);
      break;
    case jobs_pg::Outcome::kFailed:
      jobs_pg::count(index_, jobs_pg::JobCounter::kFailed);
      metrics_pg::count_job(task, JobEvent::kFailed);
      break;
    case jobs_pg::Outcome::kLost:
      return;
  }
  if (seconds >= 0) metrics_pg::record_job_duration(task, seconds);
}

// /metrics' queue gauges, from the first job worker only, every
// kQueueMetricsMs while the queue is installed: one read-only query.
void JobWorker::refresh_queue_metrics(int64_t now) {
  if (index_ != 0 || now < next_queue_metrics_) return;
  next_queue_metrics_ = now + kQueueMetricsMs;
  uint64_t depth = 0;
  double oldest = 0;
  runner_.due_backlog(&depth, &oldest);
  metrics_pg::publish_queue(depth, oldest);
}

void JobWorker::start_http(const jobs_pg::ClaimedJob& job) {
  jobs::TaskSpecResult<jobs::HttpTaskSpec> spec =
      jobs::parse_http_task(std::string_view(job.payload), std::to_string(job.id));
  if (!spec.ok()) {
    counted("http",
            runner_.record_failure(job.id, spec.error, false));  // the payload will not change
    return;
  }
  try {
    transfers_.start_http(job.id, *spec.spec, int64_t(time(nullptr)), util::monotonic_ms());
  } catch (const std::exception& e) {
    counted("http", runner_.record_failure(
                        job.id, std::string("could not start the request: ") + e.what(), true));
  }
}

void JobWorker::start_email(const jobs_pg::ClaimedJob& job) {
  jobs::TaskSpecResult<jobs::EmailTaskSpec> spec =
      jobs::parse_email_task(std::string_view(job.payload));
  if (!spec.ok()) {
    counted("email", runner_.record_failure(job.id, spec.error, false));
    return;
  }
  jobs::SmtpSettings smtp;
  smtp.url = pg::settings::text(jobs_pg::settings::smtp_url);
  smtp.username = pg::settings::text(jobs_pg::settings::smtp_username);
  smtp.password = pg::settings::text(jobs_pg::settings::smtp_password);
  try {
    transfers_.start_email(job.id, *spec.spec, smtp, int64_t(time(nullptr)), util::monotonic_ms());
  } catch (const std::exception& e) {
    // No server configured (or a message that cannot be built): retrying
    // lets an operator fix the setting without losing the job.
    counted("email", runner_.record_failure(
                         job.id, std::string("could not send the email: ") + e.what(), true));
  }
}

size_t JobWorker::collect_transfers() {
  if (transfers_.in_flight() == 0) return 0;
  std::vector<jobs::TransferResult> done = transfers_.poll(util::monotonic_ms());
  for (const jobs::TransferResult& t : done)
    counted(t.email ? "email" : "http", runner_.record_transfer(t), double(t.elapsed_ms) / 1000.0);
  return done.size();
}

void JobWorker::finish_transfers(pg::WaitSet* set) {
  int64_t deadline = util::monotonic_ms() + workers::settings::shutdown_timeout_ms;
  while (transfers_.in_flight() > 0) {
    int64_t now = util::monotonic_ms();
    if (now >= deadline) break;
    collect_transfers();
    if (transfers_.in_flight() == 0) break;
    int64_t wait = deadline - now;
    int64_t curl_wait = transfers_.next_timeout_ms(now);
    if (curl_wait >= 0 && curl_wait < wait) wait = curl_wait;
    sleep(wait < 1 ? 1 : wait, set);
  }
  if (transfers_.in_flight() == 0) return;
  pg::log(name() + ": pg_gateway.shutdown_timeout reached, returning " +
          std::to_string(transfers_.in_flight()) + " http job(s) to the queue");
  for (const jobs::TransferResult& t : transfers_.abort_all("stopped by the job worker's shutdown"))
    counted(t.email ? "email" : "http",
            runner_.record_failure(t.job_id, "the job worker stopped during the request", true));
}

void JobWorker::housekeeping() {
  if (!queue_known_ || index_ != 0) return;
  int released = runner_.release_jobs_of_dead_workers(live_workers());
  if (released > 0)
    pg::log(name() + ": returned " + std::to_string(released) +
            " job(s) of stopped job workers to the queue");
  while (runner_.delete_finished_jobs(jobs_pg::settings::job_retention_s) >= 1000 &&
         !shutdown_requested) {
  }
  int64_t now = util::monotonic_ms();
  if (now >= next_audit_maintenance_) {
    // At start and hourly: months change rarely, and enable_audit creates
    // the partitions it needs itself. A failure is retried next round.
    next_audit_maintenance_ = now + kAuditMaintenanceMs;
    try {
      audit_pg::maintain_audit_log(name().c_str());
    } catch (const pg::PgError& e) {
      pg::warning(name() + ": audit log maintenance failed: " + e.message, e.hint);
      next_audit_maintenance_ = now + kHousekeepingMs;
    }
  }
}

void JobWorker::run() {
  // Every transfer socket, through libcurl's epoll set (transfers.hpp).
  pg::WaitSet wait_set(transfers_.epoll_fd());
  while (!shutdown_requested) {
    int64_t now = util::monotonic_ms();
    bool installed = false;
    int progress = 0;  // jobs claimed and transfers finished this round
    try {
      if (now >= next_housekeeping_ && queue_known_) {
        housekeeping();
        next_housekeeping_ = now + kHousekeepingMs;
      }
      installed = drain(&progress);
      if (installed && next_housekeeping_ == 0) {
        housekeeping();
        next_housekeeping_ = util::monotonic_ms() + kHousekeepingMs;
        installed = drain(&progress);
      }
    } catch (const pg::PgError& e) {
      // The queue's functions failed (extension dropped meanwhile, say):
      // look again at the next round.
      pg::warning(name() + ": " + e.message, e.hint);
      queue_known_ = false;
    }
    if (shutdown_requested) break;
    int64_t wait = installed ? jobs_pg::settings::job_poll_interval_ms : kNoQueuePollMs;
    if (installed) {
      try {
        // Recurring jobs: what it enqueues wakes every worker at commit,
        // this one included, so they run without waiting for the poll.
        if (index_ == 0) {
          std::optional<int64_t> next_cron = cron_.run();
          if (next_cron && *next_cron < wait) wait = *next_cron;
        }
        refresh_queue_metrics(util::monotonic_ms());
        // A full worker claims nothing until a transfer finishes.
        if (transfers_.in_flight() < size_t(jobs_pg::settings::job_concurrency)) {
          std::optional<int64_t> due = runner_.ms_until_next_due();
          if (due && *due < wait) wait = *due;
        }
        // The first worker wakes for its next queue measurement too.
        if (index_ == 0)
          wait = std::min<int64_t>(
              wait, std::max<int64_t>(0, next_queue_metrics_ - util::monotonic_ms()));
        size_t collected = collect_transfers();
        if (collected > 0) wait = 0;
        progress += int(collected);
      } catch (const pg::PgError& e) {
        pg::warning(name() + ": " + e.message, e.hint);
      }
    }
    int64_t curl_wait = transfers_.next_timeout_ms(util::monotonic_ms());
    if (curl_wait >= 0 && curl_wait < wait) wait = curl_wait;
    // A job can look due yet not be claimable for a moment (another
    // worker's claim has it locked but not committed yet): a round that
    // did nothing waits a little instead of spinning.
    if (progress == 0 && wait < kMinIdleWaitMs) wait = kMinIdleWaitMs;
    sleep(wait, &wait_set);
    if (transfers_.in_flight() > 0) {
      try {
        collect_transfers();
      } catch (const pg::PgError& e) {
        pg::warning(name() + ": " + e.message, e.hint);
      }
    }
  }
  if (transfers_.in_flight() > 0) {
    try {
      finish_transfers(&wait_set);
    } catch (const pg::PgError& e) {
      pg::warning(name() + ": " + e.message, e.hint);
    }
  }
  pg::log(name() + ": shutting down");
}

void JobWorker::sleep(int64_t ms, pg::WaitSet* set) {
  if (ms <= 0) {
    absorb_interrupts("between rounds");
    return;
  }
  // Until the time is up, a transfer's socket is ready, or the latch is set
  // for a reason: an enqueue (wake_requested), a signal (reload, SIGTERM).
  // A latch set by nothing of the kind (a stale SIGALRM) is slept through.
  int64_t deadline = util::monotonic_ms() + ms;
  while (true) {
    int64_t left = deadline - util::monotonic_ms();
    if (left <= 0) break;
    pg::Wakeup w = set->wait(long(left));
    if (w.timed_out()) break;
    bool woken = w.socket;  // a transfer's socket
    if (w.latch) {
      if (pg_atomic_exchange_u32(&slot_->wake_requested, 0) != 0) {
        jobs_pg::count(index_, jobs_pg::JobCounter::kWakeups);
        woken = true;
      }
      if (ConfigReloadPending || shutdown_requested) woken = true;
    }
    absorb_interrupts("while idle");
    if (woken) break;
  }
}

// On every exit, FATAL included: the slot must not name a dead process.
void clear_job_slot(int code, Datum arg) {
  (void)code;
  shared::WorkerSlot* slot = shared::job_slot(DatumGetInt32(arg));
  if (!slot || pg_atomic_read_u32(&slot->pid) != uint32(MyProcPid)) return;
  pg_atomic_write_u64(&slot->latch, 0);
  pg_atomic_write_u32(&slot->state, uint32(shared::WorkerState::kNotRunning));
  pg_atomic_write_u32(&slot->pid, 0);
}

void job_worker_main(int index) {
  pg::call([] {
    pqsignal(SIGTERM, handle_sigterm);
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    BackgroundWorkerUnblockSignals();
  });
  shared::WorkerSlot* slot = shared::job_slot(index);
  if (!slot) throw std::out_of_range("job worker index out of range");
  pg::call([index] { before_shmem_exit(clear_job_slot, Int32GetDatum(index)); });
  pg_atomic_write_u32(&slot->pid, uint32(MyProcPid));
  pg_atomic_write_u32(&slot->state, uint32(shared::WorkerState::kStarting));
  jobs_pg::reset_counters(index);
  metrics_pg::worker_started(metrics_pg::WorkerKind::kJob, index);

  WorkerStatus status = connect_worker(index, slot, WorkerKind::kJob);
  std::string appname = "pg_gateway job worker " + std::to_string(index + 1);
  pg::call([&] { pgstat_report_appname(appname.c_str()); });
  if (!status.connected) {
    // No database to run jobs in: wait for it as the HTTP workers do, then
    // exit so that the postmaster starts a worker that connects.
    pg_atomic_write_u32(&slot->state, uint32(shared::WorkerState::kDegraded));
    while (!shutdown_requested) {
      if (target_database_available(status, slot)) break;
      pg::call([] {
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 2000,
                        PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
      });
    }
    return;
  }
  pg::install_shutdown_watchdog(&shutdown_requested, &shutdown_requested_at,
                                &workers::settings::shutdown_timeout_ms);
  pg_atomic_write_u64(&slot->latch, uint64(uintptr_t(MyLatch)));
  pg_atomic_write_u32(&slot->state, uint32(shared::WorkerState::kServing));
  JobWorker(index, slot).run();
}

}  // namespace
}  // namespace pg_gateway::bgworker

void pg_gateway_job_worker_main(Datum main_arg) {
  pg_gateway::pg::run_worker_main("pg_gateway job worker", pg_gateway::bgworker::job_worker_main,
                                  main_arg);
}
