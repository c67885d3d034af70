#!/usr/bin/env bash
# Throughput/latency of pg_gateway's GET /live versus nginx returning a static
# 200 with the same shape of body, on the same machine, with the same number
# of worker processes and the same wrk load. See bench/README.md.
#
# Environment (all optional):
#   WORKERS=2        pg_gateway.http_workers and nginx worker_processes
#   DURATION=10      seconds per measured wrk run
#   ROUNDS=3         measured rounds; each round runs pg_gateway then nginx
#   WARMUP=3         seconds of wrk warm-up per target before round 1
#   THREADS=2        wrk -t
#   CONNECTIONS=32   wrk -c
#   KEEP=0           1 keeps the temp dir (cluster, nginx conf, wrk outputs)
#   PG_BIN           PostgreSQL bin dir (default: pg_config --bindir)
#   NGINX=/usr/sbin/nginx, WRK=wrk
#
# Exit status: non-zero only when something could not be started or did not
# answer 200 before measuring. The ratio is reported, never asserted.
set -euo pipefail

WORKERS=${WORKERS:-${1:-2}}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
KEEP=${KEEP:-0}
NGINX=${NGINX:-/usr/sbin/nginx}
WRK=${WRK:-wrk}
PG_BIN=${PG_BIN:-$(pg_config --bindir)}
TARGET_RATIO=0.60

die() { echo "live_vs_nginx: $*" >&2; exit 1; }

for tool in "$WRK" curl python3 "$NGINX" "$PG_BIN/initdb" "$PG_BIN/pg_ctl"; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool"
done

# initdb and postgres refuse to run as root: run them as postgres then.
if [ "$(id -u)" -eq 0 ]; then
  SERVER_USER=postgres
  as_server() { runuser -u "$SERVER_USER" -- "$@"; }
else
  SERVER_USER=$(id -un)
  as_server() { "$@"; }
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pg_gateway-bench.XXXXXX")
chmod 755 "$TMP"
PGDIR=$TMP/pg
NGDIR=$TMP/nginx
OUT=$TMP/wrk
mkdir -p "$PGDIR" "$NGDIR" "$OUT"
[ "$(id -u)" -eq 0 ] && chown "$SERVER_USER:" "$PGDIR"

NGINX_PID=""
cleanup() {
  local rc=$?
  set +e
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -TERM "$NGINX_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$NGINX_PID" 2>/dev/null
  fi
  if [ -f "$PGDIR/data/postmaster.pid" ]; then
    as_server "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
  fi
  if [ "$KEEP" = 1 ]; then
    echo "kept $TMP" >&2
  else
    rm -rf "$TMP"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PG_PORT=$(free_port)     # only names the Unix socket
GW_PORT=$(free_port)
NG_PORT=$(free_port)
while [ "$NG_PORT" = "$GW_PORT" ]; do NG_PORT=$(free_port); done

# ---------------------------------------------------------------- PostgreSQL
as_server "$PG_BIN/initdb" -D "$PGDIR/data" -A trust -U postgres --no-sync >"$PGDIR/initdb.log" 2>&1 \
  || { cat "$PGDIR/initdb.log" >&2; die "initdb failed"; }
as_server sh -c "cat > '$PGDIR/data/postgresql.auto.conf'" <<EOF
shared_preload_libraries = 'pg_gateway'
listen_addresses = ''
unix_socket_directories = '$PGDIR'
port = $PG_PORT
pg_gateway.port = $GW_PORT
pg_gateway.http_workers = $WORKERS
pg_gateway.database = 'postgres'
max_worker_processes = $((WORKERS + 8))
fsync = off
EOF
as_server "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 start >/dev/null \
  || { tail -n 30 "$PGDIR/server.log" >&2 || true; die "PostgreSQL did not start"; }

# --------------------------------------------------------------------- nginx
cat >"$NGDIR/nginx.conf" <<EOF
worker_processes $WORKERS;
$( [ "$(id -u)" -eq 0 ] && echo "user nobody nogroup;" )
daemon off;
master_process on;
pid $NGDIR/nginx.pid;
error_log $NGDIR/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $NGDIR/client_body;
  proxy_temp_path $NGDIR/proxy;
  fastcgi_temp_path $NGDIR/fastcgi;
  uwsgi_temp_path $NGDIR/uwsgi;
  scgi_temp_path $NGDIR/scgi;
  server {
    listen 127.0.0.1:$NG_PORT reuseport;
    location = /live {
      default_type application/json;
      return 200 '{"status":"live"}';
    }
  }
}
EOF
"$NGINX" -t -q -p "$NGDIR" -e "$NGDIR/error.log" -c "$NGDIR/nginx.conf" \
  || { cat "$NGDIR/error.log" >&2 2>/dev/null || true; die "nginx config test failed"; }
"$NGINX" -p "$NGDIR" -e "$NGDIR/error.log" -c "$NGDIR/nginx.conf" &
NGINX_PID=$!

# ------------------------------------------------------------- health check
wait_200() {  # name url
  local code=""
  for _ in $(seq 150); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$2" || true)
    [ "$code" = 200 ] && return 0
    sleep 0.2
  done
  echo "$1 did not answer 200 on $2 (last status: ${code:-none})" >&2
  return 1
}
GW_URL=http://127.0.0.1:$GW_PORT/live
NG_URL=http://127.0.0.1:$NG_PORT/live
wait_200 pg_gateway "$GW_URL" || { tail -n 30 "$PGDIR/server.log" >&2 || true; die "pg_gateway not ready"; }
wait_200 nginx "$NG_URL" || { cat "$NGDIR/error.log" >&2 2>/dev/null || true; die "nginx not ready"; }

