// pg_gateway's request log writer: one background worker per cluster that
// takes the entries the HTTP workers pushed into shared memory
// (extension/request_log/buffer.hpp) and writes them to gateway.request_log,
// one transaction and one INSERT per batch, outside the requests' own
// transactions (a rolled-back mutation is still logged).
//
// It sleeps only in WaitEventSetWait, on its latch (set by an HTTP worker
// when the buffer passes half full, and by signals) and postmaster death,
// for at most a second: entries are in the table about a second after their
// request at most, sooner under load.
//
// At start and every hour it keeps the table's monthly partitions
// (gateway.maintain_partitions with pg_gateway.request_log_retention).
//
// SIGTERM (a fast shutdown signals every worker at once): the HTTP workers
// that were running may still be answering requests and pushing entries,
// so the writer keeps flushing until each of them has exited (or
// pg_gateway.shutdown_timeout plus a grace second has passed, the HTTP
// workers' own bound), then flushes the rest and exits. Nothing pushed
// before the HTTP workers exit is lost. The writer does not arm the
// shutdown watchdog: its own short INSERTs must finish, not be cancelled.
#include "extension/pg/pg_api.hpp"

#include <csignal>
#include <string>
#include <vector>

#include "bgworker/target_database.hpp"
#include "core/util/clock.hpp"
#include "extension/pg/entry.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/wait_set.hpp"
#include "extension/request_log/buffer.hpp"
#include "extension/request_log/settings.hpp"
#include "extension/request_log/writer.hpp"
#include "extension/metrics/recorder.hpp"
#include "extension/workers/settings.hpp"
#include "extension/workers/shared_state.hpp"

extern "C" {
PGDLLEXPORT void pg_gateway_log_writer_main(Datum main_arg);
}

namespace pg_gateway::bgworker {

namespace {

namespace rl = request_log_pg;

constexpr int64_t kFlushIntervalMs = 1000;
constexpr int64_t kMaintenanceMs = 3600 * 1000;
constexpr int64_t kTableCheckMs = 1000;  // while gateway.request_log is missing
constexpr int64_t kShutdownPollMs = 20;
constexpr int64_t kShutdownGraceMs = 1000;
constexpr size_t kBatch = 2000;  // entries per INSERT
constexpr int kMaxAttempts = 3;  // a batch PostgreSQL refuses this often is dropped

volatile sig_atomic_t shutdown_requested = false;

void handle_sigterm(SIGNAL_ARGS) {
  int save_errno = errno;
  shutdown_requested = true;
  SetLatch(MyLatch);
  errno = save_errno;
}

class LogWriter {
 public:
  explicit LogWriter(shared::WorkerSlot* slot) : slot_(slot) {}
  void run();

 private:
  // Writes everything buffered now, batch by batch; false when a batch
  // failed (it stays in pending_ for the next round).
  bool flush();
  bool write_pending();
  void discard(size_t n, const std::string& why);
  void maintain(int64_t now);
  // The HTTP workers running when SIGTERM came; true once all have exited.
  bool http_workers_gone() const;
  void wait(int64_t ms);

