// Recurring jobs: job worker 1 turns the rows of gateway.crontab into jobs,
// one per matching minute, at most once per minute across any number of
// workers, with Graphile Worker's backfill rule (core/jobs/crontab.hpp does
// the parsing and the calendar arithmetic).
#pragma once

#include "extension/pg/pg_api.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace pg_gateway::jobs_pg {

class CronScheduler {
 public:
  // started_at: seconds since the epoch when this scheduler started (the
  // boundary between live slots and backfill).
  explicit CronScheduler(int64_t started_at) : started_at_(started_at) {}

  // Enqueues the due slots of every line in one transaction; returns
  // milliseconds until the next slot of any line, or nullopt when there
  // is none.
  std::optional<int64_t> run();

 private:
  int64_t started_at_;
  std::set<std::string> warned_;  // lines already reported as bad
};

}  // namespace pg_gateway::jobs_pg
