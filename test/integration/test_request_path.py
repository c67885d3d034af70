"""The request path into SQL (issue #2 points 4 and 6): one transaction per
request, SQLSTATE -> HTTP status, statement_timeout, read-only GETs, run_as,
and the C++/PostgreSQL boundary under injected faults (no crash, no leak)."""

import json
import sys
import threading
import time
import unittest

from harness import ClusterTestCase, connect, build_request, read_response, rss_kb

SETUP_SQL = r"""
CREATE ROLE web NOLOGIN;
CREATE ROLE nobody_special NOLOGIN;
GRANT USAGE ON SCHEMA public TO web, nobody_special;
CREATE TABLE public.notes (id serial PRIMARY KEY, body text UNIQUE NOT NULL);
GRANT SELECT, INSERT ON public.notes TO web;
GRANT USAGE ON SEQUENCE public.notes_id_seq TO web;

CREATE FUNCTION public.echo(r jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT r';
CREATE FUNCTION public.whoami(r jsonb) RETURNS jsonb LANGUAGE sql
  AS $$ SELECT jsonb_build_object('current_user', current_user::text,
                                  'read_only', current_setting('transaction_read_only')) $$;
CREATE FUNCTION public.add_note(r jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE n notes;
BEGIN
  INSERT INTO notes(body) VALUES (r->'body'->>'text') RETURNING * INTO n;
  IF r->'body'->>'fail' = 'after_insert' THEN
    RAISE EXCEPTION 'failing after the insert' USING ERRCODE = 'XX000';
  END IF;
  PERFORM set_config('response.status', '201', true);
  RETURN to_jsonb(n);
END $$;
CREATE FUNCTION public.raise_it(r jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'custom failure for %', r->'query'->>'who'
    USING ERRCODE = coalesce(r->'query'->>'code', 'P0001'), DETAIL = 'some detail', HINT = 'a hint';
END $$;
CREATE FUNCTION public.sleepy(r jsonb) RETURNS jsonb LANGUAGE sql
  AS $$ SELECT jsonb_build_object('slept', pg_sleep((r->'query'->>'s')::float8)::text) $$;
CREATE FUNCTION public.nothing(r jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT NULL::jsonb';
CREATE FUNCTION public.doomed(r jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT r';
CREATE FUNCTION public.secret(r jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{"s":1}'::jsonb $$;
REVOKE EXECUTE ON FUNCTION public.secret(jsonb) FROM PUBLIC;

SELECT gateway.register_route('GET',  '/echo',   'public.echo(jsonb)', 'web');
SELECT gateway.register_route('POST', '/echo',   'public.echo(jsonb)', 'web');
SELECT gateway.register_route('GET',  '/whoami', 'public.whoami(jsonb)', 'web');
SELECT gateway.register_route('POST', '/whoami', 'public.whoami(jsonb)', 'web');
SELECT gateway.register_route('POST', '/notes',  'public.add_note(jsonb)', 'web');
SELECT gateway.register_route('GET',  '/notes/write-on-get', 'public.add_note(jsonb)', 'web');
SELECT gateway.register_route('GET',  '/raise',  'public.raise_it(jsonb)', 'web');
SELECT gateway.register_route('GET',  '/sleep',  'public.sleepy(jsonb)', 'web');
SELECT gateway.register_route('GET',  '/nothing','public.nothing(jsonb)', 'web');
SELECT gateway.register_route('GET',  '/doomed', 'public.doomed(jsonb)', 'web');
SELECT gateway.register_route('GET',  '/secret', 'public.secret(jsonb)', 'nobody_special');
"""


