#include "extension/pg/pg_api.hpp"

#include "extension/jobs/counters.hpp"

#include "extension/pg/shared_memory.hpp"
#include "extension/workers/shared_state.hpp"

namespace pg_gateway::jobs_pg {

namespace {

using Table = pg::shared_memory::CounterTable<shared::kMaxJobWorkers, int(JobCounter::kCount)>;
const pg::shared_memory::Segment segment = {"pg_gateway job counters", sizeof(Table),
                                            Table::initialize};

pg_atomic_uint64* row(int worker) {
  auto* t = static_cast<Table*>(pg::shared_memory::find(&segment));
  return t->value[worker];
}

}  // namespace

void reserve_counters() { pg::shared_memory::reserve(&segment); }

void reset_counters(int worker) {
  pg_atomic_uint64* r = row(worker);
  for (int c = 0; c < int(JobCounter::kCount); ++c) pg_atomic_write_u64(&r[c], 0);
}

void count(int worker, JobCounter c) { pg_atomic_fetch_add_u64(&row(worker)[int(c)], 1); }

uint64_t counter(int worker, JobCounter c) { return pg_atomic_read_u64(&row(worker)[int(c)]); }

}  // namespace pg_gateway::jobs_pg
