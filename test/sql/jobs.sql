-- The job queue's SQL contract (Graphile Worker's), without a worker: the
-- queue's rules are in SQL functions, which this drives directly.
SELECT extversion FROM pg_extension WHERE extname = 'pg_gateway';
-- Not for PUBLIC: an 'http' job makes the server send a request.
SELECT p.oid::regprocedure AS function, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
  FROM pg_proc p
 WHERE p.pronamespace = 'gateway'::regnamespace
   AND p.proname IN ('add_job', 'add_jobs', 'complete_jobs', 'permanently_fail_jobs', 'reschedule_jobs',
                     'remove_job', 'force_unlock_workers', 'register_task', 'claim_jobs')
 ORDER BY 1::text;
CREATE ROLE regress_enqueuer;
GRANT EXECUTE ON FUNCTION gateway.add_job(text, jsonb, text, timestamptz, integer, text, integer, text[], text)
   TO regress_enqueuer;
SET ROLE regress_enqueuer;
SELECT id, task_identifier, payload, priority, max_attempts, status FROM gateway.add_job('hello', '{"a": 1}');
SELECT * FROM gateway.jobs;  -- the table itself stays private
RESET ROLE;

-- Defaults: payload {}, priority 0, 25 attempts, run_at now.
SELECT id, task_identifier, payload, queue_name, priority, attempts, max_attempts, status,
       run_at = now() AS runs_now, key, flags
  FROM gateway.add_job('plain');
SELECT gateway.add_job(NULL);
SELECT gateway.add_job('x', job_key => 'k', job_key_mode => 'sometimes');

-- Claim order: priority, then run_at, then id; future jobs wait.
TRUNCATE gateway.jobs;
SELECT count(*) FROM gateway.add_jobs(ARRAY[
  ROW('t', '{"n": 1}', NULL, now() - interval '1 minute', NULL, NULL, 5, NULL),
  ROW('t', '{"n": 2}', NULL, now() - interval '2 minutes', NULL, NULL, 5, NULL),
  ROW('t', '{"n": 3}', NULL, now(), NULL, NULL, -1, NULL),
  ROW('t', '{"n": 4}', NULL, now() + interval '1 hour', NULL, NULL, -5, NULL)
]::gateway.job_spec[]);
SELECT payload->>'n' AS n, attempts, status, locked_by FROM gateway.claim_jobs('w1', 10);
SELECT payload->>'n' AS n, status FROM gateway.jobs ORDER BY id;

-- Job keys. replace (default): the waiting job takes the new details and run_at
-- (debounce); array payloads accumulate.
TRUNCATE gateway.jobs;
SELECT id AS first_id FROM gateway.add_job('digest', '[1]', job_key => 'd', run_at => now() + interval '1 minute') \gset
SELECT id = :first_id AS same_job, payload, revision, run_at > now() + interval '50 minutes' AS moved
  FROM gateway.add_job('digest', '[2]', job_key => 'd', run_at => now() + interval '1 hour');
SELECT id = :first_id AS same_job, payload FROM gateway.add_job('digest', '{"not": "an array"}', job_key => 'd');
-- preserve_run_at: the waiting job keeps its run_at (throttle).
SELECT run_at AS kept_run_at FROM gateway.add_job('t', job_key => 'p', run_at => now() + interval '5 minutes') \gset
SELECT run_at = :'kept_run_at' AS run_at_kept, revision
  FROM gateway.add_job('t', job_key => 'p', run_at => now() + interval '1 day', job_key_mode => 'preserve_run_at');
-- unsafe_dedupe: nothing changes while any job has the key.
SELECT revision, payload FROM gateway.add_job('t', '{"v": 1}', job_key => 'u', job_key_mode => 'unsafe_dedupe');
SELECT revision, payload FROM gateway.add_job('t', '{"v": 2}', job_key => 'u', job_key_mode => 'unsafe_dedupe');
-- A running job loses its key to a new job, and will not be retried.
UPDATE gateway.jobs SET run_at = now() - interval '1 second' WHERE key = 'u';
SELECT key FROM gateway.claim_jobs('w1') ;
SELECT id <> (SELECT id FROM gateway.jobs WHERE status = 'running') AS new_job, key, status
  FROM gateway.add_job('t', '{"v": 3}', job_key => 'u');
SELECT key, attempts = max_attempts AS no_retry FROM gateway.jobs WHERE status = 'running';

-- remove_job deletes a waiting job; a running one only loses its key.
SELECT task_identifier, key FROM gateway.remove_job('p');
SELECT count(*) FROM gateway.jobs WHERE key = 'p';
SELECT gateway.remove_job('no such key') IS NULL AS nothing;

