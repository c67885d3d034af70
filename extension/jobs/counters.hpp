// Each job worker's counters in shared memory, read by
// gateway.job_worker_stats() without locks.
#pragma once

#include <cstdint>

namespace pg_gateway::jobs_pg {

enum class JobCounter : int {
  kClaimed = 0,
  kSucceeded,
  kRetried,
  kFailed,
  kWakeups,  // latch wake-ups (enqueues committed, shutdown)
  kCount
};

void reserve_counters();  // from _PG_init
void reset_counters(int worker);
void count(int worker, JobCounter c);  // one more
uint64_t counter(int worker, JobCounter c);

}  // namespace pg_gateway::jobs_pg
