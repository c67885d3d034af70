// The core zone: ordinary C++20 that never sees PostgreSQL.
//
// Every core source and header includes this file first. Core translation
// units are compiled with -DPG_GATEWAY_CORE_ZONE (by both the Makefile and
// CMakeLists.txt) and without PostgreSQL's include directories, so:
//   - an include of postgres.h in core/ does not resolve at all;
//   - if PostgreSQL headers were reached some other way before this file,
//     the #error below stops the build;
//   - if they come after it, the poisoned identifiers (which every
//     PostgreSQL header chain uses) stop the build.
// PG-zone files (extension/, bgworker/) include core headers after
// postgres.h on purpose; they do not define PG_GATEWAY_CORE_ZONE.
#pragma once

#ifdef PG_GATEWAY_CORE_ZONE
#if defined(POSTGRES_H) || defined(PG_CONFIG_H) || defined(C_H)
#error "pg_gateway core code must not include PostgreSQL headers (see core/core_zone.hpp)"
#endif
#pragma GCC poison palloc pfree ereport elog sigsetjmp_pg PG_TRY PG_CATCH MemoryContextSwitchTo
#endif
