// One request, one transaction.
//
// The SQL a request runs gets a fresh transaction with SPI connected, its
// own statement_timeout, and an entry in pg_stat_activity. Nothing is held
// open across network I/O: the worker calls this only with a complete
// request in hand, and sends the response after it returns.
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>

namespace pg_gateway::pg {

struct TransactionOptions {
  bool read_only = true;
  int statement_timeout_ms = 0;    // 0: none
  const char* activity = nullptr;  // shown in pg_stat_activity.query
};

// Runs `body` (C++; its PostgreSQL calls go through pg::call) inside the
// transaction and commits. If `body` throws, or PostgreSQL raises an error
// anywhere, the transaction is aborted and the exception propagates
// (pg::PgError for PostgreSQL errors) to the caller, which maps it to an
// HTTP status. The worker is then ready for the next request.
void run_in_transaction(const TransactionOptions& options, const std::function<void()>& body);

// Makes pg_gateway.shutdown_timeout a bound for SQL that is already running
// when SIGTERM arrives. Called once by a worker with its signal handler's
// flag and the time that handler recorded: while request SQL runs, a
// repeating timer checks them and, once shutdown_timeout has passed since
// SIGTERM, cancels the statement as a statement timeout would.
// `shutdown_timeout_ms` is the setting's variable, read at each check so
// that a reload applies.
void install_shutdown_watchdog(volatile sig_atomic_t* shutdown_requested,
                               volatile int64_t* shutdown_requested_at,
                               const int* shutdown_timeout_ms);

// True when the last transaction's statement was cancelled by that watchdog.
bool cancelled_for_shutdown();

}  // namespace pg_gateway::pg
