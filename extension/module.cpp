// Module entry: _PG_init runs once in the postmaster (the library must be in
// shared_preload_libraries) and sets up parameters, shared memory and the
// statically registered background workers, and hooks ProcessUtility so
// that the target database can be dropped while the workers run.
#include "extension/pg_api.hpp"

#include "bgworker/registration.hpp"
#include "extension/gucs.hpp"
#include "extension/shared_state.hpp"
#include "extension/utility_hook.hpp"

extern "C" {
PG_MODULE_MAGIC;
PGDLLEXPORT void _PG_init(void);
}

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
  pg_gateway::gucs::define_all();
  pg_gateway::shared::install_hooks();
  pg_gateway::utility_hook::install();
  pg_gateway::bgworker::register_http_workers();
  pg_gateway::bgworker::register_job_workers();
}
