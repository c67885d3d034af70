"""The job queue run by real job workers on a real cluster: SQL tasks run
as the role that registered them, failures retried with backoff, the
workers woken at commit (polling is set to 10 minutes here, so a job that
runs at all was started by the wake-up), completion seen by a LISTENing
psql, and jobs of a worker killed with SIGKILL run again after the
cluster's crash-restart."""

import base64
import hashlib
import hmac
import http.server
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import unittest

from harness import PG_BIN, ClusterTestCase, as_server_user, free_port

SETUP_SQL = r"""
CREATE ROLE job_runner;
CREATE TABLE public.done (n int, ran_as text);
GRANT INSERT, SELECT ON public.done TO job_runner;  -- RETURNING reads
CREATE TABLE public.hold (on_off boolean);
GRANT SELECT ON public.hold TO job_runner;
CREATE FUNCTION public.record(payload jsonb) RETURNS jsonb LANGUAGE sql AS $$
  INSERT INTO public.done VALUES ((payload->>'n')::int, current_user)
  RETURNING jsonb_build_object('n', n, 'ran_as', ran_as) $$;
CREATE FUNCTION public.explode(payload jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.done VALUES (-1, 'must be rolled back');
  RAISE EXCEPTION 'exploded on %', payload->>'n' USING ERRCODE = 'P0001';
END $$;
-- Sleeps while public.hold has a true row.
CREATE FUNCTION public.slow(payload jsonb) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  WHILE EXISTS (SELECT 1 FROM public.hold WHERE on_off) LOOP
    PERFORM pg_sleep(0.1);
  END LOOP;
  RETURN 'finished';
END $$;
-- Records when it started and ended, 50 ms apart.
CREATE TABLE public.steps (n int, started timestamptz, ended timestamptz);
GRANT INSERT ON public.steps TO job_runner;
CREATE FUNCTION public.step(payload jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t timestamptz := clock_timestamp();
BEGIN
  PERFORM pg_sleep(0.05);
  INSERT INTO public.steps VALUES ((payload->>'n')::int, t, clock_timestamp());
END $$;
SELECT gateway.register_task('record', 'public.record(jsonb)', 'job_runner');
SELECT gateway.register_task('step', 'public.step(jsonb)', 'job_runner');
SELECT gateway.register_task('explode', 'public.explode(jsonb)', 'job_runner');
SELECT gateway.register_task('slow', 'public.slow(jsonb)', 'job_runner');
"""


