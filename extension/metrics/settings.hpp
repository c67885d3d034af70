// pg_gateway.* parameters of GET /metrics (defined in settings.cpp, which
// also says what each one means). Both change on SIGHUP / pg_reload_conf().
#pragma once

namespace pg_gateway::metrics_pg::settings {

extern bool enabled;             // pg_gateway.metrics
extern char* allowed_addresses;  // pg_gateway.metrics_allowed_addresses (CIDR list)

// Defines these parameters; called once from _PG_init.
void define_settings();

}  // namespace pg_gateway::metrics_pg::settings
