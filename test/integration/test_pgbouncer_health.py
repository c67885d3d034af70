"""PgBouncer (transaction pooling) in front of a pg_gateway database, and
what that means for /ready (issue 15).

/ready's database check does not go through a connection string, so it
cannot go through PgBouncer: each HTTP worker is a background worker with
its own in-process connection to pg_gateway.database, and /ready runs
`SELECT extversion ..., pg_is_in_recovery()` over SPI on it (read-only
transaction, statement timeout of at most 5 s). No setting routes it, or the
GraphQL / SQL routes, through libpq. What is tested here instead:

- the same readiness query, run by an operator's probe through a real
  PgBouncer in transaction mode, agrees with /ready (extension version,
  recovery state), also inside an explicit transaction;
- /ready keeps answering 200 at once while PgBouncer's only server
  connection is held by a long transaction and a query through PgBouncer
  waits in its queue: the HTTP readiness does not depend on the pooler, so a
  load balancer probing /ready does not see a pool saturated by clients;
- the SQL API functions an application calls through the pooler
  (gateway.add_job, and reads of gateway.jobs) work
  with session state reset between transactions (enqueueing itself is
  covered by test_jobs.ThroughPgBouncer).
"""

import os
import subprocess
import time

from harness import EXTENSION_VERSION, PG_BIN, ClusterTestCase, as_server_user, free_port

READY_SQL = ("SELECT (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = "
             "'pg_gateway'), pg_catalog.pg_is_in_recovery()")


class ReadyBesidePgBouncer(ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1", "pg_gateway.job_workers": "1",
                "pg_gateway.job_poll_interval": "200"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.cluster
        c.sql("CREATE ROLE app LOGIN; CREATE ROLE job_runner; "
              "CREATE TABLE public.done (n int); GRANT INSERT ON public.done TO job_runner; "
              "CREATE FUNCTION public.record(payload jsonb) RETURNS void LANGUAGE sql AS "
              "$$ INSERT INTO public.done VALUES ((payload->>'n')::int) $$; "
              "SELECT gateway.register_task('record', 'public.record(jsonb)', 'job_runner'); "
              "GRANT EXECUTE ON FUNCTION gateway.add_job(text, jsonb, text, timestamptz, "
              "integer, text, integer, text[], text) TO app; "
              "GRANT USAGE ON SCHEMA gateway TO app; GRANT SELECT ON gateway.jobs TO app")
        cls.bouncer_port = free_port()
        ini = os.path.join(c.dir, "pgbouncer.ini")
        users = os.path.join(c.dir, "users.txt")
        # One server connection: a single open transaction saturates the pool.
        conf = (f"[databases]\npostgres = host={c.socket_dir} port={c.port} dbname=postgres\n"
                f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {cls.bouncer_port}\n"
                f"auth_type = trust\nauth_file = {users}\n"
                "pool_mode = transaction\ndefault_pool_size = 1\nmax_client_conn = 20\n"
                f"unix_socket_dir =\nlogfile = {os.path.join(c.dir, 'pgbouncer.log')}\n")
        subprocess.run(as_server_user(["sh", "-c", f"cat > '{ini}'"]), input=conf, text=True,
                       check=True)
        subprocess.run(as_server_user(["sh", "-c", f"cat > '{users}'"]),
                       input='"app" ""\n"postgres" ""\n', text=True, check=True)
        cls.bouncer = subprocess.Popen(as_server_user(["pgbouncer", ini]),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        c.wait_for(lambda: cls.via_bouncer("SELECT 1").returncode == 0, what="pgbouncer up")

    @classmethod
    def tearDownClass(cls):
        cls.bouncer.terminate()
        cls.bouncer.wait(timeout=30)
        super().tearDownClass()

    @classmethod
    def bouncer_cmd(cls, sql, user="app"):
        return as_server_user([os.path.join(PG_BIN, "psql"), "-X", "-A", "-t", "-q",
                               "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                               "-p", str(cls.bouncer_port), "-U", user, "-d", "postgres",
                               "-c", sql])

    @classmethod
    def via_bouncer(cls, sql, user="app"):
        return subprocess.run(cls.bouncer_cmd(sql, user), capture_output=True, text=True,
                              timeout=60)

    def test_readiness_query_through_the_pooler_agrees_with_ready(self):
        r = self.cluster.get("/ready")
        self.assertEqual(r.status, 200, r.body)
        ready = r.json()
        self.assertEqual(ready["extension_version"], EXTENSION_VERSION)
        for sql in (READY_SQL, f"BEGIN READ ONLY; {READY_SQL}; COMMIT"):
            q = self.via_bouncer(sql)
            self.assertEqual(q.returncode, 0, q.stderr)
            self.assertEqual(q.stdout.strip(),
                             f"{ready['extension_version']}|"
                             f"{'t' if ready['in_recovery'] else 'f'}")

    def test_ready_does_not_wait_for_a_saturated_pool(self):
        # Holds PgBouncer's only server connection for 4 s ...
        holder = subprocess.Popen(self.bouncer_cmd("BEGIN; SELECT pg_sleep(4); COMMIT"),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            self.cluster.wait_for(lambda: self.cluster.sql(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(4)%' "
                "AND pid <> pg_backend_pid()") == "1", what="the pool held")
            # ... so a query through PgBouncer now waits in its queue,
            started = time.time()
            waiting = subprocess.Popen(self.bouncer_cmd(READY_SQL), stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
            time.sleep(0.3)
            self.assertIsNone(waiting.poll(), "the pool was not saturated")
            # ... while /ready answers at once from the worker's own connection.
            for _ in range(5):
                t = time.time()
                r = self.cluster.get("/ready", timeout=5)
                self.assertEqual(r.status, 200, r.body)
                self.assertLess(time.time() - t, 1.0)
            out, err = waiting.communicate(timeout=30)
            self.assertEqual(waiting.returncode, 0, err)
            self.assertEqual(out.strip(), f"{EXTENSION_VERSION}|f")
            self.assertGreater(time.time() - started, 2.0, "the probe did not queue")
        finally:
            _, holder_err = holder.communicate(timeout=30)
        self.assertEqual(holder.returncode, 0, holder_err)

    def test_sql_api_through_the_pooler_across_transactions(self):
        # Each statement may land on another client's turn of the one server
        # connection: nothing is carried in session state.
        ids = []
        for n in (1, 2, 3):
            q = self.via_bouncer(f"SELECT id FROM gateway.add_job('record', '{{\"n\": {n}}}')")
            self.assertEqual(q.returncode, 0, q.stderr)
            ids.append(q.stdout.strip())
        id_list = ",".join(ids)
        self.cluster.wait_for(lambda: self.via_bouncer(
            f"SELECT count(*) FROM gateway.jobs WHERE id IN ({id_list}) "
            "AND status = 'succeeded'").stdout.strip() == "3", what="jobs run")
        self.assertEqual(self.cluster.sql("SELECT string_agg(n::text, ',' ORDER BY n) "
                                          "FROM public.done"), "1,2,3")
