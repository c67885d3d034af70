-- gateway.reflect(): the catalog snapshot the GraphQL schema is built from.
CREATE SCHEMA regress_app;
CREATE DOMAIN regress_app.email AS text CHECK (VALUE ~ '@');
CREATE TYPE regress_app.status AS ENUM ('draft', 'published', 'archived');
CREATE TYPE regress_app.address AS (street text, zip int);
CREATE TABLE regress_app.users (
  id serial PRIMARY KEY,
  email regress_app.email UNIQUE NOT NULL,
  home regress_app.address,
  nicknames text[]
);
COMMENT ON TABLE regress_app.users IS E'@name person\nPeople who write.';
CREATE TABLE regress_app.posts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id int NOT NULL REFERENCES regress_app.users,
  status regress_app.status NOT NULL DEFAULT 'draft',
  title text NOT NULL,
  title_lower text GENERATED ALWAYS AS (lower(title)) STORED,
  body jsonb
);
CREATE INDEX ON regress_app.posts (author_id);
CREATE UNIQUE INDEX ON regress_app.posts (lower(title)) WHERE status = 'published';
CREATE VIEW regress_app.post_titles AS SELECT id, title FROM regress_app.posts;
COMMENT ON VIEW regress_app.post_titles IS '@primaryKey id';
CREATE FUNCTION regress_app.posts_excerpt(p regress_app.posts, max_length int DEFAULT 40)
  RETURNS text LANGUAGE sql STABLE STRICT AS 'SELECT left(p.title, max_length)';
CREATE FUNCTION regress_app.publish(post_id bigint) RETURNS regress_app.posts
  LANGUAGE sql AS 'UPDATE regress_app.posts SET status = ''published'' WHERE id = post_id RETURNING *';

CREATE TEMP TABLE snap AS SELECT gateway.reflect('{regress_app}') AS j;
SELECT json_typeof(j) FROM snap;
SELECT (j->>'server_version_num')::int >= 150000 AS pg15 FROM snap;
-- Relations with their kind and comment, in name order.
SELECT c->>'name' AS name, c->>'kind' AS kind, c->>'comment' AS comment
  FROM snap, json_array_elements(j->'classes') c;
-- Columns of posts: types by name, nullability, defaults, generated.
SELECT col->>'name' AS column, format_type((col->>'type')::oid, (col->>'typmod')::int) AS type,
       col->>'not_null' AS not_null, col->>'has_default' AS has_default,
       col->>'generated' AS generated
  FROM snap, json_array_elements(j->'classes') c, json_array_elements(c->'columns') col
 WHERE c->>'name' = 'posts';
-- Keys and indexes of posts (the expression index has key 0 and is partial).
SELECT k->>'type' AS type, k->>'keys' AS keys,
       (k->>'foreign_class')::oid::regclass AS references, k->>'foreign_keys' AS foreign_keys
  FROM snap, json_array_elements(j->'classes') c, json_array_elements(c->'constraints') k
 WHERE c->>'name' = 'posts' ORDER BY 1;
SELECT i->>'keys' AS keys, i->>'unique' AS is_unique, i->>'primary' AS is_primary,
       i->>'partial' AS partial
  FROM snap, json_array_elements(j->'classes') c, json_array_elements(c->'indexes') i
 WHERE c->>'name' = 'posts' ORDER BY 1, 2;
-- Types: every type used, closed over domains, arrays and composites.
SELECT (t->>'oid')::oid::regtype AS type, t->>'type' AS kind,
       (t->>'base')::oid::regtype AS base, t->'enum_labels' AS labels,
       (SELECT string_agg(a->>'name', ',') FROM json_array_elements(
         CASE json_typeof(t->'attributes') WHEN 'array' THEN t->'attributes' ELSE '[]' END) a)
         AS attributes
  FROM snap, json_array_elements(j->'types') t
 ORDER BY (t->>'oid')::oid::regtype::text;
-- Functions with argument names, defaults, volatility and result.
SELECT p->>'name' AS name, p->'arg_names' AS args, p->>'default_count' AS defaults,
       p->>'volatility' AS volatility, p->>'strict' AS strict,
       (p->>'return_type')::oid::regtype AS returns, p->>'returns_set' AS setof
  FROM snap, json_array_elements(j->'procs') p;
-- Privileges as a role sees them: that role and its memberships (NOINHERIT
-- ones too), owners and ACLs of relations, columns and functions, and what
-- a relation supports. The bootstrap superuser's name is shown as OWNER.
CREATE ROLE regress_reflect_web;
CREATE ROLE regress_reflect_login NOINHERIT;
GRANT regress_reflect_web TO regress_reflect_login;
GRANT SELECT ON regress_app.users TO regress_reflect_web;
GRANT UPDATE (title) ON regress_app.posts TO regress_reflect_web;
REVOKE EXECUTE ON FUNCTION regress_app.publish(bigint) FROM PUBLIC;
CREATE TEMP TABLE snap_login AS
  SELECT replace(gateway.reflect('{regress_app}', 'regress_reflect_login')::text, current_user,
                 'OWNER')::json AS j;
SELECT j->'current_user' AS current_user, j->'roles' AS roles FROM snap_login;
SELECT c->>'name' AS name, c->>'owner' AS owner, c->'acl' AS acl,
       c->>'updatable_mask' AS updatable_mask
  FROM snap_login, json_array_elements(j->'classes') c;
SELECT col->>'name' AS column, col->'acl' AS acl
  FROM snap_login, json_array_elements(j->'classes') c, json_array_elements(c->'columns') col
 WHERE c->>'name' = 'posts' AND json_typeof(col->'acl') = 'array';
SELECT p->>'name' AS name, p->>'owner' AS owner, p->'acl' AS acl
  FROM snap_login, json_array_elements(j->'procs') p;
-- The role defaults to the caller; a role that does not exist is an error.
SELECT gateway.reflect('{regress_app}')->>'current_user' = current_user AS defaults_to_caller;
SELECT gateway.reflect('{regress_app}', 'regress_no_such_role');
DROP ROLE regress_reflect_login;
DROP OWNED BY regress_reflect_web;
DROP ROLE regress_reflect_web;
-- Unknown schemas give an empty snapshot, not an error.
SELECT json_array_length(gateway.reflect('{no_such_schema}')->'classes');
-- Only administrators may read the snapshot.
CREATE ROLE regress_reflect_user;
SET ROLE regress_reflect_user;
SELECT gateway.reflect('{regress_app}');
RESET ROLE;
DROP ROLE regress_reflect_user;
DROP SCHEMA regress_app CASCADE;
