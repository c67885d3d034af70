#!/usr/bin/env bash
# Times catalog reflection on a schema of 1,000 tables with foreign keys and
# indexes (issue 3's goal: under one second). Prints the server-side time of
# gateway.reflect() (median of 5) and the snapshot size. Needs pg_gateway
# installed (make install). Never fails on the figure.
set -euo pipefail
cd "$(dirname "$0")/.."
TABLES=${TABLES:-1000}
python3 - "$TABLES" <<'PY'
import json, statistics, sys
sys.path.insert(0, "test/integration")
from harness import Cluster

n = int(sys.argv[1])
c = Cluster("bench-reflect", {"pg_gateway.http_workers": "0"}).init().start(wait_http=False)
try:
    c.sql("CREATE EXTENSION pg_gateway; CREATE SCHEMA big;")
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
                    "length(gateway.reflect('{big}')::text) AS bytes, "
                    "extract(epoch FROM clock_timestamp()) AS t1")
        t0, size, t1 = out.split("|")
        times.append((float(t1) - float(t0)) * 1000)
    snap = json.loads(c.sql("SELECT gateway.reflect('{big}')"))
    print(f"tables: {len(snap['classes'])}, snapshot: {int(size) / 1024:.0f} kB")
    print(f"gateway.reflect() server time, ms: {', '.join(f'{t:.0f}' for t in times)}")
    print(f"median: {statistics.median(times):.0f} ms (goal: under 1000 ms)")
finally:
    c.stop(mode="immediate", check=False)
PY
