-- The job queue (Graphile Worker's SQL contract): queues, SQL tasks, jobs,
-- enqueuing (add_job, add_jobs), waiting (wait_for_job), the completion
-- notification, queue statistics and the administration functions.

-- The job queue keeps Graphile Worker's SQL surface (add_job, add_jobs,
-- complete_jobs, permanently_fail_jobs, reschedule_jobs, remove_job,
-- force_unlock_workers) and semantics (job keys and their modes, named
-- queues that run one job at a time, priority then run_at then id order,
-- exp(least(10, attempt)) second backoff, forbidden flags), with three
-- differences its users will notice:
--   * a finished job is not deleted: it stays with its status ('succeeded'
--     or 'failed'), its result and completed_at until pg_gateway.job_retention
--     removes it, so callers can look at what happened or wait for it;
--   * tasks are SQL functions registered with register_task() (or the
--     built-in 'http' and 'email' tasks), run by the job workers inside the
--     database;
--   * completion is announced with pg_notify('pg_gateway_jobs', ...).
-- Every function below is SECURITY DEFINER with a fixed search_path and
-- not executable by PUBLIC: grant EXECUTE to the roles that may enqueue
-- (an 'http' job makes the database server send a request, which is not
-- something every role should be able to do).

-- Named queues: a queue's row is locked (locked_at/locked_by) while one of
-- its jobs runs, which is what makes the queue run one job at a time.
CREATE TABLE @extschema@.job_queues (
    queue_name text PRIMARY KEY CHECK (length(queue_name) BETWEEN 1 AND 128),
    locked_at  timestamptz,
    locked_by  text
);
COMMENT ON TABLE @extschema@.job_queues IS
    'Named job queues; a locked queue has a job running and runs no other until it finishes';
REVOKE ALL ON @extschema@.job_queues FROM PUBLIC;

-- SQL tasks: a task identifier mapped to a function handler(payload jsonb),
-- run as the role that registered it.
CREATE TABLE @extschema@.tasks (
    identifier    text PRIMARY KEY
                  CHECK (identifier ~ '^[A-Za-z0-9_.:-]{1,128}$' AND identifier NOT IN ('http', 'email')),
    handler       regprocedure NOT NULL,
    run_as        regrole      NOT NULL,
    registered_at timestamptz  NOT NULL DEFAULT now()
);
COMMENT ON TABLE @extschema@.tasks IS
    'SQL tasks: the function a job of each task identifier runs, and the role it runs as; edit with register_task()';
REVOKE ALL ON @extschema@.tasks FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tasks', '');

CREATE TABLE @extschema@.jobs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_identifier text        NOT NULL CHECK (length(task_identifier) BETWEEN 1 AND 128),
    queue_name      text        CHECK (length(queue_name) BETWEEN 1 AND 128),
    payload         jsonb       NOT NULL DEFAULT '{}',
    priority        smallint    NOT NULL DEFAULT 0,
    run_at          timestamptz NOT NULL DEFAULT now(),
    attempts        smallint    NOT NULL DEFAULT 0,
    max_attempts    smallint    NOT NULL DEFAULT 25 CHECK (max_attempts >= 1),
    last_error      text,
    key             text        UNIQUE CHECK (length(key) BETWEEN 1 AND 512),
    flags           jsonb,
    status          text        NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    locked_at       timestamptz,
    locked_by       text,
    result          jsonb,
    revision        integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    CONSTRAINT jobs_running_is_locked CHECK ((status = 'running') = (locked_at IS NOT NULL))
);
COMMENT ON TABLE @extschema@.jobs IS
    'Jobs: queued, running, or finished (succeeded / failed) and kept until pg_gateway.job_retention';
COMMENT ON COLUMN @extschema@.jobs.flags IS
    'Flags as {"flag": true}; a job worker whose forbidden flags include one skips the job';
COMMENT ON COLUMN @extschema@.jobs.result IS
    'What the task returned: the SQL function''s value, or the HTTP response (status, headers, body)';
REVOKE ALL ON @extschema@.jobs FROM PUBLIC;
-- What claiming walks: ready jobs in the order they run.
CREATE INDEX jobs_ready_order ON @extschema@.jobs (priority, run_at, id) WHERE status = 'queued';
-- Lease recovery and force_unlock_workers look at running jobs only.
CREATE INDEX jobs_running ON @extschema@.jobs (locked_by) WHERE status = 'running';
-- Retention deletes finished jobs oldest first.
CREATE INDEX jobs_finished ON @extschema@.jobs (completed_at) WHERE status IN ('succeeded', 'failed');
-- Permanently failed jobs, for job_queue_stats() (touched only when a job
-- fails for good).
CREATE INDEX jobs_failed ON @extschema@.jobs (task_identifier) WHERE status = 'failed';

