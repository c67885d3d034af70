// ProcessUtility hook that frees pg_gateway.database of the HTTP workers'
// sessions when a statement needs it free (DROP DATABASE, ALTER DATABASE
// ... RENAME TO / SET TABLESPACE). See extension/workers/utility_hook.cpp.
#pragma once

namespace pg_gateway::utility_hook {

// From _PG_init (postmaster); chains any previously installed hook.
void install();

}  // namespace pg_gateway::utility_hook
