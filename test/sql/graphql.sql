-- GraphQL settings: defaults, and check hooks that reject bad values before
-- they reach postgresql.auto.conf.
SELECT name, setting, context
  FROM pg_settings
 WHERE name IN ('pg_gateway.graphql_path', 'pg_gateway.schemas', 'pg_gateway.plan_cache_size',
                'pg_gateway.anonymous_role',
                'pg_gateway.mask_errors')
 ORDER BY name;
ALTER SYSTEM SET pg_gateway.graphql_path = 'graphql';
ALTER SYSTEM SET pg_gateway.graphql_path = '/graphql?x=1';
ALTER SYSTEM SET pg_gateway.graphql_path = '/ready';
ALTER SYSTEM SET pg_gateway.graphql_path = '/api/graphql';
ALTER SYSTEM SET pg_gateway.graphql_path = '';
ALTER SYSTEM RESET pg_gateway.graphql_path;
ALTER SYSTEM SET pg_gateway.schemas = 'public, "Odd, Name"';
ALTER SYSTEM SET pg_gateway.schemas = 'public, "unterminated';
ALTER SYSTEM SET pg_gateway.schemas = '';
ALTER SYSTEM RESET pg_gateway.schemas;
ALTER SYSTEM SET pg_gateway.plan_cache_size = -1;
-- Reload-only: a session cannot change what the workers do.
SET pg_gateway.mask_errors = on;

-- Schema change notification: an event trigger on every DDL command, enabled
-- even under session_replication_role = replica, and an empty marker table.
SELECT evtname, evtevent, evtenabled, evtfoid::regprocedure AS function, evttags
  FROM pg_event_trigger;
SELECT count(*) AS marker_columns
  FROM pg_attribute
 WHERE attrelid = 'gateway.schema_change_marker'::regclass AND attnum > 0;
SELECT gateway.note_schema_change();
-- DDL of every kind passes through the trigger without error, in a
-- transaction and in a rolled-back one, and with temporary objects.
BEGIN;
CREATE TABLE regress_gql_t (id int PRIMARY KEY, v text);
COMMENT ON TABLE regress_gql_t IS E'@name gadget\nA thing.';
ALTER TABLE regress_gql_t ADD COLUMN w int;
CREATE FUNCTION regress_gql_f(t regress_gql_t) RETURNS int LANGUAGE sql STABLE AS 'SELECT 1';
GRANT SELECT ON regress_gql_t TO PUBLIC;
REVOKE SELECT ON regress_gql_t FROM PUBLIC;
CREATE MATERIALIZED VIEW regress_gql_mv AS SELECT 1 AS one;
REFRESH MATERIALIZED VIEW regress_gql_mv;
ROLLBACK;
CREATE TEMP TABLE regress_gql_tmp (a int);
DROP TABLE regress_gql_tmp;
SET session_replication_role = replica;
CREATE TABLE regress_gql_r (a int);
DROP TABLE regress_gql_r;
RESET session_replication_role;

-- GraphQL statistics: one row per configured worker; administrators only.
SELECT worker, schema_builds >= 0 AND plan_cache_entries >= 0 AND plan_cache_hits >= 0
       AND plan_cache_misses >= 0 AND plan_cache_evictions >= 0 AS counters
  FROM gateway.graphql_worker_stats();
CREATE ROLE regress_gql_user;
SET ROLE regress_gql_user;
SELECT * FROM gateway.graphql_worker_stats();
SELECT * FROM gateway.schema_change_marker;
RESET ROLE;
DROP ROLE regress_gql_user;