CREATE TYPE @extschema@.job_spec AS (
    identifier   text,
    payload      jsonb,
    queue_name   text,
    run_at       timestamptz,
    max_attempts integer,
    job_key      text,
    priority     integer,
    flags        text[]
);

-- Enqueuing functions call this: the job workers' latches are set when the
-- transaction commits (extension/job_wakeup.cpp), so a job starts within
-- milliseconds of the commit instead of at the next poll.
-- One worker per job due now (a woken worker drains the queue, so more
-- would only race for the same rows); NULL wakes them all.
CREATE FUNCTION @extschema@.wake_job_workers(jobs integer DEFAULT NULL)
RETURNS void
LANGUAGE c
CALLED ON NULL INPUT
AS 'MODULE_PATHNAME', 'pg_gateway_wake_job_workers';
COMMENT ON FUNCTION @extschema@.wake_job_workers(integer) IS
    'Wakes that many job workers (NULL: all) when the current transaction commits';
REVOKE ALL ON FUNCTION @extschema@.wake_job_workers(integer) FROM PUBLIC;

-- Queue depth, per task, for monitoring (a /metrics endpoint or a
-- dashboard): jobs due and waiting, waiting for a later run_at, running,
-- and failed for good (kept until pg_gateway.job_retention), with how long
-- the oldest due job has waited. Each branch reads one partial index, so
-- the succeeded jobs kept for the retention period are never scanned.
CREATE FUNCTION @extschema@.job_queue_stats(
    OUT task_identifier      text,
    OUT ready                bigint,
    OUT scheduled            bigint,
    OUT running              bigint,
    OUT failed               bigint,
    OUT oldest_ready_seconds double precision)
RETURNS SETOF record
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
  WITH live AS (
    SELECT j.task_identifier, j.status, j.run_at FROM @extschema@.jobs j WHERE j.status = 'queued'
    UNION ALL
    SELECT j.task_identifier, j.status, j.run_at FROM @extschema@.jobs j WHERE j.status = 'running'
    UNION ALL
    SELECT j.task_identifier, j.status, j.run_at FROM @extschema@.jobs j WHERE j.status = 'failed')
  SELECT l.task_identifier,
         count(*) FILTER (WHERE l.status = 'queued' AND l.run_at <= now()),
         count(*) FILTER (WHERE l.status = 'queued' AND l.run_at > now()),
         count(*) FILTER (WHERE l.status = 'running'),
         count(*) FILTER (WHERE l.status = 'failed'),
         coalesce(extract(epoch FROM now() - min(l.run_at)
                          FILTER (WHERE l.status = 'queued' AND l.run_at <= now())), 0)::float8
    FROM live l
   GROUP BY l.task_identifier
   ORDER BY l.task_identifier
$$;
COMMENT ON FUNCTION @extschema@.job_queue_stats() IS
    'Per task: jobs ready, scheduled for later, running and permanently failed; age of the oldest ready job';
REVOKE ALL ON FUNCTION @extschema@.job_queue_stats() FROM PUBLIC;

-- The completion notification. Each job reaching 'succeeded' or 'failed'
-- is announced once, at the commit of the transaction that finished it:
-- one pg_notify('pg_gateway_jobs', ...) per committing transaction, whose
-- payload is a JSON array of the jobs it finished (more than one
-- notification only when they would not fit in one payload). Jobs finished
-- in a subtransaction that rolls back are not announced. Sessions in
-- wait_for_job() look again at the same commit.
CREATE FUNCTION @extschema@.announce_job_finished(job json)
RETURNS void
LANGUAGE c
STRICT
AS 'MODULE_PATHNAME', 'pg_gateway_announce_job_finished';
COMMENT ON FUNCTION @extschema@.announce_job_finished(json) IS
    'Announces a finished job on channel pg_gateway_jobs when the current transaction commits';
REVOKE ALL ON FUNCTION @extschema@.announce_job_finished(json) FROM PUBLIC;

-- PL/pgSQL rather than SQL: its statements are planned once per session,
-- where a SQL function's are parsed again on every call (a job worker calls
-- this for every finished job).
CREATE FUNCTION @extschema@.notify_job_finished(job @extschema@.jobs)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
  PERFORM @extschema@.announce_job_finished(json_build_object(
      'id', job.id, 'task', job.task_identifier, 'queue', job.queue_name,
      'status', job.status, 'attempts', job.attempts));
