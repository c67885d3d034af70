#include "extension/pg/pg_api.hpp"

#include "extension/metrics/settings.hpp"

#include "core/metrics/address_list.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::metrics_pg::settings {

bool enabled = true;
char* allowed_addresses = nullptr;

namespace {

// A list that does not parse is refused when set, so the route never
// meets one (and an empty list, allowed, lets nobody in).
void validate_allowed_addresses(const char* value) {
  (void)metrics::AddressList::parse(value ? value : "");
}

}  // namespace

void define_settings() {
  pg::settings::define_bool(
      {"pg_gateway.metrics",
       "Serves GET /metrics (Prometheus and OpenMetrics) on the HTTP workers.",
       "Off: /metrics answers 404.", PGC_SIGHUP},
      &enabled, true);
  pg::settings::define_string(
      {"pg_gateway.metrics_allowed_addresses",
       "Comma-separated CIDR blocks of the clients that may read /metrics.",
       "Others are answered 403. The default allows only this machine.", PGC_SIGHUP},
      &allowed_addresses, "127.0.0.1/32,::1/128",
      pg::settings::check_string<validate_allowed_addresses>);
}

}  // namespace pg_gateway::metrics_pg::settings
