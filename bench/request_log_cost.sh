#!/bin/bash
# The request log's cost on the GraphQL lookup (issue 12): one cluster,
# rounds that alternate pg_gateway.request_log = off and all, each a wrk run
# of { postByRowId(rowId: 7) { rowId title slug viewCount publishedAt } }
# (bench/graphql_post.lua), with the CPU time of the HTTP workers and of
# the log writer read from /proc around it. Prints req/s and CPU
# microseconds per request for each round, then gateway.request_log_stats().
#
# Environment: DURATION (8), ROUNDS (4), THREADS (2), CONNECTIONS (16),
# WORKERS (2), PG_BIN (pg_config --bindir), WRK, KEEP=1 keeps the cluster.
# Uses the INSTALLED pg_gateway (make -j2 && make install first). As root,
# the server runs as the postgres OS user (runuser).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${PG_BIN:-$(pg_config --bindir)}
WRK=${WRK:-wrk}
D=$(mktemp -d /tmp/pg_gateway-request-log-bench.XXXXXX)
PORT=55990
HTTP_PORT=58990
as_server() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$D"
P() { as_server "$B/psql" -X -q -At -h "$D" -p $PORT -U postgres -d postgres "$@"; }
cleanup() {
  as_server "$B/pg_ctl" -D "$D/data" stop -m immediate >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$D"
}
trap cleanup EXIT

as_server "$B/initdb" -D "$D/data" -A trust -U postgres --no-sync >/dev/null
as_server sh -c "cat >> '$D/data/postgresql.auto.conf'" <<CONF
shared_preload_libraries = 'pg_gateway'
listen_addresses = ''
unix_socket_directories = '$D'
port = $PORT
pg_gateway.port = $HTTP_PORT
pg_gateway.http_workers = ${WORKERS:-2}
pg_gateway.job_workers = 0
pg_gateway.anonymous_role = 'bench_anon'
CONF
as_server "$B/pg_ctl" -D "$D/data" -l "$D/server.log" -w start >/dev/null
P -c "CREATE EXTENSION pg_gateway" -c "CREATE ROLE bench_anon" \
  -c "CREATE TABLE post (row_id int PRIMARY KEY, title text, slug text, view_count int, published_at timestamptz)" \
  -c "INSERT INTO post SELECT i, 'title ' || i, 'slug-' || i, i, now() FROM generate_series(1, 1000) i" \
  -c "GRANT USAGE ON SCHEMA public TO bench_anon" -c "GRANT SELECT ON post TO bench_anon"
echo '{"query":"{ postByRowId(rowId: 7) { rowId title slug viewCount publishedAt } }"}' > "$D/body.json"
export GRAPHQL_BODY_FILE=$D/body.json
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$HTTP_PORT/live" >/dev/null && break; sleep 0.2; done

HTTP_PIDS=$(P -c "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity WHERE backend_type = 'pg_gateway http'")
WRITER_PID=$(P -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'pg_gateway log writer'")
ticks() { local t=0 p; for p in "$@"; do read -r u s < <(awk '{print $14, $15}' "/proc/$p/stat"); t=$((t + u + s)); done; echo $t; }
us_per_req() { echo $(( $1 * 1000000 / $(getconf CLK_TCK) / $2 )); }

printf '%-6s %-4s %10s %14s %16s\n' round mode req/s http_us/req writer_us/req
for round in $(seq "${ROUNDS:-4}"); do
  for mode in off all; do
    P -c "ALTER SYSTEM SET pg_gateway.request_log = '$mode'" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1.2  # past the writer's flush of the previous round
    h0=$(ticks $HTTP_PIDS); w0=$(ticks $WRITER_PID)
    out=$("$WRK" -t"${THREADS:-2}" -c"${CONNECTIONS:-16}" -d"${DURATION:-8}"s -s bench/graphql_post.lua \
          "http://127.0.0.1:$HTTP_PORT/graphql")
    sleep 1.2  # the writer's last batch of this round
    h1=$(ticks $HTTP_PIDS); w1=$(ticks $WRITER_PID)
    reqs=$(awk '/requests in/ {print $1}' <<<"$out")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    printf '%-6s %-4s %10s %14s %16s\n' "$round" "$mode" "$rps" \
      "$(us_per_req $((h1 - h0)) "$reqs")" "$(us_per_req $((w1 - w0)) "$reqs")"
  done
done
P -c "SELECT 'buffered ' || buffered || ', written ' || written || ', dropped ' || dropped FROM gateway.request_log_stats()"
