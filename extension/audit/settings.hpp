// pg_gateway.* parameters of the audit trail (defined in settings.cpp,
// which also says what each one means).
#pragma once

namespace pg_gateway::audit_pg::settings {

extern char* audit_claims;     // claims of a request's token copied into audit_log.jwt_claims
extern char* audit_retention;  // an interval; "" keeps the audit log for ever
extern bool audit_hash_chain;  // chain each audit row's SHA-256 over the previous one

// Defines these parameters; called once from _PG_init.
void define_settings();

}  // namespace pg_gateway::audit_pg::settings
