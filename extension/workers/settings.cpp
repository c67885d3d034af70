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

namespace {}  // namespace

void define_settings() {
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