-- Named queues run one job at a time, in order.
TRUNCATE gateway.jobs, gateway.job_queues;
SELECT count(*) FROM gateway.add_jobs(ARRAY[
  ROW('q', '{"n": 1}', 'serial', NULL, NULL, NULL, NULL, NULL),
  ROW('q', '{"n": 2}', 'serial', NULL, NULL, NULL, NULL, NULL),
  ROW('q', '{"n": 3}', NULL, NULL, NULL, NULL, NULL, NULL)
]::gateway.job_spec[]);
SELECT payload->>'n' AS n, queue_name FROM gateway.claim_jobs('w1', 10);
SELECT payload->>'n' AS n FROM gateway.claim_jobs('w2', 10);  -- the queue is busy
SELECT queue_name, locked_by FROM gateway.job_queues;
SELECT gateway.finish_job(id, 'w1', '"done"') FROM gateway.jobs WHERE payload->>'n' = '1';
SELECT payload->>'n' AS n FROM gateway.claim_jobs('w2', 10);  -- now the next one
-- Only the holder can finish a job.
SELECT gateway.finish_job(id, 'w1') AS finished_by_other FROM gateway.jobs WHERE payload->>'n' = '2';

-- A claim locks the queue row of the job it claims and no other, so that
-- concurrent claimers can take the jobs of the other named queues.
CREATE EXTENSION pgrowlocks;
TRUNCATE gateway.jobs, gateway.job_queues;
SELECT count(*) FROM gateway.add_jobs(ARRAY[
  ROW('q', '{"n": 1}', 'alpha', NULL, NULL, NULL, NULL, NULL),
  ROW('q', '{"n": 2}', 'beta', NULL, NULL, NULL, NULL, NULL),
  ROW('q', '{"n": 3}', 'gamma', NULL, NULL, NULL, NULL, NULL)
]::gateway.job_spec[]);
BEGIN;
SELECT queue_name FROM gateway.claim_jobs('w1', 1);
SELECT q.queue_name AS locked_queue
  FROM gateway.job_queues q JOIN pgrowlocks('gateway.job_queues') l ON l.locked_row = q.ctid;
COMMIT;
-- The other queues' jobs are still there for the next claimer.
SELECT queue_name FROM gateway.claim_jobs('w2', 10) ORDER BY 1;
DROP EXTENSION pgrowlocks;

