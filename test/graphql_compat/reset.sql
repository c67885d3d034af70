-- Makes the compat database resettable, for the cases that mutate it.
--
-- Loaded after schema.sql by both comparators (regenerate.py for
-- PostGraphile, test/integration/test_graphql_compat.py for pg_gateway).
-- It copies the seed data of every table of schema `app` into schema
-- `compat_seed` (never exposed: only `app` is) and records the sequences;
-- `SELECT compat_seed.reset()`, run as a superuser before each case marked
-- `# reset`, puts the data and the sequences back exactly as schema.sql
-- left them, so each mutation case starts from the same state whatever ran
-- before it.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DROP SCHEMA IF EXISTS compat_seed CASCADE;
CREATE SCHEMA compat_seed;
REVOKE ALL ON SCHEMA compat_seed FROM public;

CREATE TABLE compat_seed.tables AS
  SELECT c.oid::regclass AS rel, c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p');

DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM compat_seed.tables LOOP
    EXECUTE format('CREATE TABLE compat_seed.%I AS TABLE %s', r.relname, r.rel);
  END LOOP;
END
$$;

-- A sequence's own row says where it stands (pg_sequences hides a
-- RESTART WITH that has not been used yet).
CREATE TABLE compat_seed.sequences (seq regclass, last_value bigint, is_called boolean);
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT format('%I.%I', schemaname, sequencename)::regclass AS seq
             FROM pg_sequences WHERE schemaname = 'app' LOOP
    EXECUTE format('INSERT INTO compat_seed.sequences SELECT %L::regclass, last_value, is_called FROM %s',
                   r.seq, r.seq);
  END LOOP;
END
$$;

CREATE FUNCTION compat_seed.reset() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
  cols text;
BEGIN
  -- Foreign keys and user triggers stay out of the way while the rows go
  -- back in (session_replication_role needs a superuser).
  SET LOCAL session_replication_role = replica;
  EXECUTE 'TRUNCATE ' || (SELECT string_agg(rel::text, ', ') FROM compat_seed.tables);
  FOR r IN SELECT * FROM compat_seed.tables LOOP
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
      FROM pg_attribute
     WHERE attrelid = r.rel AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
    EXECUTE format('INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM compat_seed.%I',
                   r.rel, cols, cols, r.relname);
  END LOOP;
  FOR r IN SELECT * FROM compat_seed.sequences LOOP
    PERFORM setval(r.seq, r.last_value, r.is_called);
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION compat_seed.reset() FROM public;
