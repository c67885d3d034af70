// pg_gateway.* parameters of the process-wide parameters: which database the workers serve and
// how long the SQL of one request may run.
#include "extension/pg/pg_api.hpp"

#include "extension/workers/settings.hpp"

#include <stdexcept>
#include <string>

#include "extension/pg/settings.hpp"

namespace pg_gateway::workers::settings {

char* database = nullptr;
int statement_timeout_ms = 30000;
int job_workers = 1;
int shutdown_timeout_ms = 10000;
int http_workers = 2;

namespace {}  // namespace

void define_settings() {
  pg::settings::define_int(
      {"pg_gateway.job_workers", "Number of job queue background workers.",
       "Each runs one SQL task at a time; 0 runs no jobs (they wait in gateway.jobs).",
       PGC_POSTMASTER},
      &job_workers, 1, 0, 32);
  pg::settings::define_int(
      {"pg_gateway.shutdown_timeout",
       "Time an HTTP worker spends finishing requests in flight after SIGTERM.",
       "After it, remaining connections are closed and the worker exits.", PGC_SIGHUP, GUC_UNIT_MS},
      &shutdown_timeout_ms, 10000, 0, 3600 * 1000);
  pg::settings::define_int(
      {"pg_gateway.http_workers", "Number of HTTP background workers.",
       "Each is a background worker counted against max_worker_processes.", PGC_POSTMASTER},
      &http_workers, 2, 0, 64);
  pg::settings::define_string(
      {"pg_gateway.database", "Database the HTTP workers connect to.",
       "Like cron.database_name: one target database per cluster.", PGC_POSTMASTER},
      &database, "postgres");
  pg::settings::define_int(
      {"pg_gateway.statement_timeout", "Statement timeout for the SQL a request runs.",
       "0 disables it. A request that runs longer is cancelled and answered 504.", PGC_SIGHUP,
       GUC_UNIT_MS},
      &statement_timeout_ms, 30000, 0, INT_MAX);
}

}  // namespace pg_gateway::workers::settings
