// Named wrappers for the catalog lookups C++ code makes, each one pg::call
// around a PostgreSQL function (so an ereport becomes a pg::PgError), and
// each usable inside a transaction only.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <string>

namespace pg_gateway::pg {

Oid role_oid(const char* name);  // InvalidOid when there is no such role
bool is_superuser(Oid role);
bool role_exists(Oid role);
std::string role_name(Oid role);  // "" when there is no such role
bool extension_installed(const char* name);
// A relation of the gateway schema by name; InvalidOid when the installed
// extension (an older version, say) does not have it.
Oid gateway_relation(const char* name);
bool in_recovery();
// schema.function, quoted as needed; nullptr when the function was dropped.
const char* qualified_function_name(Oid function);

}  // namespace pg_gateway::pg
