-- pg_gateway 0.3.0 -> 0.4.0: the job queue (Graphile Worker's SQL contract)
\echo Use "ALTER EXTENSION pg_gateway UPDATE TO '0.4.0'" to load this file. \quit

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

CREATE FUNCTION @extschema@.job_worker_stats(
    OUT worker integer,
    OUT pid integer,
    OUT state text,
    OUT claimed bigint,
    OUT succeeded bigint,
    OUT retried bigint,
    OUT failed bigint,
    OUT wakeups bigint)
RETURNS SETOF record
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'pg_gateway_job_worker_stats';
COMMENT ON FUNCTION @extschema@.job_worker_stats() IS
    'Per-job-worker counters from shared memory: jobs claimed, succeeded, retried, failed; wake-ups';
REVOKE ALL ON FUNCTION @extschema@.job_worker_stats() FROM PUBLIC;

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

-- Graphile Worker's add_job(). job_key_mode: 'replace' (default: the new
-- details and run_at win, i.e. debouncing), 'preserve_run_at' (the waiting
-- job keeps its run_at, i.e. throttling) or 'unsafe_dedupe' (nothing
-- happens if any job has the key, even a running or failed one).
CREATE FUNCTION @extschema@.add_job(
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

-- ---------------------------------------------------------------------------
-- What the job workers call (not granted to anyone: the workers connect as
-- the bootstrap superuser). Kept in SQL so that the queue's rules live in
-- one readable place and pg_regress can test them without a worker.

-- Claims up to max_jobs ready jobs, in priority, run_at, id order, skipping
-- jobs locked by other claimers, jobs carrying a forbidden flag, and jobs
-- whose named queue has a job running (locking that queue for the claimed
-- one). The caller commits right away: the claim is the lease. Returns the
-- claimed jobs in that order; possibly fewer than max_jobs even when more
-- are ready (a named queue taken meanwhile), never more.
--
-- Only the queue rows of the jobs being claimed are locked: a queue that is
-- free when the candidates are read but locked by a concurrent claimer
-- before this one gets its row is skipped (its candidate row stays locked,
-- unused, until this transaction ends).
--
-- The candidate query must walk jobs_ready_order, whatever the statistics
-- say. A queue is often empty when it is analyzed; a plan made then (seq
-- scan and sort: cheapest for no rows) is kept by the worker's session and
-- would read every queued job for every claim once a burst arrives (25
-- jobs/s instead of thousands, measured). Hence no seq scans and no sorts
-- while this function plans.
CREATE FUNCTION @extschema@.claim_jobs(
    worker_id       text,
    max_jobs        integer DEFAULT 1,
    forbidden_flags text[]  DEFAULT NULL)
RETURNS SETOF @extschema@.jobs
LANGUAGE plpgsql
SET search_path = pg_catalog
SET enable_seqscan = off
SET enable_sort = off
AS $$
DECLARE
  v_job @extschema@.jobs;
  v_ids bigint[] := '{}';
  v_taken text[] := '{}';
BEGIN
  -- One walk of the ready index for the whole batch: the candidates in
  -- order, each locked (others skip it) as it is read.
  FOR v_job IN
    SELECT j.*
      FROM @extschema@.jobs j
     WHERE j.status = 'queued' AND j.run_at <= now()
       AND (forbidden_flags IS NULL OR j.flags IS NULL OR NOT (j.flags ?| forbidden_flags))
       AND (j.queue_name IS NULL
            OR EXISTS (SELECT 1 FROM @extschema@.job_queues q
                        WHERE q.queue_name = j.queue_name AND q.locked_at IS NULL))
     ORDER BY j.priority, j.run_at, j.id
     LIMIT max_jobs
     FOR UPDATE OF j SKIP LOCKED
  LOOP
    IF v_job.queue_name IS NOT NULL THEN
      -- One job per named queue: a later job of a queue taken in this batch
      -- waits (its row lock ends with this transaction).
      CONTINUE WHEN v_job.queue_name = ANY (v_taken);
      -- Rechecked on the row's newest version (READ COMMITTED locking).
      PERFORM FROM @extschema@.job_queues q
        WHERE q.queue_name = v_job.queue_name AND q.locked_at IS NULL
        FOR UPDATE SKIP LOCKED;
      CONTINUE WHEN NOT FOUND;
      UPDATE @extschema@.job_queues SET locked_at = now(), locked_by = worker_id
       WHERE queue_name = v_job.queue_name;
      v_taken := v_taken || v_job.queue_name;
    END IF;
    v_ids := v_ids || v_job.id;
  END LOOP;
  IF cardinality(v_ids) = 0 THEN
    RETURN;
  END IF;
  RETURN QUERY
  WITH claimed AS (
    UPDATE @extschema@.jobs j
       SET status = 'running', attempts = j.attempts + 1, locked_at = now(),
           locked_by = worker_id, updated_at = now()
     WHERE j.id = ANY (v_ids)
    RETURNING j.*)
  SELECT * FROM claimed c ORDER BY c.priority, c.run_at, c.id;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.claim_jobs(text, integer, text[]) FROM PUBLIC;

-- Milliseconds until the next job that a worker with these forbidden flags
-- may claim is due (0: one is due now), or NULL when there is none. Idle
-- workers ask this after every round that claimed nothing, so it must never
-- read the whole table: finished jobs stay in it for the retention period
-- (millions of rows), while this reads the queued ones only, through the
-- ready index, whatever the statistics say.
CREATE FUNCTION @extschema@.next_job_due_in(forbidden_flags text[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog
SET enable_seqscan = off
AS $$
DECLARE
  v_next timestamptz;
BEGIN
  SELECT min(j.run_at) INTO v_next
    FROM @extschema@.jobs j
   WHERE j.status = 'queued'
     AND (forbidden_flags IS NULL OR j.flags IS NULL OR NOT (j.flags ?| forbidden_flags))
     AND (j.queue_name IS NULL
          OR EXISTS (SELECT 1 FROM @extschema@.job_queues q
                      WHERE q.queue_name = j.queue_name AND q.locked_at IS NULL));
  IF v_next IS NULL THEN
    RETURN NULL;  -- (greatest() would turn it into 0, "due now": a busy idle loop)
  END IF;
  RETURN greatest(0, ceil(extract(epoch FROM v_next - clock_timestamp()) * 1000))::bigint;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.next_job_due_in(text[]) FROM PUBLIC;

-- Gives back jobs this worker claimed but never started (it is shutting
-- down): queued again as they were, the claim's attempt not counted.
CREATE FUNCTION @extschema@.release_jobs(job_ids bigint[], worker_id text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
  v_job @extschema@.jobs;
  v_count integer := 0;
BEGIN
  FOR v_job IN
    UPDATE @extschema@.jobs j
       SET status = 'queued', attempts = greatest(j.attempts - 1, 0), locked_at = NULL,
           locked_by = NULL, updated_at = now()
     WHERE j.id = ANY (job_ids) AND (j.status = 'running' AND j.locked_by = worker_id) IS TRUE
    RETURNING j.*
  LOOP
    v_count := v_count + 1;
    IF v_job.queue_name IS NOT NULL THEN
      UPDATE @extschema@.job_queues SET locked_at = NULL, locked_by = NULL
       WHERE queue_name = v_job.queue_name AND locked_by = worker_id;
    END IF;
  END LOOP;
  RETURN v_count;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.release_jobs(bigint[], text) FROM PUBLIC;

-- Records a successful run of a job this worker holds; false when the
-- worker no longer holds it (its lease was taken back meanwhile).
CREATE FUNCTION @extschema@.finish_job(job_id bigint, worker_id text, job_result jsonb DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
  v_job @extschema@.jobs;
BEGIN
  -- The row is found by id alone, then checked. With "AND status =
  -- 'running' AND locked_by = ..." in the WHERE clause the planner may
  -- prefer jobs_running (it looks tiny), whose entries under a busy
  -- worker's id are mostly dead versions of the jobs it ran before: each
  -- finish would walk all of them.
  SELECT * INTO v_job FROM @extschema@.jobs WHERE id = job_id FOR UPDATE;
  IF NOT FOUND OR v_job.status <> 'running' OR v_job.locked_by IS DISTINCT FROM worker_id THEN
    RETURN false;
  END IF;
  UPDATE @extschema@.jobs
     SET status = 'succeeded', result = job_result, completed_at = now(), updated_at = now(),
         locked_at = NULL, locked_by = NULL, last_error = NULL,
         key = NULL  -- a succeeded job frees its key, as Graphile Worker's (deleted) ones do
   WHERE id = job_id
  RETURNING * INTO v_job;
  IF v_job.queue_name IS NOT NULL THEN
    UPDATE @extschema@.job_queues SET locked_at = NULL, locked_by = NULL
     WHERE queue_name = v_job.queue_name AND locked_by = worker_id;
  END IF;
  PERFORM @extschema@.notify_job_finished(v_job);
  RETURN true;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.finish_job(bigint, text, jsonb) FROM PUBLIC;

-- Records a failed attempt: back to the queue after Graphile Worker's
-- backoff (exp(least(10, attempts)) seconds after the later of now and
-- the job's run_at), or, when the attempts are used up or the failure is
-- not worth retrying, permanently failed with its error.
CREATE FUNCTION @extschema@.fail_job(
    job_id        bigint,
    worker_id     text,
    error_message text,
    retryable     boolean DEFAULT true,
    job_result    jsonb   DEFAULT NULL)
RETURNS @extschema@.jobs
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
  v_job @extschema@.jobs;
BEGIN
  -- By id alone, then checked (see finish_job).
  SELECT * INTO v_job FROM @extschema@.jobs WHERE id = job_id FOR UPDATE;
  IF NOT FOUND OR v_job.status <> 'running' OR v_job.locked_by IS DISTINCT FROM worker_id THEN
    RETURN NULL;
  END IF;
  UPDATE @extschema@.jobs j
     SET status = CASE WHEN retryable AND j.attempts < j.max_attempts THEN 'queued' ELSE 'failed' END,
         run_at = CASE WHEN retryable AND j.attempts < j.max_attempts
                       THEN greatest(now(), j.run_at) + exp(least(10, j.attempts)) * interval '1 second'
                       ELSE j.run_at END,
         completed_at = CASE WHEN retryable AND j.attempts < j.max_attempts THEN NULL ELSE now() END,
         last_error = error_message, result = job_result, locked_at = NULL, locked_by = NULL,
         updated_at = now()
   WHERE j.id = job_id
  RETURNING * INTO v_job;
  IF v_job.queue_name IS NOT NULL THEN
    UPDATE @extschema@.job_queues SET locked_at = NULL, locked_by = NULL
     WHERE queue_name = v_job.queue_name AND locked_by = worker_id;
  END IF;
  IF v_job.status = 'failed' THEN
    PERFORM @extschema@.notify_job_finished(v_job);
  END IF;
  RETURN v_job;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.fail_job(bigint, text, text, boolean, jsonb) FROM PUBLIC;

-- Deletes finished jobs older than the retention, oldest first, at most
-- `batch` per call (the workers call it repeatedly, each in its own short
-- transaction).
CREATE FUNCTION @extschema@.delete_finished_jobs(older_than interval, batch integer DEFAULT 1000)
RETURNS integer
LANGUAGE sql
SET search_path = pg_catalog
AS $$
  WITH old AS (
    SELECT id FROM @extschema@.jobs
     WHERE status IN ('succeeded', 'failed') AND completed_at < now() - older_than
     ORDER BY completed_at LIMIT batch FOR UPDATE SKIP LOCKED),
  d AS (DELETE FROM @extschema@.jobs j USING old WHERE j.id = old.id RETURNING 1)
  SELECT count(*)::integer FROM d
$$;
REVOKE ALL ON FUNCTION @extschema@.delete_finished_jobs(interval, integer) FROM PUBLIC;

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
