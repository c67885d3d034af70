// Table versions: a counter per table, in shared memory, bumped at the
// commit of every transaction that wrote the table, whoever wrote it (a
// GraphQL mutation, a plain SQL session, COPY, a job, a trigger, a cascade).
// An ETag or a cached response records the versions of the tables it read;
// it is current while they are unchanged.
//
// Reading versions consistently with a snapshot (the invariant every user
// relies on): a writer bumps writes_started() first, then its tables'
// versions, and does both only after its commit is visible and its
// invalidations are sent. So a reader that reads writes_started() (W0)
// BEFORE taking its snapshot, then the versions of the tables it read, then
// writes_started() again (W1), knows when W0 == W1 that every bump it saw
// belongs to a commit its snapshot contains. When W0 != W1 it must neither
// issue an ETag nor store the response.
//
// epoch() changes whenever writes cannot be attributed to tables (DDL and
// GRANT, which also change the schema; TRUNCATE; COMMIT PREPARED; the
// logical replication apply worker; more tables in one transaction than
// are tracked), and on a hot standby with every replayed WAL position, so
// every ETag includes it. incarnation() is new at every server start and
// crash-restart: versions start again, and no old ETag matches.
//
// On a hot standby no hook sees the replayed writes, so epoch() AND
// writes_started() both mix in the replay position: a reader whose window
// (W0 .. W1) saw replay progress gets W0 != W1 and caches nothing, and an
// ETag taken at one replay position never matches data of another.
//
// Which statements bump what is described in extension/cache/write_tracking.cpp.
//
// Versions live in a fixed array indexed by a hash of (database, table):
// two tables sharing a slot only invalidate each other more often than
// needed, never less.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <cstdint>

namespace pg_gateway::cache_pg {

void reserve_table_versions();  // from _PG_init
// Installs the executor, utility and transaction hooks that record writes
// (from _PG_init, once).
void install_write_tracking();

uint64_t incarnation();
uint64_t epoch();
uint64_t writes_started();
// The version of a table of the current database (MyDatabaseId).
uint64_t table_version(Oid relid);

// For the write tracking, at commit (extension/cache/write_tracking.cpp):
// bumps writes_started() first, then the version of each of `relids`
// (tables of MyDatabaseId), then the epoch if `bump_epoch`. Only atomics:
// it cannot fail, and is safe in callbacks where nothing may ereport.
void publish_writes(const Oid* relids, int count, bool bump_epoch) noexcept;

}  // namespace pg_gateway::cache_pg
