#include "extension/pg/pg_api.hpp"

#include "extension/audit/audit_maintenance.hpp"

#include <string>

#include "extension/audit/settings.hpp"
#include "extension/pg/catalog.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/settings.hpp"
#include "extension/pg/spi.hpp"
#include "extension/pg/transaction.hpp"
#include "extension/workers/settings.hpp"

namespace pg_gateway::audit_pg {

void maintain_audit_log(const char* worker_name) {
  pg::TransactionOptions tx;
  tx.read_only = false;
  tx.statement_timeout_ms = workers::settings::statement_timeout_ms;
  tx.activity = "pg_gateway: audit log partitions";
  pg::run_in_transaction(tx, [worker_name] {
    if (!OidIsValid(pg::gateway_relation("audit_log"))) return;
    std::string retention = pg::settings::text(settings::audit_retention);
    std::vector<pg::TextRow> done = pg::query_text(
        "SELECT partition, action FROM gateway.maintain_audit_log(nullif($1, '')::interval)",
        {retention});
    for (const pg::TextRow& row : done)
      pg::log(std::string(worker_name) + ": " + row[1].value_or("") + " audit log partition " +
              row[0].value_or(""));
  });
}

}  // namespace pg_gateway::audit_pg
