-- The anchor of bench/audit_vs_plpgsql.sh: the row-change audit trigger
-- PostgreSQL users write themselves today, in the style of 2ndQuadrant's
-- audit trigger (https://wiki.postgresql.org/wiki/Audit_trigger_91plus):
-- one table, audit.logged_actions, filled by a row-level AFTER trigger
-- written in PL/pgSQL. Written for this benchmark (not copied from it),
-- with jsonb instead of hstore so that it stores the same kind of values as
-- gateway.audit_log does.
--
-- Each audited change becomes one row with the schema and table, the
-- session's role, the transaction's, statement's and wall clock timestamps,
-- the transaction id, the client's application name, address and port,
-- optionally the text of the top-level statement (current_query()), the
-- action, the row (the old row for UPDATE and DELETE, the new one for
-- INSERT) as jsonb and, for UPDATE, the changed columns with their new
-- values. An UPDATE that changes nothing (or only excluded columns) writes
-- no row.
--
--   SELECT audit.audit_table('bench_items');                      -- with the statement text
--   SELECT audit.audit_table('bench_items', false);               -- without it
--   SELECT audit.audit_table('bench_items', true, '{updated_at}'); -- ignore a column
--   SELECT audit.unaudit_table('bench_items');

CREATE SCHEMA IF NOT EXISTS audit;
REVOKE ALL ON SCHEMA audit FROM public;

CREATE TABLE IF NOT EXISTS audit.logged_actions (
  event_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  schema_name       text NOT NULL,
  table_name        text NOT NULL,
  relid             oid NOT NULL,
  session_user_name text,
  action_tstamp_tx  timestamptz NOT NULL,   -- transaction start
  action_tstamp_stm timestamptz NOT NULL,   -- statement start
  action_tstamp_clk timestamptz NOT NULL,   -- wall clock at the change
  transaction_id    bigint,
  application_name  text,
  client_addr       inet,
  client_port       integer,
  client_query      text,                   -- NULL unless asked for
  action            text NOT NULL CHECK (action IN ('I', 'U', 'D', 'T')),
  row_data          jsonb,
  changed_fields    jsonb,
  statement_only    boolean NOT NULL
);
-- The indexes the classic trigger ships with.
CREATE INDEX IF NOT EXISTS logged_actions_relid_idx ON audit.logged_actions (relid);
CREATE INDEX IF NOT EXISTS logged_actions_action_tstamp_stm_idx
  ON audit.logged_actions (action_tstamp_stm);
CREATE INDEX IF NOT EXISTS logged_actions_action_idx ON audit.logged_actions (action);
REVOKE ALL ON audit.logged_actions FROM public;

-- TG_ARGV[0]: 'true' to record current_query(); TG_ARGV[1]: excluded
-- columns as a text[] literal.
CREATE OR REPLACE FUNCTION audit.if_modified_func() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  entry    audit.logged_actions%ROWTYPE;
  excluded text[] := '{}';
  old_row  jsonb;
  new_row  jsonb;
BEGIN
  IF TG_WHEN <> 'AFTER' THEN
    RAISE EXCEPTION 'audit.if_modified_func() must be an AFTER trigger';
  END IF;
  IF TG_NARGS > 1 AND TG_ARGV[1] IS NOT NULL THEN
    excluded := TG_ARGV[1]::text[];
  END IF;

  entry.schema_name       := TG_TABLE_SCHEMA;
  entry.table_name        := TG_TABLE_NAME;
  entry.relid             := TG_RELID;
  entry.session_user_name := session_user;
  entry.action_tstamp_tx  := transaction_timestamp();
  entry.action_tstamp_stm := statement_timestamp();
  entry.action_tstamp_clk := clock_timestamp();
  entry.transaction_id    := txid_current();
  entry.application_name  := current_setting('application_name', true);
  entry.client_addr       := inet_client_addr();
  entry.client_port       := inet_client_port();
  entry.action            := substr(TG_OP, 1, 1);
  entry.statement_only    := TG_LEVEL = 'STATEMENT';
  IF TG_NARGS = 0 OR TG_ARGV[0]::boolean THEN
    entry.client_query := current_query();
  END IF;

  IF TG_LEVEL = 'ROW' THEN
    IF TG_OP = 'UPDATE' THEN
      old_row := to_jsonb(OLD) - excluded;
      new_row := to_jsonb(NEW) - excluded;
      SELECT jsonb_object_agg(n.key, n.value) INTO entry.changed_fields
        FROM jsonb_each(new_row) AS n
       WHERE n.value IS DISTINCT FROM old_row -> n.key;
      IF entry.changed_fields IS NULL THEN
        RETURN NULL;  -- nothing audited changed
      END IF;
      entry.row_data := old_row;
    ELSIF TG_OP = 'DELETE' THEN
      entry.row_data := to_jsonb(OLD) - excluded;
    ELSIF TG_OP = 'INSERT' THEN
      entry.row_data := to_jsonb(NEW) - excluded;
    END IF;
  ELSIF TG_OP <> 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit.if_modified_func(): unexpected % % trigger', TG_LEVEL, TG_OP;
  END IF;

  INSERT INTO audit.logged_actions (schema_name, table_name, relid, session_user_name,
      action_tstamp_tx, action_tstamp_stm, action_tstamp_clk, transaction_id, application_name,
      client_addr, client_port, client_query, action, row_data, changed_fields, statement_only)
  VALUES (entry.schema_name, entry.table_name, entry.relid, entry.session_user_name,
      entry.action_tstamp_tx, entry.action_tstamp_stm, entry.action_tstamp_clk,
      entry.transaction_id, entry.application_name, entry.client_addr, entry.client_port,
      entry.client_query, entry.action, entry.row_data, entry.changed_fields,
      entry.statement_only);
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION audit.audit_table(target regclass, log_query boolean DEFAULT true,
                                             ignored_cols text[] DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM audit.unaudit_table(target);
  EXECUTE format('CREATE TRIGGER audit_trigger_row AFTER INSERT OR UPDATE OR DELETE ON %s '
                 'FOR EACH ROW EXECUTE FUNCTION audit.if_modified_func(%L, %L)',
                 target, log_query, coalesce(ignored_cols, '{}'));
  EXECUTE format('CREATE TRIGGER audit_trigger_stm AFTER TRUNCATE ON %s '
                 'FOR EACH STATEMENT EXECUTE FUNCTION audit.if_modified_func(%L)',
                 target, log_query);
END
$$;

CREATE OR REPLACE FUNCTION audit.unaudit_table(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('DROP TRIGGER IF EXISTS audit_trigger_row ON %s', target);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_trigger_stm ON %s', target);
END
$$;
