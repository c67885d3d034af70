-- Audit trails: gateway.enable_audit() puts a row-change trigger (C++,
-- extension/audit/) on a table; each change becomes a row of
-- gateway.audit_log (partitioned by month) that names who made it.

-- Who may read the audit log and the request log besides superusers.
-- (Not pg_gateway_auditor: PostgreSQL reserves role names starting with
-- pg_ for its own predefined roles.) Roles belong to the cluster, not to a database: the role stays when the
-- extension is dropped, and a second database's CREATE EXTENSION finds it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'gateway_auditor') THEN
    CREATE ROLE gateway_auditor NOLOGIN;
  END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Which tables are audited. The triggers themselves carry what the C++
-- trigger needs (its arguments: log_statement, then the excluded columns),
-- so that a write reads no catalog table; this table is the record that
-- pg_dump keeps (pg_extension_config_dump) and gateway.audited_tables shows.
--
-- Owners manage their own tables' rows: enable_audit() and disable_audit()
-- run as the caller (who must own the table to create its triggers), and the
-- policies below let a role touch only rows of tables it owns, so nobody
-- can claim or hide another owner's audit settings.
CREATE TABLE @extschema@.audit_tables (
  relation regclass PRIMARY KEY,
  columns_excluded text[] NOT NULL DEFAULT '{}',
  log_statement boolean NOT NULL DEFAULT false,
  enabled_at timestamptz NOT NULL DEFAULT now(),
  enabled_by name NOT NULL DEFAULT current_user
);
COMMENT ON TABLE @extschema@.audit_tables IS
  'Tables whose changes pg_gateway writes to gateway.audit_log (gateway.enable_audit)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_tables', '');
REVOKE ALL ON @extschema@.audit_tables FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.audit_tables TO PUBLIC;
ALTER TABLE @extschema@.audit_tables ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_tables_owner ON @extschema@.audit_tables
  USING (pg_catalog.pg_has_role(current_user,
           (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = relation), 'USAGE'));
CREATE POLICY audit_tables_auditor ON @extschema@.audit_tables FOR SELECT
  USING (pg_catalog.pg_has_role(current_user, 'gateway_auditor', 'USAGE'));

-- ---------------------------------------------------------------------------
-- The audit log: one row per audited row change (and per TRUNCATE), written
-- by the trigger in the transaction of the change, so it commits or rolls
-- back with it (savepoints included). Partitioned by month on `at`
-- (gateway.maintain_partitions: job worker 1 keeps partitions ahead and
-- drops those past pg_gateway.audit_retention; enable_audit creates them on
-- demand). Table names are kept as text so that a dropped table's history
-- still reads.
--
-- Nobody may write it but the trigger, which inserts as the table's owner
-- (the extension's owner); superusers and gateway_auditor read it.
CREATE TABLE @extschema@.audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL,              -- statement_timestamp() of the change
  clock_at timestamptz NOT NULL,        -- clock_timestamp() when the row was written
  txid bigint NOT NULL,                 -- txid_current() of the changing transaction
  table_oid oid NOT NULL,
  table_schema text NOT NULL,
  table_name text NOT NULL,
  operation text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
  record_id jsonb,                      -- the primary key, {"id": 42}; NULL for TRUNCATE
  old_record jsonb,                     -- UPDATE, DELETE
  new_record jsonb,                     -- INSERT, UPDATE
  changed jsonb,                        -- UPDATE: the changed columns' new values
  session_role text NOT NULL,           -- session_user
  acting_role text NOT NULL,            -- current_user (a request's role)
  jwt_sub text,                         -- a pg_gateway request's token: "sub"
  jwt_role text,                        -- ... its role claim (pg_gateway.jwt_role_claim)
  jwt_claims jsonb,                     -- ... the claims named by pg_gateway.audit_claims
  request_id text,                      -- X-Request-Id of the request
  request_method text,
  request_path text,
  graphql_operation text,               -- the GraphQL operation's name
  client_addr inet,                     -- the HTTP client, else inet_client_addr()
  job_id bigint,                        -- a job's SQL task: gateway.jobs.id
  job_task text,                        -- ... and its task identifier
  statement text,                       -- the top-level statement (log_statement)
  hash bytea                            -- pg_gateway.audit_hash_chain: SHA-256 chain link
) PARTITION BY RANGE (at);
COMMENT ON TABLE @extschema@.audit_log IS
  'Row changes of the audited tables (gateway.enable_audit), with who made them';
-- No index on the parent (see gateway.maintain_partitions): each partition
-- gets a BRIN index on at and a hash index on record_id from
-- gateway.maintain_audit_log(). A row's history is found by record_id, then
-- table_oid; a hash index costs a write about 1.3 us against 6.9 us for a
-- btree on (table_oid, record_id), whose jsonb comparisons dominate.
REVOKE ALL ON @extschema@.audit_log FROM PUBLIC;
GRANT SELECT ON @extschema@.audit_log TO gateway_auditor;
-- Kept by pg_dump, so that a restored log's ids do not start again at 1.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log_id_seq', '');

