-- pg_gateway 0.2.0 -> 0.3.0: GraphQL schema invalidation (event trigger) and
-- GraphQL statistics
\echo Use "ALTER EXTENSION pg_gateway UPDATE TO '0.3.0'" to load this file. \quit

-- GraphQL: per-worker schema and plan cache counters from shared memory.
CREATE FUNCTION @extschema@.graphql_worker_stats(
    OUT worker integer,
    OUT pid integer,
    OUT schema_builds bigint,
    OUT plan_cache_entries bigint,
    OUT plan_cache_hits bigint,
    OUT plan_cache_misses bigint,
    OUT plan_cache_evictions bigint)
RETURNS SETOF record
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'pg_gateway_graphql_worker_stats';
COMMENT ON FUNCTION @extschema@.graphql_worker_stats() IS
    'Per-worker GraphQL counters: schema rebuilds and the SPI plan cache';
REVOKE ALL ON FUNCTION @extschema@.graphql_worker_stats() FROM PUBLIC;

-- GraphQL schema invalidation. Every DDL command ends with a relcache
-- invalidation of this (empty) table, which PostgreSQL delivers to the HTTP
-- workers when, and only if, the DDL commits; they then rebuild their
-- GraphQL schema before the next request (extension/schema_cache.hpp).
CREATE TABLE @extschema@.schema_change_marker ();
COMMENT ON TABLE @extschema@.schema_change_marker IS
    'Holds no rows: its invalidation at each DDL commit tells pg_gateway''s HTTP workers to rebuild the GraphQL schema';
REVOKE ALL ON @extschema@.schema_change_marker FROM PUBLIC;

CREATE FUNCTION @extschema@.note_schema_change()
RETURNS event_trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'pg_gateway_note_schema_change';
COMMENT ON FUNCTION @extschema@.note_schema_change() IS
    'Event trigger: tells the HTTP workers that the catalog changed once the DDL commits';
REVOKE ALL ON FUNCTION @extschema@.note_schema_change() FROM PUBLIC;

CREATE EVENT TRIGGER pg_gateway_schema_change ON ddl_command_end
    EXECUTE FUNCTION @extschema@.note_schema_change();
-- Also under session_replication_role = replica (restores, DDL replication
-- tools): a missed change would leave the workers serving an old schema.
ALTER EVENT TRIGGER pg_gateway_schema_change ENABLE ALWAYS;
