#!/usr/bin/env python3
"""pg_gateway's inbound webhooks against the glue they replace, on ONE
PostgreSQL 15 cluster. Run by bench/webhooks_vs_fastify.sh; see
bench/README.md.

The anchor (bench/webhooks/glue.mjs, one Node process): Fastify, POST
/webhooks/:name, Standard Webhooks verification of the raw body with npm
standardwebhooks, runner.addJob() of Graphile Worker 0.18 (same process,
concurrency JOB_WORKERS), whose task runs the INSERT and pg_notify()s
'webhook_done'; a LISTENing pg client answers the waiting request with 200
and the result ({"id": n}), or 202 after 10 s.

pg_gateway: the same INSERT as a SQL task (bench_event(jsonb), registered
with gateway.register_task), a webhook source 'bench' (verifier
standard_webhooks, task bench_event, the same whsec_ secret); POST
/webhooks/bench on pg_gateway.port answers 200 with the job's result once
the job has run.

Both get the same deliveries: each a distinct webhook-id (also the body's
"id", which becomes bench_events.event_id, UNIQUE), timestamp = when the
file was made (just before each run), signed with Python's hmac. wrk with
bench/webhooks/post_signed.lua sends each line once and counts statuses.

LOADS ("1:1 2:32", threads:connections), ROUNDS (3), DURATION (10 s),
WARMUP (2 s, fresh deliveries too); in each round and load both servers
back to back (which goes first alternates). Per run: req/s, p50, p99, the
CPU time per request of the cluster's processes (+ the node process for
the anchor), and the correctness checks: no non-2xx, no 202, no socket
error, every 200 body has "id", and once both queues are empty,
200s <= rows in bench_events <= 200s + requests still in flight when wrk
stopped (their jobs run after wrk has gone). Medians, then the ratios
pg_gateway req/s / anchor req/s and pg_gateway p99 vs anchor p50.

Environment: LOADS, ROUNDS, DURATION, WARMUP, JOB_WORKERS (2: Graphile
Worker's concurrency and pg_gateway.job_workers), HTTP_WORKERS (2,
pg_gateway.http_workers), SERVERS ("anchor pg_gateway"), PG_PORT (55490,
names the cluster's Unix socket), GW_PORT (55491, pg_gateway.port),
GLUE_PORT (55492), WRK, NODE, PG_BIN (as for the harness), VERBOSE=1,
KEEP=1 (keep the scratch dir: server log, glue.log).

Exit status 0 when every measured run passed its checks; 1 when a run
failed them, or a server could not be set up (pg_gateway without inbound
webhooks: the anchor is still measured, then exit 1 with a clear message).
"""

import base64
import hashlib
import hmac
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "integration"))
sys.dont_write_bytecode = True
import harness  # noqa: E402

LOADS = [tuple(int(x) for x in l.split(":")) for l in
         os.environ.get("LOADS", "1:1 2:32").split()]
ROUNDS = int(os.environ.get("ROUNDS", "3"))
DURATION = int(os.environ.get("DURATION", "10"))
WARMUP = int(os.environ.get("WARMUP", "2"))
JOB_WORKERS = int(os.environ.get("JOB_WORKERS", "2"))
HTTP_WORKERS = int(os.environ.get("HTTP_WORKERS", "2"))
SERVERS = os.environ.get("SERVERS", "anchor pg_gateway").split()
PG_PORT = int(os.environ.get("PG_PORT", "55490"))
GW_PORT = int(os.environ.get("GW_PORT", "55491"))
GLUE_PORT = int(os.environ.get("GLUE_PORT", "55492"))
WRK = os.environ.get("WRK") or shutil.which("wrk") or "wrk"
NODE = os.environ.get("NODE") or shutil.which("node") or "node"
VERBOSE = bool(os.environ.get("VERBOSE"))
LUA = os.path.join(HERE, "post_signed.lua")
CLK_TCK = os.sysconf("SC_CLK_TCK")
SOURCE = "bench"

