-- The request log: one row per HTTP request (pg_gateway.request_log),
-- written in batches outside the requests' transactions.
--
-- The HTTP workers queue an entry per request in shared memory; the
-- "pg_gateway log writer" background worker inserts them, a batch per
-- transaction. The table has no partitions here: the log writer calls
-- gateway.maintain_partitions() at start and every hour, which creates a
-- default partition and monthly ones (not extension members, so pg_dump
-- dumps them and their rows) and drops months past
-- pg_gateway.request_log_retention.
CREATE TABLE @extschema@.request_log (
    at              timestamptz      NOT NULL,  -- when the worker started handling the request
    method          text             NOT NULL,
    path            text             NOT NULL,  -- without the query string
    status          integer          NOT NULL,
    role            text,                       -- the database role it ran (or would run) as
    jwt_sub         text,                       -- the verified token's sub claim
    duration        double precision NOT NULL,  -- milliseconds, handling only (no network time)
    bytes           bigint           NOT NULL,  -- response body bytes
    request_id      text             NOT NULL,  -- the X-Request-Id the response carried
    operation_name  text,                       -- GraphQL operationName
    document_hash   text,                       -- GraphQL: sha256 hex of the query, or the trusted document's id
    client_addr     text,
    worker          integer          NOT NULL   -- the HTTP worker's number
) PARTITION BY RANGE (at);
COMMENT ON TABLE @extschema@.request_log IS
    'One row per HTTP request served while pg_gateway.request_log is on, written by the log writer outside the request''s transaction';
-- No index on the parent (see gateway.maintain_partitions): the log writer
-- gives each partition a BRIN index on at.
REVOKE ALL ON @extschema@.request_log FROM PUBLIC;
GRANT SELECT ON @extschema@.request_log TO gateway_auditor;

CREATE FUNCTION @extschema@.request_log_stats(
    OUT buffered bigint,
    OUT written bigint,
    OUT dropped bigint)
RETURNS SETOF record
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'pg_gateway_request_log_stats';
COMMENT ON FUNCTION @extschema@.request_log_stats() IS
    'Request log counters from shared memory: entries buffered now, written and dropped since the server started';
REVOKE ALL ON FUNCTION @extschema@.request_log_stats() FROM PUBLIC;