END
$$;
REVOKE ALL ON FUNCTION @extschema@.notify_job_finished(@extschema@.jobs) FROM PUBLIC;

-- Waits, without polling, until the job has succeeded or failed (or the
-- timeout passes) and returns its row; NULL when there is no such job.
-- Needs READ COMMITTED (each look takes a new snapshot); the caller's
-- transaction stays open while it waits.
CREATE FUNCTION @extschema@.wait_for_job(job_id bigint, timeout interval DEFAULT '30 seconds')
RETURNS @extschema@.jobs
LANGUAGE c
STRICT
SECURITY DEFINER
SET search_path = pg_catalog
AS 'MODULE_PATHNAME', 'pg_gateway_wait_for_job';
COMMENT ON FUNCTION @extschema@.wait_for_job(bigint, interval) IS
    'Waits until the job has succeeded or failed, or the timeout passes, and returns its row';
REVOKE ALL ON FUNCTION @extschema@.wait_for_job(bigint, interval) FROM PUBLIC;

-- Graphile Worker's add_jobs(): inserts the jobs; a spec whose job_key
-- names a waiting job replaces it (payload, queue, run_at, priority, ...;
-- attempts and last_error reset; array payloads concatenated, so a job key
-- can accumulate a batch), keeping its run_at when job_key_preserve_run_at
-- (throttling). A job key whose job is running is taken from that job
-- (which is not retried again) and given to a new job, since the running
-- one started with an older state of the world.
CREATE FUNCTION @extschema@.add_jobs(
    specs                   @extschema@.job_spec[],
    job_key_preserve_run_at boolean DEFAULT false)
RETURNS SETOF @extschema@.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(specs) s WHERE s.identifier IS NULL) THEN
    RAISE EXCEPTION 'a job needs a task identifier'
      USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Pass the task identifier as the first argument of add_job().';
  END IF;
  PERFORM @extschema@.wake_job_workers(
    (SELECT count(*)::integer FROM unnest(specs) s WHERE coalesce(s.run_at, now()) <= now()));
  INSERT INTO @extschema@.job_queues (queue_name)
  SELECT DISTINCT s.queue_name FROM unnest(specs) s WHERE s.queue_name IS NOT NULL
  ON CONFLICT DO NOTHING;

  UPDATE @extschema@.jobs j
     SET key = NULL, attempts = j.max_attempts, updated_at = now()
    FROM unnest(specs) s
   WHERE s.job_key IS NOT NULL AND j.key = s.job_key AND j.status = 'running';

  RETURN QUERY
  INSERT INTO @extschema@.jobs AS j
         (task_identifier, payload, queue_name, run_at, max_attempts, key, priority, flags)
  SELECT s.identifier, coalesce(s.payload, '{}'), s.queue_name, coalesce(s.run_at, now()),
         coalesce(s.max_attempts, 25), s.job_key, coalesce(s.priority, 0),
         (SELECT jsonb_object_agg(f, true) FROM unnest(s.flags) AS f)
    FROM unnest(specs) s
  ON CONFLICT (key) DO UPDATE SET
    task_identifier = excluded.task_identifier,
    payload = CASE WHEN jsonb_typeof(j.payload) = 'array' AND jsonb_typeof(excluded.payload) = 'array'
                   THEN j.payload || excluded.payload
                   ELSE excluded.payload END,
    queue_name = excluded.queue_name,
    max_attempts = excluded.max_attempts,
    run_at = CASE WHEN job_key_preserve_run_at AND j.attempts = 0 THEN j.run_at
                  ELSE excluded.run_at END,
    priority = excluded.priority,
    flags = excluded.flags,
    status = 'queued',
    attempts = 0,
    last_error = NULL,
    result = NULL,
    completed_at = NULL,
    revision = j.revision + 1,
    updated_at = now()
  WHERE j.status <> 'running'
  RETURNING j.*;
END
$$;
COMMENT ON FUNCTION @extschema@.add_jobs(@extschema@.job_spec[], boolean) IS
    'Enqueues several jobs at once (Graphile Worker''s add_jobs)';
REVOKE ALL ON FUNCTION @extschema@.add_jobs(@extschema@.job_spec[], boolean) FROM PUBLIC;

-- The admin functions skip running jobs, as Graphile Worker's do.
CREATE FUNCTION @extschema@.complete_jobs(job_ids bigint[])
RETURNS SETOF @extschema@.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
  v_job @extschema@.jobs;
