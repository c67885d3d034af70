// Module entry: _PG_init runs once in the postmaster (the library must be in
// shared_preload_libraries). It is the one place that knows every feature:
// each defines its own parameters (extension/<feature>/settings.cpp); then
// shared memory, the ProcessUtility hook that lets the target database be
// dropped while the workers run, and the statically registered background
// workers. A new feature (audit, webhooks, metrics, REST) adds its line to
// kFeatures, with the shared memory it reserves (extension/pg/shared_memory).
#include "extension/pg/pg_api.hpp"

#include "extension/audit/settings.hpp"
#include "extension/cache/settings.hpp"
#include "extension/cache/table_versions.hpp"
#include "extension/auth/settings.hpp"
#include "extension/graphql/counters.hpp"
#include "extension/graphql/settings.hpp"
#include "extension/http/access_log.hpp"
#include "extension/http/counters.hpp"
#include "extension/http/rate_limit.hpp"
#include "extension/http/settings.hpp"
#include "extension/jobs/counters.hpp"
#include "extension/webhooks/counters.hpp"
#include "extension/jobs/settings.hpp"
#include "extension/metrics/recorder.hpp"
#include "extension/metrics/settings.hpp"
#include "extension/module/worker_registration.hpp"
#include "extension/pg/entry.hpp"
#include "extension/pg/settings.hpp"
#include "extension/pg/shared_memory.hpp"
#include "extension/request_log/buffer.hpp"
#include "extension/request_log/settings.hpp"
#include "extension/workers/settings.hpp"
#include "extension/workers/shared_state.hpp"
#include "extension/workers/utility_hook.hpp"

extern "C" {
PG_MODULE_MAGIC;
PGDLLEXPORT void _PG_init(void);
}

namespace pg_gateway::module {

namespace {

struct Feature {
  const char* name;
  void (*define_settings)();        // nullptr: none
  void (*reserve_shared_memory)();  // nullptr: none
};

void reserve_http_memory() {
  http_pg::reserve_counters();
  http_pg::reserve_rate_buckets();
}

// In dependency order: later features read earlier ones' parameters.
constexpr Feature kFeatures[] = {
    {"workers", workers::settings::define_settings, shared::reserve_shared_memory},
    {"http", http_pg::settings::define_settings, reserve_http_memory},
    {"auth", auth_pg::settings::define_settings, nullptr},
    {"graphql", graphql_pg::settings::define_settings, graphql_pg::reserve_counters},
    {"jobs", jobs_pg::settings::define_settings, jobs_pg::reserve_counters},
    {"audit", audit_pg::settings::define_settings, nullptr},
    {"request_log", request_log_pg::settings::define_settings,
     request_log_pg::reserve_shared_memory},
    {"access_log", http_pg::access_log::define_settings, nullptr},
    {"cache", cache_pg::settings::define_settings, cache_pg::settings::reserve_shared_memory},
    {"webhooks", nullptr, webhooks_pg::reserve_counters},
    {"metrics", metrics_pg::settings::define_settings, metrics_pg::reserve_shared_memory},
};

void start() {
  for (const Feature& f : kFeatures) {
    if (f.define_settings) f.define_settings();
    if (f.reserve_shared_memory) f.reserve_shared_memory();
  }
  pg::settings::reserve_prefix();
  pg::shared_memory::install_hooks();
  utility_hook::install();
  cache_pg::install_write_tracking();
  register_http_workers();
  register_job_workers();
  register_log_writer();
}

}  // namespace
}  // namespace pg_gateway::module

// Loading later (CREATE EXTENSION in a session, LOAD) would leave the cluster
// without workers or shared memory, and a half-working extension is worse
// than a clear refusal.
void _PG_init(void) {
  if (!process_shared_preload_libraries_in_progress) {
    ereport(ERROR,
            (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
             errmsg("pg_gateway must be loaded via shared_preload_libraries"),
             errdetail("pg_gateway starts background workers and allocates shared memory, which "
                       "is only possible while the server starts."),
             errhint("Add pg_gateway to shared_preload_libraries in postgresql.conf and restart "
                     "the server.")));
  }
  pg_gateway::pg::guard_entry(pg_gateway::module::start);
}
