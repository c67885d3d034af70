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

-- @pgCacheControl smart tags as the GraphQL workers read them: one row for
-- a comment that carries the tag (none for one that does not), with what
-- it says or why it is ignored. The same parser as the schema build.
CREATE FUNCTION @extschema@.parse_cache_control(
    comment text,
    OUT max_age integer,
    OUT scope text,
    OUT inherit_max_age boolean,
    OUT error text)
RETURNS SETOF record
LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'pg_gateway_parse_cache_control';
COMMENT ON FUNCTION @extschema@.parse_cache_control(text) IS
    'The @pgCacheControl tag of a smart comment: maxAge, scope, inheritMaxAge, or the error that makes the schema build ignore it';

-- Every @pgCacheControl tag in the given schemas (default: those
-- pg_gateway.schemas names), on schemas, tables, views, columns, types,
-- attributes and functions: a linter for the tags before the workers see
-- them.
CREATE FUNCTION @extschema@.cache_control_tags(
    schemas name[] DEFAULT NULL,
    OUT object_type text,
    OUT object text,
    OUT max_age integer,
    OUT scope text,
    OUT inherit_max_age boolean,
    OUT error text)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$
WITH s AS (
  SELECT n.oid, n.nspname FROM pg_namespace n
   WHERE n.nspname = ANY (coalesce(schemas,
           string_to_array(replace(current_setting('pg_gateway.schemas'), ' ', ''), ',')::name[]))
),
comments AS (
  SELECT 'schema' AS object_type, quote_ident(s.nspname) AS object,
         obj_description(s.oid, 'pg_namespace') AS comment
    FROM s
  UNION ALL
  SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                        WHEN 'f' THEN 'foreign table' ELSE 'table' END,
         c.oid::regclass::text, obj_description(c.oid, 'pg_class')
    FROM pg_class c JOIN s ON s.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
  UNION ALL
  SELECT CASE c.relkind WHEN 'c' THEN 'attribute' ELSE 'column' END,
         c.oid::regclass::text || '.' || quote_ident(a.attname), col_description(c.oid, a.attnum)
    FROM pg_class c JOIN s ON s.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f', 'c')
  UNION ALL
  SELECT 'type', t.oid::regtype::text, obj_description(t.oid, 'pg_type')
    FROM pg_type t JOIN s ON s.oid = t.typnamespace
   WHERE t.typtype IN ('c', 'd', 'e')
     AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
  UNION ALL
  SELECT 'function', p.oid::regprocedure::text, obj_description(p.oid, 'pg_proc')
    FROM pg_proc p JOIN s ON s.oid = p.pronamespace
   WHERE p.prokind = 'f'
)
SELECT c.object_type, c.object, p.max_age, p.scope, p.inherit_max_age, p.error
  FROM comments c CROSS JOIN LATERAL @extschema@.parse_cache_control(c.comment) p
 ORDER BY 1, 2
$$;
COMMENT ON FUNCTION @extschema@.cache_control_tags(name[]) IS
    'Every @pgCacheControl smart tag in the given schemas (default: pg_gateway.schemas) with what it says, or why the GraphQL schema build ignores it';
