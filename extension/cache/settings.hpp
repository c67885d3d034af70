// pg_gateway.* parameters of GraphQL caching (defined in settings.cpp,
// which says what each one means).
#pragma once

namespace pg_gateway::cache_pg::settings {

extern int cache_default_max_age;     // seconds; the maxAge of fields no @pgCacheControl covers
extern bool cache_control_extension;  // report the policy in extensions.cacheControl
extern int response_cache_size;       // MB of shared memory for public responses; 0: off

// Defines these parameters; called once from _PG_init.
void define_settings();
// Reserves the table versions and the response cache (from _PG_init, after
// define_settings).
void reserve_shared_memory();

}  // namespace pg_gateway::cache_pg::settings
