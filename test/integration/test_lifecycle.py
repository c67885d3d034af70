"""Lifecycle of pg_gateway's HTTP workers against real clusters: shutdown and
draining, extension and target database coming and going (including a plain
DROP DATABASE of the target through the ProcessUtility hook), crash-restart,
resource limits, reloadable settings, loading without preloading, and a hot
standby. Every test starts real PostgreSQL 15 clusters; nothing is mocked.

Run: cd test/integration && python3 -m unittest -v test_lifecycle
"""

import json
import os
import re
import signal
import socket
import subprocess
import time
import unittest
import warnings

from harness import (PG_BIN, BackgroundCall, Cluster, ClusterTestCase, EXTENSION_VERSION, IS_ROOT, SERVER_USER,
                     as_server_user, build_request, connect, log_since, log_size, read_response,
                     recv_until_closed, try_sql, wait_until)

def setUpModule():
    # harness.connect() leaves the socket to the garbage collector when the
    # connection is refused, which the polling below does on purpose.
    warnings.filterwarnings("ignore", category=ResourceWarning,
                            message=r"unclosed <harness\.PendingSocket")


WORKER_EXIT = re.compile(r'background worker "pg_gateway http" \(PID (\d+)\) exited with exit code')


def ready_status(cluster):
    """(status, reason) of GET /ready, or None when nothing answers."""
    r = cluster.try_get("/ready")
    if r is None:
        return None
    return r.status, (r.json().get("reason") if r.status != 200 else None)


def all_ready(cluster, n=8):
    """True when n fresh connections (spread over the workers by
    SO_REUSEPORT) all get /ready 200."""
    for _ in range(n):
        r = cluster.try_get("/ready")
        if r is None or r.status != 200:
            return False
    return True


def all_unavailable(cluster, reason, n=8):
    for _ in range(n):
        r = cluster.try_get("/ready")
        if r is None or r.status != 503 or r.json()["reason"] != reason:
            return False
    return True


def workers_in(cluster, datname):
    """Number of HTTP workers connected to datname (None: to no database)."""
    cond = "datname IS NULL" if datname is None else f"datname = '{datname}'"
    out = try_sql(cluster, "SELECT count(*) FROM pg_stat_activity "
                           f"WHERE backend_type = 'pg_gateway http' AND {cond}")
    return int(out) if out is not None else -1


# -- 1. SIGTERM drain ---------------------------------------------------------

SLOW_ROUTE_SQL = """
CREATE ROLE gw_app NOLOGIN;
CREATE FUNCTION public.slow(req jsonb) RETURNS jsonb LANGUAGE sql AS
  $$ SELECT pg_sleep(1.5); SELECT jsonb_build_object('slept', true) $$;
CREATE FUNCTION public.echo(req jsonb) RETURNS jsonb LANGUAGE sql AS
  $$ SELECT jsonb_build_object('ok', true, 'size', length(req->>'body')) $$;
GRANT USAGE ON SCHEMA public TO gw_app;
GRANT EXECUTE ON FUNCTION public.slow(jsonb), public.echo(jsonb) TO gw_app;
SELECT gateway.register_route('GET', '/slow', 'public.slow(jsonb)', 'gw_app');
SELECT gateway.register_route('POST', '/echo', 'public.echo(jsonb)', 'gw_app');
"""


def install_routes(cluster):
    cluster.sql(SLOW_ROUTE_SQL)