class SqlRoutes(ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)

    def post_json(self, path, obj, content_type="application/json"):
        return self.cluster.request("POST", path, {"Content-Type": content_type},
                                    json.dumps(obj) if not isinstance(obj, (bytes, str)) else obj)

    def test_request_document_reaches_the_handler(self):
        r = self.cluster.get("/echo?name=J%C3%BCrgen+x&flag&a=1&a=2",
                             headers={"X-Custom": "v1", "Accept": "application/json"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("content-type"), "application/json; charset=utf-8")
        doc = r.json()
        self.assertEqual(doc["method"], "GET")
        self.assertEqual(doc["path"], "/echo")
        self.assertEqual(doc["query_string"], "name=J%C3%BCrgen+x&flag&a=1&a=2")
        self.assertEqual(doc["query"], {"name": "Jürgen x", "flag": "", "a": "2"})
        self.assertEqual(doc["headers"]["x-custom"], "v1")
        self.assertEqual(doc["remote_addr"], "127.0.0.1")
        self.assertIsNone(doc["body"])

    def test_json_body_is_parsed_by_postgres_and_cannot_inject_keys(self):
        r = self.post_json("/echo", {"a": [1, 2, {"b": None}]})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["body"], {"a": [1, 2, {"b": None}]})
        # A body crafted to close the document and add keys is just invalid JSON.
        r = self.post_json("/echo", '1, "path": "/admin"')
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["code"], "22P02")
        r = self.post_json("/echo", '{"a":')
        self.assertEqual(r.status, 400)
        self.assertIn("invalid input syntax for type json", r.json()["message"])

    def test_non_json_body_is_a_string_and_bad_bytes_are_safe(self):
        r = self.post_json("/echo", "plain text ✓", content_type="text/plain")
        self.assertEqual(r.json()["body"], "plain text ✓")
        r = self.cluster.request("POST", "/echo", {"Content-Type": "text/plain"}, b"\xff\xfe bad")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["body"], "\ufffd\ufffd bad")
        r = self.cluster.request("POST", "/echo", {"Content-Type": "application/json"}, b'"\xff"')
        self.assertEqual(r.status, 400)
        r = self.cluster.request("POST", "/echo", {"Content-Type": "application/json"}, b'"a\x00b"')
        self.assertEqual(r.status, 400)
        self.assertEqual(self.cluster.get("/live").status, 200)

    def test_sqlstate_maps_to_status_with_message_detail_hint(self):
        r = self.cluster.get("/raise?who=alice")
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json(), {"code": "P0001", "message": "custom failure for alice",
                                    "detail": "some detail", "hint": "a hint"})
        for code, status in [("PT402", 402), ("23505", 409), ("42501", 403), ("XX000", 500),
                             ("40001", 503), ("P0002", 404)]:
            r = self.cluster.get(f"/raise?code={code}")
            self.assertEqual((r.status, r.json()["code"]), (status, code))

    def test_each_request_is_its_own_transaction(self):
        r = self.post_json("/notes", {"text": "first"})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["body"], "first")
        # The same unique value again: 409, and nothing half-done stays behind.
        r = self.post_json("/notes", {"text": "first"})
        self.assertEqual((r.status, r.json()["code"]), (409, "23505"))
        r = self.post_json("/notes", {"text": "rolled back", "fail": "after_insert"})
        self.assertEqual(r.status, 500)
        self.assertEqual(self.cluster.sql("SELECT string_agg(body, ',' ORDER BY id) FROM notes"),
                         "first")

    def test_get_runs_read_only_and_writes_need_another_method(self):
        r = self.cluster.get("/whoami")
        self.assertEqual(r.json(), {"current_user": "web", "read_only": "on"})
        r = self.cluster.request("POST", "/whoami", body="")
        self.assertEqual(r.json(), {"current_user": "web", "read_only": "off"})
        r = self.cluster.get("/notes/write-on-get")
        self.assertEqual((r.status, r.json()["code"]), (405, "25006"))

    def test_run_as_role_privileges_apply(self):
        r = self.cluster.get("/secret")
        self.assertEqual((r.status, r.json()["code"]), (403, "42501"))
        self.assertIn("permission denied", r.json()["message"])

    def test_response_status_and_empty_result(self):
        r = self.cluster.get("/nothing")
        self.assertEqual(r.status, 204)
        self.assertIsNone(r.header("content-length"))
        r = self.cluster.request("HEAD", "/echo")
        self.assertEqual(r.status, 200)
        self.assertGreater(int(r.header("content-length")), 0)
        self.assertEqual(r.body, b"")

    def test_statement_timeout_gives_504_and_worker_keeps_serving(self):
        self.cluster.set_config(statement_timeout="300ms")
        try:
            t0 = time.time()
            r = self.cluster.get("/sleep?s=5")
            self.assertEqual((r.status, r.json()["code"]), (504, "57014"))
            self.assertLess(time.time() - t0, 4)
            self.assertEqual(self.cluster.get("/sleep?s=0").status, 200)
        finally:
            self.cluster.sql("ALTER SYSTEM RESET pg_gateway.statement_timeout")
            self.cluster.reload()

    def test_request_in_flight_is_visible_in_pg_stat_activity(self):
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("r", self.cluster.get("/sleep?s=1.5")))
        t.start()
        try:
            self.cluster.wait_for(lambda: self.cluster.sql(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_gateway http' "
                "AND state = 'active' AND query = 'GET /sleep'") == "1", timeout=5,
                what="active request in pg_stat_activity")
        finally:
            t.join()
        self.assertEqual(result["r"].status, 200)
        self.assertEqual(self.cluster.sql(
            "SELECT state FROM pg_stat_activity WHERE backend_type = 'pg_gateway http'"), "idle")

    def test_dropped_handler_is_a_clear_500(self):
        self.cluster.sql("DROP FUNCTION public.doomed(jsonb)")
        r = self.cluster.get("/doomed")
        self.assertEqual(r.status, 500)
        self.assertIn("no longer exists", r.json()["message"])
        self.assertEqual(self.cluster.get("/live").status, 200)

    def test_sql_injection_in_path_and_query_is_inert(self):
        r = self.cluster.get("/echo?x=%27%3B%20DROP%20TABLE%20notes%3B--")
        self.assertEqual(r.json()["query"]["x"], "'; DROP TABLE notes;--")
        r = self.cluster.get("/echo';DROP%20TABLE%20notes;--")
        self.assertEqual(r.status, 404)
        self.assertEqual(self.cluster.sql("SELECT to_regclass('public.notes') IS NOT NULL"), "t")


