#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install the packages, build and
# install pg_gateway, start a local PostgreSQL 15 cluster under .demo/ in
# this folder with the extension preloaded and a demo schema, and print the
# URLs. Run it again to rebuild and restart. Stop with: scripts/setup.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEMO=$ROOT/.demo
PGPORT=${PGPORT:-54329}
HTTP_PORT=${HTTP_PORT:-8080}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
SERVER_USER=postgres
[ "$(id -u)" -eq 0 ] || SERVER_USER=$(id -un)
as_server() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$SERVER_USER" -- "$@"; else "$@"; fi; }

if [ "${1:-}" = "stop" ]; then
  BIN=$(pg_config --bindir)
  [ -f "$DEMO/data/postmaster.pid" ] && as_server "$BIN/pg_ctl" -D "$DEMO/data" -m fast -w stop
  exit 0
fi

scripts/install-deps.sh
BIN=$(pg_config --bindir)

echo "== building pg_gateway"
make -j2 >/dev/null
as_root make install >/dev/null

if [ -f "$DEMO/data/postmaster.pid" ]; then
  as_server "$BIN/pg_ctl" -D "$DEMO/data" -m fast -w stop >/dev/null || true
fi
if [ ! -f "$DEMO/data/PG_VERSION" ]; then
  echo "== creating a cluster in $DEMO/data"
  mkdir -p "$DEMO"
  [ "$(id -u)" -eq 0 ] && chown "$SERVER_USER" "$DEMO"
  if ! as_server test -w "$DEMO"; then
    echo "error: the $SERVER_USER OS user cannot write $DEMO (PostgreSQL refuses to run as root," >&2
    echo "so the cluster runs as $SERVER_USER); make the folders above it traversable (chmod o+x)." >&2
    exit 1
  fi
  as_server "$BIN/initdb" -D "$DEMO/data" -A trust -U postgres >/dev/null
  as_server sh -c "cat >> '$DEMO/data/postgresql.auto.conf'" <<CONF
shared_preload_libraries = 'pg_gateway'
listen_addresses = ''
unix_socket_directories = '$DEMO'
port = $PGPORT
pg_gateway.port = $HTTP_PORT
pg_gateway.database = 'postgres'
pg_gateway.schemas = 'demo'
pg_gateway.anonymous_role = 'demo_web'
CONF
fi
echo "== starting PostgreSQL"
as_server "$BIN/pg_ctl" -D "$DEMO/data" -l "$DEMO/server.log" -w start >/dev/null
as_server "$BIN/psql" -X -q -h "$DEMO" -p "$PGPORT" -U postgres -d postgres \
  -v ON_ERROR_STOP=1 -f "$ROOT/scripts/demo-schema.sql" >/dev/null

for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$HTTP_PORT/ready" >/dev/null 2>&1 && break; sleep 0.1; done
cat <<MSG

pg_gateway is running (PostgreSQL 15, log: $DEMO/server.log)

  http://127.0.0.1:$HTTP_PORT/live      liveness, never touches the database
  http://127.0.0.1:$HTTP_PORT/ready     readiness: database, extension, standby
  http://127.0.0.1:$HTTP_PORT/graphql   GraphQL (PostGraphile v5's schema for schema demo)
  http://127.0.0.1:$HTTP_PORT/todos     demo SQL route (GET, and POST {"title": "..."})

  curl -H 'Content-Type: application/json' -d '{"query":"{ allTodos { nodes { rowId title done } } }"}' http://127.0.0.1:$HTTP_PORT/graphql

  curl http://127.0.0.1:$HTTP_PORT/todos
  curl -X POST -H 'Content-Type: application/json' -d '{"title":"write docs"}' http://127.0.0.1:$HTTP_PORT/todos
  psql -h $DEMO -p $PGPORT -U postgres        (SELECT * FROM gateway.http_worker_stats();)

Stop it with: scripts/setup.sh stop
MSG
