#!/bin/sh
# Initializes the cluster on first start, then runs postgres in the foreground.
# Inside a container the HTTP port must listen on all interfaces to be published.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" -A scram-sha-256 >/dev/null
  rm -f "$pwfile"
  cat >> "$PGDATA/postgresql.auto.conf" <<CONF
listen_addresses = '*'
shared_preload_libraries = 'pg_gateway'
pg_gateway.listen_addresses = '*'
pg_gateway.database = '${PG_GATEWAY_DATABASE:-postgres}'
CONF
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -w start >/dev/null
  psql -X -q -U postgres -d postgres -c "CREATE EXTENSION IF NOT EXISTS pg_gateway"
  pg_ctl -D "$PGDATA" -w stop >/dev/null
fi
exec postgres -D "$PGDATA"
