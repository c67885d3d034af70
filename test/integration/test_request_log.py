"""The request log (issue 12) on real clusters: every request the HTTP
workers answer becomes a row of gateway.request_log, written by the
"pg_gateway log writer" background worker outside the request's
transaction (a failed mutation is still logged), with the X-Request-Id
the client saw, the role and token subject, the GraphQL operation name and
document hash; pg_gateway.request_log = errors keeps only statuses >= 400;
a fast shutdown right after a burst loses nothing; a buffer at its minimum
size drops (and counts) entries under a burst without failing or slowing
a single request."""

import base64
import hashlib
import hmac
import json
import time
import unittest
import uuid

from harness import Cluster, ClusterTestCase, build_request, connect, read_response, wait_until

SECRET = "request-log-test-secret-of-more-than-32-bytes"

SETUP_SQL = r"""
CREATE ROLE app_authenticator NOINHERIT;
CREATE ROLE app_anon;
CREATE ROLE app_user;
GRANT app_anon, app_user TO app_authenticator;
GRANT USAGE ON SCHEMA public TO app_anon, app_user;
CREATE TABLE public.item (id serial PRIMARY KEY, name text NOT NULL CHECK (name <> 'bad'));
INSERT INTO public.item (name) VALUES ('first');
GRANT SELECT, INSERT ON public.item TO app_anon, app_user;
GRANT USAGE ON SEQUENCE public.item_id_seq TO app_anon, app_user;
"""


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(payload):
    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT"})) + "." + b64(json.dumps(payload))
    sig = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(sig)


def new_id():
    return "rl-" + uuid.uuid4().hex


class LogReader:
    """Reads request log rows back by request id."""

    COLUMNS = ("method", "path", "status", "role", "jwt_sub", "request_id", "operation_name",
               "document_hash", "worker", "bytes", "duration", "client_addr")

    def __init__(self, cluster):
        self.cluster = cluster

    def rows(self, request_ids):
        ids = ",".join("'" + i + "'" for i in request_ids)
        out = self.cluster.sql(
            "SELECT coalesce(json_agg(json_build_object("
            + ",".join(f"'{c}', {c}" for c in self.COLUMNS)
            + ")), '[]') FROM gateway.request_log WHERE request_id IN (" + ids + ")")
        return {r["request_id"]: r for r in json.loads(out)}

    def wait_rows(self, request_ids, timeout=10):
        return wait_until(lambda: (lambda r: r if len(r) == len(request_ids) else None)(
            self.rows(request_ids)), timeout=timeout, what=f"{len(request_ids)} request log rows")

    def stats(self):
        out = self.cluster.sql("SELECT row_to_json(s) FROM gateway.request_log_stats() s")
        return json.loads(out)