BEGIN
  FOR v_job IN
    UPDATE @extschema@.jobs
       SET status = 'succeeded', completed_at = now(), updated_at = now(), key = NULL
     WHERE id = ANY (job_ids) AND status = 'queued'
    RETURNING *
  LOOP
    PERFORM @extschema@.notify_job_finished(v_job);
    RETURN NEXT v_job;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.complete_jobs(bigint[]) IS
    'Marks waiting jobs as succeeded without running them';
REVOKE ALL ON FUNCTION @extschema@.complete_jobs(bigint[]) FROM PUBLIC;

CREATE FUNCTION @extschema@.permanently_fail_jobs(job_ids bigint[], error_message text DEFAULT NULL)
RETURNS SETOF @extschema@.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
  v_job @extschema@.jobs;
BEGIN
  FOR v_job IN
    UPDATE @extschema@.jobs
       SET status = 'failed', completed_at = now(), updated_at = now(),
           last_error = coalesce(error_message, 'Manually marked as failed'),
           attempts = max_attempts
     WHERE id = ANY (job_ids) AND status = 'queued'
    RETURNING *
  LOOP
    PERFORM @extschema@.notify_job_finished(v_job);
    RETURN NEXT v_job;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.permanently_fail_jobs(bigint[], text) IS
    'Marks waiting jobs as permanently failed, with the given error';
REVOKE ALL ON FUNCTION @extschema@.permanently_fail_jobs(bigint[], text) FROM PUBLIC;

