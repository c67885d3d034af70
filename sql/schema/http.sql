-- The HTTP workers: their per-worker counters (http_worker_stats) and the
-- SQLSTATE -> HTTP status mapping every SQL-backed response uses.

CREATE FUNCTION @extschema@.http_worker_stats(
    OUT worker integer,
    OUT pid integer,
    OUT state text,
    OUT requests bigint,
    OUT responses_2xx bigint,
    OUT responses_4xx bigint,
    OUT responses_5xx bigint,
    OUT connections_accepted bigint,
    OUT connections_rejected bigint,
    OUT open_connections bigint,
    OUT parse_errors bigint,
    OUT timeouts bigint)
RETURNS SETOF record
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'pg_gateway_http_worker_stats';
COMMENT ON FUNCTION @extschema@.http_worker_stats() IS 'Per-worker HTTP counters from shared memory';
REVOKE ALL ON FUNCTION @extschema@.http_worker_stats() FROM PUBLIC;

CREATE FUNCTION @extschema@.http_status_for_sqlstate(sqlstate text)
RETURNS integer
LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'pg_gateway_http_status_for_sqlstate';
COMMENT ON FUNCTION @extschema@.http_status_for_sqlstate(text) IS
    'HTTP status a request gets when its SQL fails with this SQLSTATE';