GW_WORKER_PIDS=$(pgrep -d, -f '^postgres: .*pg_gateway http worker' -P "$(head -n1 "$PGDIR/data/postmaster.pid")" || true)
NG_WORKER_PIDS=$(pgrep -d, -P "$NGINX_PID" || true)
echo "machine: $(nproc) cores, $(uname -sr); $(date -u '+%Y-%m-%d %H:%M UTC')"
SO=$(pg_config --pkglibdir)/pg_gateway.so
echo "pg_gateway.so: sha256 $(sha256sum "$SO" | cut -c1-12), installed $(date -u -r "$SO" '+%Y-%m-%d %H:%M:%S UTC')"
echo "pg_gateway: $GW_URL  workers=$WORKERS pids=${GW_WORKER_PIDS:-?}"
echo "            $(curl -s "$GW_URL")"
echo "nginx:      $NG_URL  workers=$WORKERS pids=${NG_WORKER_PIDS:-?}"
echo "            $(curl -s "$NG_URL")"
echo "load: $WRK -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, $ROUNDS round(s), warm-up ${WARMUP}s"
echo

# ------------------------------------------------------------------ measure
run_wrk() {  # duration url outfile
  "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"$1"s --latency "$2" >"$3" 2>&1 \
    || { cat "$3" >&2; die "wrk failed against $2"; }
}

# Prints "<req/s> <p99 ms> <errors> <requests>" from one wrk output file.
parse_wrk() {
  awk '
    function ms(v,   n, u) {
      n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
      if (u == "us") return n / 1000
      if (u == "ms") return n
      if (u == "s")  return n * 1000
      if (u == "m")  return n * 60000
      if (u == "h")  return n * 3600000
      return -1
    }
    /^Requests\/sec:/ { rps = $2 }
    / requests in /   { reqs = $1 }
    /^ +99%/          { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { err += $NF }
    /Socket errors:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) { v = $i; sub(/,/, "", v); err += v }
    }
    END { printf "%s %.3f %d %d\n", (rps == "" ? "NaN" : rps), (p99 == "" ? -1 : p99), err, reqs }
  ' "$1"
}

# CPU time (user+system, clock ticks) used so far by a comma-separated list
# of pids: fields 14 and 15 of /proc/<pid>/stat, counted after the ")".
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() {
  local pid total=0 t
  for pid in ${1//,/ }; do
    t=$(awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' \
      "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "NaN"; exit }
  if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run_wrk "$WARMUP" "$GW_URL" "$OUT/warmup-pg_gateway.txt"
run_wrk "$WARMUP" "$NG_URL" "$OUT/warmup-nginx.txt"

# cpu_us/req: CPU time of the target's worker processes during the run
# (user+system, from /proc, 1/CLK_TCK resolution) per request served.
printf '%-6s %-11s %14s %10s %12s %8s\n' round target req/s p99_ms cpu_us/req errors
: >"$OUT/pg_gateway.tsv"
: >"$OUT/nginx.tsv"
for r in $(seq "$ROUNDS"); do
  for target in pg_gateway nginx; do
    url=$GW_URL pids=$GW_WORKER_PIDS
    [ "$target" = nginx ] && url=$NG_URL pids=$NG_WORKER_PIDS
    f=$OUT/round$r-$target.txt
    t0=$(cpu_ticks "$pids")
    run_wrk "$DURATION" "$url" "$f"
    t1=$(cpu_ticks "$pids")
    read -r rps p99 errs reqs < <(parse_wrk "$f")
    cpu=$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$reqs" \
      'BEGIN { if (n > 0 && t > 0) printf "%.2f", t * 1e6 / hz / n; else print "NaN" }')
    printf '%s\t%s\t%s\t%s\n' "$rps" "$p99" "$cpu" "$errs" >>"$OUT/$target.tsv"
    printf '%-6s %-11s %14s %10s %12s %8s\n' "$r" "$target" "$rps" "$p99" "$cpu" "$errs"
  done
done

echo
printf '%-12s %14s %15s %19s\n' target 'req/s(median)' 'p99_ms(median)' 'cpu_us/req(median)'
declare -A MED_RPS MED_P99
for target in pg_gateway nginx; do
  MED_RPS[$target]=$(cut -f1 "$OUT/$target.tsv" | median)
  MED_P99[$target]=$(cut -f2 "$OUT/$target.tsv" | median)
  med_cpu=$(cut -f3 "$OUT/$target.tsv" | grep -v NaN | median)
  printf '%-12s %14s %15s %19s\n' "$target" "${MED_RPS[$target]}" "${MED_P99[$target]}" "$med_cpu"
done
ratio=$(awk -v a="${MED_RPS[pg_gateway]}" -v b="${MED_RPS[nginx]}" \
  'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "n/a" }')
p99_ratio=$(awk -v a="${MED_P99[pg_gateway]}" -v b="${MED_P99[nginx]}" \
  'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "n/a" }')
echo "ratio req/s pg_gateway/nginx: $ratio (target >= $TARGET_RATIO)"
echo "ratio p99   pg_gateway/nginx: $p99_ratio"
[ "$KEEP" = 1 ] && echo "raw wrk outputs: $OUT"
exit 0