-- Also brings a permanently failed job back when given attempts below its
-- max_attempts (Graphile Worker's way of retrying one by hand).
CREATE FUNCTION @extschema@.reschedule_jobs(
    job_ids      bigint[],
    run_at       timestamptz DEFAULT NULL,
    priority     integer     DEFAULT NULL,
    attempts     integer     DEFAULT NULL,
    max_attempts integer     DEFAULT NULL)
RETURNS SETOF @extschema@.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
BEGIN
  RETURN QUERY
  WITH changed AS (
    UPDATE @extschema@.jobs j
       SET run_at = coalesce(reschedule_jobs.run_at, j.run_at),
           priority = coalesce(reschedule_jobs.priority, j.priority),
           attempts = coalesce(reschedule_jobs.attempts, j.attempts),
           max_attempts = coalesce(reschedule_jobs.max_attempts, j.max_attempts),
           status = CASE WHEN j.status = 'failed'
                          AND coalesce(reschedule_jobs.attempts, j.attempts)
                              < coalesce(reschedule_jobs.max_attempts, j.max_attempts)
                         THEN 'queued' ELSE j.status END,
           completed_at = CASE WHEN j.status = 'failed'
                                AND coalesce(reschedule_jobs.attempts, j.attempts)
                                    < coalesce(reschedule_jobs.max_attempts, j.max_attempts)
                               THEN NULL ELSE j.completed_at END,
           updated_at = now()
     WHERE j.id = ANY (job_ids) AND j.status IN ('queued', 'failed')
    RETURNING j.*)
  SELECT * FROM changed;
  -- Jobs brought forward (or back from failure) run now, not at the next poll.
  PERFORM @extschema@.wake_job_workers(
    (SELECT count(*)::integer FROM @extschema@.jobs j
      WHERE j.id = ANY (job_ids) AND j.status = 'queued' AND j.run_at <= now()));
END
$$;
COMMENT ON FUNCTION @extschema@.reschedule_jobs(bigint[], timestamptz, integer, integer, integer) IS
    'Changes when and how often waiting (or permanently failed) jobs run';
REVOKE ALL ON FUNCTION @extschema@.reschedule_jobs(bigint[], timestamptz, integer, integer, integer) FROM PUBLIC;

-- Deletes the waiting job with this key; a running one keeps running but
-- loses its key and will not be retried.
CREATE FUNCTION @extschema@.remove_job(job_key text)
RETURNS @extschema@.jobs
LANGUAGE plpgsql
STRICT
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
  v_job @extschema@.jobs;
BEGIN
  DELETE FROM @extschema@.jobs WHERE key = job_key AND status <> 'running' RETURNING * INTO v_job;
  IF v_job.id IS NOT NULL THEN
    RETURN v_job;
  END IF;
  UPDATE @extschema@.jobs SET key = NULL, attempts = max_attempts, updated_at = now()
   WHERE key = job_key RETURNING * INTO v_job;
  RETURN v_job;
END
$$;
COMMENT ON FUNCTION @extschema@.remove_job(text) IS 'Removes the waiting job with this job key';
REVOKE ALL ON FUNCTION @extschema@.remove_job(text) FROM PUBLIC;

-- Returns the running jobs of these workers to the queue (their attempt
-- counts, as a failed attempt with the given error) and unlocks their
-- named queues. pg_gateway's job workers do this themselves for workers
-- that died; this is for operators.
CREATE FUNCTION @extschema@.force_unlock_workers(
    worker_ids text[],
    reason     text DEFAULT 'its worker was unlocked by force_unlock_workers()')
RETURNS SETOF @extschema@.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
  v_job @extschema@.jobs;
BEGIN
  UPDATE @extschema@.job_queues SET locked_at = NULL, locked_by = NULL
   WHERE locked_by = ANY (worker_ids);
  FOR v_job IN
    UPDATE @extschema@.jobs
       SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
           completed_at = CASE WHEN attempts >= max_attempts THEN now() END,
           last_error = reason, locked_at = NULL, locked_by = NULL, updated_at = now()
     WHERE status = 'running' AND locked_by = ANY (worker_ids)
    RETURNING *
  LOOP
    IF v_job.status = 'failed' THEN
      PERFORM @extschema@.notify_job_finished(v_job);
    END IF;
    RETURN NEXT v_job;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.force_unlock_workers(text[], text) IS
    'Returns the running jobs of the given workers to the queue and unlocks their queues';
REVOKE ALL ON FUNCTION @extschema@.force_unlock_workers(text[], text) FROM PUBLIC;

-- SQL tasks. The handler takes the payload (jsonb) and may return anything
-- (kept as the job's result); it runs as run_as, never a superuser, in its
-- own transaction. Like register_route(), for administrators only (not
-- granted to PUBLIC), so it runs as its caller.
CREATE FUNCTION @extschema@.register_task(
    identifier text,
    handler    regprocedure,
    run_as     regrole DEFAULT current_user::regrole)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
  fn record;
BEGIN
  IF identifier IN ('http', 'email') THEN
    RAISE EXCEPTION 'task identifier "%" is reserved for pg_gateway''s built-in task', identifier
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF identifier IS NULL OR identifier !~ '^[A-Za-z0-9_.:-]{1,128}$' THEN
    RAISE EXCEPTION 'invalid task identifier "%"', identifier
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A task identifier has 1 to 128 letters, digits, "_", ".", ":" or "-".';
  END IF;
  SELECT p.pronargs, p.proargtypes, p.prokind INTO fn FROM pg_proc p WHERE p.oid = handler;
  IF fn.prokind <> 'f' OR fn.pronargs <> 1 OR fn.proargtypes[0] <> 'jsonb'::regtype THEN
    RAISE EXCEPTION 'task handler % must be a function taking one jsonb argument', handler
      USING ERRCODE = 'invalid_function_definition',
            HINT = 'Declare it as handler(payload jsonb) RETURNS <any type>.';
  END IF;
  IF (SELECT rolsuper FROM pg_roles WHERE oid = run_as) THEN
    RAISE EXCEPTION 'tasks cannot run as superuser role "%"', run_as
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Create an ordinary role with just the privileges the task needs.';
  END IF;
  IF NOT has_function_privilege(run_as, handler, 'EXECUTE') THEN
    RAISE EXCEPTION 'role "%" may not execute %', run_as, handler
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO @extschema@.tasks AS t (identifier, handler, run_as)
  VALUES (identifier, handler, run_as)
  ON CONFLICT ON CONSTRAINT tasks_pkey
  DO UPDATE SET handler = excluded.handler, run_as = excluded.run_as, registered_at = now();
END
$$;
COMMENT ON FUNCTION @extschema@.register_task(text, regprocedure, regrole) IS
    'Maps a task identifier to a SQL function handler(payload jsonb) run as the given role';
REVOKE ALL ON FUNCTION @extschema@.register_task(text, regprocedure, regrole) FROM PUBLIC;

CREATE FUNCTION @extschema@.unregister_task(identifier text)
RETURNS boolean
LANGUAGE sql
SET search_path = pg_catalog
AS $$
  WITH d AS (DELETE FROM @extschema@.tasks t WHERE t.identifier = unregister_task.identifier
             RETURNING 1)
  SELECT count(*) > 0 FROM d
$$;
COMMENT ON FUNCTION @extschema@.unregister_task(text) IS 'Removes a SQL task';
REVOKE ALL ON FUNCTION @extschema@.unregister_task(text) FROM PUBLIC;