SETUP_SQL = r"""
CREATE EXTENSION pg_gateway;
CREATE TABLE bench_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   text NOT NULL UNIQUE,
    payload    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE ROLE bench_hooks;
GRANT INSERT, SELECT ON bench_events TO bench_hooks;
-- pg_gateway's task: the same one statement as the anchor's Graphile Worker task.
CREATE FUNCTION bench_event(payload jsonb) RETURNS jsonb LANGUAGE sql AS $$
  INSERT INTO bench_events (event_id, payload) VALUES (payload->>'id', payload)
  RETURNING jsonb_build_object('id', id) $$;
SELECT gateway.register_task('bench_event', 'bench_event(jsonb)'::regprocedure, 'bench_hooks');
"""


def log(msg):
    print(f"webhooks_vs_fastify: {msg}", file=sys.stderr, flush=True)


def port_free(port):
    with socket.socket() as s:
        # As the servers bind (SO_REUSEADDR): the TIME-WAIT connections of
        # an earlier run do not make the port busy.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def sign_standard(secret, msg_id, ts, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


class Bench:
    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="pg_gateway-webhooks-bench.")
        os.chmod(self.work, 0o755)
        if harness.IS_ROOT:
            shutil.chown(self.work, harness.SERVER_USER, harness.SERVER_USER)
        harness.TEST_ROOT = self.work
        self.secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
        self.seq = 0  # delivery counter, for distinct webhook-ids
        self.glue = None
        self.gw_error = None  # why pg_gateway's side is not available
        for port in (GW_PORT, GLUE_PORT):
            if not port_free(port):
                raise RuntimeError(f"127.0.0.1:{port} is in use (set GW_PORT / GLUE_PORT)")
        c = self.cluster = harness.Cluster("webhooks", {
            "pg_gateway.http_workers": str(HTTP_WORKERS),
            "pg_gateway.job_workers": str(JOB_WORKERS),
            "max_worker_processes": "32", "max_connections": "100"})
        c.port, c.http_port = PG_PORT, GW_PORT
        c.settings.update({"port": str(PG_PORT), "pg_gateway.port": str(GW_PORT)})
        c.init().start()
        c.sql(SETUP_SQL)
        self.conn = f"postgres://postgres@localhost:{c.port}/postgres?host={c.socket_dir}"
        if "pg_gateway" in SERVERS:
            self.setup_gateway()

    # -- pg_gateway's side ---------------------------------------------------
    def setup_gateway(self):
        c = self.cluster
        have = c.sql("SELECT count(*) FROM pg_proc WHERE proname = 'add_webhook_source' AND "
                     "pronamespace = 'gateway'::regnamespace")
        version = c.sql("SELECT extversion FROM pg_extension WHERE extname = 'pg_gateway'")
        if have == "0":
            self.gw_error = (f"the installed pg_gateway ({version}, {harness.PG_BIN}) has no "
                             "inbound webhooks (no gateway.add_webhook_source): merge main, "
                             "make install (or set PG_BIN to a private install), run again")
            return
        # (name, verifier, task identifier, secrets); the sender waits up
        # to 10 s for the job, as the anchor's glue does.
        r = c.psql("SELECT gateway.add_webhook_source('bench', 'standard_webhooks', "
                   f"'bench_event', ARRAY['{self.secret}'], wait => '10 seconds')",
                   check=False)
        if r.returncode != 0:
            self.gw_error = f"gateway.add_webhook_source failed: {r.stderr.strip()}"

    # -- the anchor ------------------------------------------------------------
    def start_glue(self):
        self.glue_log = open(os.path.join(self.work, "glue.log"), "w")
        self.glue = subprocess.Popen([NODE, os.path.join(HERE, "glue.mjs"), self.conn,
                                      str(GLUE_PORT), self.secret, str(JOB_WORKERS)], cwd=HERE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seen = []
        for line in self.glue.stdout:
            seen.append(line)
            if line.startswith("READY"):
                break
        else:
            raise RuntimeError("the Fastify glue did not start:\n" + "".join(seen))

        def drain(out, sink):
            for line in out:
                sink.write(line)
                sink.flush()
        threading.Thread(target=drain, args=(self.glue.stdout, self.glue_log),
                         daemon=True).start()

    def stop(self):
        if self.glue:
            self.glue.terminate()
            try:
                self.glue.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.glue.kill()
        self.cluster.stop(mode="immediate", check=False)
        if os.environ.get("KEEP"):
            log(f"kept {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    # -- deliveries --------------------------------------------------------------
    def url(self, server):
        port = GLUE_PORT if server == "anchor" else GW_PORT
        return f"http://127.0.0.1:{port}/webhooks/{SOURCE}"

    def delivery(self, ts):
        self.seq += 1
        msg_id = f"msg_{self.seq:09d}_{os.getpid()}"
        body = json.dumps({"id": msg_id, "type": "invoice.paid",
                           "data": {"invoice": f"in_{self.seq}", "amount": 1000 + self.seq % 9000,
                                    "currency": "eur", "customer": "cus_bench"}},
                          separators=(",", ":"))
        return msg_id, ts, sign_standard(self.secret, msg_id, ts, body), body

    def requests_file(self, n):
        path = os.path.join(self.work, "requests.tsv")
        ts = int(time.time())
        with open(path, "w") as f:
            for _ in range(n):
                f.write("\t".join(str(x) for x in self.delivery(ts)) + "\n")
        return path

    def post(self, server, headers, body):
        req = urllib.request.Request(self.url(server), data=body.encode(), method="POST",
                                     headers=dict(headers, **{"Content-Type": "application/json"}))
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def probe(self, server):
        """One good delivery (200 with {"id": n}, and the row is there) and one
        with a wrong signature (4xx, no row)."""
        msg_id, ts, sig, body = self.delivery(int(time.time()))
        hdr = {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": sig}
        status, answer = good = self.post(server, hdr, body)
        if status != 200:
            raise RuntimeError(f"{server}: a signed delivery got {status}: {answer[:300]}")
        try:
            row = json.loads(answer)["id"]
        except (ValueError, KeyError, TypeError):
            raise RuntimeError(f"{server}: a signed delivery got 200 without an id: {answer[:300]}")
        got = self.cluster.sql(f"SELECT event_id FROM bench_events WHERE id = {int(row)}")
        if got != msg_id:
            raise RuntimeError(f"{server}: answered id {row}, but that row is {got!r}")
        msg_id, ts, sig, body = self.delivery(int(time.time()))
        bad = {"webhook-id": msg_id, "webhook-timestamp": str(ts),
               "webhook-signature": "v1," + base64.b64encode(b"\0" * 32).decode()}
        status, answer = self.post(server, bad, body)
        if not 400 <= status < 500:
            raise RuntimeError(f"{server}: a badly signed delivery got {status}: {answer[:300]}")
        log(f"{server}: signed delivery -> 200 {good[1].strip()}; wrong signature -> {status}")

    # -- cluster state -------------------------------------------------------------
    def queue_left(self, server):
        if server == "anchor":  # Graphile Worker deletes a job once it succeeded
            return int(self.cluster.sql("SELECT count(*) FROM graphile_worker._private_jobs"))
        return int(self.cluster.sql("SELECT count(*) FROM gateway.jobs "
                                    "WHERE status IN ('queued', 'running')"))

    def failed_jobs(self, server):
        if server == "anchor":
            return int(self.cluster.sql("SELECT count(*) FROM graphile_worker._private_jobs "
                                        "WHERE attempts > 0"))
        return int(self.cluster.sql("SELECT count(*) FROM gateway.jobs WHERE status = 'failed'"))

    def wait_drained(self, server, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            left = self.queue_left(server)
            if left == 0 or (server == "anchor" and left == self.failed_jobs(server)):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{server}: {self.queue_left(server)} jobs still queued after "
                           f"{timeout} s")

    def cpu_ticks(self):
        """utime+stime of the postmaster, its live children and its reaped
        children (cutime+cstime), and of the glue's node process."""
        pm = self.cluster.postmaster_pid()
        ticks = {}
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ppid = int(fields[1])
            if int(pid) == pm:
                ticks["postgres"] = ticks.get("postgres", 0) + sum(int(x) for x in fields[11:15])
            elif ppid == pm:
                ticks["postgres"] = ticks.get("postgres", 0) + int(fields[11]) + int(fields[12])
            elif self.glue and int(pid) == self.glue.pid:
                ticks["node"] = int(fields[11]) + int(fields[12])
        return ticks

    # -- one wrk run ------------------------------------------------------------------
    def wrk(self, server, threads, conns, seconds, n):
        path = self.requests_file(n)
        self.cluster.sql("TRUNCATE bench_events")
        before = self.cpu_ticks()
        cmd = [WRK, f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--timeout", "15s",
               "-s", LUA, self.url(server), "--", path, str(threads)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
        after = self.cpu_ticks()
        if VERBOSE:
            print(r.stdout, flush=True)
        line = [l for l in r.stdout.splitlines() if l.startswith("WRKRESULT ")]
        if r.returncode != 0 or not line:
            raise RuntimeError(f"wrk failed ({r.returncode}): {r.stdout}{r.stderr}")
        m = json.loads(line[0].split(" ", 1)[1])
        self.wait_drained(server)
        m["rows"] = int(self.cluster.sql("SELECT count(*) FROM bench_events"))
        m["failed_jobs"] = self.failed_jobs(server)
        per_req = CLK_TCK / 1e6 * max(m["requests"], 1)
        m["cpu_pg_us"] = (after.get("postgres", 0) - before.get("postgres", 0)) / per_req
        m["cpu_node_us"] = ((after.get("node", 0) - before.get("node", 0)) / per_req
                            if server == "anchor" else 0.0)
        m["cpu_us"] = m["cpu_pg_us"] + m["cpu_node_us"]
        in_flight = m["sent"] - m["answered"]
        problems = []
        if m["non2xx"] or m["other2xx"] or m["bad_body"]:
            problems.append(f"{m['non2xx']} non-2xx, {m['other2xx']} other 2xx (202: not done "
                            f"in 10 s), {m['bad_body']} 200s without an id")
        if m["socket_errors"] or m["timeouts"]:
            problems.append(f"{m['socket_errors']} socket errors, {m['timeouts']} timeouts")
        if not m["ok200"] <= m["rows"] <= m["ok200"] + in_flight:
            problems.append(f"{m['rows']} rows in bench_events for {m['ok200']} 200s and "
                            f"{in_flight} requests in flight at the end")
        if m["failed_jobs"]:
            problems.append(f"{m['failed_jobs']} failed jobs")
        m["in_flight"] = in_flight
        m["problems"] = problems
        return m

    def measure(self, server, threads, conns, estimate):
        """WARMUP s then DURATION s of the load; each with enough fresh
        deliveries that no thread wraps around (rerun with twice as many if
        one did)."""
        for seconds in (WARMUP, DURATION):
            if seconds <= 0:
                continue
            n = int(max(2000, estimate.get((server, conns), 3000) * (seconds + 1) * 3))
            for _ in range(4):
                m = self.wrk(server, threads, conns, seconds, n)
                estimate[(server, conns)] = max(m["rps"], 1)
                if not m["wrapped"]:
                    break
                log(f"{server}: {n} deliveries were not enough for {seconds} s, rerunning")
                n *= 2
            else:
                m["problems"].append("deliveries wrapped around")
        return m


def describe(b):
    node = subprocess.run([NODE, "--version"], capture_output=True, text=True).stdout.strip()
    versions = {}
    for pkg in ("fastify", "graphile-worker", "standardwebhooks", "pg"):
        with open(os.path.join(HERE, "node_modules", pkg, "package.json")) as f:
            versions[pkg] = json.load(f)["version"]
    pg = b.cluster.sql("SHOW server_version")
    gw = b.cluster.sql("SELECT extversion FROM pg_extension WHERE extname = 'pg_gateway'")
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    print(f"PostgreSQL {pg} ({harness.PG_BIN}), pg_gateway {gw} ({HTTP_WORKERS} HTTP workers, "
          f"{JOB_WORKERS} job workers); anchor: node {node}, fastify {versions['fastify']}, "
          f"graphile-worker {versions['graphile-worker']} (concurrency {JOB_WORKERS}, same "
          f"process), standardwebhooks {versions['standardwebhooks']}, pg {versions['pg']}; "
          f"{os.cpu_count()} cores, load average before: {load}", flush=True)


def report(runs, servers):
    print(f"\nmedians of {ROUNDS} rounds ({DURATION} s each)")
    print("%-6s %-11s %9s %9s %9s %11s" % ("load", "server", "req/s", "p50_ms", "p99_ms",
                                           "cpu_us/req"))
    med = {}
    for threads, conns in LOADS:
        for server in servers:
            rows = [r for r in runs if r["conns"] == conns and r["server"] == server]
            if not rows:
                continue
            m = med[(server, conns)] = {k: statistics.median(r[k] for r in rows)
                                        for k in ("rps", "p50_ms", "p99_ms", "cpu_us")}
            print("%-6s %-11s %9.1f %9.2f %9.2f %11.1f" % (
                f"{threads}:{conns}", server, m["rps"], m["p50_ms"], m["p99_ms"], m["cpu_us"]))
    print()
    for threads, conns in LOADS:
        g, a = med.get(("pg_gateway", conns)), med.get(("anchor", conns))
        if not (g and a):
            continue
        per_round = []
        for rnd in sorted({r["round"] for r in runs}):
            rps = {r["server"]: r["rps"] for r in runs if r["conns"] == conns and
                   r["round"] == rnd}
            if len(rps) == 2:
                per_round.append(rps["pg_gateway"] / rps["anchor"])
        print(f"c={conns}: req/s pg_gateway/anchor = {g['rps'] / a['rps']:.2f}x (per round "
              f"{', '.join('%.2f' % x for x in per_round)}); pg_gateway p99 {g['p99_ms']:.2f} ms "
              f"vs anchor p50 {a['p50_ms']:.2f} ms ({'below' if g['p99_ms'] < a['p50_ms'] else 'NOT below'}); "
              f"CPU per request anchor/pg_gateway = {a['cpu_us'] / g['cpu_us']:.2f}x")


def main():
    b = Bench()
    status = 0
    try:
        servers = [s for s in SERVERS if s == "anchor"]
        if "anchor" in SERVERS:
            b.start_glue()
            b.probe("anchor")
        if "pg_gateway" in SERVERS:
            if b.gw_error:
                log("pg_gateway: NOT MEASURED: " + b.gw_error)
                status = 1
            else:
                b.probe("pg_gateway")
                servers.append("pg_gateway")
        if not servers:
            return 1
        describe(b)
        runs, estimate = [], {}
        print("\n%-5s %-6s %-11s %9s %9s %9s %10s %7s %7s  %s" % (
            "round", "load", "server", "req/s", "p50_ms", "p99_ms", "cpu_us/req", "200s",
            "rows", "checks"), flush=True)
        for rnd in range(1, ROUNDS + 1):
            order = servers if rnd % 2 == 1 else servers[::-1]
            for threads, conns in LOADS:
                for server in order:
                    m = b.measure(server, threads, conns, estimate)
                    m.update(round=rnd, server=server, conns=conns)
                    runs.append(m)
                    print("%-5d %-6s %-11s %9.1f %9.2f %9.2f %10.1f %7d %7d  %s" % (
                        rnd, f"{threads}:{conns}", server, m["rps"], m["p50_ms"], m["p99_ms"],
                        m["cpu_us"], m["ok200"], m["rows"],
                        "; ".join(m["problems"]) or
                        f"ok (rows - 200s = {m['rows'] - m['ok200']} of {m['in_flight']} "
                        f"in flight at the end; CPU us/req postgres {m['cpu_pg_us']:.0f}, "
                        f"node {m['cpu_node_us']:.0f})"), flush=True)
                    if m["problems"]:
                        status = 1
        report(runs, servers)
        if b.gw_error and "pg_gateway" in SERVERS:
            print(f"\npg_gateway: NOT MEASURED: {b.gw_error}")
        if status:
            log("some runs failed their checks, or pg_gateway was not measured")
        return status
    finally:
        b.stop()


if __name__ == "__main__":
    sys.exit(main())