class ShutdownDrain(ClusterTestCase):
    """pg_ctl stop while requests are in flight: they finish, idle
    keep-alive connections are closed, and the stop is bounded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        install_routes(cls.cluster)

    def setUp(self):
        if not os.path.exists(os.path.join(self.cluster.data, "postmaster.pid")):
            self.cluster.start()
        self.cluster.wait_for(lambda: all_ready(self.cluster), what="/ready 200")

    def test_fast_stop_finishes_in_flight_request_and_closes_idle_connection(self):
        c = self.cluster
        # An idle keep-alive connection: one request answered, left open.
        idle = connect(c.http_port)
        idle.sendall(build_request("GET", "/live"))
        r = read_response(idle)
        self.assertEqual(r.status, 200)
        self.assertNotEqual((r.header("connection") or "").lower(), "close")
        # A request in flight: the handler sleeps 1.5 s.
        busy = connect(c.http_port, timeout=20)
        busy.sendall(build_request("GET", "/slow"))
        c.wait_for(lambda: try_sql(c, "SELECT count(*) FROM pg_stat_activity WHERE "
                                      "backend_type = 'pg_gateway http' AND "
                                      "wait_event = 'PgSleep'") == "1",
                   timeout=10, what="the /slow request to be in pg_sleep")
        offset = log_size(c)
        stop = BackgroundCall(lambda: c.stop(mode="fast"))

        r = read_response(busy, timeout=20)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"slept": True})
        self.assertEqual((r.header("connection") or "").lower(), "close")
        self.assertEqual(recv_until_closed(busy, timeout=10), b"")
        # The server closed the idle connection without a response.
        self.assertEqual(recv_until_closed(idle, timeout=10), b"")
        busy.close()
        idle.close()

        stop.join(timeout=60)
        # shutdown_timeout (10 s by default) plus a margin; in practice ~1.5 s.
        self.assertLess(stop.elapsed, 15)
        log = log_since(c, offset)
        self.assertRegex(log, r"pg_gateway http worker \d: shutting down, \d+ connection\(s\) still open")
        self.assertEqual(len(WORKER_EXIT.findall(log)), 2, log)
        self.assertIn("database system is shut down", log)

    def test_smart_stop_completes(self):
        c = self.cluster
        offset = log_size(c)
        started = time.time()
        c.stop(mode="smart")
        self.assertLess(time.time() - started, 30)
        log = log_since(c, offset)
        self.assertIn("received smart shutdown request", log)
        self.assertEqual(len(WORKER_EXIT.findall(log)), 2, log)
        self.assertIn("database system is shut down", log)


class ShutdownTimeoutBoundsDraining(ClusterTestCase):
    """A client that never finishes its request cannot hold the shutdown
    beyond pg_gateway.shutdown_timeout (header_timeout is far longer)."""

    settings = {"pg_gateway.shutdown_timeout": "'1s'", "pg_gateway.header_timeout": "'60s'"}

    def test_half_sent_request_does_not_hold_shutdown(self):
        c = self.cluster
        stalled = connect(c.http_port, timeout=20)
        stalled.sendall(b"GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line
        c.wait_for(lambda: try_sql(c, "SELECT sum(open_connections) FROM "
                                      "gateway.http_worker_stats()") == "1",
                   timeout=10, what="the stalled connection to be open")
        time.sleep(0.3)  # let the worker read the partial request
        offset = log_size(c)
        started = time.time()
        c.stop(mode="fast")
        elapsed = time.time() - started
        self.assertLess(elapsed, 10)
        log = log_since(c, offset)
        self.assertIn("pg_gateway.shutdown_timeout reached, closing 1 connection(s)", log)
        # The client saw the connection closed, not answered.
        try:
            data = recv_until_closed(stalled, timeout=5)
        except OSError:
            data = b""
        self.assertNotIn(b"HTTP/1.1 200", data)
        stalled.close()


class ShutdownTimeoutBoundsRunningSql(ClusterTestCase):
    """SQL already running when SIGTERM arrives is cancelled once
    pg_gateway.shutdown_timeout has passed, even though its
    statement_timeout is far longer; the client learns why."""

    settings = {"pg_gateway.shutdown_timeout": "'1s'", "pg_gateway.statement_timeout": "'60s'"}

    def test_long_request_is_cancelled_at_shutdown_timeout(self):
        c = self.cluster
        c.sql("CREATE ROLE gw_long NOLOGIN; GRANT USAGE ON SCHEMA public TO gw_long;"
              "CREATE FUNCTION public.very_slow(req jsonb) RETURNS jsonb LANGUAGE sql AS "
              "$$ SELECT pg_sleep(30); SELECT '{}'::jsonb $$;"
              "SELECT gateway.register_route('GET', '/very-slow', 'public.very_slow(jsonb)', 'gw_long')")
        busy = connect(c.http_port, timeout=30)
        busy.sendall(build_request("GET", "/very-slow"))
        c.wait_for(lambda: try_sql(c, "SELECT count(*) FROM pg_stat_activity WHERE "
                                      "backend_type = 'pg_gateway http' AND "
                                      "wait_event = 'PgSleep'") == "1",
                   timeout=10, what="the request to be in pg_sleep")
        offset = log_size(c)
        started = time.time()
        stop = BackgroundCall(lambda: c.stop(mode="fast"))
        r = read_response(busy, timeout=30)
        answered = time.time() - started
        self.assertEqual(r.status, 503, r.body)
        self.assertEqual(r.json()["code"], "57P01")
        self.assertIn("shutting down", r.json()["message"])
        self.assertEqual((r.header("connection") or "").lower(), "close")
        busy.close()
        stop.join(timeout=60)
        # 1 s shutdown_timeout + the 200 ms watchdog tick + scheduling margin.
        self.assertLess(answered, 5)
        self.assertLess(stop.elapsed, 8)
        self.assertIn("cancelled: still running pg_gateway.shutdown_timeout after SIGTERM",
                      log_since(c, offset))


# -- 2. extension created and dropped while the workers run -------------------

class ExtensionComesAndGoes(ClusterTestCase):
    create_extension = False

    def test_ready_follows_create_and_drop_extension(self):
        c = self.cluster
        r = c.get("/ready")
        self.assertEqual(r.status, 503)
        self.assertEqual(r.json()["reason"], "extension_missing")
        self.assertEqual(c.get("/live").status, 200)
        pids = c.worker_pids()

        c.sql("CREATE EXTENSION pg_gateway")
        c.wait_for(lambda: all_ready(c), timeout=10, what="/ready 200 after CREATE EXTENSION")
        self.assertEqual(c.get("/ready").json()["extension_version"], EXTENSION_VERSION)

        c.sql("DROP EXTENSION pg_gateway")
        c.wait_for(lambda: all_unavailable(c, "extension_missing"), timeout=10,
                   what="/ready extension_missing after DROP EXTENSION")
        self.assertEqual(c.get("/live").status, 200)
        self.assertEqual(c.worker_pids(), pids, "no worker restarted")


# -- 3. DROP DATABASE of the target database ----------------------------------

class DropTargetDatabase(ClusterTestCase):
    """pg_gateway.database = appdb. A plain DROP DATABASE succeeds although
    the workers are connected (extension/workers/utility_hook.cpp), the workers then
    serve /live and report database_missing without a restart loop, and come
    back when the database is created again."""

    database = "appdb"
    create_extension = False
    workers = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()  # appdb does not exist yet: workers start degraded
        cls.create_appdb()

    @classmethod
    def create_appdb(cls):
        c = cls.cluster
        if try_sql(c, "SELECT 1 FROM pg_database WHERE datname = 'appdb'") != "1":
            c.sql("CREATE DATABASE appdb")
        c.psql("CREATE EXTENSION IF NOT EXISTS pg_gateway", db="appdb")
        wait_until(lambda: workers_in(c, "appdb") == cls.workers, timeout=20,
                   what="both workers connected to appdb")
        c.wait_for(lambda: all_ready(c), timeout=10, what="/ready 200")

    def setUp(self):
        self.create_appdb()

    def assert_gone_without_restart_loop(self, offset):
        c = self.cluster
        # The stopped workers are restarted by the postmaster after
        # bgw_restart_time (2 s); nothing listens in between.
        c.wait_for(lambda: c.try_get("/live") is not None, timeout=10, what="/live")
        self.assertEqual(c.get("/live").status, 200)
        c.wait_for(lambda: all_unavailable(c, "database_missing"), timeout=15,
                   what="/ready database_missing on every worker")
        wait_until(lambda: workers_in(c, None) == self.workers, timeout=10,
                   what="both workers serving without a database")
        exits = len(WORKER_EXIT.findall(log_since(c, offset)))
        self.assertLessEqual(exits, 2 * self.workers, log_since(c, offset))
        time.sleep(8)  # no further exits: no restart loop
        log = log_since(c, offset)
        self.assertEqual(len(WORKER_EXIT.findall(log)), exits, log)
        self.assertEqual(c.get("/live").status, 200)
        r = c.get("/ready")
        self.assertEqual(r.status, 503)
        self.assertEqual(r.json()["reason"], "database_missing")
        self.assertEqual(r.json()["database"], "appdb")
        self.assertNotIn("cannot read pg_class", log)
        return log

    def test_plain_drop_database(self):
        c = self.cluster
        offset = log_size(c)
        started = time.time()
        r = c.psql("DROP DATABASE appdb", check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(time.time() - started, 5)
        log = self.assert_gone_without_restart_loop(offset)
        self.assertRegex(log, r'LOG:  pg_gateway: stopping \d HTTP workers? so that DROP DATABASE '
                              r'of "appdb" can proceed')
        # Recreated: the workers notice within their 2 s poll and reconnect.
        started = time.time()
        self.create_appdb()
        self.assertLess(time.time() - started, 15)

    def test_drop_database_with_force(self):
        c = self.cluster
        offset = log_size(c)
        r = c.psql("DROP DATABASE appdb WITH (FORCE)", check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_gone_without_restart_loop(offset)

    def test_rename_database(self):
        c = self.cluster
        offset = log_size(c)
        r = c.psql("ALTER DATABASE appdb RENAME TO appdb_renamed", check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(log_since(c, offset), r"stopping \d HTTP workers? so that ALTER DATABASE "
                                               r'RENAME of "appdb" can proceed')
        c.wait_for(lambda: all_unavailable(c, "database_missing"), timeout=15,
                   what="/ready database_missing after the rename")
        c.sql("ALTER DATABASE appdb_renamed RENAME TO appdb")
        self.create_appdb()

    def test_set_tablespace(self):
        c = self.cluster
        location = os.path.join(c.dir, "ts_moved")
        if not os.path.exists(location):
            subprocess.run(as_server_user(["mkdir", location]), check=True)
            c.sql(f"CREATE TABLESPACE ts_moved LOCATION '{location}'")
        target = "ts_moved"
        if c.sql("SELECT t.spcname FROM pg_database d JOIN pg_tablespace t "
                 "ON t.oid = d.dattablespace WHERE d.datname = 'appdb'") == "ts_moved":
            target = "pg_default"
        offset = log_size(c)
        r = c.psql(f"ALTER DATABASE appdb SET TABLESPACE {target}", check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(log_since(c, offset), r"stopping \d HTTP workers? so that ALTER DATABASE "
                                               r'SET TABLESPACE of "appdb" can proceed')
        # The database still exists: the workers come back connected to it.
        started = time.time()
        self.create_appdb()
        self.assertLess(time.time() - started, 15)
        log = log_since(c, offset)
        self.assertNotRegex(log, r'(FATAL|WARNING):  .*"appdb"')
        self.assertLessEqual(len(WORKER_EXIT.findall(log)), 2 * self.workers, log)

    def test_failed_drop_lets_workers_reconnect(self):
        # Another session in appdb makes DROP DATABASE fail after its 5 s
        # wait; the workers, stopped for it, must come back connected.
        c = self.cluster
        blocker = subprocess.Popen(as_server_user([
            os.path.join(PG_BIN, "psql"), "-X", "-h", c.socket_dir, "-p", str(c.port),
            "-U", "postgres", "-d", "appdb", "-c", "SELECT pg_sleep(20)"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: try_sql(c, "SELECT count(*) FROM pg_stat_activity WHERE "
                                          "datname = 'appdb' AND backend_type = 'client backend'")
                       == "1", timeout=10, what="the blocking session")
            r = c.psql("DROP DATABASE appdb", check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("is being accessed by other users", r.stderr)
            self.assertIn("There is 1 other session using the database.", r.stderr)
            started = time.time()
            wait_until(lambda: workers_in(c, "appdb") == self.workers, timeout=20,
                       what="workers reconnected to appdb after the failed drop")
            c.wait_for(lambda: all_ready(c), timeout=10, what="/ready 200")
            self.assertLess(time.time() - started, 15)
        finally:
            c.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE datname = 'appdb' AND backend_type = 'client backend'")
            blocker.wait(timeout=20)


# -- 4. target database missing at startup ------------------------------------

class TargetDatabaseMissingAtStartup(ClusterTestCase):
    database = "nosuchdb"
    create_extension = False

    def test_degraded_without_restart_loop(self):
        c = self.cluster
        self.assertEqual(c.get("/live").status, 200)
        c.wait_for(lambda: all_unavailable(c, "database_missing"), timeout=15,
                   what="/ready database_missing")
        r = c.get("/ready")
        self.assertIn('database "nosuchdb" does not exist', r.json()["message"])
        wait_until(lambda: workers_in(c, None) == 2, timeout=10, what="two degraded workers")
        exits = len(WORKER_EXIT.findall(c.log()))
        self.assertLessEqual(exits, 2, c.log())  # one failed connection per worker
        time.sleep(6)
        log = c.log()
        self.assertEqual(len(WORKER_EXIT.findall(log)), exits, log)
        self.assertNotIn("cannot read pg_class", log)
        warnings = re.findall(r'WARNING:  pg_gateway http worker (\d): database "nosuchdb" '
                              r'does not exist', log)
        self.assertEqual(sorted(warnings), ["1", "2"], log)  # one line per worker, not repeated


# -- 5. crash-restart ----------------------------------------------------------

class CrashRestart(ClusterTestCase):

    def wait_recovered(self, old_pids):
        c = self.cluster
        wait_until(lambda: len(c.worker_pids()) == 2 and not set(c.worker_pids()) & set(old_pids),
                   timeout=20, what="new HTTP worker pids after the crash")
        c.wait_for(lambda: c.try_get("/live") is not None and all_ready(c), timeout=20,
                   what="/live and /ready after the crash")
        return c.worker_pids()

    def test_kill_9_of_a_worker_and_of_a_backend(self):
        c = self.cluster
        pids = c.worker_pids()
        self.assertEqual(len(pids), 2)
        offset = log_size(c)
        os.kill(pids[0], signal.SIGKILL)
        started = time.time()
        pids = self.wait_recovered(pids)
        self.assertLess(time.time() - started, 20)
        log = log_since(c, offset)
        self.assertRegex(log, r'background worker "pg_gateway http" \(PID \d+\) was terminated '
                              r'by signal 9')
        self.assertIn("all server processes terminated; reinitializing", log)

        # An ordinary backend killed the same way resets the HTTP workers too.
        sleeper = subprocess.Popen(as_server_user([
            os.path.join(PG_BIN, "psql"), "-X", "-h", c.socket_dir, "-p", str(c.port),
            "-U", "postgres", "-d", "postgres", "-c", "SELECT pg_sleep(30)"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            backend = wait_until(lambda: try_sql(
                c, "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' "
                   "AND query LIKE 'SELECT pg_sleep(30)%'"), timeout=10, what="the sleeping backend")
            offset = log_size(c)
            os.kill(int(backend), signal.SIGKILL)
            started = time.time()
            self.wait_recovered(pids)
            self.assertLess(time.time() - started, 20)
        finally:
            sleeper.wait(timeout=30)
        log = log_since(c, offset)
        self.assertRegex(log, r"server process \(PID \d+\) was terminated by signal 9")
        self.assertIn("all server processes terminated; reinitializing", log)


# -- 6. not enough background worker slots ------------------------------------

class TooFewWorkerSlots(ClusterTestCase):
    # PostgreSQL registers the logical replication launcher before loading
    # shared_preload_libraries, so it takes one of the two slots.
    settings = {"max_worker_processes": "2", "pg_gateway.http_workers": "2"}
    create_extension = False

    def test_one_warning_and_one_worker(self):
        c = self.cluster
        self.assertEqual(c.get("/live").status, 200)
        self.assertEqual(len(c.worker_pids()), 1)
        time.sleep(5)
        log = c.log()
        lines = re.findall(r"WARNING:  pg_gateway starts only (\d+) of (\d+) HTTP workers", log)
        self.assertEqual(lines, [("1", "2")], log)
        self.assertRegex(log, r"HINT:  Raise max_worker_processes to at least \d+")
        self.assertEqual(len(c.worker_pids()), 1)
        self.assertEqual(c.get("/live").status, 200)


# -- 7. HTTP port already in use ----------------------------------------------

class PortInUse(unittest.TestCase):

    def test_workers_wait_for_the_port(self):
        c = Cluster("test_lifecycle-PortInUse").init()
        squatter = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # no SO_REUSEPORT
        squatter.bind(("127.0.0.1", c.http_port))
        squatter.listen(16)
        try:
            c.start(wait_http=False)
            c.sql("CREATE EXTENSION pg_gateway")
            bind_warning = re.compile(r"WARNING:  pg_gateway http worker (\d) could not bind .*"
                                      r"retrying every 5 s")
            c.wait_for(lambda: len(bind_warning.findall(c.log())) == 2, timeout=15,
                       what="a bind warning from each worker")
            self.assertEqual(c.sql("SELECT string_agg(state, ',' ORDER BY worker) "
                                   "FROM gateway.http_worker_stats()"),
                             "cannot listen,cannot listen")
            time.sleep(6)  # at least one retry: it must not log again
            self.assertEqual(sorted(bind_warning.findall(c.log())), ["1", "2"])
            squatter.close()
            started = time.time()
            c.wait_for(lambda: c.try_get("/live") is not None, timeout=10, what="/live")
            self.assertLess(time.time() - started, 7.5)
            c.wait_for(lambda: c.sql("SELECT string_agg(state, ',' ORDER BY worker) "
                                     "FROM gateway.http_worker_stats()") == "serving,serving",
                       timeout=10, what="both workers listening")
            self.assertRegex(c.log(), r"pg_gateway http worker \d: listening now")
        finally:
            squatter.close()
            c.stop(mode="immediate", check=False)


# -- 8. reloadable and restart-only settings ----------------------------------

class ReloadableSettings(ClusterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        install_routes(cls.cluster)

    def post_echo(self, size):
        body = json.dumps({"pad": "x" * (size - 11)})
        self.assertEqual(len(body), size)
        return self.cluster.request("POST", "/echo", {"Content-Type": "application/json"}, body)

    def test_max_body_size_applies_on_reload(self):
        c = self.cluster
        self.assertEqual(self.post_echo(200).status, 200)
        pids = c.worker_pids()
        c.set_config(max_body_size="100")
        try:
            c.wait_for(lambda: all(self.post_echo(200).status == 413 for _ in range(6)),
                       timeout=10, what="413 for a 200-byte body")
            self.assertEqual(c.request("POST", "/echo", {"Content-Type": "application/json"},
                                       '{"a": 1}').status, 200)
        finally:
            c.sql("ALTER SYSTEM RESET pg_gateway.max_body_size")
            c.reload()
        c.wait_for(lambda: all(self.post_echo(200).status == 200 for _ in range(6)),
                   timeout=10, what="200 again after RESET")
        self.assertEqual(c.worker_pids(), pids, "no restart")

    def test_keepalive_timeout_applies_on_reload(self):
        c = self.cluster
        c.set_config(keepalive_timeout="500ms")
        try:
            def closes_quickly():
                with connect(c.http_port) as s:
                    s.sendall(build_request("GET", "/live"))
                    self.assertEqual(read_response(s).status, 200)
                    started = time.time()
                    self.assertEqual(recv_until_closed(s, timeout=5), b"")
                    return time.time() - started < 2
            c.wait_for(lambda: all(closes_quickly() for _ in range(4)), timeout=15,
                       what="idle connections closed after 500 ms")
        finally:
            c.sql("ALTER SYSTEM RESET pg_gateway.keepalive_timeout")
            c.reload()
        with connect(c.http_port) as s:
            s.sendall(build_request("GET", "/live"))
            self.assertEqual(read_response(s).status, 200)
            s.settimeout(2)
            with self.assertRaises(socket.timeout):  # still open after 2 s
                s.recv(1)

    def test_port_is_restart_only(self):
        c = self.cluster
        offset = log_size(c)
        other = c.http_port + 1 if c.http_port < 65535 else c.http_port - 1
        c.sql(f"ALTER SYSTEM SET pg_gateway.port = {other}")
        try:
            c.sql("SELECT pg_reload_conf()")
            c.wait_for(lambda: 'parameter "pg_gateway.port" cannot be changed without restarting '
                               'the server' in log_since(c, offset), timeout=10,
                       what="the restart-only message")
            self.assertEqual(c.sql("SHOW pg_gateway.port"), str(c.http_port))
            self.assertEqual(c.get("/live").status, 200)
        finally:
            c.sql(f"ALTER SYSTEM SET pg_gateway.port = {c.http_port}")
            c.reload()


# -- 9. loaded without shared_preload_libraries -------------------------------

class NotPreloaded(ClusterTestCase):
    settings = {"shared_preload_libraries": "''"}

    @classmethod
    def setUpClass(cls):
        name = cls.__module__.rsplit(".", 1)[-1] + "-" + cls.__name__
        cls.cluster = Cluster(name, cls.settings).init().start(wait_http=False)

    def test_create_extension_refuses(self):
        r = self.cluster.psql("CREATE EXTENSION pg_gateway", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("pg_gateway must be loaded via shared_preload_libraries", r.stderr)
        self.assertIn("HINT:  Add pg_gateway to shared_preload_libraries", r.stderr)
        self.assertEqual(self.cluster.sql(
            "SELECT count(*) FROM pg_extension WHERE extname = 'pg_gateway'"), "0")
        self.assertIsNone(self.cluster.try_get("/live"))


# -- 10. hot standby ----------------------------------------------------------

class HotStandby(ClusterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        primary = cls.cluster
        standby = Cluster(primary.name + "-standby")
        if os.path.exists(standby.dir):
            standby.stop(mode="immediate", check=False)
            subprocess.run(["rm", "-rf", standby.dir], check=True)
        os.makedirs(standby.dir)
        if IS_ROOT:
            subprocess.run(["chown", f"{SERVER_USER}:{SERVER_USER}", standby.dir], check=True)
        subprocess.run(as_server_user([
            os.path.join(PG_BIN, "pg_basebackup"), "-D", standby.data, "-R", "-c", "fast",
            "-X", "stream", "--no-sync", "-h", primary.socket_dir, "-p", str(primary.port),
            "-U", "postgres"]), check=True, capture_output=True, timeout=120)
        # pg_basebackup copied the primary's settings; later lines win.
        conf = os.path.join(standby.data, "postgresql.auto.conf")
        lines = "".join(f"{k} = {standby.settings[k]}\n"
                        for k in ("port", "unix_socket_directories", "pg_gateway.port"))
        subprocess.run(as_server_user(["sh", "-c", f"cat >> '{conf}'"]), input=lines, text=True,
                       check=True)
        cls.standby = standby.start()

    @classmethod
    def tearDownClass(cls):
        cls.standby.stop(mode="immediate", check=False)
        super().tearDownClass()

    def test_standby_serves_reads_and_refuses_writes(self):
        s = self.standby
        self.assertEqual(s.sql("SELECT pg_is_in_recovery()"), "t")
        self.assertEqual(s.get("/live").status, 200)
        s.wait_for(lambda: all_ready(s), timeout=15, what="/ready 200 on the standby")
        body = s.get("/ready").json()
        self.assertTrue(body["in_recovery"])
        self.assertEqual(body["extension_version"], EXTENSION_VERSION)
        r = s.get("/ready/write")
        self.assertEqual(r.status, 503)
        self.assertEqual(r.json()["reason"], "standby")
        # The primary is unaffected.
        self.assertEqual(self.cluster.get("/ready/write").status, 200)


if __name__ == "__main__":
    unittest.main()
