-- What the job workers call: claiming, releasing, finishing and failing
-- jobs, the next due time, retention; and the per-job-worker counters.

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
