#!/bin/bash
# What table-version tracking (issue 13, extension/cache/write_tracking.cpp)
# costs every write in the cluster, whoever makes it: one cluster, pgbench's
# TPC-B-like script (-M prepared, one UPDATE on three tables, an INSERT and
# a SELECT per transaction), in rounds that alternate the server started
# WITHOUT pg_gateway in shared_preload_libraries (the database's own limit)
# and WITH it (its executor, utility, transaction and resource-release
# hooks record the written tables and bump their versions at commit; no
# HTTP or job workers run, so nothing else competes). Prints every round's
# TPS and the median ratio with/without.
#
# Environment: DURATION (15 s), ROUNDS (3), CLIENTS (2), SCALE (10),
# PG_BIN (pg_config --bindir), KEEP=1 keeps the cluster. As root, the
# server runs as the postgres OS user (runuser). Uses the INSTALLED
# pg_gateway (make -j2 && make install first).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${PG_BIN:-$(pg_config --bindir)}
D=$(mktemp -d /tmp/pg_gateway-write-tracking-bench.XXXXXX)
PORT=55991
as_server() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$D"
cleanup() {
  as_server "$B/pg_ctl" -D "$D/data" stop -m immediate >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$D"
}
trap cleanup EXIT

as_server "$B/initdb" -D "$D/data" -A trust -U postgres --no-sync >/dev/null
as_server sh -c "cat >> '$D/data/postgresql.conf'" <<CONF
listen_addresses = ''
unix_socket_directories = '$D'
port = $PORT
synchronous_commit = off
pg_gateway.http_workers = 0
pg_gateway.job_workers = 0
CONF
start() {
  as_server sh -c "echo \"shared_preload_libraries = '$1'\" > '$D/data/postgresql.auto.conf'"
  as_server "$B/pg_ctl" -D "$D/data" -l "$D/server.log" -w start >/dev/null
}
stop() { as_server "$B/pg_ctl" -D "$D/data" -w stop -m fast >/dev/null; }

start ""
as_server "$B/pgbench" -h "$D" -p $PORT -U postgres -i -q -s "${SCALE:-10}" postgres >/dev/null 2>&1
stop

tps() {
  as_server "$B/pgbench" -h "$D" -p $PORT -U postgres -M prepared -n -c "${CLIENTS:-2}" \
    -j "${CLIENTS:-2}" -T "${DURATION:-15}" postgres 2>/dev/null |
    awk '/^tps = / {print $3}'
}

printf '%-6s %-12s %10s\n' round preload tps
declare -a without with
for round in $(seq "${ROUNDS:-3}"); do
  for lib in "" pg_gateway; do
    start "$lib"
    t=$(tps)
    stop
    printf '%-6s %-12s %10s\n' "$round" "${lib:-none}" "$t"
    if [ -z "$lib" ]; then without+=("$t"); else with+=("$t"); fi
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
m0=$(median "${without[@]}")
m1=$(median "${with[@]}")
echo
echo "median tps: without pg_gateway $m0, with $m1; with/without = $(awk -v a="$m1" -v b="$m0" 'BEGIN {printf "%.3f", a / b}')"
