#!/usr/bin/env bash
# pg_gateway's inbound webhooks (POST /webhooks/<source>: Standard Webhooks
# verification, a SQL task run by a job worker, 200 with its result) against
# the glue they replace: Fastify + standardwebhooks + Graphile Worker 0.18 +
# LISTEN/NOTIFY in one Node process, on ONE PostgreSQL 15 cluster, under wrk
# at 1 and 32 connections. See bench/webhooks/vs_fastify.py and
# bench/README.md.
#
#   bench/webhooks_vs_fastify.sh                      (as root, or a user who can initdb)
#   ROUNDS=1 DURATION=5 bench/webhooks_vs_fastify.sh
#   SERVERS=anchor bench/webhooks_vs_fastify.sh       (the anchor alone)
#   PG_CONFIG=/opt/pgb/usr/lib/postgresql/15/bin/pg_config bench/webhooks_vs_fastify.sh
#
# Uses the INSTALLED pg_gateway of PG_CONFIG (default: pg_config on PATH)
# or PG_BIN (make -j2 && make install first), wrk, python3, node (>= 18) and
# npm (fastify, graphile-worker, standardwebhooks and pg are installed into
# bench/webhooks with npm ci). Ports: PG_PORT 55490 (Unix socket only),
# GW_PORT 55491 (pg_gateway.port), GLUE_PORT 55492 (Fastify).
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "webhooks_vs_fastify: $*" >&2; exit 1; }
if [ -z "${PG_BIN:-}" ]; then
  PG_BIN=$("${PG_CONFIG:-pg_config}" --bindir) || die "no pg_config (set PG_CONFIG or PG_BIN)"
fi
export PG_BIN
for tool in "$PG_BIN/initdb" "$PG_BIN/pg_ctl" "$PG_BIN/psql"; do
  [ -x "$tool" ] || die "missing $tool"
done
command -v "${WRK:-wrk}" >/dev/null || die "wrk is missing (apt-get install wrk)"
command -v node >/dev/null || die "node is missing"
command -v python3 >/dev/null || die "python3 is missing"
if [ ! -f bench/webhooks/node_modules/fastify/package.json ] ||
   ! cmp -s bench/webhooks/package-lock.json bench/webhooks/node_modules/.lock-stamp; then
  echo "webhooks_vs_fastify: npm ci in bench/webhooks (fastify, graphile-worker, standardwebhooks)" >&2
  (cd bench/webhooks && npm ci --no-audit --no-fund --loglevel=error)
  cp bench/webhooks/package-lock.json bench/webhooks/node_modules/.lock-stamp
fi
exec python3 bench/webhooks/vs_fastify.py
