#include "extension/pg/pg_api.hpp"

#include "extension/cache/settings.hpp"

#include "extension/cache/response_cache.hpp"
#include "extension/cache/table_versions.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::cache_pg::settings {

int cache_default_max_age = 0;
bool cache_control_extension = false;
int response_cache_size = 0;

void define_settings() {
  pg::settings::define_int(
      {"pg_gateway.cache_default_max_age",
       "maxAge, in seconds, of GraphQL root and object fields that no @pgCacheControl covers.",
       "0 (the default) makes a response uncacheable unless smart tags give every such field a "
       "maxAge; scalar fields inherit their parent's maxAge.",
       PGC_SIGHUP, GUC_UNIT_S},
      &cache_default_max_age, 0, 0, 31536000);
  pg::settings::define_bool(
      {"pg_gateway.cache_control_extension",
       "Report each GraphQL response's cache policy in extensions.cacheControl.",
       "The policy is {\"version\": 1, \"maxAge\": N, \"scope\": \"PUBLIC\"|\"PRIVATE\"}, as "
       "computed from the selected fields.",
       PGC_SIGHUP},
      &cache_control_extension, false);
  pg::settings::define_int(
      {"pg_gateway.response_cache_size",
       "Shared memory, in megabytes, for the shared cache of public GraphQL responses.",
       "0 (the default) turns the shared response cache off. An entry is served only while every "
       "table it read is unchanged and its max-age has not passed.",
       PGC_POSTMASTER, GUC_UNIT_MB},
      &response_cache_size, 0, 0, 4096);
}

void reserve_shared_memory() {
  reserve_table_versions();
  response_cache::reserve_shared_memory();
}

}  // namespace pg_gateway::cache_pg::settings
