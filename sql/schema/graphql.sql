-- GraphQL: the catalog snapshot the GraphQL schema is built from (reflect)
-- and the per-worker GraphQL counters (graphql_worker_stats).

-- Catalog snapshot the GraphQL schema is built from: tables, views,
-- materialized views, their columns, keys, foreign keys and indexes, every
-- type they use (enums with labels, domains, composites, arrays), functions,
-- and all comments (smart tags are parsed by the worker). One query, one
-- JSON document, so a worker rebuilds its schema in one round trip and an
-- operator can look at exactly what the schema is built from.
--
-- Privileges are reported for as_role the way PostGraphile sees them for
-- the role it connects as: owners and ACLs of relations, columns and
-- functions, which of INSERT/UPDATE/DELETE a relation supports, and as_role
-- with every role it is a member of (NOINHERIT memberships too: the API may
-- switch to those roles). The worker passes pg_gateway.authenticator_role
-- (or the anonymous role) so the schema offers what that role may do.
CREATE FUNCTION @extschema@.reflect(schemas name[], as_role name DEFAULT current_user)
RETURNS json
LANGUAGE sql STABLE
SET search_path = pg_catalog
-- The recursive type closure makes the planner expect millions of rows;
-- JIT-compiling that plan costs a second, executing it a few milliseconds.
SET jit = off
AS $$
WITH
-- as_role must exist: a typo would otherwise give a schema with PUBLIC's
-- privileges only, silently.
role AS (
  SELECT a.oid FROM pg_roles a WHERE a.oid = quote_ident(as_role)::regrole
),
-- as_role and every role it is a member of, directly or not.
role_closure AS (
  WITH RECURSIVE m(oid) AS (
      SELECT oid FROM role
    UNION SELECT am.roleid FROM pg_auth_members am JOIN m ON am.member = m.oid
  )
  SELECT oid FROM m
),
rels AS (
  SELECT c.oid, c.relnamespace, n.nspname, c.relname, c.relkind, c.reltype,
         c.relowner, c.relacl, c.relrowsecurity
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = ANY (schemas) AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
),
procs AS (
  SELECT p.*, n.nspname
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = ANY (schemas) AND p.prokind = 'f'
),
-- Every type a column, argument or result uses, closed over array elements,
-- domain bases and composite attributes.
used_types AS (
  WITH RECURSIVE t(oid) AS (
      SELECT a.atttypid FROM pg_attribute a JOIN rels r ON r.oid = a.attrelid
       WHERE a.attnum > 0 AND NOT a.attisdropped
    UNION SELECT unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) FROM procs p
    UNION SELECT p.prorettype FROM procs p
    UNION SELECT ty.oid FROM pg_type ty JOIN pg_namespace n ON n.oid = ty.typnamespace
           WHERE n.nspname = ANY (schemas) AND ty.typtype IN ('e', 'd', 'c')
    UNION
      SELECT x.oid FROM t JOIN pg_type ty ON ty.oid = t.oid
        CROSS JOIN LATERAL (
          SELECT ty.typelem WHERE ty.typelem <> 0
          UNION ALL SELECT ty.typbasetype WHERE ty.typtype = 'd'
          UNION ALL SELECT a.atttypid FROM pg_attribute a
                    WHERE ty.typtype = 'c' AND a.attrelid = ty.typrelid AND a.attnum > 0
                      AND NOT a.attisdropped) x(oid)
  )
  SELECT oid FROM t
),
-- What reading a relation reads besides its own rows, for HTTP caching
-- (a response is current while the versions of everything it read are):
-- a view's rule and a row-security table's SELECT policies, read from
-- their stored expression trees: the relations (":relid" of range table
-- entries) and the functions called (":funcid", ":opfuncid", ":aggfnoid",
-- ":winfnoid"). Not pg_depend: it records nothing about built-in objects,
-- and now() is one. Time-dependent SQL value functions (CURRENT_DATE ...
-- LOCALTIMESTAMP, ops 0 to 8) count as an opaque read.
expr_sources AS (
  SELECT rw.ev_class AS rel, rw.ev_action::text AS tree
    FROM pg_rewrite rw WHERE rw.rulename = '_RETURN'
  UNION ALL
  SELECT pol.polrelid, pol.polqual::text
    FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid
   WHERE c.relrowsecurity AND pol.polcmd IN ('r', '*') AND pol.polqual IS NOT NULL
),
expr_refs AS (
  SELECT s.rel, m[1] AS kind, m[2]::oid AS ref
    FROM expr_sources s
    CROSS JOIN LATERAL regexp_matches(s.tree, ':(relid|funcid|opfuncid|aggfnoid|winfnoid) (\d+)', 'g') m
   WHERE m[2] <> '0'
  UNION ALL
  SELECT s.rel, 'time', 0 FROM expr_sources s WHERE s.tree ~ '\{SQLVALUEFUNCTION :op [0-8] '
),
-- Every relation reached from each reflected one through views and
-- policies (a view of a view reads the inner view's tables).
read_closure AS (
  WITH RECURSIVE c(root, rel) AS (
      SELECT r.oid, r.oid FROM rels r
    UNION
      SELECT c.root, e.ref FROM c JOIN expr_refs e ON e.rel = c.rel AND e.kind = 'relid'
  )
  SELECT root, rel FROM c
),
-- What is read but not known: a foreign table, a clock, or a function
-- that is not IMMUTABLE (current_setting excepted: the settings a request
-- sets are its role and claims, which its cache key holds).
opaque_reads AS (
  SELECT DISTINCT rc.root FROM read_closure rc
    JOIN pg_class k ON k.oid = rc.rel
    LEFT JOIN expr_refs e ON e.rel = rc.rel
    LEFT JOIN pg_proc f ON e.kind <> 'relid' AND e.kind <> 'time' AND f.oid = e.ref
   WHERE k.relkind = 'f' OR e.kind = 'time'
      OR (f.provolatile <> 'i'
          AND f.oid NOT IN ('pg_catalog.current_setting(text)'::regprocedure,
                            'pg_catalog.current_setting(text, boolean)'::regprocedure))
)
SELECT json_build_object(
  'server_version_num', current_setting('server_version_num')::int,
  'current_user', (SELECT a.rolname FROM pg_roles a JOIN role ON role.oid = a.oid),
  'roles', coalesce((SELECT json_agg(json_build_object(
      'name', a.rolname, 'superuser', a.rolsuper,
      'member_of', coalesce((SELECT json_agg(g.rolname ORDER BY g.rolname)
                               FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid
                              WHERE am.member = a.oid), '[]'))
      ORDER BY a.rolname)
    FROM pg_roles a WHERE a.oid IN (SELECT oid FROM role_closure)), '[]'),
  'classes', coalesce((SELECT json_agg(json_build_object(
      'oid', r.oid::int8, 'schema', r.nspname, 'name', r.relname, 'kind', r.relkind, 'type', r.reltype::int8,
      'comment', obj_description(r.oid, 'pg_class'),
      'owner', pg_get_userbyid(r.relowner), 'acl', r.relacl::text[],
      -- Bit mask of what rules/triggers/auto-updatability allow (INSERT 8,
      -- UPDATE 4, DELETE 16), as PostGraphile reads it for views.
      'updatable_mask', pg_relation_is_updatable(r.oid, true),
      'row_security', r.relrowsecurity,
      'reads', coalesce((SELECT json_agg(rc.rel::int8 ORDER BY rc.rel) FROM read_closure rc
                          WHERE rc.root = r.oid AND rc.rel <> r.oid), '[]'),
      'opaque_reads', r.oid IN (SELECT root FROM opaque_reads),
      'columns', coalesce((SELECT json_agg(json_build_object(
          'num', a.attnum, 'name', a.attname, 'type', a.atttypid::int8, 'typmod', a.atttypmod,
          'not_null', a.attnotnull, 'has_default', a.atthasdef OR a.attidentity <> '',
          'identity', a.attidentity, 'generated', a.attgenerated, 'acl', a.attacl::text[],
          'comment', col_description(r.oid, a.attnum)) ORDER BY a.attnum)
        FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped),
        '[]'),
      'constraints', coalesce((SELECT json_agg(json_build_object(
          'name', k.conname, 'type', k.contype, 'keys', k.conkey,
          'foreign_class', nullif(k.confrelid, 0)::int8, 'foreign_keys', k.confkey,
          'comment', obj_description(k.oid, 'pg_constraint')) ORDER BY k.conname)
        FROM pg_constraint k WHERE k.conrelid = r.oid AND k.contype IN ('p', 'u', 'f')), '[]'),
      'indexes', coalesce((SELECT json_agg(json_build_object(
          'keys', string_to_array(i.indkey::text, ' ')::int2[], 'unique', i.indisunique,
          'primary', i.indisprimary, 'partial', i.indpred IS NOT NULL) ORDER BY i.indexrelid)
        FROM pg_index i WHERE i.indrelid = r.oid AND i.indisvalid), '[]')
    ) ORDER BY r.nspname, r.relname) FROM rels r), '[]'),
  'types', coalesce((SELECT json_agg(json_build_object(
      'oid', ty.oid::int8, 'schema', n.nspname, 'name', ty.typname, 'type', ty.typtype,
      'category', ty.typcategory, 'element', nullif(ty.typelem, 0)::int8,
      'array', nullif(ty.typarray, 0)::int8, 'base', nullif(ty.typbasetype, 0)::int8,
      'class', nullif(ty.typrelid, 0)::int8, 'not_null', ty.typnotnull,
      'comment', obj_description(ty.oid, 'pg_type'),
      'enum_labels', CASE WHEN ty.typtype = 'e' THEN
          (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e
            WHERE e.enumtypid = ty.oid) END,
      'attributes', CASE WHEN ty.typtype = 'c' THEN
          (SELECT json_agg(json_build_object('num', a.attnum, 'name', a.attname,
                                             'type', a.atttypid::int8, 'typmod', a.atttypmod,
                                             'not_null', a.attnotnull,
                                             'comment', col_description(ty.typrelid, a.attnum))
                           ORDER BY a.attnum)
             FROM pg_attribute a WHERE a.attrelid = ty.typrelid AND a.attnum > 0
              AND NOT a.attisdropped) END
    ) ORDER BY ty.oid)
    FROM pg_type ty JOIN pg_namespace n ON n.oid = ty.typnamespace
   WHERE ty.oid IN (SELECT oid FROM used_types)), '[]'),
  'procs', coalesce((SELECT json_agg(json_build_object(
      'oid', p.oid::int8, 'schema', p.nspname, 'name', p.proname,
      'arg_types', coalesce(p.proallargtypes, p.proargtypes::oid[])::int8[],
      'arg_modes', p.proargmodes, 'arg_names', p.proargnames, 'arg_count', p.pronargs,
      'default_count', p.pronargdefaults, 'return_type', p.prorettype::int8, 'returns_set', p.proretset,
      'volatility', p.provolatile, 'strict', p.proisstrict, 'security_definer', p.prosecdef,
      'owner', pg_get_userbyid(p.proowner), 'acl', p.proacl::text[],
      'comment', obj_description(p.oid, 'pg_proc')) ORDER BY p.nspname, p.proname, p.oid)
    FROM procs p), '[]'),
  -- Schema comments: @pgCacheControl on a schema covers its objects.
  'schemas', coalesce((SELECT json_agg(json_build_object(
      'name', n.nspname, 'comment', obj_description(n.oid, 'pg_namespace')) ORDER BY n.nspname)
    FROM pg_namespace n WHERE n.nspname = ANY (schemas)), '[]')
)
$$;
COMMENT ON FUNCTION @extschema@.reflect(name[], name) IS
    'Catalog snapshot of the given schemas, with the privileges of the given role, that the GraphQL schema is built from';
REVOKE ALL ON FUNCTION @extschema@.reflect(name[], name) FROM PUBLIC;

-- GraphQL: per-worker schema, plan cache and HTTP cache counters from shared
-- memory.
CREATE FUNCTION @extschema@.graphql_worker_stats(
    OUT worker integer,
    OUT pid integer,
    OUT schema_builds bigint,
    OUT plan_cache_entries bigint,
    OUT plan_cache_hits bigint,
    OUT plan_cache_misses bigint,
    OUT plan_cache_evictions bigint,
    OUT not_modified bigint,
    OUT response_cache_hits bigint,
    OUT response_cache_misses bigint,
    OUT response_cache_evictions bigint,
    OUT response_cache_stores bigint)
RETURNS SETOF record
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'pg_gateway_graphql_worker_stats';
COMMENT ON FUNCTION @extschema@.graphql_worker_stats() IS
    'Per-worker GraphQL counters: schema rebuilds, the SPI plan cache, 304 Not Modified answers and the shared response cache';
REVOKE ALL ON FUNCTION @extschema@.graphql_worker_stats() FROM PUBLIC;
