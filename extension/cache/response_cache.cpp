// STUB: replaced by the shared response cache.
#include "extension/pg/pg_api.hpp"

#include "extension/cache/response_cache.hpp"

namespace pg_gateway::cache_pg::response_cache {

void reserve_shared_memory() {}
bool enabled() { return false; }
Lookup lookup(const Key&, int64_t) { return {}; }
bool store(const Key&, const StoredResponse&) { return false; }
Stats stats() { return {}; }

}  // namespace pg_gateway::cache_pg::response_cache
