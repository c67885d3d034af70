#!/usr/bin/env bash
# The first add_job() of a new session against `SELECT 1` and Graphile
# Worker 0.18's add_job() on one PostgreSQL 15 cluster (issue 16, point 4),
# one new psql connection per run under hyperfine. See
# bench/jobs/cold_add_job.py and bench/README.md.
#
#   bench/cold_add_job.sh                 (as root, or a user who can initdb)
#   RUNS=100 bench/cold_add_job.sh
#
# Uses the INSTALLED pg_gateway (make -j2 && make install first), node and
# npm (graphile-worker is installed into bench/jobs with npm ci: its runner
# installs its schema), hyperfine and psql.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v node >/dev/null || { echo "cold_add_job: node is missing" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "cold_add_job: hyperfine is missing" >&2; exit 1; }
if [ ! -f bench/jobs/node_modules/graphile-worker/package.json ] ||
   ! cmp -s bench/jobs/package-lock.json bench/jobs/node_modules/.lock-stamp; then
  echo "cold_add_job: npm ci in bench/jobs (graphile-worker)" >&2
  (cd bench/jobs && npm ci --no-audit --no-fund --loglevel=error)
  cp bench/jobs/package-lock.json bench/jobs/node_modules/.lock-stamp
fi
exec python3 bench/jobs/cold_add_job.py
