-- Caching: the versions of tables that GraphQL responses depend on
-- (bumped at the commit of every transaction that wrote them; see
-- extension/cache/) as SQL can see them.

CREATE FUNCTION @extschema@.table_version(rel regclass)
RETURNS bigint
LANGUAGE c STRICT VOLATILE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'pg_gateway_table_version';
COMMENT ON FUNCTION @extschema@.table_version(regclass) IS
    'The table''s version in shared memory: an opaque number that changes after every committed transaction that wrote the table. Not granted to PUBLIC: it tells when any table was written, even to roles that cannot read it';
REVOKE ALL ON FUNCTION @extschema@.table_version(regclass) FROM PUBLIC;

CREATE FUNCTION @extschema@.cache_epoch()
RETURNS bigint
LANGUAGE c STRICT VOLATILE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'pg_gateway_cache_epoch';
COMMENT ON FUNCTION @extschema@.cache_epoch() IS
    'An opaque number that changes after every committed change that cannot be attributed to tables (DDL, GRANT, COMMENT, TRUNCATE, COMMIT PREPARED, logical replication), and on a hot standby with every replayed WAL position. Not granted to PUBLIC, like the other statistics functions';
REVOKE ALL ON FUNCTION @extschema@.cache_epoch() FROM PUBLIC;