-- The last link of each table's hash chain (pg_gateway.audit_hash_chain):
-- the trigger locks the table's row while it appends, so concurrent writers
-- extend the chain one after the other, in id order.
CREATE TABLE @extschema@.audit_chain_heads (
  table_oid oid PRIMARY KEY,
  last_id bigint NOT NULL,
  last_hash bytea NOT NULL
);
COMMENT ON TABLE @extschema@.audit_chain_heads IS
  'Last audit_log row of each table''s hash chain (pg_gateway.audit_hash_chain)';
REVOKE ALL ON @extschema@.audit_chain_heads FROM PUBLIC;
GRANT SELECT ON @extschema@.audit_chain_heads TO gateway_auditor;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_chain_heads', '');

-- One link of the chain: the SHA-256 of the previous link (hex) and the
-- row's content, in a text form that depends on no setting (microseconds
-- since the Unix epoch, jsonb's canonical text). The trigger and
-- verify_audit_chain() both compute it with this function.
CREATE FUNCTION @extschema@.audit_row_hash(
    previous bytea, at timestamptz, operation text, table_schema text, table_name text,
    record_id jsonb, old_record jsonb, new_record jsonb, changed jsonb)
RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT sha256(convert_to(concat_ws('|',
           coalesce(encode(previous, 'hex'), ''),
           (extract(epoch FROM at) * 1000000)::numeric(20, 0)::text,
           operation, table_schema, table_name,
           coalesce(record_id::text, ''), coalesce(old_record::text, ''),
           coalesce(new_record::text, ''), coalesce(changed::text, '')), 'UTF8'))
$$;
COMMENT ON FUNCTION @extschema@.audit_row_hash(bytea, timestamptz, text, text, text, jsonb, jsonb, jsonb, jsonb) IS
  'SHA-256 link of the audit hash chain over the previous link and one audit_log row';

-- The trigger (extension/audit/audit_trigger.cpp): AFTER INSERT OR UPDATE
-- OR DELETE FOR EACH ROW, and AFTER TRUNCATE FOR EACH STATEMENT.
CREATE FUNCTION @extschema@.audit_trigger()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'pg_gateway_audit_trigger';
COMMENT ON FUNCTION @extschema@.audit_trigger() IS
  'Row-change trigger of the audited tables: writes gateway.audit_log (gateway.enable_audit)';

-- The audit log's partitions, with their indexes: job worker 1 calls this
-- hourly with pg_gateway.audit_retention; a superuser may call it by hand.
CREATE FUNCTION @extschema@.maintain_audit_log(
    retention interval DEFAULT NULL,
    months_ahead integer DEFAULT 2)
RETURNS TABLE (partition text, action text)
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT * FROM @extschema@.maintain_partitions('@extschema@.audit_log'::regclass, retention,
                                                months_ahead,
                                                ARRAY['USING brin (at)', 'USING hash (record_id)'])
$$;
COMMENT ON FUNCTION @extschema@.maintain_audit_log(interval, integer) IS
  'Creates gateway.audit_log''s monthly partitions ahead and drops those older than retention';
REVOKE ALL ON FUNCTION @extschema@.maintain_audit_log(interval, integer) FROM PUBLIC;

