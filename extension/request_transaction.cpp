#include "extension/pg_api.hpp"

#include "extension/request_transaction.hpp"

#include "extension/pg_guard.hpp"

namespace pg_gateway::request {

namespace {

// Returns the process to "idle, no transaction" after any failure. If even
// that fails, the backend's state is unknown and the only safe move is to
// exit and let the postmaster start a fresh worker.
void abort_transaction() noexcept {
  bool failed = false;
  try {
    pg::call([] {
      disable_timeout(STATEMENT_TIMEOUT, false);
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
    });
    body();
    pg::call([] {
      disable_timeout(STATEMENT_TIMEOUT, false);
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

}  // namespace pg_gateway::request
