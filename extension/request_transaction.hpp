// One request, one transaction.
//
// The SQL a request runs gets a fresh transaction with SPI connected, its
// own statement_timeout, and an entry in pg_stat_activity. Nothing is held
// open across network I/O: the worker calls this only with a complete
// request in hand, and sends the response after it returns.
#pragma once

#include <functional>

namespace pg_gateway::request {

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

}  // namespace pg_gateway::request
