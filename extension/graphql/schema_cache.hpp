// The GraphQL schema an HTTP worker serves, reflected from the catalog
// (gateway.reflect over pg_gateway.schemas) and rebuilt after DDL.
//
// How a catalog change reaches the worker
// ---------------------------------------
// The extension installs an event trigger (gateway.note_schema_change, on
// ddl_command_end) that fires for every DDL command in the database: CREATE,
// ALTER and DROP of tables, views, types and functions, COMMENT ON (where
// smart tags live), GRANT and REVOKE, ALTER EXTENSION ... It queues a
// relcache invalidation of one marker relation, gateway.schema_change_marker.
// PostgreSQL sends queued invalidations when, and only when, the DDL's
// transaction commits (after the commit is visible to new snapshots), to
// every backend of the database, and also writes them into the commit
// record, so hot standbys replay them. Each worker registers a relcache
// callback that marks its schema stale when it sees the marker's
// invalidation (or a cache reset, which may have hidden one).
//
// The invariant: a worker's cached schema was reflected from a snapshot
// that contains every DDL transaction whose invalidation the worker has
// processed before it. Why it holds: the worker processes pending
// invalidations when a transaction starts, before it takes the snapshot;
// an invalidation is sent only after its transaction became visible, so a
// DDL whose invalidation was processed is in that snapshot. A DDL that
// commits later - including between the reflection and the use of the
// schema - queues its invalidation, which marks the schema stale at the
// worker's next transaction start, i.e. the next request rebuilds: nothing
// is lost, only that one request can see the old schema.
//
// The race that remains, and what it costs: a DDL commit becomes visible a
// moment before its invalidation is sent. A request starting in that gap
// takes a snapshot with the DDL but keeps the old schema, so its SQL may
// name a column that is gone and get a SQL error for that one request. The
// next request rebuilds. SQL plans are never stale (PostgreSQL replans kept
// plans itself); the plan cache is flushed at each rebuild only because its
// SQL texts came from the old schema.
//
// Roles and memberships (CREATE ROLE, GRANT role TO role, ALTER ROLE) are
// cluster-wide and fire no event trigger; syscache callbacks on pg_authid
// and pg_auth_members mark the schema stale instead.
//
// Not covered: DDL run while event triggers are off (session_replication_
// role = replica, a disabled trigger, single-user mode). A worker restart,
// or any later DDL, picks such changes up.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "core/graphql/execution/request.hpp"

namespace pg_gateway::graphql_pg {

class SchemaCache {
 public:
  // Registers the invalidation callback (once per process; PostgreSQL has
  // no way to unregister one, so the state it writes is static).
  SchemaCache();
  SchemaCache(const SchemaCache&) = delete;
  SchemaCache& operator=(const SchemaCache&) = delete;

  // The schema to serve this request with, following the privileges of
  // `role` ("" : pg_gateway.authenticator_role, else the anonymous role, as
  // PostGraphile's schema follows the role it connects as): the cached one,
  // or one reflected now, in the current transaction (SPI connected). Up to
  // kMaxRoleSchemas roles' schemas are kept, least recently used dropped
  // first. `rebuilt` is set when a catalog or settings change dropped the
  // cached schemas, so the caller can drop what depended on them.
  // Throws http::HttpError (503) when the extension is not installed,
  // pg::PgError when reflection fails, and whatever building the schema
  // throws.
  std::shared_ptr<const graphql::exec::ServedSchema> current(const std::string& database,
                                                             const std::string& role,
                                                             bool& rebuilt);

  static constexpr size_t kMaxRoleSchemas = 8;

  uint64_t builds() const { return builds_; }

 private:
  std::optional<std::string> reflect(bool with_privileges, const std::string& role);

  struct Entry {
    std::string role;
    std::shared_ptr<const graphql::exec::ServedSchema> schema;
  };
  std::list<Entry> entries_;  // most recently used first
  std::string
      settings_;  // pg_gateway.schemas, .anonymous_role, .authenticator_role, .jwt_type at build
  uint64_t builds_ = 0;
  bool warned_no_marker_ = false;
};

}  // namespace pg_gateway::graphql_pg
