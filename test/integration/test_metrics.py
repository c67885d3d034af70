"""GET /metrics against a real cluster (issue 15): both exposition formats,
values that move with the requests and jobs this test makes, the access
list, pg_gateway.metrics = off, an answer before CREATE EXTENSION,
`promtool check metrics` on the output, and a real Prometheus scraping a
worker."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

from harness import SERVER_USER, IS_ROOT, Cluster, ClusterTestCase, as_server_user, free_port

TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OM_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                     "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")

SETUP_SQL = r"""
CREATE ROLE gql_web NOLOGIN;
GRANT USAGE ON SCHEMA public TO gql_web;
CREATE TABLE public.widget (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO public.widget (name) VALUES ('alpha'), ('beta');
GRANT SELECT ON public.widget TO gql_web;
CREATE ROLE job_runner;
CREATE FUNCTION public.record(payload jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT payload';
CREATE FUNCTION public.explode(payload jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'exploded'; END $$;
SELECT gateway.register_task('record', 'public.record(jsonb)', 'job_runner');
SELECT gateway.register_task('explode', 'public.explode(jsonb)', 'job_runner');
"""

# Every family of the metric names contract (/work/notes/metrics_contract.md)
# that /metrics exports, with its type.
CONTRACT = {
    "pg_gateway_build_info": "gauge",
    "pg_gateway_up": "gauge",
    "pg_gateway_http_requests_total": "counter",
    "pg_gateway_http_request_duration_seconds": "histogram",
    "pg_gateway_http_connections_open": "gauge",
    "pg_gateway_http_connections_accepted_total": "counter",
    "pg_gateway_http_connections_rejected_total": "counter",
    "pg_gateway_http_parse_errors_total": "counter",
    "pg_gateway_http_timeouts_total": "counter",
    "pg_gateway_graphql_plan_cache_hits_total": "counter",
    "pg_gateway_graphql_plan_cache_misses_total": "counter",
    "pg_gateway_graphql_schema_builds_total": "counter",
    "pg_gateway_graphql_response_cache_hits_total": "counter",
    "pg_gateway_graphql_response_cache_misses_total": "counter",
    "pg_gateway_jwt_verifications_total": "counter",
    "pg_gateway_jwt_failures_total": "counter",
    "pg_gateway_rate_limit_refusals_total": "counter",
    "pg_gateway_jobs_started_total": "counter",
    "pg_gateway_jobs_succeeded_total": "counter",
    "pg_gateway_jobs_failed_total": "counter",
    "pg_gateway_jobs_retried_total": "counter",
    "pg_gateway_job_duration_seconds": "histogram",
    "pg_gateway_webhook_received_total": "counter",
    "pg_gateway_webhook_verified_total": "counter",
    "pg_gateway_webhook_duplicates_total": "counter",
    "pg_gateway_webhook_refusals_total": "counter",
    "pg_gateway_webhook_waiting": "gauge",
    "pg_gateway_request_log_dropped_total": "counter",
    "pg_gateway_worker_starts_total": "counter",
}
# Present once a job worker has measured the queue.
QUEUE_GAUGES = ["pg_gateway_jobs_queue_depth", "pg_gateway_jobs_oldest_due_age_seconds"]

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """{(name, frozenset(labels)): value} and {family: type} of an exposition."""
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            types[name] = kind
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = frozenset(LABEL.findall(m.group(3) or ""))
        samples[(m.group(1), labels)] = float(m.group(4))
    return samples, types


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def promtool_check(text):
    return subprocess.run(["promtool", "check", "metrics"], input=text, text=True,
                          capture_output=True, timeout=60)


class Metrics(ClusterTestCase):
    settings = {"pg_gateway.http_workers": "2",
                "pg_gateway.job_workers": "1",
                "pg_gateway.anonymous_role": "'gql_web'",
                "pg_gateway.jwt_secret": "'" + "s" * 40 + "'",
                "pg_gateway.job_forbidden_flags": "'never'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)

    def scrape(self, accept=None):
        h = {"Accept": accept} if accept else {}
        r = self.cluster.get("/metrics", headers=h)
        self.assertEqual(r.status, 200, r.body)
        return r

    def text(self, r):
        return r.body.decode() if isinstance(r.body, bytes) else r.body

    def gql(self, query, headers=None):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        return self.cluster.request("POST", "/graphql", h, json.dumps({"query": query}))

    def test_text_format_has_the_contract_and_passes_promtool(self):
        r = self.scrape()
        self.assertEqual(r.header("content-type"), TEXT_TYPE)
        self.assertEqual(r.header("cache-control"), "no-store")
        body = self.text(r)
        samples, types = parse(body)
        for family, kind in CONTRACT.items():
            self.assertEqual(types.get(family), kind, family)
        self.assertEqual(value(samples, "pg_gateway_up"), 1)
        self.assertNotIn("# EOF", body)
        check = promtool_check(body)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        # promtool prints lint problems (names, units, _total) on stdout.
        self.assertEqual(check.stdout.strip(), "", check.stdout)
        starts = value(samples, "pg_gateway_worker_starts_total", kind="http")
        self.assertGreaterEqual(starts, 2)
        build = [k for k in samples if k[0] == "pg_gateway_build_info"]
        self.assertEqual(len(build), 1)
        labels = dict(build[0][1])
        self.assertRegex(labels["version"], r"^\d+\.\d+\.\d+$")
        self.assertTrue(labels["commit"])

    def test_openmetrics_when_asked(self):
        r = self.scrape(PROMETHEUS_ACCEPT)
        self.assertEqual(r.header("content-type"), OM_TYPE)
        body = self.text(r)
        self.assertTrue(body.endswith("# EOF\n"), body[-100:])
        # Counter families are named without _total, their samples with it.
        self.assertIn("# TYPE pg_gateway_http_requests counter\n", body)
        self.assertIn("\npg_gateway_http_requests_total{", body)
        self.assertIn('le="1.0"', body)
        self.assertIn("Accept", r.header("vary"))
        # And text again when text ranks higher.
        r = self.scrape("application/openmetrics-text;q=0.2, text/plain")
        self.assertEqual(r.header("content-type"), TEXT_TYPE)

    def test_requests_are_counted_by_route_method_and_status(self):
        before = parse(self.text(self.scrape()))[0]
        # Connections alternate between the two workers; both count.
        for _ in range(4):
            r = self.gql("{ allWidgets { totalCount } }")
            self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.cluster.get("/nowhere-at-all").status, 404)
        self.assertEqual(self.cluster.get("/live").status, 200)
        after = parse(self.text(self.scrape()))[0]
        d = lambda name, **l: value(after, name, **l) - value(before, name, **l)
        self.assertEqual(d("pg_gateway_http_requests_total", route="graphql", method="POST",
                           status_class="2xx"), 4)
        self.assertEqual(d("pg_gateway_http_requests_total", route="other", method="GET",
                           status_class="4xx"), 1)
        self.assertEqual(d("pg_gateway_http_requests_total", route="health", method="GET",
                           status_class="2xx"), 1)
        # The scrape before this one counted itself once done.
        self.assertGreaterEqual(d("pg_gateway_http_requests_total", route="metrics",
                                  method="GET", status_class="2xx"), 1)
        self.assertEqual(d("pg_gateway_http_request_duration_seconds_count", route="graphql"), 4)
        self.assertEqual(d("pg_gateway_http_request_duration_seconds_bucket", route="graphql",
                           le="+Inf"), 4)
        self.assertGreater(d("pg_gateway_http_request_duration_seconds_sum", route="graphql"), 0)
        self.assertGreaterEqual(d("pg_gateway_http_connections_accepted_total"), 7)
        self.assertGreaterEqual(value(after, "pg_gateway_graphql_schema_builds_total"), 1)
        # Published by each worker after its poll round: the scrape, a later
        # connection, sees them (the plan cache counts statements, not requests).
        self.assertGreaterEqual(d("pg_gateway_graphql_plan_cache_hits_total") +
                                d("pg_gateway_graphql_plan_cache_misses_total"), 1)

    def test_jwt_failures_by_reason(self):
        before = parse(self.text(self.scrape()))[0]
        r = self.gql("{ allWidgets { totalCount } }", {"Authorization": "Bearer not-a-jwt"})
        self.assertEqual(r.status, 401, r.body)
        after = parse(self.text(self.scrape()))[0]
        self.assertEqual(value(after, "pg_gateway_jwt_failures_total", reason="malformed") -
                         value(before, "pg_gateway_jwt_failures_total", reason="malformed"), 1)
        self.assertEqual(value(after, "pg_gateway_jwt_verifications_total") -
                         value(before, "pg_gateway_jwt_verifications_total"), 1)
        self.assertEqual(
            value(after, "pg_gateway_http_requests_total", route="graphql", method="POST",
                  status_class="4xx") -
            value(before, "pg_gateway_http_requests_total", route="graphql", method="POST",
                  status_class="4xx"), 1)

    def test_jobs_by_task_and_the_queue(self):
        ok = self.cluster.sql("SELECT id FROM gateway.add_job('record', '{\"n\": 1}')")
        bad = self.cluster.sql("SELECT id FROM gateway.add_job('explode', '{}', max_attempts => 1)")
        # Due, but no worker may take it: it stays in the queue.
        self.cluster.sql("SELECT gateway.add_job('record', '{}', flags => ARRAY['never'], "
                         "run_at => now() - interval '30 seconds')")

        def done():
            s = parse(self.text(self.scrape()))[0]
            return (value(s, "pg_gateway_jobs_succeeded_total", task="record") >= 1 and
                    value(s, "pg_gateway_jobs_failed_total", task="explode") >= 1 and
                    value(s, "pg_gateway_jobs_queue_depth") >= 1)
        self.cluster.wait_for(done, timeout=30, what=f"jobs {ok}, {bad} and the queue counted")
        s = parse(self.text(self.scrape()))[0]
        self.assertGreaterEqual(value(s, "pg_gateway_jobs_started_total", task="record"), 1)
        self.assertGreaterEqual(value(s, "pg_gateway_job_duration_seconds_count", task="record"), 1)
        self.assertGreaterEqual(value(s, "pg_gateway_jobs_oldest_due_age_seconds"), 29)
        self.assertEqual(value(s, "pg_gateway_jobs_failed_total", task="record"), 0)
        check = promtool_check(self.text(self.scrape()))
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

    def test_access_list_and_off(self):
        try:
            self.cluster.set_config(metrics_allowed_addresses="10.0.0.0/8")
            r = self.cluster.get("/metrics")
            self.assertEqual(r.status, 403, r.body)
            self.assertIn("metrics_allowed_addresses", r.json()["hint"])
            self.cluster.set_config(metrics_allowed_addresses="10.0.0.0/8, 127.0.0.0/8")
            self.assertEqual(self.cluster.get("/metrics").status, 200)
            self.cluster.set_config(metrics="off")
            self.assertEqual(self.cluster.get("/metrics").status, 404)
        finally:
            self.cluster.sql("ALTER SYSTEM RESET pg_gateway.metrics_allowed_addresses")
            self.cluster.sql("ALTER SYSTEM RESET pg_gateway.metrics")
            self.cluster.reload()
        self.assertEqual(self.cluster.get("/metrics").status, 200)
        # A list that does not parse is refused when set.
        r = self.cluster.psql("ALTER SYSTEM SET pg_gateway.metrics_allowed_addresses = "
                              "'10.0.0.0/99'", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("prefix length", r.stderr)


class MetricsBeforeCreateExtension(ClusterTestCase):
    create_extension = False

    def test_answers_without_the_extension(self):
        r = self.cluster.get("/metrics")
        self.assertEqual(r.status, 200, r.body)
        body = r.body.decode() if isinstance(r.body, bytes) else r.body
        samples, types = parse(body)
        self.assertEqual(value(samples, "pg_gateway_up"), 1)
        self.assertEqual(types["pg_gateway_http_requests_total"], "counter")
        check = promtool_check(body)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)


class RealPrometheus(ClusterTestCase):
    """A real Prometheus (Debian's prometheus package) scrapes a worker on
    loopback every second; its HTTP API then returns pg_gateway series."""
    settings = {"pg_gateway.http_workers": "1"}

    def test_prometheus_scrapes_the_worker(self):
        if not shutil.which("prometheus"):
            self.skipTest("prometheus is not installed")
        d = os.path.join(self.cluster.dir, "prometheus")
        os.makedirs(d, exist_ok=True)
        port = free_port()
        with open(os.path.join(d, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: pg_gateway\n"
                    f"    static_configs:\n      - targets: ['127.0.0.1:{self.cluster.http_port}']\n")
        if IS_ROOT:
            shutil.chown(d, SERVER_USER, SERVER_USER)
        log = open(os.path.join(self.cluster.dir, "prometheus.log"), "w")
        proc = subprocess.Popen(as_server_user([
            "prometheus", f"--config.file={d}/prometheus.yml", f"--storage.tsdb.path={d}/data",
            f"--web.listen-address=127.0.0.1:{port}", "--enable-feature=promql-at-modifier"]),
            stdout=log, stderr=subprocess.STDOUT)
        try:
            def query(q):
                url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
                try:
                    with urllib.request.urlopen(url, timeout=5) as resp:
                        return json.load(resp)["data"]["result"]
                except OSError:
                    return []
            self.cluster.wait_for(lambda: query('pg_gateway_up{job="pg_gateway"} == 1'),
                                  timeout=60, what="Prometheus scraped pg_gateway_up")
            self.cluster.wait_for(
                lambda: query('sum(pg_gateway_http_requests_total{route="metrics"}) >= 2'),
                timeout=60, what="Prometheus saw its own scrapes counted")
            up = query('up{job="pg_gateway"}')
            self.assertEqual(up[0]["value"][1], "1", up)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


if __name__ == "__main__":
    unittest.main()