-- Creates the audit log's partitions for this month and the next two; the
-- callers of enable_audit need no right to gateway.maintain_audit_log.
CREATE FUNCTION @extschema@.ensure_audit_partitions()
RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT FROM @extschema@.maintain_audit_log(NULL, 2)
$$;
COMMENT ON FUNCTION @extschema@.ensure_audit_partitions() IS
  'Creates gateway.audit_log''s partitions up to two months ahead';

-- Drops a table's audit triggers, if it has them (without DROP TRIGGER IF
-- EXISTS's notices). Runs as the caller: only an owner may drop them.
CREATE FUNCTION @extschema@.audit_drop_triggers(tbl regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  name name;
BEGIN
  FOR name IN SELECT tgname FROM pg_trigger WHERE tgrelid = tbl AND NOT tgisinternal
                 AND tgname IN ('pg_gateway_audit', 'pg_gateway_audit_truncate') LOOP
    EXECUTE format('DROP TRIGGER %I ON %s', name, tbl);
  END LOOP;
END;
$$;
COMMENT ON FUNCTION @extschema@.audit_drop_triggers(regclass) IS
  'Drops the audit triggers of a table (used by enable_audit and disable_audit)';

-- Starts (or changes) the audit of a table. Runs as the caller, who must
-- own the table (or be a superuser). Idempotent: calling it again replaces
-- the settings.
CREATE FUNCTION @extschema@.enable_audit(
    tbl regclass,
    columns_excluded text[] DEFAULT NULL,
    log_statement boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  rel record;
  pk_columns text[];
  missing text;
  args text;
BEGIN
  SELECT c.relkind, c.relowner, c.relispartition, n.nspname, c.relname INTO rel
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl;
  IF rel.relkind IS NULL OR rel.relkind NOT IN ('r', 'p') THEN
    RAISE EXCEPTION 'cannot audit "%": it is not a table', tbl
      USING ERRCODE = 'wrong_object_type',
            HINT = 'Only ordinary and partitioned tables can be audited; audit the tables a view reads.';
  END IF;
  IF rel.relispartition THEN
    RAISE EXCEPTION 'cannot audit "%": it is a partition', tbl
      USING ERRCODE = 'wrong_object_type',
            HINT = 'Audit its partitioned table: its trigger covers every partition.';
  END IF;
  IF tbl IN ('@extschema@.audit_log'::regclass, '@extschema@.audit_tables'::regclass,
             '@extschema@.audit_chain_heads'::regclass)
     OR EXISTS (SELECT FROM pg_inherits WHERE inhrelid = tbl
                   AND inhparent = '@extschema@.audit_log'::regclass) THEN
    RAISE EXCEPTION 'cannot audit "%": it is part of pg_gateway''s audit trail', tbl
      USING ERRCODE = 'wrong_object_type';
  END IF;
  IF NOT pg_has_role(current_user, rel.relowner, 'USAGE') THEN
    RAISE EXCEPTION 'must be owner of table %', tbl
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Only the table''s owner or a superuser can change its audit.';
  END IF;
  SELECT array_agg(a.attname::text ORDER BY k.ord) INTO pk_columns
    FROM pg_index i
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
   WHERE i.indrelid = tbl AND i.indisprimary;
  IF pk_columns IS NULL THEN
    RAISE EXCEPTION 'cannot audit "%": it has no primary key', tbl
      USING ERRCODE = 'invalid_table_definition',
            DETAIL = 'Each audit row names the changed row by its primary key, so that a row''s history can be followed.',
            HINT = format('Add one (ALTER TABLE %s ADD PRIMARY KEY (...)), then enable the audit.', tbl);
  END IF;
  columns_excluded := coalesce(columns_excluded, '{}');
  SELECT c INTO missing FROM unnest(columns_excluded) AS c
   WHERE NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = c
                        AND a.attnum > 0 AND NOT a.attisdropped)
   LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'column "%" of relation "%" does not exist', missing, tbl
      USING ERRCODE = 'undefined_column', HINT = 'columns_excluded names columns of the table.';
  END IF;
  SELECT c INTO missing FROM unnest(columns_excluded) AS c WHERE c = ANY (pk_columns) LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'cannot exclude column "%" of "%" from the audit: it is part of the primary key', missing, tbl
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Every audit row records the primary key (record_id).';
  END IF;
  columns_excluded := ARRAY(SELECT DISTINCT c FROM unnest(columns_excluded) AS c ORDER BY c);

  PERFORM @extschema@.ensure_audit_partitions();
  args := concat_ws(', ', quote_literal(CASE WHEN log_statement THEN 't' ELSE 'f' END),
                    (SELECT string_agg(quote_literal(c), ', ') FROM unnest(columns_excluded) AS c));
  PERFORM @extschema@.audit_drop_triggers(tbl);
  EXECUTE format('CREATE TRIGGER pg_gateway_audit AFTER INSERT OR UPDATE OR DELETE ON %s '
                 'FOR EACH ROW EXECUTE FUNCTION @extschema@.audit_trigger(%s)', tbl, args);
  EXECUTE format('CREATE TRIGGER pg_gateway_audit_truncate AFTER TRUNCATE ON %s '
                 'FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.audit_trigger(%s)', tbl, args);
  INSERT INTO @extschema@.audit_tables AS t (relation, columns_excluded, log_statement)
  VALUES (tbl, enable_audit.columns_excluded, enable_audit.log_statement)
  ON CONFLICT (relation) DO UPDATE
     SET columns_excluded = EXCLUDED.columns_excluded, log_statement = EXCLUDED.log_statement,
         enabled_at = now(), enabled_by = current_user;
END;
$$;
COMMENT ON FUNCTION @extschema@.enable_audit(regclass, text[], boolean) IS
  'Writes every change of the table to gateway.audit_log (owner or superuser; idempotent)';

-- Stops the audit of a table; its history stays. Idempotent.
CREATE FUNCTION @extschema@.disable_audit(tbl regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  owner oid;
BEGIN
  SELECT c.relowner INTO owner FROM pg_class c WHERE c.oid = tbl;
  IF NOT pg_has_role(current_user, owner, 'USAGE') THEN
    RAISE EXCEPTION 'must be owner of table %', tbl
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Only the table''s owner or a superuser can change its audit.';
  END IF;
  PERFORM @extschema@.audit_drop_triggers(tbl);
  DELETE FROM @extschema@.audit_tables WHERE relation = tbl;
END;
$$;
COMMENT ON FUNCTION @extschema@.disable_audit(regclass) IS
  'Stops writing the table''s changes to gateway.audit_log; its history stays (owner or superuser)';

-- What is audited, as each role may see it (its own tables; auditors all).
CREATE VIEW @extschema@.audited_tables WITH (security_invoker = true) AS
SELECT t.relation, n.nspname AS table_schema, c.relname AS table_name,
       t.columns_excluded, t.log_statement, t.enabled_at, t.enabled_by,
       EXISTS (SELECT FROM pg_catalog.pg_trigger g
                WHERE g.tgrelid = t.relation AND g.tgname = 'pg_gateway_audit'
                  AND g.tgenabled <> 'D') AS trigger_enabled
  FROM @extschema@.audit_tables t
  JOIN pg_catalog.pg_class c ON c.oid = t.relation
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace;
COMMENT ON VIEW @extschema@.audited_tables IS
  'The tables gateway.enable_audit audits, with their settings';
GRANT SELECT ON @extschema@.audited_tables TO PUBLIC;

-- A row's history, oldest first: record_id is its primary key as jsonb
-- ('{"id": 42}'). Readable by whoever may read gateway.audit_log.
CREATE FUNCTION @extschema@.audit_history(tbl regclass, record_id jsonb)
RETURNS SETOF @extschema@.audit_log
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT * FROM @extschema@.audit_log l
   WHERE l.table_oid = tbl AND l.record_id = audit_history.record_id
   ORDER BY l.id
$$;
COMMENT ON FUNCTION @extschema@.audit_history(regclass, jsonb) IS
  'The audit rows of one row of a table (by its primary key as jsonb), oldest first';

-- Walks a table's hash chain (rows with a hash, in id order) and returns
-- the first row whose link does not match what it should be (changed,
-- inserted or following a deleted row), or whose chain ends before the
-- recorded head (rows deleted at the end). No row: the chain is intact.
CREATE FUNCTION @extschema@.verify_audit_chain(tbl regclass)
RETURNS TABLE (id bigint, problem text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r record;
  previous bytea;
  previous_id bigint;
  head record;
BEGIN
  FOR r IN SELECT l.* FROM @extschema@.audit_log l
            WHERE l.table_oid = tbl AND l.hash IS NOT NULL ORDER BY l.id LOOP
    IF r.hash <> @extschema@.audit_row_hash(previous, r.at, r.operation, r.table_schema,
                                             r.table_name, r.record_id, r.old_record,
                                             r.new_record, r.changed) THEN
      id := r.id;
      problem := CASE WHEN previous_id IS NULL THEN 'the first link does not match its row'
                      ELSE format('the link does not follow row %s (a row was changed, added or removed)', previous_id) END;
      RETURN NEXT;
      RETURN;
    END IF;
    previous := r.hash;
    previous_id := r.id;
  END LOOP;
  SELECT h.last_id, h.last_hash INTO head FROM @extschema@.audit_chain_heads h WHERE h.table_oid = tbl;
  IF head.last_id IS NOT NULL AND head.last_hash IS DISTINCT FROM previous THEN
    id := head.last_id;
    problem := format('the chain ends at row %s but its head is row %s (rows were removed)',
                      coalesce(previous_id::text, 'none'), head.last_id);
    RETURN NEXT;
  END IF;
END;
$$;
COMMENT ON FUNCTION @extschema@.verify_audit_chain(regclass) IS
  'The first broken link of a table''s audit hash chain (pg_gateway.audit_hash_chain); no row: intact';
REVOKE ALL ON FUNCTION @extschema@.verify_audit_chain(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.verify_audit_chain(regclass) TO gateway_auditor;

-- Keeps gateway.audit_tables true when audited tables or their excluded
-- columns are dropped (sql_drop), and refuses to rename an excluded column
-- (ddl_command_end), which would otherwise start logging it under its new
-- name: the trigger's arguments name the columns it leaves out.
CREATE FUNCTION @extschema@.audit_forget_dropped()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d record;
BEGIN
  FOR d IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
    IF d.object_type = 'table' THEN
      DELETE FROM @extschema@.audit_tables WHERE relation::oid = d.objid;
    ELSIF d.object_type = 'table column' THEN
      UPDATE @extschema@.audit_tables
         SET columns_excluded = array_remove(columns_excluded, d.address_names[3])
       WHERE relation::oid = d.objid AND d.address_names[3] = ANY (columns_excluded);
    END IF;
  END LOOP;
END;
$$;
COMMENT ON FUNCTION @extschema@.audit_forget_dropped() IS
  'Event trigger: forgets dropped audited tables and dropped excluded columns';
REVOKE ALL ON FUNCTION @extschema@.audit_forget_dropped() FROM PUBLIC;
CREATE EVENT TRIGGER pg_gateway_audit_dropped ON sql_drop
  EXECUTE FUNCTION @extschema@.audit_forget_dropped();

CREATE FUNCTION @extschema@.audit_check_columns()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT a.relation, c AS column_name
      FROM @extschema@.audit_tables a CROSS JOIN LATERAL unnest(a.columns_excluded) AS c
     WHERE a.relation::oid IN (SELECT objid FROM pg_event_trigger_ddl_commands()
                                WHERE classid = 'pg_class'::regclass)
       AND NOT EXISTS (SELECT FROM pg_attribute att WHERE att.attrelid = a.relation
                          AND att.attname = c AND NOT att.attisdropped)
     LIMIT 1
  LOOP
    RAISE EXCEPTION 'cannot rename column "%" of audited table %: it is excluded from the audit log',
                    t.column_name, t.relation
      USING ERRCODE = 'object_in_use',
            DETAIL = 'The audit trigger leaves that column out by its name; under a new name it would be logged.',
            HINT = format('In one transaction: SELECT gateway.disable_audit(%L), rename the column, then enable the audit again excluding the new name.', t.relation::text);
  END LOOP;
END;
$$;
COMMENT ON FUNCTION @extschema@.audit_check_columns() IS
  'Event trigger: refuses to rename a column an audited table excludes from the audit log';
REVOKE ALL ON FUNCTION @extschema@.audit_check_columns() FROM PUBLIC;
CREATE EVENT TRIGGER pg_gateway_audit_columns ON ddl_command_end
  WHEN TAG IN ('ALTER TABLE')
  EXECUTE FUNCTION @extschema@.audit_check_columns();