class RequestLog(ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1",
                "pg_gateway.job_workers": "0",
                "pg_gateway.anonymous_role": "'app_anon'",
                "pg_gateway.authenticator_role": "'app_authenticator'",
                "pg_gateway.jwt_secret": "'" + SECRET + "'",
                "pg_gateway.request_log": "'all'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)
        cls.log = LogReader(cls.cluster)

    def setUp(self):
        self.cluster.set_config(request_log="all")

    def gql(self, query, token=None, operation=None, request_id=None):
        h = {"Content-Type": "application/json"}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        if request_id is not None:
            h["X-Request-Id"] = request_id
        doc = {"query": query}
        if operation:
            doc["operationName"] = operation
        return self.cluster.request("POST", "/graphql", h, json.dumps(doc))

    def test_requests_of_every_kind_are_logged(self):
        c = self.cluster
        token = hs256({"role": "app_user", "sub": "alice", "exp": int(time.time()) + 600})
        query = "query Items { allItems { nodes { name } } }"
        ok = self.gql(query, token, "Items", new_id())
        self.assertEqual(ok.status, 200, ok.body)
        anon = self.gql(query, None, "Items")  # a generated request id
        self.assertEqual(anon.status, 200, anon.body)
        bad_token = self.gql(query, "not.a.token", "Items", new_id())
        self.assertEqual(bad_token.status, 401, bad_token.body)
        missing = c.request("GET", "/no/such/route?x=1", {"X-Request-Id": new_id()})
        self.assertEqual(missing.status, 404, missing.body)
        mutation = 'mutation AddBad { createItem(input: {item: {name: "bad"}}) { item { id } } }'
        failed = self.gql(mutation, token, "AddBad", new_id())
        self.assertEqual(failed.status, 200, failed.body)
        self.assertIn("errors", failed.json(), failed.body)  # its transaction rolled back
        self.assertEqual(c.sql("SELECT count(*) FROM public.item WHERE name = 'bad'"), "0")

        responses = [ok, anon, bad_token, missing, failed]
        ids = [r.header("X-Request-Id") for r in responses]
        self.assertTrue(all(ids), ids)
        rows = self.log.wait_rows(ids)
        qhash = hashlib.sha256(query.encode()).hexdigest()
        expected = [
            (ok, "POST", "/graphql", "app_user", "alice", "Items", qhash),
            (anon, "POST", "/graphql", "app_anon", None, "Items", qhash),
            (bad_token, "POST", "/graphql", None, None, "Items", qhash),
            (missing, "GET", "/no/such/route", None, None, None, None),
            (failed, "POST", "/graphql", "app_user", "alice", "AddBad",
             hashlib.sha256(mutation.encode()).hexdigest()),
        ]
        for resp, method, path, role, sub, op, dhash in expected:
            rid = resp.header("X-Request-Id")
            with self.subTest(path=path, status=resp.status, rid=rid):
                row = rows[rid]
                self.assertEqual(row["status"], resp.status)
                self.assertEqual((row["method"], row["path"]), (method, path))
                self.assertEqual((row["role"], row["jwt_sub"]), (role, sub))
                self.assertEqual((row["operation_name"], row["document_hash"]), (op, dhash))
                self.assertEqual(row["bytes"], len(resp.body))
                self.assertEqual(row["worker"], 1)
                self.assertEqual(row["client_addr"], "127.0.0.1")
                self.assertGreaterEqual(row["duration"], 0)
        # The rows are in a partition the log writer made, not the default one.
        month = c.sql("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYYMM')")
        self.assertEqual(c.sql("SELECT tableoid::regclass FROM gateway.request_log "
                               f"WHERE request_id = '{ids[0]}'"),
                         f"gateway.request_log_p{month}")

    def test_sql_routes_log_their_role_and_subject(self):
        c = self.cluster
        c.sql("CREATE OR REPLACE FUNCTION public.hello(request jsonb) RETURNS jsonb LANGUAGE sql "
              "AS $$ SELECT jsonb_build_object('hello', 'world') $$; "
              "GRANT EXECUTE ON FUNCTION public.hello(jsonb) TO app_user; "
              "SELECT gateway.register_route('GET', '/hello', 'public.hello(jsonb)', 'app_user') "
              "WHERE NOT EXISTS (SELECT FROM gateway.routes WHERE path = '/hello')")
        token = hs256({"role": "app_anon", "sub": "bob", "exp": int(time.time()) + 600})
        r = c.request("GET", "/hello", {"Authorization": "Bearer " + token,
                                        "X-Request-Id": new_id()})
        self.assertEqual(r.status, 200, r.body)
        row = self.log.wait_rows([r.header("X-Request-Id")])[r.header("X-Request-Id")]
        # The route runs as its registered role, whatever the token says.
        self.assertEqual((row["role"], row["jwt_sub"], row["status"]), ("app_user", "bob", 200))
        self.assertEqual((row["method"], row["path"], row["bytes"]), ("GET", "/hello", len(r.body)))

    def test_errors_mode_keeps_only_failures(self):
        c = self.cluster
        c.set_config(request_log="errors")
        ok = c.request("GET", "/live", {"X-Request-Id": new_id()})
        missing = c.request("GET", "/nothing-here", {"X-Request-Id": new_id()})
        refused = self.gql("{ allItems { totalCount } }", "not.a.token", request_id=new_id())
        self.assertEqual((ok.status, missing.status, refused.status), (200, 404, 401))
        ids = [r.header("X-Request-Id") for r in (ok, missing, refused)]
        rows = self.log.wait_rows(ids[1:])
        self.assertEqual(sorted(r["status"] for r in rows.values()), [401, 404])
        time.sleep(1.5)  # past the writer's flush interval: the 200 never comes
        self.assertNotIn(ids[0], self.log.rows(ids))

    def test_off_logs_nothing(self):
        c = self.cluster
        c.set_config(request_log="off")
        rid = new_id()
        self.assertEqual(c.request("GET", "/nothing-here", {"X-Request-Id": rid}).status, 404)
        time.sleep(1.5)
        self.assertEqual(self.log.rows([rid]), {})

    def test_only_superusers_and_auditors_read_it(self):
        c = self.cluster
        c.sql("DO $$ BEGIN CREATE ROLE rl_reader LOGIN; EXCEPTION WHEN duplicate_object THEN "
              "NULL; END $$")
        r = c.psql("SELECT count(*) FROM gateway.request_log", user="rl_reader", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("permission denied", r.stderr)
        auditor = c.sql("SELECT rolname FROM pg_roles WHERE rolname LIKE '%gateway_auditor'")
        self.assertTrue(auditor)
        c.sql(f"GRANT {auditor} TO rl_reader")
        r = c.psql("SELECT count(*) >= 0 FROM gateway.request_log", user="rl_reader")
        self.assertEqual(r.stdout.strip(), "t")
        r = c.psql("DELETE FROM gateway.request_log", user="rl_reader", check=False)
        self.assertIn("permission denied", r.stderr)


class RequestLogShutdown(unittest.TestCase):
    """A fast shutdown signals every worker at once; the writer waits for
    the HTTP workers and flushes before it exits."""

    def test_fast_shutdown_right_after_a_burst_loses_nothing(self):
        c = Cluster("test_request_log-Shutdown", {"pg_gateway.http_workers": "2",
                                                   "pg_gateway.job_workers": "0",
                                                   "pg_gateway.request_log": "'all'"})
        c.init().start()
        try:
            c.sql("CREATE EXTENSION pg_gateway")
            reader = LogReader(c)
            wait_until(lambda: c.sql("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                                     "'gateway.request_log'::regclass") != "0",
                       what="the log writer's partitions")
            n = 300
            prefix = "burst-" + uuid.uuid4().hex[:8] + "-"
            # Pipelined on two connections (one per worker, as the kernel
            # spreads them): the whole burst is answered in well under the
            # writer's one-second flush interval, so most of it is still in
            # shared memory when the shutdown starts.
            socks = [connect(c.http_port), connect(c.http_port)]
            for k, s in enumerate(socks):
                s.sendall(b"".join(build_request("GET", "/live", {"X-Request-Id": f"{prefix}{i}"})
                                   for i in range(k, n, 2)))
            for k, s in enumerate(socks):
                for i in range(k, n, 2):
                    self.assertEqual(read_response(s).status, 200)
            for s in socks:
                s.close()
            stop = c.stop(mode="fast")
            self.assertEqual(stop.returncode, 0)
            c.start()
            count = c.sql(f"SELECT count(*) FROM gateway.request_log WHERE request_id LIKE "
                          f"'{prefix}%'")
            self.assertEqual(int(count), n, c.log()[-3000:])
            self.assertIn("pg_gateway log writer: shutting down", c.log())
            self.assertNotIn("request log entries lost", c.log())
            del reader
        finally:
            c.stop(mode="immediate", check=False)


class RequestLogTinyBuffer(ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1",
                "pg_gateway.job_workers": "0",
                "pg_gateway.request_log": "'all'",
                "pg_gateway.request_log_buffer": "16"}

    def test_a_full_buffer_drops_and_counts_never_fails_requests(self):
        c = self.cluster
        reader = LogReader(c)
        # Once a marker is written, every earlier entry is accounted for.
        marker = new_id()
        self.assertEqual(c.request("GET", "/live", {"X-Request-Id": marker}).status, 200)
        reader.wait_rows([marker])
        offset = len(c.log())
        n = 1000
        before = reader.stats()
        started = time.time()
        s = connect(c.http_port)
        s.sendall(b"".join(build_request("GET", "/live") for _ in range(n)))
        statuses = [read_response(s).status for _ in range(n)]
        s.close()
        elapsed = time.time() - started
        self.assertEqual(statuses, [200] * n)
        self.assertLess(elapsed, 10)
        wait_until(lambda: reader.stats()["buffered"] == 0, what="an empty buffer")
        after = reader.stats()
        written = after["written"] - before["written"]
        dropped = after["dropped"] - before["dropped"]
        self.assertGreater(dropped, 0, after)
        self.assertEqual(written + dropped, n, after)
        self.assertIn("WARNING:  pg_gateway: the request log buffer is full", c.log()[offset:])


if __name__ == "__main__":
    unittest.main()
