-- Recurring jobs: the crontab table (an extension configuration table) and
-- parse_crontab(), add_cron(), remove_cron(), set_crontab().

-- ---------------------------------------------------------------------------
-- Recurring jobs: Graphile Worker's crontab lines, one per row, keyed by the
-- line's identifier (its `id` option, else the task). pg_gateway's crontab
-- parser checks a line when it is stored. Job worker 1 enqueues each
-- matching minute once (last_execution only moves forward, in the same
-- transaction as the enqueue), backfilling after downtime up to the line's
-- `fill` window.
CREATE TABLE @extschema@.crontab (
    identifier     text        PRIMARY KEY,
    line           text        NOT NULL,
    known_since    timestamptz NOT NULL DEFAULT now(),
    last_execution timestamptz
);
COMMENT ON TABLE @extschema@.crontab IS
    'Recurring jobs in Graphile Worker''s crontab syntax; edit with add_cron(), remove_cron() or set_crontab()';
REVOKE ALL ON @extschema@.crontab FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.crontab', '');

-- The identifier of each line of a crontab (the whole text, as Graphile
-- Worker's crontab file), or an error naming the first bad line.
CREATE FUNCTION @extschema@.parse_crontab(crontab text, OUT identifier text, OUT line text)
RETURNS SETOF record
LANGUAGE c
STRICT IMMUTABLE
AS 'MODULE_PATHNAME', 'pg_gateway_parse_crontab';
COMMENT ON FUNCTION @extschema@.parse_crontab(text) IS
    'Checks a crontab (Graphile Worker syntax) and returns the identifier of each line';

CREATE FUNCTION @extschema@.add_cron(line text)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
  v_parsed record;
  v_count integer := 0;
BEGIN
  FOR v_parsed IN SELECT * FROM @extschema@.parse_crontab(line) LOOP
    v_count := v_count + 1;
    INSERT INTO @extschema@.crontab AS c (identifier, line)
    VALUES (v_parsed.identifier, v_parsed.line)
    ON CONFLICT ON CONSTRAINT crontab_pkey DO UPDATE SET line = excluded.line;
  END LOOP;
  IF v_count <> 1 THEN
    RAISE EXCEPTION 'add_cron() takes one crontab line, not %', v_count
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Use set_crontab() for a whole crontab.';
  END IF;
  PERFORM @extschema@.wake_job_workers();
  RETURN v_parsed.identifier;
END
$$;
COMMENT ON FUNCTION @extschema@.add_cron(text) IS
    'Adds (or replaces, by identifier) one recurring job given as a crontab line';
REVOKE ALL ON FUNCTION @extschema@.add_cron(text) FROM PUBLIC;

CREATE FUNCTION @extschema@.remove_cron(identifier text)
RETURNS boolean
LANGUAGE sql
SET search_path = pg_catalog
AS $$
  WITH d AS (DELETE FROM @extschema@.crontab c WHERE c.identifier = remove_cron.identifier
             RETURNING 1)
  SELECT count(*) > 0 FROM d
$$;
COMMENT ON FUNCTION @extschema@.remove_cron(text) IS 'Removes a recurring job';
REVOKE ALL ON FUNCTION @extschema@.remove_cron(text) FROM PUBLIC;

-- Makes the table hold exactly this crontab: new lines added, changed ones
-- replaced (keeping their schedule state), missing ones removed.
CREATE FUNCTION @extschema@.set_crontab(crontab text)
RETURNS SETOF text
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
  CREATE TEMP TABLE pg_gateway_new_crontab ON COMMIT DROP AS
    SELECT * FROM @extschema@.parse_crontab(crontab);
  DELETE FROM @extschema@.crontab c
   WHERE NOT EXISTS (SELECT 1 FROM pg_gateway_new_crontab n WHERE n.identifier = c.identifier);
  INSERT INTO @extschema@.crontab AS c (identifier, line)
  SELECT n.identifier, n.line FROM pg_gateway_new_crontab n
  ON CONFLICT ON CONSTRAINT crontab_pkey DO UPDATE SET line = excluded.line;
  PERFORM @extschema@.wake_job_workers();
  RETURN QUERY SELECT n.identifier FROM pg_gateway_new_crontab n;
  DROP TABLE pg_gateway_new_crontab;
END
$$;
COMMENT ON FUNCTION @extschema@.set_crontab(text) IS
    'Replaces all recurring jobs with the lines of a crontab (Graphile Worker syntax)';
REVOKE ALL ON FUNCTION @extschema@.set_crontab(text) FROM PUBLIC;
