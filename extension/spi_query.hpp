// SQL with text parameters through SPI, for the job workers' short
// statements (extension/job_runner.cpp, extension/cron_scheduler.cpp).
#pragma once

#include "extension/pg_api.hpp"

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
std::vector<TextRow> query_text(const char* sql, const TextParams& params);

}  // namespace pg_gateway::pg