-- Queue depth per task, for monitoring.
TRUNCATE gateway.jobs, gateway.job_queues;
SELECT count(*) FROM gateway.add_jobs(ARRAY[
  ROW('mail', NULL, NULL, now() - interval '90 seconds', NULL, NULL, NULL, NULL),
  ROW('mail', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ROW('mail', NULL, NULL, now() + interval '1 hour', NULL, NULL, NULL, NULL),
  ROW('report', NULL, NULL, NULL, NULL, NULL, -1, NULL),
  ROW('sync', NULL, NULL, NULL, 1, NULL, -5, NULL)
]::gateway.job_spec[]);
SELECT task_identifier, (gateway.fail_job(id, 'w1', 'boom')).status
  FROM gateway.claim_jobs('w1', 1);
SELECT task_identifier FROM gateway.claim_jobs('w1', 1);
SELECT task_identifier, ready, scheduled, running, failed,
       oldest_ready_seconds BETWEEN 90 AND 150 AS oldest_waited_90s
  FROM gateway.job_queue_stats();

-- Forbidden flags: a worker skips jobs carrying any of them.
TRUNCATE gateway.jobs, gateway.job_queues;
SELECT flags FROM gateway.add_job('f', flags => ARRAY['slow', 'remote']);
SELECT flags FROM gateway.add_job('f', flags => ARRAY['fast']);
SELECT flags FROM gateway.claim_jobs('w1', 10, ARRAY['remote']);
SELECT flags FROM gateway.claim_jobs('w2', 10, ARRAY['other']);

-- Failures: Graphile Worker's backoff, then permanently failed.
TRUNCATE gateway.jobs;
SELECT id AS job FROM gateway.add_job('flaky', max_attempts => 3) \gset
SELECT attempts FROM gateway.claim_jobs('w1');
SELECT status, attempts, last_error,
       round(extract(epoch FROM run_at - now())::numeric, 1) AS retry_in_seconds
  FROM gateway.fail_job(:job, 'w1', 'boom');
UPDATE gateway.jobs SET run_at = now() WHERE id = :job;
SELECT attempts FROM gateway.claim_jobs('w1');
SELECT round(extract(epoch FROM run_at - now())::numeric, 1) AS retry_in_seconds
  FROM gateway.fail_job(:job, 'w1', 'boom again');
UPDATE gateway.jobs SET run_at = now() WHERE id = :job;
SELECT attempts FROM gateway.claim_jobs('w1');
SELECT status, attempts, last_error, completed_at IS NOT NULL AS completed
  FROM gateway.fail_job(:job, 'w1', 'third strike');
SELECT count(*) FROM gateway.claim_jobs('w1');  -- stays failed, never claimed again
-- A failure that is not worth retrying fails at once.
SELECT id AS job FROM gateway.add_job('http') \gset
SELECT count(*) FROM gateway.claim_jobs('w1');
SELECT status, attempts, result FROM gateway.fail_job(:job, 'w1', 'HTTP 404', false, '{"status": 404}');
-- reschedule_jobs can bring a failed job back.
SELECT status, attempts FROM gateway.reschedule_jobs(ARRAY[:job]::bigint[], attempts => 0);

-- Admin functions skip running jobs.
TRUNCATE gateway.jobs;
SELECT count(*) FROM gateway.add_jobs(ARRAY[ROW('a', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                                            ROW('b', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                                            ROW('c', NULL, NULL, NULL, NULL, NULL, NULL, NULL)]::gateway.job_spec[]);
SELECT task_identifier FROM gateway.claim_jobs('w9');
SELECT task_identifier, status FROM gateway.complete_jobs((SELECT array_agg(id) FROM gateway.jobs));
SELECT task_identifier, status, last_error
  FROM gateway.permanently_fail_jobs((SELECT array_agg(id) FROM gateway.jobs), 'not needed');
SELECT task_identifier, priority, run_at > now() AS later
  FROM gateway.reschedule_jobs((SELECT array_agg(id) FROM gateway.jobs), now() + interval '1 hour', 7);
-- force_unlock_workers returns a dead worker's jobs to the queue.
SELECT task_identifier, status, last_error, locked_by FROM gateway.force_unlock_workers(ARRAY['w9']);

-- Retention deletes finished jobs only.
SELECT gateway.delete_finished_jobs(interval '0 seconds');
SELECT task_identifier, status FROM gateway.jobs ORDER BY id;

-- release_jobs gives back claimed jobs that never started: queued again,
-- the claim's attempt not counted, the named queue unlocked.
TRUNCATE gateway.jobs, gateway.job_queues;
SELECT count(*) FROM gateway.add_jobs(ARRAY[
  ROW('r', NULL, 'rq', NULL, NULL, NULL, NULL, NULL),
  ROW('r', NULL, NULL, NULL, NULL, NULL, NULL, NULL)]::gateway.job_spec[]);
SELECT count(*) FROM gateway.claim_jobs('w1', 10);
SELECT gateway.release_jobs(ARRAY(SELECT id FROM gateway.jobs), 'w2') AS not_theirs;
SELECT gateway.release_jobs(ARRAY(SELECT id FROM gateway.jobs), 'w1') AS released;
SELECT status, attempts, locked_by FROM gateway.jobs ORDER BY id;
SELECT queue_name, locked_by FROM gateway.job_queues;

-- How long an idle worker may sleep: only jobs it may claim count.
TRUNCATE gateway.jobs, gateway.job_queues;
SELECT gateway.next_job_due_in() IS NULL AS nothing_queued;
SELECT count(*) FROM gateway.add_jobs(ARRAY[
  ROW('later', NULL, NULL, now() + interval '1 hour', NULL, NULL, NULL, NULL),
  ROW('flagged', NULL, NULL, NULL, NULL, NULL, NULL, ARRAY['slow'])]::gateway.job_spec[]);
SELECT gateway.next_job_due_in() AS due_now;
SELECT gateway.next_job_due_in(ARRAY['slow']) BETWEEN 3500000 AND 3600000 AS due_in_an_hour;

-- SQL tasks: a jsonb handler, never run as a superuser.
CREATE FUNCTION regress_task(payload jsonb) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION regress_not_a_task(x int) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE ROLE regress_task_runner;
SELECT gateway.register_task('regress', 'regress_task(jsonb)', 'regress_task_runner');
SELECT identifier, handler, run_as FROM gateway.tasks;
SELECT gateway.register_task('regress', 'regress_task(jsonb)', current_user::regrole);
SELECT gateway.register_task('bad', 'regress_not_a_task(int)', 'regress_task_runner');
SELECT gateway.register_task('http', 'regress_task(jsonb)', 'regress_task_runner');
SELECT gateway.register_task('no spaces', 'regress_task(jsonb)', 'regress_task_runner');
SELECT gateway.unregister_task('regress'), gateway.unregister_task('regress');

-- Recurring jobs: crontab lines (Graphile Worker syntax) are checked when stored.
SELECT * FROM gateway.parse_crontab(
  E'# nightly digest\n0 4 * * * digest ?id=nightly&fill=2h {"full": true}\r\n*/5 * * * * ping\n');
SELECT gateway.parse_crontab('61 * * * * ping');
SELECT gateway.parse_crontab(E'* * * * * ping\n* * * * * ping');
SELECT gateway.set_crontab(E'0 4 * * * digest\n*/5 * * * * ping');
SELECT identifier, line, last_execution FROM gateway.crontab ORDER BY 1;
SELECT gateway.set_crontab('*/10 * * * * ping');
SELECT identifier, line FROM gateway.crontab ORDER BY 1;
SELECT gateway.add_cron('0 * * * * hourly ?max=3');
SELECT gateway.add_cron(E'* * * * * a\n* * * * * b');
SELECT gateway.remove_cron('hourly'), gateway.remove_cron('hourly');
SELECT gateway.set_crontab('');

DROP FUNCTION regress_task(jsonb), regress_not_a_task(int);
DROP ROLE regress_task_runner;
REVOKE ALL ON FUNCTION gateway.add_job(text, jsonb, text, timestamptz, integer, text, integer, text[], text)
  FROM regress_enqueuer;
DROP ROLE regress_enqueuer;
