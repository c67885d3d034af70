// STUB: replaced by the write-tracking implementation.
#include "extension/pg/pg_api.hpp"

#include "extension/cache/table_versions.hpp"

namespace pg_gateway::cache_pg {

void reserve_table_versions() {}
void install_write_tracking() {}
uint64_t incarnation() { return 0; }
uint64_t epoch() { return 0; }
uint64_t writes_started() { return 0; }
uint64_t table_version(Oid) { return 0; }

}  // namespace pg_gateway::cache_pg
