#!/usr/bin/env python3
"""pg_gateway's job queue against Graphile Worker 0.18 on ONE PostgreSQL 15
cluster (issue 4, point 9). Run by bench/jobs_vs_graphile_worker.sh.

For each concurrency C in CONCURRENCY ("1 4 10"):
  pg_gateway: pg_gateway.job_workers = C (each runs one SQL task at a time);
  Graphile Worker: one runner with concurrency C.
and measures, for each:
  drain    time to run JOBS (20000) no-op jobs queued beforehand (jobs/s);
           pg_gateway's drain runs twice, the second time with the
           completion pg_notify() turned off, to measure what it costs;
  latency  from the commit of an add_job to the task's start, on an idle
           worker (SAMPLES samples, p50 and p99);
  enqueue  add_job calls per second from pgbench (-c 4, ENQUEUE_SECONDS),
           jobs scheduled an hour ahead so that nothing runs meanwhile;
plus the database's own limit: a pure-SQL `DELETE ... FOR UPDATE SKIP
LOCKED` dequeue loop under pgbench with C clients on a plain table of JOBS
rows. Prints every figure, medians of ROUNDS, and the ratios. Never fails
on the figures."""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "integration"))
sys.dont_write_bytecode = True
import harness  # noqa: E402

JOBS = int(os.environ.get("JOBS", "20000"))
SAMPLES = int(os.environ.get("SAMPLES", "200"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
ENQUEUE_SECONDS = int(os.environ.get("ENQUEUE_SECONDS", "10"))
CONCURRENCY = [int(c) for c in os.environ.get("CONCURRENCY", "1 4 10").split()]
NODE = os.environ.get("NODE") or shutil.which("node") or "node"
PGBENCH = os.path.join(harness.PG_BIN, "pgbench")


def log(msg):
    print(f"jobs_vs_graphile_worker: {msg}", file=sys.stderr, flush=True)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Bench:
    def __init__(self, workers):
        self.work = tempfile.mkdtemp(prefix="pg_gateway-jobs-bench.")
        os.chmod(self.work, 0o755)
        if harness.IS_ROOT:
            shutil.chown(self.work, harness.SERVER_USER, harness.SERVER_USER)
        harness.TEST_ROOT = self.work
        self.cluster = harness.Cluster("jobs", {
            "pg_gateway.http_workers": "1", "pg_gateway.job_workers": str(workers),
            "pg_gateway.job_poll_interval": "'2s'", "max_worker_processes": "24",
            "max_connections": "100", "synchronous_commit": "off"})
        self.cluster.init().start()
        c = self.cluster
        c.sql("CREATE EXTENSION pg_gateway; "
              "CREATE ROLE bench_jobs; "
              "CREATE TABLE bench_started (i int, at timestamptz); "
              "GRANT INSERT ON bench_started TO bench_jobs; "
              "CREATE FUNCTION noop(payload jsonb) RETURNS void LANGUAGE sql AS ''; "
              "CREATE FUNCTION stamp(payload jsonb) RETURNS void LANGUAGE sql AS "
              "$$ INSERT INTO bench_started VALUES ((payload->>'i')::int, clock_timestamp()) $$; "
              "SELECT gateway.register_task('noop', 'noop(jsonb)', 'bench_jobs'); "
              "SELECT gateway.register_task('stamp', 'stamp(jsonb)', 'bench_jobs'); "
              "CREATE TABLE skip_locked_queue (id bigserial PRIMARY KEY, payload jsonb)")
        self.conn = f"postgres://postgres@localhost:{c.port}/postgres?host={c.socket_dir}"
        self.gw = None
        log("installing Graphile Worker's schema (its runner migrates at start)")
        self.start_gw(1)
        self.stop_gw()


    def stop(self):
        self.stop_gw()
        self.cluster.stop(mode="immediate", check=False)
        shutil.rmtree(self.work, ignore_errors=True)

    def start_gw(self, concurrency):
        self.gw = subprocess.Popen([NODE, os.path.join(HERE, "gw_runner.mjs"), self.conn,
                                    str(concurrency)], cwd=HERE, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        seen = []
        for line in self.gw.stdout:  # its own log lines come first
            seen.append(line)
            if line.startswith("READY"):
                break
        else:
            raise RuntimeError("graphile-worker did not start:\n" + "".join(seen))
        # Keep reading its output, or a full pipe would stall it.
        threading.Thread(target=lambda out: [None for _ in out], args=(self.gw.stdout,),
                         daemon=True).start()

    def stop_gw(self):
        if self.gw:
            self.gw.terminate()
            self.gw.wait(timeout=60)
            self.gw = None

    def sql(self, q):
        return self.cluster.sql(q)

    def wait_until(self, query, want, timeout=600):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.sql(query) == want:
                return
            time.sleep(0.02)
        raise RuntimeError(f"timed out waiting for {query} = {want}")

    # -- drain ----------------------------------------------------------------
    def drain_gateway(self, notify=True):
        """notify=False: gateway.notify_job_finished() announces nothing
        (no pg_notify(), no wait_for_job() wake-up), for the duration."""
        if not notify:
            original = self.sql("SELECT pg_get_functiondef("
                                "'gateway.notify_job_finished(gateway.jobs)'::regprocedure)")
            self.sql("CREATE OR REPLACE FUNCTION gateway.notify_job_finished(job gateway.jobs) "
                     "RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog AS "
                     "$$ BEGIN END $$")
            try:
                return self.drain_gateway()
            finally:
                self.sql(original)
        self.sql("TRUNCATE gateway.jobs")
        self.sql("VACUUM ANALYZE gateway.jobs")
        self.sql(f"SELECT count(*) FROM gateway.add_jobs(ARRAY(SELECT ROW('noop', NULL, NULL, "
                 f"now() + interval '1 day', NULL, NULL, NULL, NULL)::gateway.job_spec "
                 f"FROM generate_series(1, {JOBS})))")
        self.sql("UPDATE gateway.jobs SET run_at = now(); SELECT gateway.wake_job_workers()")
        t0 = time.time()  # the workers were woken at that commit
        self.wait_until("SELECT count(*) FROM gateway.jobs WHERE status IN ('queued', 'running')",
                        "0")
        elapsed = time.time() - t0
        failed = self.sql("SELECT count(*) FROM gateway.jobs WHERE status <> 'succeeded'")
        if failed != "0":
            raise RuntimeError(f"{failed} pg_gateway jobs did not succeed")
        return JOBS / elapsed

    def drain_graphile(self, concurrency):
        # Both queues start from a vacuumed table, and both clocks start at
        # the commit that makes the jobs available to a running worker
        # (Graphile Worker's insert trigger notifies its runner at commit),
        # so neither side pays for starting up or for earlier rounds' bloat.
        self.sql("DELETE FROM graphile_worker._private_jobs")
        self.sql("VACUUM ANALYZE graphile_worker._private_jobs")
        self.start_gw(concurrency)
        self.sql(f"SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(SELECT ROW('noop', "
                 f"'{{}}'::json, NULL, NULL, NULL, NULL, NULL, NULL)::graphile_worker.job_spec "
                 f"FROM generate_series(1, {JOBS})))")
        t0 = time.time()
        self.wait_until("SELECT count(*) FROM graphile_worker._private_jobs", "0")
        elapsed = time.time() - t0
        self.stop_gw()
        return JOBS / elapsed

    # -- latency --------------------------------------------------------------
    def latency(self, enqueue_sql, started_query_ok):
        self.sql("TRUNCATE bench_started")
        enq = {}
        for i in range(SAMPLES):
            # clock_timestamp() just before the implicit commit.
            out = self.sql(f"SELECT extract(epoch FROM clock_timestamp()) FROM "
                           f"(SELECT {enqueue_sql.format(i=i)}) x")
            enq[i] = float(out)
            deadline = time.time() + 10
            while self.sql(f"SELECT count(*) FROM bench_started WHERE i = {i}") != "1":
                if time.time() > deadline:
                    raise RuntimeError(f"job {i} did not start")
                time.sleep(0.001)
            time.sleep(0.02)
        rows = self.sql("SELECT i, extract(epoch FROM at) FROM bench_started").split("\n")
        lat = [(float(at) - enq[int(i)]) * 1000 for i, at in (r.split("|") for r in rows)]
        return pct(lat, 50), pct(lat, 99)

    # -- enqueue ----------------------------------------------------------------
    def enqueue(self, statement):
        script = os.path.join(self.work, "enqueue.sql")
        with open(script, "w") as f:
            f.write(statement + ";\n")
        os.chmod(script, 0o644)
        out = subprocess.run(harness.as_server_user([
            PGBENCH, "-n", "-c", "4", "-j", "2", "-T", str(ENQUEUE_SECONDS), "-M", "prepared",
            "-f", script, "-h", self.cluster.socket_dir, "-p", str(self.cluster.port), "-U",
            "postgres", "postgres"]), capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("tps ="):
                return float(line.split()[2])
        raise RuntimeError("no tps in pgbench output:\n" + out)

    # -- the database's own limit -------------------------------------------------
    def skip_locked(self, clients):
        self.sql("TRUNCATE skip_locked_queue; INSERT INTO skip_locked_queue (payload) "
                 f"SELECT '{{}}' FROM generate_series(1, {JOBS})")
        script = os.path.join(self.work, "dequeue.sql")
        with open(script, "w") as f:
            f.write("DELETE FROM skip_locked_queue WHERE id = (SELECT id FROM skip_locked_queue "
                    "ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id;\n")
        os.chmod(script, 0o644)
        t0 = time.time()
        per_client = JOBS // clients
        subprocess.run(harness.as_server_user([
            PGBENCH, "-n", "-c", str(clients), "-j", str(min(clients, 2)), "-t", str(per_client),
            "-M", "prepared", "-f", script, "-h", self.cluster.socket_dir, "-p",
            str(self.cluster.port), "-U", "postgres", "postgres"]), capture_output=True,
            check=True)
        return per_client * clients / (time.time() - t0)


def main():
    results = {}
    for c in CONCURRENCY:
        log(f"concurrency {c}: starting a cluster with pg_gateway.job_workers = {c}")
        b = Bench(c)
        try:
            for r in range(ROUNDS):
                row = results.setdefault(c, [])
                m = {}
                log(f"round {r + 1}: drain")
                m["gw_drain"] = b.drain_gateway()
                m["gw_drain_quiet"] = b.drain_gateway(notify=False)
                m["gr_drain"] = b.drain_graphile(c)
                log(f"round {r + 1}: latency")
                m["gw_lat"] = b.latency("gateway.add_job('stamp', jsonb_build_object('i', {i}))",
                                        None)
                b.start_gw(c)
                try:
                    m["gr_lat"] = b.latency(
                        "graphile_worker.add_job('stamp', json_build_object('i', {i}))", None)
                finally:
                    b.stop_gw()
                log(f"round {r + 1}: enqueue and SKIP LOCKED")
                m["gw_enq"] = b.enqueue("SELECT gateway.add_job('noop', '{}', "
                                        "run_at => now() + interval '1 hour')")
                m["gr_enq"] = b.enqueue("SELECT graphile_worker.add_job('noop', '{}', "
                                        "run_at => now() + interval '1 hour')")
                b.sql("TRUNCATE gateway.jobs; DELETE FROM graphile_worker._private_jobs")
                m["skip"] = b.skip_locked(c)
                row.append(m)
                print(f"c={c} round {r + 1}: drain jobs/s pg_gateway {m['gw_drain']:.0f} "
                      f"(without pg_notify {m['gw_drain_quiet']:.0f}) "
                      f"Graphile Worker {m['gr_drain']:.0f}; latency p50/p99 ms pg_gateway "
                      f"{m['gw_lat'][0]:.2f}/{m['gw_lat'][1]:.2f} Graphile Worker "
                      f"{m['gr_lat'][0]:.2f}/{m['gr_lat'][1]:.2f}; enqueue/s pg_gateway "
                      f"{m['gw_enq']:.0f} Graphile Worker {m['gr_enq']:.0f}; SKIP LOCKED "
                      f"dequeue/s {m['skip']:.0f}", flush=True)
        finally:
            b.stop()
    print("\nmedians (jobs/s; ms)")
    print("conc  drain_gw  drain_gr  ratio  notify_cost  lat50_gw lat99_gw  lat50_gr lat99_gr"
          "  enq_gw  enq_gr  ratio  skip_locked")
    for c, rows in results.items():
        med = {k: statistics.median(r[k] if not isinstance(r[k], tuple) else r[k][0] for r in rows)
               for k in rows[0]}
        p99 = {k: statistics.median(r[k][1] for r in rows) for k in ("gw_lat", "gr_lat")}
        print(f"{c:<5} {med['gw_drain']:8.0f}  {med['gr_drain']:8.0f}  "
              f"{med['gw_drain'] / med['gr_drain']:5.2f}x  "
              f"{100 * (1 - med['gw_drain'] / med['gw_drain_quiet']):10.1f}%  "
              f"{med['gw_lat']:8.2f} {p99['gw_lat']:8.2f}"
              f"  {med['gr_lat']:8.2f} {p99['gr_lat']:8.2f}  {med['gw_enq']:6.0f}  "
              f"{med['gr_enq']:6.0f}  {med['gw_enq'] / med['gr_enq']:5.2f}x  {med['skip']:8.0f}")


if __name__ == "__main__":
    main()
