#include "extension/pg/pg_api.hpp"

#include "extension/pg/transaction.hpp"

#include "extension/pg/guard.hpp"

namespace pg_gateway::pg {

namespace {

constexpr int kWatchdogIntervalMs = 200;

// Shutdown watchdog state; the handler runs in signal context, so it only
// reads these and sets flags, as PostgreSQL's own timeout handlers do.
volatile sig_atomic_t* watch_requested = nullptr;
volatile int64_t* watch_requested_at = nullptr;  // TimestampTz
const int* watch_timeout_ms = nullptr;           // the shutdown_timeout setting
TimeoutId watchdog_id = MAX_TIMEOUTS;            // MAX_TIMEOUTS: not installed
volatile sig_atomic_t watchdog_cancelled = false;
bool watchdog_armed = false;

void shutdown_watchdog_handler() {
  if (!watch_requested || !*watch_requested || proc_exit_inprogress) return;
  TimestampTz deadline = *watch_requested_at + int64_t(*watch_timeout_ms) * 1000;
  if (GetCurrentTimestamp() < deadline) return;
  // Same effect as a statement timeout: ProcessInterrupts raises 57014.
  watchdog_cancelled = true;
  InterruptPending = true;
  QueryCancelPending = true;
  SetLatch(MyLatch);
}

// Arms the watchdog only where statement_timeout alone could outlive
// shutdown_timeout: a statement that started before SIGTERM and ends within
// statement_timeout <= shutdown_timeout ends in time anyway.
void arm_watchdog(int statement_timeout_ms) {
  watchdog_cancelled = false;
  watchdog_armed = watchdog_id != MAX_TIMEOUTS &&
                   (statement_timeout_ms <= 0 || *watch_timeout_ms < statement_timeout_ms);
  if (watchdog_armed)
    enable_timeout_every(
        watchdog_id,
        TimestampTzPlusMilliseconds(GetCurrentStatementStartTimestamp(), kWatchdogIntervalMs),
        kWatchdogIntervalMs);
}

// disable_timeout() leaves the kernel's interval timer running (to save a
// system call), and its SIGALRM sets the latch when it goes off: an idle
// worker would wake up for nothing a moment after every transaction, and
// that wake-up's own transactions would arm the next one. Between
// transactions a worker needs no timeout at all, so all of them go, with
// the kernel timer.
void disarm_timers() {
  watchdog_armed = false;
  disable_all_timeouts(false);
}

// Returns the process to "idle, no transaction" after any failure. If even
// that fails, the backend's state is unknown and the only safe move is to
// exit and let the postmaster start a fresh worker.
void abort_transaction() noexcept {
  bool failed = false;
  try {
    pg::call([] {
      disarm_timers();
      AbortCurrentTransaction();
      // A cancel that arrived for the failed statement must not hit the next request.
      QueryCancelPending = false;
      pgstat_report_activity(STATE_IDLE, nullptr);
    });
  } catch (...) {
    failed = true;
  }
  if (failed)
    ereport(FATAL, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("pg_gateway could not abort a failed request transaction")));
}

}  // namespace

void run_in_transaction(const TransactionOptions& options, const std::function<void()>& body) {
  try {
    pg::call([&] {
      SetCurrentStatementStartTimestamp();
      StartTransactionCommand();
      // Same effect as SET TRANSACTION READ ONLY before the first snapshot.
      if (options.read_only) XactReadOnly = true;
      if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
      PushActiveSnapshot(GetTransactionSnapshot());
      pgstat_report_activity(STATE_RUNNING,
                             options.activity ? options.activity : "pg_gateway request");
      // Background workers do not get statement_timeout from postgres.c's
      // command loop; arm the same timer it would.
      if (options.statement_timeout_ms > 0)
        enable_timeout_after(STATEMENT_TIMEOUT, options.statement_timeout_ms);
      arm_watchdog(options.statement_timeout_ms);
    });
    body();
    pg::call([] {
      disarm_timers();
      SPI_finish();
      PopActiveSnapshot();
      CommitTransactionCommand();
      QueryCancelPending = false;
      pgstat_report_stat(false);
      pgstat_report_activity(STATE_IDLE, nullptr);
    });
  } catch (...) {
    abort_transaction();
    throw;
  }
}

void install_shutdown_watchdog(volatile sig_atomic_t* shutdown_requested,
                               volatile int64_t* shutdown_requested_at,
                               const int* shutdown_timeout_ms) {
  watch_timeout_ms = shutdown_timeout_ms;
  watch_requested = shutdown_requested;
  watch_requested_at = shutdown_requested_at;
  watchdog_id = pg::call([] { return RegisterTimeout(USER_TIMEOUT, shutdown_watchdog_handler); });
}

bool cancelled_for_shutdown() { return watchdog_cancelled; }

}  // namespace pg_gateway::pg
