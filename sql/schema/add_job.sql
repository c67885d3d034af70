-- add_job(), in a file of its own because an update script replaces it
-- (UPDATE_0_9_0_SOURCES in the Makefile): an updated database and a fresh
-- one get it from this same text. It follows jobs.sql (add_jobs, job_spec).

-- Graphile Worker's add_job(). job_key_mode: 'replace' (default: the new
-- details and run_at win, i.e. debouncing), 'preserve_run_at' (the waiting
-- job keeps its run_at, i.e. throttling) or 'unsafe_dedupe' (nothing
-- happens if any job has the key, even a running or failed one).
CREATE OR REPLACE FUNCTION @extschema@.add_job(
    identifier   text,
    payload      jsonb       DEFAULT NULL,
    queue_name   text        DEFAULT NULL,
    run_at       timestamptz DEFAULT NULL,
    max_attempts integer     DEFAULT NULL,
    job_key      text        DEFAULT NULL,
    priority     integer     DEFAULT NULL,
    flags        text[]      DEFAULT NULL,
    job_key_mode text        DEFAULT 'replace')
RETURNS @extschema@.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
  v_job @extschema@.jobs;
BEGIN
  -- Most jobs have no key, queue or flags: one plain INSERT. It is also
  -- what a new session pays for on its first call (PL/pgSQL plans a
  -- statement when it first runs it), so keep this branch to the fewest
  -- and simplest statements; it does what add_jobs() would for such a job.
  IF job_key IS NULL AND queue_name IS NULL AND flags IS NULL AND identifier IS NOT NULL THEN
    PERFORM @extschema@.wake_job_workers(CASE WHEN coalesce(run_at, now()) <= now() THEN 1 ELSE 0 END);
    INSERT INTO @extschema@.jobs (task_identifier, payload, run_at, max_attempts, priority)
    VALUES (identifier, coalesce(payload, '{}'), coalesce(run_at, now()), coalesce(max_attempts, 25),
            coalesce(priority, 0))
    RETURNING * INTO v_job;
    RETURN v_job;
  END IF;
  IF job_key IS NULL OR job_key_mode IS NULL OR job_key_mode IN ('replace', 'preserve_run_at') THEN
    SELECT * INTO v_job FROM @extschema@.add_jobs(
      ARRAY[ROW(identifier, payload, queue_name, run_at, max_attempts, job_key, priority,
                flags)::@extschema@.job_spec],
      job_key_mode = 'preserve_run_at');
    RETURN v_job;
  ELSIF job_key_mode = 'unsafe_dedupe' THEN
    IF identifier IS NULL THEN
      RAISE EXCEPTION 'a job needs a task identifier' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM @extschema@.wake_job_workers(CASE WHEN coalesce(run_at, now()) <= now() THEN 1 ELSE 0 END);
    IF queue_name IS NOT NULL THEN
      INSERT INTO @extschema@.job_queues (queue_name) VALUES (add_job.queue_name)
      ON CONFLICT DO NOTHING;
    END IF;
    INSERT INTO @extschema@.jobs AS j
           (task_identifier, payload, queue_name, run_at, max_attempts, key, priority, flags)
    VALUES (identifier, coalesce(payload, '{}'), queue_name, coalesce(run_at, now()),
            coalesce(max_attempts, 25), job_key, coalesce(priority, 0),
            (SELECT jsonb_object_agg(f, true) FROM unnest(flags) AS f))
    ON CONFLICT (key) DO UPDATE SET revision = j.revision + 1, updated_at = now()
    RETURNING * INTO v_job;
    RETURN v_job;
  ELSE
    RAISE EXCEPTION 'invalid job_key_mode "%"', job_key_mode
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use ''replace'', ''preserve_run_at'' or ''unsafe_dedupe''.';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.add_job(text, jsonb, text, timestamptz, integer, text, integer, text[], text) IS
    'Enqueues a job (Graphile Worker''s add_job)';
REVOKE ALL ON FUNCTION @extschema@.add_job(text, jsonb, text, timestamptz, integer, text, integer, text[], text) FROM PUBLIC;
