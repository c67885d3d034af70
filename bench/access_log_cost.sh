#!/bin/bash
# The JSON access log's cost per request (issue 15): one cluster, rounds
# that alternate pg_gateway.access_log = off and json, each a wrk run of
# GET /live (the cheapest route: no SQL, so the log line is as large a
# share of the request as it can be), with the CPU time of the HTTP
# workers (and of the logging collector, with LOG_DEST=jsonlog) read from
# /proc around it. Prints req/s and CPU microseconds per request for each
# round, then the medians per mode, and the size of one line.
#
# Environment: DURATION (8), ROUNDS (3), THREADS (2), CONNECTIONS (16),
# WORKERS (1), LOG_DEST (stderr, or jsonlog: logging_collector on),
# PG_BIN (pg_config --bindir), WRK, KEEP=1 keeps the cluster.
# Uses the INSTALLED pg_gateway (make -j2 && make install first). As root,
# the server runs as the postgres OS user (runuser).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${PG_BIN:-$(pg_config --bindir)}
WRK=${WRK:-wrk}
DEST=${LOG_DEST:-stderr}
D=$(mktemp -d /tmp/pg_gateway-access-log-bench.XXXXXX)
PORT=55991
HTTP_PORT=58991
as_server() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$D"
P() { as_server "$B/psql" -X -q -At -h "$D" -p $PORT -U postgres -d postgres "$@"; }
cleanup() {
  as_server "$B/pg_ctl" -D "$D/data" stop -m immediate >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$D"
}
trap cleanup EXIT

as_server "$B/initdb" -D "$D/data" -A trust -U postgres --no-sync >/dev/null
COLLECTOR="logging_collector = off"
[ "$DEST" = jsonlog ] && COLLECTOR="logging_collector = on
log_directory = 'log'
log_filename = 'server.log'"
as_server sh -c "cat >> '$D/data/postgresql.auto.conf'" <<CONF
shared_preload_libraries = 'pg_gateway'
listen_addresses = ''
unix_socket_directories = '$D'
port = $PORT
log_destination = '$DEST'
$COLLECTOR
pg_gateway.port = $HTTP_PORT
pg_gateway.http_workers = ${WORKERS:-1}
pg_gateway.job_workers = 0
CONF
as_server "$B/pg_ctl" -D "$D/data" -l "$D/server.log" -w start >/dev/null
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$HTTP_PORT/live" >/dev/null && break; sleep 0.2; done

HTTP_PIDS=$(P -c "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity WHERE backend_type = 'pg_gateway http'")
PM_PID=$(head -1 "$D/data/postmaster.pid")
LOGGER_PID=$(ps --ppid "$PM_PID" -o pid=,args= | awk '/logger/ {print $1}')
ticks() { local t=0 p; for p in "$@"; do read -r u s < <(awk '{print $14, $15}' "/proc/$p/stat"); t=$((t + u + s)); done; echo $t; }
us_per_req() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t * 1000000 / hz / n}'; }

R=$D/rounds.txt
: > "$R"
printf '%-6s %-5s %10s %14s %16s\n' round mode req/s http_us/req logger_us/req
for round in $(seq "${ROUNDS:-3}"); do
  for mode in off json; do
    P -c "ALTER SYSTEM SET pg_gateway.access_log = '$mode'" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 0.5
    h0=$(ticks $HTTP_PIDS); l0=$( [ -n "$LOGGER_PID" ] && ticks "$LOGGER_PID" || echo 0)
    out=$("$WRK" -t"${THREADS:-2}" -c"${CONNECTIONS:-16}" -d"${DURATION:-8}"s \
          "http://127.0.0.1:$HTTP_PORT/live")
    sleep 0.5  # the collector's last writes of this round
    h1=$(ticks $HTTP_PIDS); l1=$( [ -n "$LOGGER_PID" ] && ticks "$LOGGER_PID" || echo 0)
    reqs=$(awk '/requests in/ {print $1}' <<<"$out")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    hu=$(us_per_req $((h1 - h0)) "$reqs"); lu=$(us_per_req $((l1 - l0)) "$reqs")
    printf '%-6s %-5s %10s %14s %16s\n' "$round" "$mode" "$rps" "$hu" "$lu"
    echo "$mode $rps $hu $lu" >> "$R"
  done
done
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "medians ($DEST):"
for mode in off json; do
  printf '  %-5s req/s %s, http_us/req %s, logger_us/req %s\n' "$mode" \
    "$(awk -v m=$mode '$1==m {print $2}' "$R" | median)" \
    "$(awk -v m=$mode '$1==m {print $3}' "$R" | median)" \
    "$(awk -v m=$mode '$1==m {print $4}' "$R" | median)"
done
if [ "$DEST" = jsonlog ]; then F=$(ls "$D"/data/log/*.json | head -1); else F=$D/server.log; fi
echo "one line: $(grep -m1 'request_id' "$F" | wc -c) bytes"
