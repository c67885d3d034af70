// The log writer's database work (the process is bgworker/log_writer.cpp):
// one batch of request log entries, one transaction, one INSERT; and the
// monthly partitions of gateway.request_log.
#pragma once

#include <vector>

#include "extension/request_log/buffer.hpp"

namespace pg_gateway::request_log_pg {

// True when gateway.request_log exists (extension version 0.6.0 or later)
// in the database this process is connected to; a short transaction.
bool table_installed();

// Inserts `batch` in one transaction. Throws pg::PgError when PostgreSQL
// refuses it (the transaction is then rolled back and nothing is written).
void write_batch(const std::vector<Entry>& batch);

// gateway.maintain_partitions('gateway.request_log', retention): creates
// the default partition and the months ahead, drops months past the
// retention, and logs what it did. Throws pg::PgError.
void maintain_partitions();

}  // namespace pg_gateway::request_log_pg
