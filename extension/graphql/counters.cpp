#include "extension/pg/pg_api.hpp"

#include "extension/graphql/counters.hpp"

#include "extension/pg/shared_memory.hpp"
#include "extension/workers/shared_state.hpp"

namespace pg_gateway::graphql_pg {

namespace {

using Table = pg::shared_memory::CounterTable<shared::kMaxHttpWorkers, int(GraphqlCounter::kCount)>;
const pg::shared_memory::Segment segment = {"pg_gateway graphql counters", sizeof(Table),
                                            Table::initialize};

pg_atomic_uint64* row(int worker) {
  auto* t = static_cast<Table*>(pg::shared_memory::find(&segment));
  return t->value[worker];
}

}  // namespace

void reserve_counters() { pg::shared_memory::reserve(&segment); }

void reset_counters(int worker) {
  pg_atomic_uint64* r = row(worker);
  for (int c = 0; c < int(GraphqlCounter::kCount); ++c) pg_atomic_write_u64(&r[c], 0);
}

void publish_counters(int worker, const GraphqlStats& s) {
  pg_atomic_uint64* r = row(worker);
  auto put = [r](GraphqlCounter c, uint64_t v) { pg_atomic_write_u64(&r[int(c)], v); };
  put(GraphqlCounter::kSchemaBuilds, s.schema_builds);
  put(GraphqlCounter::kPlanCacheEntries, s.plans.entries);
  put(GraphqlCounter::kPlanCacheHits, s.plans.hits);
  put(GraphqlCounter::kPlanCacheMisses, s.plans.misses);
  put(GraphqlCounter::kPlanCacheEvictions, s.plans.evictions);
  put(GraphqlCounter::kNotModified, s.cache.not_modified);
  put(GraphqlCounter::kResponseCacheHits, s.cache.hits);
  put(GraphqlCounter::kResponseCacheMisses, s.cache.misses);
  put(GraphqlCounter::kResponseCacheEvictions, s.cache.evictions);
  put(GraphqlCounter::kResponseCacheStores, s.cache.stores);
}

uint64_t counter(int worker, GraphqlCounter c) { return pg_atomic_read_u64(&row(worker)[int(c)]); }

}  // namespace pg_gateway::graphql_pg
