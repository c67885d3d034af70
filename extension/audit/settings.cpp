// pg_gateway.* parameters of the audit trail: which token claims each
// audit row keeps, how long the audit log is kept, and the hash chain.
#include "extension/pg/pg_api.hpp"

#include "extension/audit/settings.hpp"

#include <stdexcept>
#include <string>

#include "extension/pg/settings.hpp"

namespace pg_gateway::audit_pg::settings {

char* audit_claims = nullptr;
char* audit_retention = nullptr;
bool audit_hash_chain = false;

namespace {

// The retention is an interval PostgreSQL can read, and a positive one:
// job worker 1 hands it to gateway.maintain_partitions(), which would drop
// every month at once for a negative one.
void validate_retention(const char* value) {
  if (value[0] == '\0') return;
  bool positive = pg::call([value] {
    Datum interval = DirectFunctionCall3(interval_in, CStringGetDatum(value),
                                         ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
    Interval zero;
    memset(&zero, 0, sizeof zero);
    return DatumGetInt32(DirectFunctionCall2(interval_cmp, interval, IntervalPGetDatum(&zero))) > 0;
  });
  if (!positive)
    throw std::invalid_argument(
        "pg_gateway.audit_retention must be a positive interval, such as "
        "'13 months', or empty to keep the audit log for ever");
}

}  // namespace

void define_settings() {
  pg::settings::define_string(
      {"pg_gateway.audit_claims", "Token claims each audit row keeps (audit_log.jwt_claims).",
       "A comma-separated list of top-level claim names of a pg_gateway request's JWT "
       "(request.jwt.claims), such as 'email, org_id'; empty: none. The subject (sub) and the "
       "role claim have their own columns.",
       PGC_SUSET, GUC_LIST_INPUT},
      &audit_claims, "");
  pg::settings::define_string(
      {"pg_gateway.audit_retention", "How long the audit log is kept.",
       "Job worker 1 drops the monthly partitions of gateway.audit_log whose rows are all older "
       "than this interval (such as '13 months'); rows are never deleted one by one. Empty: "
       "kept for ever.",
       PGC_SIGHUP},
      &audit_retention, "", pg::settings::check_string<validate_retention>);
  pg::settings::define_bool(
      {"pg_gateway.audit_hash_chain", "Chains each audit row's SHA-256 over the previous one.",
       "Per audited table: gateway.verify_audit_chain(table) then finds a changed, inserted or "
       "removed row. Writers of one table append to its chain one at a time.",
       PGC_SUSET},
      &audit_hash_chain, false);
}

}  // namespace pg_gateway::audit_pg::settings