class JobWorkers(ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1",
                "pg_gateway.job_workers": "2",
                "pg_gateway.job_poll_interval": "'10min'",
                "pg_gateway.job_forbidden_flags": "'maintenance, slow'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)

    def job(self, job_id):
        row = self.cluster.sql(
            "SELECT row_to_json(j) FROM (SELECT status, attempts, last_error, result, "
            f"run_at > now() AS later FROM gateway.jobs WHERE id = {job_id}) j")
        return json.loads(row) if row else None

    def wait_status(self, job_id, statuses, timeout=30):
        self.cluster.wait_for(lambda: (self.job(job_id) or {}).get("status") in statuses,
                              timeout=timeout, what=f"job {job_id} {statuses}")
        return self.job(job_id)

    def test_sql_task_runs_as_its_role_and_keeps_its_result(self):
        job_id = self.cluster.sql("SELECT id FROM gateway.add_job('record', '{\"n\": 7}')")
        job = self.wait_status(job_id, {"succeeded"})
        self.assertEqual(job["result"], {"n": 7, "ran_as": "job_runner"})
        self.assertEqual(job["attempts"], 1)
        self.assertEqual(self.cluster.sql("SELECT ran_as FROM public.done WHERE n = 7"),
                         "job_runner")

    def test_failure_is_retried_with_backoff_and_rolled_back(self):
        job_id = self.cluster.sql(
            "SELECT id FROM gateway.add_job('explode', '{\"n\": 1}', max_attempts => 2)")
        self.cluster.wait_for(lambda: (self.job(job_id) or {}).get("attempts") == 1 and
                              self.job(job_id)["status"] == "queued", what="first failure")
        job = self.job(job_id)
        self.assertIn("exploded on 1", job["last_error"])
        self.assertTrue(job["later"], job)  # backoff: exp(1) s
        self.assertEqual(self.cluster.sql("SELECT count(*) FROM public.done WHERE n = -1"), "0")
        # The retry is due in about 2.7 s; polling is 10 minutes, so the
        # retry runs now only because reschedule_jobs wakes a worker.
        self.cluster.sql(f"SELECT gateway.reschedule_jobs(ARRAY[{job_id}]::bigint[], now())")
        job = self.wait_status(job_id, {"failed"})
        self.assertEqual(job["attempts"], 2)

    def test_named_queue_runs_one_job_at_a_time_in_priority_order(self):
        # Two workers, one queue: each job starts after the previous one
        # ended, lowest priority number first, then by id.
        self.cluster.sql(
            "SELECT count(*) FROM gateway.add_jobs(ARRAY["
            + ", ".join(f"ROW('step', '{{\"n\": {n}}}', 'serial', NULL, NULL, NULL, {p}, NULL)"
                        for n, p in ((1, 3), (2, 1), (3, 2), (4, 1), (5, 3)))
            + "]::gateway.job_spec[])")
        self.cluster.wait_for(lambda: self.cluster.sql("SELECT count(*) FROM public.steps") == "5",
                              what="five steps")
        self.assertEqual(self.cluster.sql("SELECT string_agg(n::text, ',' ORDER BY started) "
                                          "FROM public.steps"), "2,4,3,1,5")
        self.assertEqual(self.cluster.sql(
            "SELECT count(*) FROM public.steps a JOIN public.steps b "
            "ON a.n < b.n AND a.started < b.ended AND b.started < a.ended"), "0")
        self.assertEqual(self.cluster.sql(
            "SELECT count(*) FROM gateway.job_queues WHERE locked_by IS NOT NULL"), "0")

    def test_job_key_replaces_the_waiting_job(self):
        first = self.cluster.sql(
            "SELECT id FROM gateway.add_job('record', '{\"n\": 600}', job_key => 'debounce', "
            "run_at => now() + interval '1 hour')")
        second = self.cluster.sql(
            "SELECT id FROM gateway.add_job('record', '{\"n\": 601}', job_key => 'debounce')")
        self.assertEqual(first, second)
        job = self.wait_status(first, {"succeeded"})
        self.assertEqual(job["result"]["n"], 601)
        self.assertEqual(self.cluster.sql(
            "SELECT string_agg(n::text, ',') FROM public.done WHERE n IN (600, 601)"), "601")

    def test_forbidden_flags_wait_until_the_setting_allows_them(self):
        flagged = self.cluster.sql(
            "SELECT id FROM gateway.add_job('record', '{\"n\": 700}', flags => ARRAY['slow'])")
        plain = self.cluster.sql("SELECT id FROM gateway.add_job('record', '{\"n\": 701}')")
        self.wait_status(plain, {"succeeded"})
        self.assertEqual(self.job(flagged)["status"], "queued")
        # A due job the workers may not take does not keep them busy: over
        # two seconds they use next to no CPU (a worker looping on it would
        # use most of a core).
        pids = self.cluster.sql("SELECT pid FROM pg_stat_activity "
                                "WHERE backend_type = 'pg_gateway jobs'").split()

        def cpu_seconds(pid):
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        before = {pid: cpu_seconds(pid) for pid in pids}
        time.sleep(2)
        for pid in pids:
            self.assertLess(cpu_seconds(pid) - before[pid], 0.5, f"job worker {pid} is spinning")
        self.assertEqual(self.job(flagged)["status"], "queued")
        try:
            self.cluster.sql("ALTER SYSTEM SET pg_gateway.job_forbidden_flags = 'maintenance'")
            # The reload sets the workers' latches; they claim again with
            # the new setting.
            self.cluster.sql("SELECT pg_reload_conf()")
            self.wait_status(flagged, {"succeeded"})
        finally:
            self.cluster.sql("ALTER SYSTEM RESET pg_gateway.job_forbidden_flags")
            self.cluster.sql("SELECT pg_reload_conf()")

    def test_unknown_task_is_an_error_on_the_job(self):
        job_id = self.cluster.sql("SELECT id FROM gateway.add_job('no_such_task')")
        self.cluster.wait_for(lambda: (self.job(job_id) or {}).get("last_error"),
                              what="unknown task error")
        self.assertIn('no task is registered under the identifier "no_such_task"',
                      self.job(job_id)["last_error"])

    def listen(self, seconds):
        """A psql session that LISTENs on pg_gateway_jobs for `seconds`
        (started one second before this returns); communicate() gives its
        output, notifications included."""
        listener = subprocess.Popen(
            as_server_user([os.path.join(PG_BIN, "psql"), "-X", "-h", self.cluster.socket_dir,
                            "-p", str(self.cluster.port), "-U", "postgres", "-d", "postgres",
                            "-c", "LISTEN pg_gateway_jobs", "-c", f"SELECT pg_sleep({seconds})",
                            "-c", "SELECT 1"]),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(1)
        return listener

    def test_completion_is_seen_by_a_listening_client(self):
        listener = self.listen(4)
        job_id = self.cluster.sql("SELECT id FROM gateway.add_job('record', '{\"n\": 9}')")
        out, _ = listener.communicate(timeout=30)
        self.assertIn('Asynchronous notification "pg_gateway_jobs" with payload', out)
        payload = out.split('with payload "', 1)[1].split('" received', 1)[0]
        # One notification per committing transaction, listing its jobs.
        self.assertEqual(json.loads(payload), [{"id": int(job_id), "task": "record",
                                                "queue": None, "status": "succeeded",
                                                "attempts": 1}])

    def test_one_notification_per_transaction_without_rolled_back_jobs(self):
        ids = self.cluster.sql(
            "SELECT string_agg(id::text, ',') FROM gateway.add_jobs(ARRAY(SELECT ROW('record', "
            "jsonb_build_object('n', 800 + i), NULL, now() + interval '1 hour', NULL, NULL, NULL, "
            "NULL)::gateway.job_spec FROM generate_series(1, 3) i))").split(",")
        listener = self.listen(3)
        self.cluster.psql(
            "BEGIN; "
            f"SELECT count(*) FROM gateway.complete_jobs(ARRAY[{ids[0]}, {ids[1]}]::bigint[]); "
            "SAVEPOINT s; "
            f"SELECT count(*) FROM gateway.complete_jobs(ARRAY[{ids[2]}]::bigint[]); "
            "ROLLBACK TO s; COMMIT")
        out, _ = listener.communicate(timeout=30)
        self.assertEqual(out.count("Asynchronous notification"), 1, out)
        payload = json.loads(out.split('with payload "', 1)[1].split('" received', 1)[0])
        self.assertEqual(sorted(j["id"] for j in payload), sorted(int(i) for i in ids[:2]))
        self.assertEqual({j["status"] for j in payload}, {"succeeded"})
        self.assertEqual(self.job(ids[2])["status"], "queued")

    def test_wait_for_job(self):
        # Returns when the job finishes (woken at its commit, no polling).
        job_id = self.cluster.sql("SELECT id FROM gateway.add_job('record', '{\"n\": 21}')")
        self.assertEqual(self.cluster.sql(
            f"SELECT status || ' ' || result::text FROM gateway.wait_for_job({job_id}, '60s')"),
            'succeeded {"n": 21, "ran_as": "job_runner"}')
        # A job that does not finish in time comes back as it is.
        later = self.cluster.sql(
            "SELECT id FROM gateway.add_job('record', run_at => now() + interval '1 hour')")
        self.assertEqual(self.cluster.sql(
            f"SELECT status FROM gateway.wait_for_job({later}, '300ms')"), "queued")
        self.assertEqual(self.cluster.sql(
            "SELECT gateway.wait_for_job(-1, '1s') IS NULL"), "t")
        r = self.cluster.psql("BEGIN ISOLATION LEVEL REPEATABLE READ; "
                              f"SELECT gateway.wait_for_job({later}, '1s'); COMMIT", check=False)
        self.assertIn("needs the READ COMMITTED isolation level", r.stderr)

    def test_recurring_job_backfills_each_missed_minute_once(self):
        self.cluster.sql("SELECT gateway.add_cron("
                         "'* * * * * record ?fill=1h&id=every_minute {\"n\": 500}')")
        # As if the server had been down: last run five minutes ago.
        minute = self.cluster.sql("SELECT date_trunc('minute', now())")
        self.cluster.sql("UPDATE gateway.crontab SET "
                         f"known_since = '{minute}'::timestamptz - interval '10 minutes', "
                         f"last_execution = '{minute}'::timestamptz - interval '5 minutes' "
                         "WHERE identifier = 'every_minute'; "
                         "SELECT gateway.add_job('record', '{\"n\": 501}')")  # wakes them
        iso = "to_char(m AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.000\"Z\"')"
        missed = self.cluster.sql(
            f"SELECT {iso} FROM generate_series('{minute}'::timestamptz - interval '4 minutes', "
            f"'{minute}'::timestamptz, interval '1 minute') m").split("\n")

        def slots():
            out = self.cluster.sql(
                "SELECT payload->'_cron'->>'ts' FROM gateway.jobs "
                "WHERE payload ? '_cron' AND payload->>'n' = '500' ORDER BY 1")
            return out.split("\n") if out else []
        self.cluster.wait_for(lambda: set(missed) <= set(slots()), what="the five missed minutes")
        got = slots()
        self.assertEqual(len(got), len(set(got)), got)  # each minute once
        self.assertEqual(got[0], missed[0], got)  # nothing before the last run
        # A bad line is refused with the parser's reason.
        r = self.cluster.psql("SELECT gateway.add_cron('61 * * * * record')", check=False)
        self.assertIn("invalid crontab", r.stderr)
        self.assertIn("line 1", r.stderr)
        self.cluster.sql("SELECT gateway.remove_cron('every_minute')")

    def test_idle_workers_sleep(self):
        # Nothing due: worker 2 (no cron or housekeeping duties) waits for a
        # wake-up or the 10-minute poll and runs nothing meanwhile (an empty
        # queue once read as "due now", which made it look every 5 ms).
        self.cluster.wait_for(lambda: self.cluster.sql(
            "SELECT count(*) FROM gateway.jobs WHERE status IN ('queued', 'running') "
            "AND run_at <= now()") == "0", what="an idle queue")
        time.sleep(0.5)
        last_round = ("SELECT state_change FROM pg_stat_activity "
                      "WHERE application_name = 'pg_gateway job worker 2'")
        before = self.cluster.sql(last_round)
        self.assertTrue(before)
        time.sleep(2)
        self.assertEqual(self.cluster.sql(last_round), before)

    def test_workers_are_visible_and_counted(self):
        rows = self.cluster.sql("SELECT backend_type, application_name FROM pg_stat_activity "
                                "WHERE backend_type = 'pg_gateway jobs' ORDER BY 2")
        self.assertEqual(rows.split("\n"), ["pg_gateway jobs|pg_gateway job worker 1",
                                            "pg_gateway jobs|pg_gateway job worker 2"])
        self.cluster.sql("SELECT gateway.add_job('record', '{\"n\": 11}')")
        self.cluster.wait_for(
            lambda: int(self.cluster.sql("SELECT sum(succeeded) FROM gateway.job_worker_stats()"))
            >= 1, what="a success counted")

    def test_y_sigterm_gives_the_running_job_back_after_shutdown_timeout(self):
        self.cluster.set_config(shutdown_timeout="1s")
        self.cluster.sql("INSERT INTO public.hold VALUES (true)")
        try:
            job_id = self.cluster.sql("SELECT id FROM gateway.add_job('slow')")
            self.wait_status(job_id, {"running"})
            pid = int(self.cluster.sql(
                f"SELECT locked_by FROM gateway.jobs WHERE id = {job_id}").split(":")[1])
            os.kill(pid, signal.SIGTERM)
            # The task is cancelled after shutdown_timeout and the attempt
            # recorded as failed, to be retried; the worker exits and the
            # postmaster starts a new one.
            job = self.wait_status(job_id, {"queued"})
            self.assertEqual(job["attempts"], 1)
            self.assertIn("cancel", job["last_error"].lower())
            self.cluster.wait_for(lambda: str(pid) not in self.cluster.sql(
                "SELECT string_agg(pid::text, ',') FROM pg_stat_activity "
                "WHERE backend_type = 'pg_gateway jobs'"), what="the old worker gone")
            self.assertIn("pg_gateway job worker", self.cluster.log())
        finally:
            self.cluster.sql("DELETE FROM public.hold")
            self.cluster.set_config(shutdown_timeout="10s")
        self.cluster.sql(f"SELECT gateway.reschedule_jobs(ARRAY[{job_id}]::bigint[], now()); "
                         "SELECT gateway.wake_job_workers()")
        self.assertEqual(self.wait_status(job_id, {"succeeded"}, timeout=60)["attempts"], 2)

    def test_z_killed_worker_job_runs_again_after_crash_restart(self):
        self.cluster.sql("INSERT INTO public.hold VALUES (true)")
        job_id = self.cluster.sql("SELECT id FROM gateway.add_job('slow')")
        self.wait_status(job_id, {"running"})
        holder = self.cluster.sql(f"SELECT locked_by FROM gateway.jobs WHERE id = {job_id}")
        pid = int(holder.split(":")[1])
        os.kill(pid, signal.SIGKILL)  # the postmaster restarts the whole cluster
        self.cluster.wait_for(lambda: self.cluster.psql("SELECT 1", check=False).returncode == 0,
                              timeout=60, what="cluster back after the crash")
        self.cluster.sql("UPDATE public.hold SET on_off = false")
        job = self.wait_status(job_id, {"succeeded"}, timeout=120)
        self.assertEqual(job["attempts"], 2)
        self.assertEqual(job["result"], "finished")


class Receiver(http.server.BaseHTTPRequestHandler):
    """A webhook receiver on loopback: records every request; /flaky answers
    503 to its first request and 200 after; /gone answers 410; /slow takes
    3 seconds."""

    requests = []
    flaky_seen = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Receiver.requests.append((self.path, dict(self.headers), body))
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/flaky":
            Receiver.flaky_seen += 1
            status = 503 if Receiver.flaky_seen == 1 else 200
        elif self.path == "/gone":
            status = 410
        else:
            status = 200
        out = json.dumps({"got": len(body)}).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Receiver", "test")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
        except BrokenPipeError:
            pass  # /slow: the client timed out and left

    do_PUT = do_POST

    def log_message(self, *args):
        pass


class NetworkJobClient:
    """Mixin: enqueue jobs of the class's built-in `task` and read them back."""

    task = None

    def add(self, payload, **kw):
        extra = "".join(f", {k} => {v}" for k, v in kw.items())
        return self.cluster.sql(f"SELECT id FROM gateway.add_job('{self.task}', "
                                f"$${json.dumps(payload)}$$::jsonb{extra})")

    def job(self, job_id):
        return json.loads(self.cluster.sql(
            "SELECT row_to_json(j) FROM (SELECT status, attempts, last_error, result "
            f"FROM gateway.jobs WHERE id = {job_id}) j"))


class HttpTasks(NetworkJobClient, ClusterTestCase):
    """The built-in "http" task against a real HTTP server on loopback."""

    settings = {"pg_gateway.http_workers": "1", "pg_gateway.job_workers": "1",
                "pg_gateway.job_poll_interval": "'10min'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        super().tearDownClass()

    task = "http"

    def wait(self, job_id, predicate, what):
        self.cluster.wait_for(lambda: predicate(self.job(job_id)), timeout=30, what=what)
        return self.job(job_id)

    def test_signed_request_and_response_kept(self):
        secret = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
        job_id = self.add({"url": self.base + "/hook", "body": {"event": "signup", "id": 7},
                           "headers": {"X-Tenant": "acme"}, "sign": {"secret": "whsec_" + secret}})
        job = self.wait(job_id, lambda j: j["status"] == "succeeded", "signed request")
        self.assertEqual(job["result"]["status"], 200)
        self.assertEqual(job["result"]["headers"]["x-receiver"], "test")
        self.assertEqual(json.loads(job["result"]["body"]), {"got": 25})  # {"event":"signup","id":7}, compact
        path, headers, body = [r for r in Receiver.requests if r[0] == "/hook"][-1]
        self.assertEqual(json.loads(body), {"event": "signup", "id": 7})
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(headers["X-Tenant"], "acme")
        # Standard Webhooks: v1,base64(HMAC-SHA256(secret, id.timestamp.body)).
        self.assertEqual(headers["webhook-id"], str(job_id))
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(base64.b64decode(secret), signed,
                                             hashlib.sha256).digest()).decode()
        self.assertEqual(headers["webhook-signature"], "v1," + expected)
        self.assertLess(abs(int(headers["webhook-timestamp"]) - time.time()), 60)

    def test_5xx_is_retried_4xx_fails(self):
        flaky = self.add({"url": self.base + "/flaky", "method": "PUT", "body": "x"})
        job = self.wait(flaky, lambda j: j["attempts"] == 1 and j["status"] == "queued",
                        "the 503 recorded")
        self.assertIn("503", job["last_error"])
        self.assertEqual(job["result"]["status"], 503)
        self.cluster.sql(f"SELECT gateway.reschedule_jobs(ARRAY[{flaky}]::bigint[], now()); "
                         "SELECT gateway.wake_job_workers()")
        self.wait(flaky, lambda j: j["status"] == "succeeded", "the retry succeeded")
        gone = self.add({"url": self.base + "/gone", "body": "x"})
        job = self.wait(gone, lambda j: j["status"] == "failed", "410 fails for good")
        self.assertEqual(job["attempts"], 1)
        self.assertIn("410", job["last_error"])

    def test_timeout_and_bad_payloads(self):
        slow = self.add({"url": self.base + "/slow", "body": "x", "timeout_ms": 300})
        job = self.wait(slow, lambda j: j["attempts"] == 1 and j["status"] == "queued",
                        "the timeout recorded, to be retried")
        self.assertIn("timed out", job["last_error"].lower())
        bad = self.add({"url": "file:///etc/passwd"})
        job = self.wait(bad, lambda j: j["status"] == "failed", "refused payload")
        self.assertIn("invalid http task payload", job["last_error"])
        refused = self.add({"url": "http://127.0.0.1:1/"}, max_attempts=1)
        job = self.wait(refused, lambda j: j["status"] == "failed", "connection refused")
        self.assertTrue(job["last_error"], job)


class ThroughPgBouncer(ClusterTestCase):
    """Enqueueing through a real PgBouncer in transaction pooling mode, as an
    ordinary role granted EXECUTE: no session state is needed, and the
    commit still wakes the job workers (polling is 10 minutes here)."""

    settings = {"pg_gateway.http_workers": "1", "pg_gateway.job_workers": "1",
                "pg_gateway.job_poll_interval": "'10min'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.cluster
        c.sql(SETUP_SQL)
        c.sql("CREATE ROLE app LOGIN; GRANT EXECUTE ON FUNCTION "
              "gateway.add_job(text, jsonb, text, timestamptz, integer, text, integer, text[], "
              "text) TO app")
        cls.bouncer_port = free_port()
        ini = os.path.join(c.dir, "pgbouncer.ini")
        conf = (f"[databases]\npostgres = host={c.socket_dir} port={c.port} dbname=postgres\n"
                f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {cls.bouncer_port}\n"
                "auth_type = trust\n"
                f"auth_file = {os.path.join(c.dir, 'users.txt')}\n"
                "pool_mode = transaction\ndefault_pool_size = 2\n"
                f"unix_socket_dir =\nlogfile = {os.path.join(c.dir, 'pgbouncer.log')}\n")
        subprocess.run(as_server_user(["sh", "-c", f"cat > '{ini}'"]), input=conf, text=True,
                       check=True)
        subprocess.run(as_server_user(["sh", "-c", f"cat > '{os.path.join(c.dir, 'users.txt')}'"]),
                       input='"app" ""\n', text=True, check=True)
        cls.bouncer = subprocess.Popen(as_server_user(["pgbouncer", ini]),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        c.wait_for(lambda: cls.via_bouncer("SELECT 1").returncode == 0, what="pgbouncer up")

    @classmethod
    def tearDownClass(cls):
        cls.bouncer.terminate()
        cls.bouncer.wait(timeout=30)
        super().tearDownClass()

    @classmethod
    def via_bouncer(cls, sql):
        return subprocess.run(as_server_user([os.path.join(PG_BIN, "psql"), "-X", "-A", "-t",
                                              "-h", "127.0.0.1", "-p", str(cls.bouncer_port),
                                              "-U", "app", "-d", "postgres", "-c", sql]),
                              capture_output=True, text=True, timeout=60)

    def test_enqueue_through_transaction_pooling(self):
        ids = []
        for n in range(5):
            r = self.via_bouncer(f"SELECT id FROM gateway.add_job('record', '{{\"n\": {200 + n}}}')")
            self.assertEqual(r.returncode, 0, r.stderr)
            ids.append(r.stdout.strip())
        # Also inside an explicit transaction, several at once.
        r = self.via_bouncer("BEGIN; SELECT gateway.add_job('record', '{\"n\": 300}'); "
                             "SELECT gateway.add_job('record', '{\"n\": 301}'); COMMIT")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.cluster.wait_for(
            lambda: self.cluster.sql("SELECT count(*) FROM public.done WHERE n >= 200") == "7",
            what="all seven jobs run")
        self.assertEqual(self.cluster.sql(
            "SELECT DISTINCT ran_as FROM public.done WHERE n >= 200"), "job_runner")


SMTP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "smtp_peer")


def start_smtp_peer():
    """npm ci test/smtp_peer if needed, start server.mjs; returns (process, port)."""
    if not os.path.exists(os.path.join(SMTP_DIR, "node_modules", "smtp-server")):
        subprocess.run([shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund",
                        "--loglevel=error"], cwd=SMTP_DIR, check=True, capture_output=True,
                       timeout=300)
    proc = subprocess.Popen([os.environ.get("NODE") or shutil.which("node") or "node",
                             "server.mjs"], cwd=SMTP_DIR, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    if not line.startswith("LISTENING "):
        proc.kill()
        raise RuntimeError("smtp peer did not start: " + line + proc.stdout.read())
    return proc, int(line.split()[1])


class EmailTasks(NetworkJobClient, ClusterTestCase):
    """The built-in "email" task against a real SMTP server on loopback
    (npm smtp-server, with AUTH)."""

    settings = {"pg_gateway.http_workers": "1", "pg_gateway.job_workers": "1",
                "pg_gateway.job_poll_interval": "'10min'",
                "pg_gateway.smtp_username": "'jobs'", "pg_gateway.smtp_password": "'s3cret'"}

    @classmethod
    def setUpClass(cls):
        cls.smtp, port = start_smtp_peer()
        cls.settings = dict(cls.settings, **{"pg_gateway.smtp_url": f"'smtp://127.0.0.1:{port}'"})
        super().setUpClass()
        cls.received = []
        threading.Thread(target=cls.read_messages, daemon=True).start()

    @classmethod
    def read_messages(cls):
        for line in cls.smtp.stdout:
            if line.startswith("{"):
                cls.received.append(json.loads(line))

    @classmethod
    def tearDownClass(cls):
        cls.smtp.kill()
        super().tearDownClass()

    task = "email"

    def test_message_delivered_with_bcc_only_in_the_envelope(self):
        job_id = self.add({"from": "Shop <shop@example.com>", "to": ["ann@example.com"],
                           "bcc": "audit@example.com", "subject": "Grüße, Ann",
                           "text": "Hello Ann", "html": "<p>Hello <b>Ann</b></p>"})
        self.cluster.wait_for(lambda: self.job(job_id)["status"] == "succeeded",
                              what="email sent")
        job = self.job(job_id)
        self.assertEqual(job["result"]["smtp_reply"], 250)
        self.assertEqual(job["result"]["recipients"], 2)
        msg = [m for m in self.received if job["result"]["message_id"] in m["data"]][0]
        self.assertEqual(msg["from"], "shop@example.com")
        self.assertEqual(sorted(msg["to"]), ["ann@example.com", "audit@example.com"])
        self.assertNotIn("audit@example.com", msg["data"])  # Bcc: envelope only
        self.assertIn("Subject: =?UTF-8?", msg["data"])
        self.assertIn("multipart/alternative", msg["data"])

    def test_smtp_refusals_follow_the_reply_code(self):
        busy = self.add({"from": "shop@example.com", "to": "busy@example.com",
                         "subject": "x", "text": "x"})
        self.cluster.wait_for(lambda: self.job(busy)["attempts"] == 1 and
                              self.job(busy)["status"] == "queued", what="451 retried")
        self.assertIn("451", self.job(busy)["last_error"])
        nobody = self.add({"from": "shop@example.com", "to": "nobody@example.com",
                           "subject": "x", "text": "x"})
        self.cluster.wait_for(lambda: self.job(nobody)["status"] == "failed", what="550 fails")
        self.assertIn("550", self.job(nobody)["last_error"])
        bad = self.add({"from": "not an address", "to": "a@example.com", "subject": "x",
                        "text": "x"})
        self.cluster.wait_for(lambda: self.job(bad)["status"] == "failed", what="bad payload")
        self.assertIn("invalid email task payload", self.job(bad)["last_error"])


if __name__ == "__main__":
    unittest.main()
