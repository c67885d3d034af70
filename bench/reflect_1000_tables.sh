#!/usr/bin/env bash
# Times the GraphQL schema of 1,000 tables with foreign keys and indexes
# (issue 3's goal: under one second), two ways:
#   1. gateway.reflect() alone, server-side (median of 5);
#   2. end to end in the HTTP worker: after a DDL, the next request rebuilds
#      the schema (reflect + parse + build + introspection index); its time
#      minus a steady-state request's is the rebuild (median of 5).
# Prints both and the snapshot size. Needs pg_gateway installed (make install).
# Never fails on the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
TABLES=${TABLES:-1000}
python3 - "$TABLES" <<'PY'
import json, statistics, sys, time
sys.path.insert(0, "test/integration")
from harness import Cluster

n = int(sys.argv[1])
c = Cluster("bench-reflect", {"pg_gateway.http_workers": "1", "pg_gateway.schemas": "'big'",
                              "pg_gateway.anonymous_role": "'big_web'"}).init().start()
try:
    c.sql("CREATE EXTENSION pg_gateway; CREATE SCHEMA big; CREATE ROLE big_web; "
          "GRANT USAGE ON SCHEMA big TO big_web; "
          "ALTER DEFAULT PRIVILEGES IN SCHEMA big GRANT SELECT ON TABLES TO big_web")
    ddl = ["CREATE TABLE big.t0 (id serial PRIMARY KEY, name text NOT NULL, created timestamptz)"]
    for i in range(1, n):
        ddl.append(f"CREATE TABLE big.t{i} (id serial PRIMARY KEY, name text NOT NULL, "
                   f"parent_id int REFERENCES big.t{i - 1}, score numeric, tags text[]);"
                   f"CREATE INDEX ON big.t{i} (parent_id);"
                   f"COMMENT ON TABLE big.t{i} IS '@name thing{i}'")
    for k in range(0, len(ddl), 200):
        c.sql(";".join(ddl[k:k + 200]))
    c.sql("ANALYZE")
    times = []
    for _ in range(5):
        out = c.sql("SELECT extract(epoch FROM clock_timestamp()) AS t0, "
                    "length(gateway.reflect('{big}', 'big_web')::text) AS bytes, "
                    "extract(epoch FROM clock_timestamp()) AS t1")
        t0, size, t1 = out.split("|")
        times.append((float(t1) - float(t0)) * 1000)
    snap = json.loads(c.sql("SELECT gateway.reflect('{big}', 'big_web')"))
    print(f"tables: {len(snap['classes'])}, snapshot: {int(size) / 1024:.0f} kB")
    print(f"gateway.reflect() server time, ms: {', '.join(f'{t:.0f}' for t in times)}")
    print(f"median: {statistics.median(times):.0f} ms")

    body = json.dumps({"query": "{ allThing999S(first: 1) { totalCount } }"})
    headers = {"Content-Type": "application/json"}

    def timed_request():
        t0 = time.perf_counter()
        r = c.request("POST", "/graphql", headers, body, timeout=60)
        elapsed = (time.perf_counter() - t0) * 1000
        if r.status != 200 or b'"totalCount":0' not in r.body:
            raise SystemExit(f"unexpected answer {r.status}: {r.body[:300]!r}")
        return elapsed

    timed_request()  # first build
    rebuilds, steady = [], []
    for i in range(5):
        c.sql(f"COMMENT ON COLUMN big.t0.name IS 'round {i}'")  # any DDL: the next request rebuilds
        rebuild = timed_request()
        normal = statistics.median(timed_request() for _ in range(5))
        rebuilds.append(rebuild - normal)
        steady.append(normal)
    builds = c.sql("SELECT sum(schema_builds) FROM gateway.graphql_worker_stats()")
    print(f"schema rebuild in the worker (request after DDL minus a normal request), ms: "
          f"{', '.join(f'{t:.0f}' for t in rebuilds)} (normal request "
          f"{statistics.median(steady):.1f} ms; {builds} builds)")
    print(f"median: {statistics.median(rebuilds):.0f} ms (goal: under 1000 ms)")
finally:
    c.stop(mode="immediate", check=False)
PY
