#!/usr/bin/env bash
# pg_gateway's job queue against Graphile Worker 0.18 on one PostgreSQL 15
# cluster (issue 4, point 9): drain rate of 20,000 no-op jobs, commit-to-start
# latency on an idle worker, enqueue rate, at concurrency 1, 4 and 10, plus a
# pure-SQL SKIP LOCKED dequeue loop under pgbench as the database's own limit.
# See bench/jobs/vs_graphile_worker.py and bench/README.md.
#
#   bench/jobs_vs_graphile_worker.sh                   (as root, or a user who can initdb)
#   ROUNDS=1 CONCURRENCY="1 4" JOBS=5000 bench/jobs_vs_graphile_worker.sh
#
# Uses the INSTALLED pg_gateway (make -j2 && make install first), node (>= 18),
# npm (graphile-worker is installed into bench/jobs with npm ci) and pgbench.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "jobs_vs_graphile_worker: node is missing" >&2; exit 1; }
if [ ! -f bench/jobs/node_modules/graphile-worker/package.json ] ||
   ! cmp -s bench/jobs/package-lock.json bench/jobs/node_modules/.lock-stamp; then
  echo "jobs_vs_graphile_worker: npm ci in bench/jobs (graphile-worker)" >&2
  (cd bench/jobs && npm ci --no-audit --no-fund --loglevel=error)
  cp bench/jobs/package-lock.json bench/jobs/node_modules/.lock-stamp
fi
exec python3 bench/jobs/vs_graphile_worker.py