class FaultsDoNotCrashOrLeak(ClusterTestCase):
    """An ereport(ERROR) inside a request and a C++ exception thrown in the
    core both end as 500 with the worker still serving, and 10,000 of them
    leave the worker's RSS flat."""

    settings = {"pg_gateway.http_workers": "1"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql("CREATE ROLE web NOLOGIN; GRANT USAGE ON SCHEMA public TO web;"
                        "CREATE FUNCTION public.echo(r jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT r';"
                        "SELECT gateway.register_route('GET', '/echo', 'public.echo(jsonb)', 'web');")

    def tearDown(self):
        self.cluster.sql("ALTER SYSTEM RESET pg_gateway.debug_fault")
        self.cluster.reload()

    def hammer(self, n, path="/echo", batch=100):
        """n pipelined GETs over keep-alive connections; returns status counts."""
        counts = {}
        sent = 0
        sock = connect(self.cluster.http_port)
        try:
            while sent < n:
                k = min(batch, n - sent)
                sock.sendall(b"".join(build_request("GET", path) for _ in range(k)))
                for _ in range(k):
                    r = read_response(sock)
                    counts[r.status] = counts.get(r.status, 0) + 1
                sent += k
        finally:
            sock.close()
        return counts

    def set_fault(self, fault):
        self.cluster.set_config(debug_fault=fault)
        self.cluster.wait_for(lambda: self.cluster.get("/echo").status == 500, timeout=5,
                              what=f"fault {fault} armed")

    def test_pg_error_inside_request(self):
        self.set_fault("pg_error")
        r = self.cluster.get("/echo")
        self.assertEqual(r.status, 500)
        self.assertEqual(r.json()["code"], "XX000")
        self.assertEqual(r.json()["message"], "injected fault inside a request transaction")
        self.assertEqual(self.cluster.get("/live").status, 200)
        self.assertEqual(self.cluster.get("/ready").status, 200)

    def test_core_exception_inside_request(self):
        self.set_fault("core_exception")
        r = self.cluster.get("/echo", headers={"X-Request-Id": "trace-me-123"})
        self.assertEqual(r.status, 500)
        self.assertEqual(r.json()["code"], "PGGW500")
        self.assertIn("trace-me-123", r.json()["hint"])
        self.assertEqual(r.header("x-request-id"), "trace-me-123")
        self.cluster.wait_for(lambda: "request trace-me-123 (GET /echo) failed: injected fault"
                              in self.cluster.log(), timeout=5, what="log line with request id")
        self.assertEqual(self.cluster.get("/ready").status, 200)

    def test_ten_thousand_faults_leave_rss_flat(self):
        [pid] = self.cluster.worker_pids()
        # Warm up every path (allocator arenas, caches) before measuring.
        for fault in ("pg_error", "core_exception", "none"):
            self.set_fault(fault) if fault != "none" else self.tearDown()
            self.hammer(1000)
        before = rss_kb(pid)
        self.set_fault("pg_error")
        self.assertEqual(self.hammer(5000), {500: 5000})
        self.set_fault("core_exception")
        self.assertEqual(self.hammer(5000), {500: 5000})
        after = rss_kb(pid)
        print(f"\n  worker RSS over 10,000 failed requests: {before} kB -> {after} kB",
              file=sys.stderr)
        self.tearDown()
        self.assertEqual(self.hammer(10), {200: 10})
        self.assertEqual(self.cluster.worker_pids(), [pid], "the worker never restarted")
        self.assertLess(after - before, 1024,
                        f"worker RSS grew from {before} kB to {after} kB over 10,000 failed requests")


if __name__ == "__main__":
    unittest.main()
