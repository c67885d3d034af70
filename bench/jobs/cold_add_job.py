#!/usr/bin/env python3
"""What the first add_job of a new session costs (issue 16, point 4):
hyperfine runs psql, one new connection per run, with `SELECT 1` (the
connection alone: the database's own floor), `SELECT gateway.add_job(...)`
and Graphile Worker 0.18's `SELECT graphile_worker.add_job(...)` (the
anchor) against ONE PostgreSQL 15 cluster that has both queues. Prints the
median of each and what add_job adds on top of `SELECT 1`. Run by
bench/cold_add_job.sh; RUNS (default 300) and WARMUP (20) tune hyperfine.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import vs_graphile_worker as vs  # noqa: E402  (its Bench: one cluster, both queues installed)

RUNS = int(os.environ.get("RUNS", "300"))
WARMUP = int(os.environ.get("WARMUP", "20"))


def main():
    hyperfine = shutil.which("hyperfine")
    if not hyperfine:
        sys.exit("cold_add_job: hyperfine is missing (apt-get install hyperfine)")
    b = vs.Bench(1)
    try:
        c = b.cluster
        psql = [f"{vs.harness.PG_BIN}/psql", "-X", "-q", "-At", "-h", c.socket_dir,
                "-p", str(c.port), "-U", "postgres", "-d", "postgres", "-c"]
        cases = [("SELECT 1", "SELECT 1"),
                 ("pg_gateway add_job", "SELECT gateway.add_job('noop', '{}') IS NOT NULL"),
                 ("graphile_worker add_job",
                  "SELECT graphile_worker.add_job('noop', '{}') IS NOT NULL")]
        out = os.path.join(b.work, "hyperfine.json")
        cmd = [hyperfine, "-N", "--style", "none", "--warmup", str(WARMUP), "--runs", str(RUNS),
               "--export-json", out]
        for name, sql in cases:
            cmd += ["-n", name, " ".join(quote(a) for a in psql + [sql])]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            results = {r["command"]: r for r in json.load(f)["results"]}
        # The queues are left with jobs that nothing runs (no worker for
        # graphile's, noop for ours): only the enqueue is measured.
        base = results["SELECT 1"]["median"] * 1000
        print(f"new connection + statement, median of {RUNS} runs (hyperfine -N, psql):")
        for name, _ in cases:
            r = results[name]
            med = r["median"] * 1000
            extra = "" if name == "SELECT 1" else f"   +{med - base:.2f} ms over SELECT 1"
            print(f"  {name:<26} {med:7.2f} ms (mean {r['mean'] * 1000:.2f}, "
                  f"sd {r['stddev'] * 1000:.2f}){extra}")
        gw = results["pg_gateway add_job"]["median"] * 1000 - base
        an = results["graphile_worker add_job"]["median"] * 1000 - base
        print(f"pg_gateway's cold add_job costs {gw:.2f} ms over SELECT 1 (goal <= 2 ms: "
              f"{'met' if gw <= 2 else 'NOT met'}); Graphile Worker's {an:.2f} ms")
    finally:
        b.stop()


def quote(arg):
    return "'" + arg.replace("'", "'\\''") + "'" if any(ch in arg for ch in " '\"{}()") else arg


if __name__ == "__main__":
    main()
