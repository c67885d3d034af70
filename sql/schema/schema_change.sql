-- GraphQL schema invalidation: the ddl_command_end event trigger
-- pg_gateway_schema_change, its function note_schema_change(), and the empty
-- table schema_change_marker whose invalidation tells the workers.

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