  shared::WorkerSlot* slot_;
  pg::WaitSet wait_set_{-1};
  std::vector<rl::Entry> pending_;  // taken from shared memory, not committed yet
  int attempts_ = 0;
  bool table_ = false;
  bool warned_missing_ = false;
  int64_t next_table_check_ = 0;
  int64_t next_maintenance_ = 0;
  uint32 http_pids_[shared::kMaxHttpWorkers] = {};
};

void LogWriter::discard(size_t n, const std::string& why) {
  rl::count_dropped(n);
  pg::warning("pg_gateway log writer: " + std::to_string(n) + " request log entries lost: " + why);
}

// The table appears with CREATE EXTENSION (or ALTER EXTENSION UPDATE to
// 0.6.0) at any time, so a missing one is looked for again every second
// (one catalog lookup);
// meanwhile entries are discarded (counted as dropped) rather than left to
// fill the buffer and make the HTTP workers warn.
void LogWriter::maintain(int64_t now) {
  if (!table_ && now >= next_table_check_) {
    next_table_check_ = now + kTableCheckMs;
    table_ = rl::table_installed();
    if (table_) {
      pg::log("pg_gateway log writer writing the request log of database \"" +
              std::string(workers::settings::database) + "\"");
      warned_missing_ = false;
      next_maintenance_ = 0;
    } else if (!warned_missing_ && rl::settings::mode != int(rl::settings::Mode::kOff)) {
      warned_missing_ = true;
      pg::warning("pg_gateway log writer: gateway.request_log does not exist in database \"" +
                      std::string(workers::settings::database) +
                      "\", so the request log is discarded",
                  "CREATE EXTENSION pg_gateway, or ALTER EXTENSION pg_gateway UPDATE to 0.6.0");
    }
  }
  if (table_ && now >= next_maintenance_) {
    next_maintenance_ = now + kMaintenanceMs;
    try {
      rl::maintain_partitions();
    } catch (const pg::PgError& e) {
      pg::warning(
          "pg_gateway log writer: could not maintain the partitions of "
          "gateway.request_log: " +
              e.message,
          e.hint);
      next_maintenance_ = now + kTableCheckMs;  // sooner than in an hour
      table_ = rl::table_installed();
    }
  }
}

bool LogWriter::write_pending() {
  if (pending_.empty()) return true;
  if (!table_) {
    size_t n = pending_.size();
    pending_.clear();
    rl::count_dropped(n);
    return true;
  }
  try {
    rl::write_batch(pending_);
  } catch (const pg::PgError& e) {
    // A missing partition (maintenance failed), a dropped table, a full
    // disk: kept and retried at the next round, dropped after a few tries
    // so that one bad batch cannot stop the log for good.
    if (++attempts_ < kMaxAttempts) {
      pg::warning(
          "pg_gateway log writer: could not write the request log (will retry): " + e.message,
          e.hint);
      table_ = rl::table_installed();
      next_maintenance_ = 0;
      return false;
    }
    size_t n = pending_.size();
    pending_.clear();
    attempts_ = 0;
    discard(n, e.message);
    return false;
  }
  rl::count_written(pending_.size());
  pending_.clear();
  attempts_ = 0;
  return true;
}

bool LogWriter::flush() {
  while (true) {
    if (pending_.empty() && rl::take(&pending_, kBatch) == 0) return true;
    if (!write_pending()) return false;
  }
}

// An HTTP worker publishes its last entry (buffer.cpp) before it clears
// its slot's pid on exit; the barrier keeps this process from reading the
// buffer's flags before the pids, so a worker seen gone here has every
// entry it pushed visible to the flush that follows.
bool LogWriter::http_workers_gone() const {
  for (int i = 0; i < shared::kMaxHttpWorkers; ++i)
    if (http_pids_[i] != 0 && pg_atomic_read_u32(&shared::http_slot(i)->pid) == http_pids_[i])
      return false;
  pg_memory_barrier();
  return true;
}

void LogWriter::wait(int64_t ms) {
  (void)wait_set_.wait(long(ms < 1 ? 1 : ms));
  if (std::optional<std::string> ignored = pg::absorb_interrupts())
    pg::log("pg_gateway log writer: ignored interrupt while idle: " + *ignored);
  (void)pg::reload_config_if_requested();
}

void LogWriter::run() {
  rl::set_writer_latch(MyLatch);
  int64_t next_flush = 0;
  while (!shutdown_requested) {
    int64_t now = util::monotonic_ms();
    try {
      maintain(now);
      bool asked = rl::flush_requested();
      if (asked || now >= next_flush) {
        flush();
        next_flush = util::monotonic_ms() + kFlushIntervalMs;
      }
    } catch (const pg::PgError& e) {
      pg::warning("pg_gateway log writer: " + e.message, e.hint);
    }
    if (shutdown_requested) break;
    wait(next_flush - util::monotonic_ms());
  }
  // SIGTERM: the HTTP workers that run now may still push entries until
  // they exit; keep writing until they are gone, then take the rest.
  for (int i = 0; i < workers::settings::http_workers && i < shared::kMaxHttpWorkers; ++i)
    http_pids_[i] = pg_atomic_read_u32(&shared::http_slot(i)->pid);
  int64_t deadline =
      util::monotonic_ms() + workers::settings::shutdown_timeout_ms + kShutdownGraceMs;
  bool gone = false;
  while (true) {
    gone = http_workers_gone();
    try {
      if (!table_) maintain(util::monotonic_ms());
      flush();
    } catch (const pg::PgError& e) {
      pg::warning("pg_gateway log writer: " + e.message, e.hint);
    }
    if (gone || util::monotonic_ms() >= deadline) break;
    wait(kShutdownPollMs);
  }
  // Once more after the last HTTP worker's exit was seen: what it pushed
  // before exiting is in the buffer now. A batch that still fails is lost.
  try {
    for (int i = 0; i < kMaxAttempts && !flush(); ++i) {
    }
  } catch (const pg::PgError& e) {
    pg::warning("pg_gateway log writer: " + e.message, e.hint);
  }
  size_t left = pending_.size() + rl::buffered();
  if (left > 0) discard(left, "the log writer stopped before it could write them");
  if (!gone)
    pg::log(
        "pg_gateway log writer: pg_gateway.shutdown_timeout reached before the HTTP workers "
        "exited");
  pg::log("pg_gateway log writer: shutting down");
}

// On every exit, FATAL included: the slot must not name a dead process,
// and HTTP workers must not set a latch that no longer is the writer's.
void clear_writer_slot(int code, Datum arg) {
  (void)code;
  (void)arg;
  shared::WorkerSlot* slot = shared::log_writer_slot();
  if (pg_atomic_read_u32(&slot->pid) != uint32(MyProcPid)) return;
  rl::set_writer_latch(nullptr);
  pg_atomic_write_u32(&slot->state, uint32(shared::WorkerState::kNotRunning));
  pg_atomic_write_u32(&slot->pid, 0);
}

void log_writer_main(int index) {
  pg::call([] {
    pqsignal(SIGTERM, handle_sigterm);
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    BackgroundWorkerUnblockSignals();
  });
  shared::WorkerSlot* slot = shared::log_writer_slot();
  pg::call([] { before_shmem_exit(clear_writer_slot, Int32GetDatum(0)); });
  pg_atomic_write_u32(&slot->pid, uint32(MyProcPid));
  pg_atomic_write_u32(&slot->state, uint32(shared::WorkerState::kStarting));
  metrics_pg::worker_started(metrics_pg::WorkerKind::kLogWriter, 0);

  WorkerStatus status = connect_worker(index, slot, WorkerKind::kLogWriter);
  pg::call([] { pgstat_report_appname("pg_gateway log writer"); });
  if (!status.connected) {
    // No database to write to: entries are discarded (counted) until the
    // database is back, then the writer exits so that a fresh one connects.
    pg_atomic_write_u32(&slot->state, uint32(shared::WorkerState::kDegraded));
    std::vector<rl::Entry> sink;
    pg::WaitSet wait_set(-1);
    while (!shutdown_requested) {
      sink.clear();
      size_t n = rl::take(&sink, kBatch);
      if (n > 0) rl::count_dropped(n);
      if (target_database_available(status, slot)) break;
      (void)wait_set.wait(2000);
      (void)pg::absorb_interrupts();
      (void)pg::reload_config_if_requested();
    }
    return;
  }
  pg_atomic_write_u32(&slot->state, uint32(shared::WorkerState::kServing));
  LogWriter(slot).run();
}

}  // namespace
}  // namespace pg_gateway::bgworker

void pg_gateway_log_writer_main(Datum main_arg) {
  pg_gateway::pg::run_worker_main("pg_gateway log writer", pg_gateway::bgworker::log_writer_main,
                                  main_arg);
}
