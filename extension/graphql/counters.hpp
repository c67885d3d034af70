// Each HTTP worker's GraphQL counters (schema rebuilds, the plan cache) in
// shared memory, read by gateway.graphql_worker_stats() without locks.
#pragma once

#include <cstdint>

#include "extension/graphql/graphql_routes.hpp"

namespace pg_gateway::graphql_pg {

enum class GraphqlCounter : int {
  kSchemaBuilds = 0,
  kPlanCacheEntries,
  kPlanCacheHits,
  kPlanCacheMisses,
  kPlanCacheEvictions,
  kNotModified,
  kResponseCacheHits,
  kResponseCacheMisses,
  kResponseCacheEvictions,
  kResponseCacheStores,
  kCount
};

void reserve_counters();  // from _PG_init
void reset_counters(int worker);
void publish_counters(int worker, const GraphqlStats& s);
uint64_t counter(int worker, GraphqlCounter c);

}  // namespace pg_gateway::graphql_pg
