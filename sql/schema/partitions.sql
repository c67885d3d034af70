-- Monthly partitions of the log tables (gateway.audit_log,
-- gateway.request_log): created ahead, and dropped whole when they are
-- older than the retention, by gateway.maintain_partitions(), which the
-- workers call (job worker 1 for the audit log, the log writer for the
-- request log) and anyone may call by hand as a superuser.

-- The parent's partitions named <parent>_pYYYYMM cover one calendar month
-- (UTC) each; <parent>_default takes rows of a month that has no partition
-- yet, so that a write never fails for want of one. Creating a month's
-- partition moves the rows the default partition holds for it.
--
-- The partitions are created at run time, so they are not members of the
-- extension: pg_dump dumps them and their rows as ordinary tables attached
-- to the extension's parent, and DROP EXTENSION drops them with it. For the
-- same reason the parent has no index of its own: ATTACH PARTITION in a
-- restore would create the partitions' indexes from it, and then collide
-- with the ones pg_dump creates. Each partition gets `indexes` instead
-- (CREATE INDEX ON <partition> <each item>: 'USING brin (at)', say), which
-- pg_dump dumps with it.
CREATE FUNCTION @extschema@.maintain_partitions(
    parent regclass,
    retention interval DEFAULT NULL,
    months_ahead integer DEFAULT 2,
    indexes text[] DEFAULT '{}')
RETURNS TABLE (partition text, action text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  parent_schema text;
  parent_name text;
  this_month timestamp := date_trunc('month', now() AT TIME ZONE 'UTC');
  month_start timestamp;
  lower_bound timestamptz;
  upper_bound timestamptz;
  part_name text;
  default_name text;
  lower_text text;
  upper_text text;
  moved bigint;
BEGIN
  SELECT n.nspname, c.relname INTO parent_schema, parent_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid = parent AND c.relkind = 'p';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'relation % is not a partitioned table', parent
      USING ERRCODE = 'wrong_object_type';
  END IF;
  IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 120 THEN
    RAISE EXCEPTION 'months_ahead must be between 0 and 120'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- One maintainer at a time per parent (the job worker and a DBA, say).
  PERFORM pg_advisory_xact_lock(hashtext('pg_gateway.maintain_partitions ' || parent::oid));

  default_name := parent_name || '_default';
  IF NOT EXISTS (SELECT FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                  WHERE i.inhparent = parent AND c.relname = default_name) THEN
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I DEFAULT',
                   parent_schema, default_name, parent_schema, parent_name);
    FOR i IN 1 .. coalesce(array_length(indexes, 1), 0) LOOP
      EXECUTE format('CREATE INDEX ON %I.%I %s', parent_schema, default_name, indexes[i]);
    END LOOP;
    partition := default_name; action := 'created'; RETURN NEXT;
  END IF;

  FOR i IN 0 .. months_ahead LOOP
    month_start := this_month + make_interval(months => i);
    part_name := parent_name || '_p' || to_char(month_start, 'YYYYMM');
    CONTINUE WHEN EXISTS (SELECT FROM pg_inherits inh JOIN pg_class c ON c.oid = inh.inhrelid
                           WHERE inh.inhparent = parent AND c.relname = part_name);
    lower_bound := month_start AT TIME ZONE 'UTC';
    upper_bound := (month_start + interval '1 month') AT TIME ZONE 'UTC';
    -- Bounds as text that reads the same under any DateStyle and TimeZone.
    lower_text := to_char(month_start, 'YYYY-MM-DD') || ' 00:00:00+00';
    upper_text := to_char(month_start + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
    EXECUTE format('SELECT count(*) FROM %I.%I WHERE at >= $1 AND at < $2',
                   parent_schema, default_name)
       INTO moved USING lower_bound, upper_bound;
    IF moved = 0 THEN
      EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)',
                     parent_schema, part_name, parent_schema, parent_name,
                     lower_text, upper_text);
    ELSE
      -- The default partition holds rows of that month: they move into the
      -- new partition in this transaction, then it is attached.
      EXECUTE format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                     parent_schema, part_name, parent_schema, parent_name);
      EXECUTE format('WITH gone AS (DELETE FROM %I.%I WHERE at >= $1 AND at < $2 RETURNING *) '
                     'INSERT INTO %I.%I SELECT * FROM gone',
                     parent_schema, default_name, parent_schema, part_name)
        USING lower_bound, upper_bound;
      EXECUTE format('ALTER TABLE %I.%I ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                     parent_schema, parent_name, parent_schema, part_name,
                     lower_text, upper_text);
    END IF;
    FOR j IN 1 .. coalesce(array_length(indexes, 1), 0) LOOP
      EXECUTE format('CREATE INDEX ON %I.%I %s', parent_schema, part_name, indexes[j]);
    END LOOP;
    partition := part_name; action := 'created'; RETURN NEXT;
  END LOOP;

  IF retention IS NOT NULL THEN
    -- Whole months only: a partition goes when its last instant is older
    -- than the retention. Rows are never deleted one by one.
    FOR part_name, upper_bound IN
      SELECT c.relname,
             (to_timestamp(substr(c.relname, length(parent_name) + 3), 'YYYYMM')::timestamp
                + interval '1 month') AT TIME ZONE 'UTC'
        FROM pg_inherits inh JOIN pg_class c ON c.oid = inh.inhrelid
       WHERE inh.inhparent = parent
         AND left(c.relname, length(parent_name) + 2) = parent_name || '_p'
         AND substr(c.relname, length(parent_name) + 3) ~ '^[0-9]{6}$'
       ORDER BY c.relname
    LOOP
      IF upper_bound <= now() - retention THEN
        EXECUTE format('DROP TABLE %I.%I', parent_schema, part_name);
        partition := part_name; action := 'dropped'; RETURN NEXT;
      END IF;
    END LOOP;
  END IF;
END;
$$;
COMMENT ON FUNCTION @extschema@.maintain_partitions(regclass, interval, integer, text[]) IS
  'Creates the monthly partitions of a log table up to months_ahead and drops those older than retention';
REVOKE ALL ON FUNCTION @extschema@.maintain_partitions(regclass, interval, integer, text[]) FROM PUBLIC;
