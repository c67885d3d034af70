// SQL with text parameters through SPI, for the job workers' short
// statements (extension/jobs/job_runner.cpp, extension/jobs/cron_scheduler.cpp).
#pragma once

#include "extension/pg/pg_api.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pg_gateway::pg {

using TextRow = std::vector<std::optional<std::string>>;
using TextParams = std::vector<std::optional<std::string>>;

// Runs `sql` with text parameters (cast them in the SQL: $1::bigint) in
// the current transaction (SPI connected) and copies every row out as text
// (NULL as nullopt). Every PostgreSQL call is its own pg::call, so no C++
// object lives in a frame an ereport could skip.
//
// The statement is parsed and planned once per process: its plan is kept
// (SPI_keepplan) under its text, and PostgreSQL's plan cache replans it
// when something it uses changes. The workers run a few fixed statements
// thousands of times a second, and planning them each time was a quarter
// of a job's cost. Callers therefore pass a small set of texts; the cache
// is emptied should it ever hold more than kMaxKeptPlans.
inline constexpr size_t kMaxKeptPlans = 64;

std::vector<TextRow> query_text(const char* sql, const TextParams& params);

}  // namespace pg_gateway::pg
