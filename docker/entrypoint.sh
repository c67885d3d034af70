#!/bin/sh
# Initializes the cluster on first start, then runs postgres in the foreground.
# Inside a container the HTTP port must listen on all interfaces to be published.
#
# First start only (an existing PGDATA is never rewritten; change settings
# later with ALTER SYSTEM):
#   - initdb: peer authentication on the socket (the backup sidecar connects
#     as the same OS user through the shared socket directory), SCRAM over TCP;
#   - settings: pg_stat_statements and pg_gateway preloaded, the log written to
#     /var/log/pg_gateway (read by Promtail) in PG_LOG_DESTINATION format, WAL
#     archived with pgBackRest when PGBACKREST_STANZA is set;
#   - the target database PG_GATEWAY_DATABASE with pg_gateway and
#     pg_stat_statements, then every /docker-entrypoint-initdb.d/*.sh and *.sql
#     (sorted) run against it.
#
# The paths and addresses below default to the image's; test/deploy runs this
# script on the host with its own (PG_LOG_DIRECTORY, PG_INITDB_DIR, ...).
set -eu
db=${PG_GATEWAY_DATABASE:-postgres}
log_dir=${PG_LOG_DIRECTORY:-/var/log/pg_gateway}
initdb_dir=${PG_INITDB_DIR:-/docker-entrypoint-initdb.d}
listen=${PG_LISTEN_ADDRESSES:-*}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-local=peer \
    --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  cat >> "$PGDATA/postgresql.auto.conf" <<CONF
listen_addresses = '${listen}'
shared_preload_libraries = 'pg_stat_statements,pg_gateway'
pg_stat_statements.track = 'top'
track_io_timing = on
pg_gateway.listen_addresses = '${listen}'
pg_gateway.port = ${PG_GATEWAY_PORT:-8080}
pg_gateway.database = '${db}'
pg_gateway.access_log = '${PG_GATEWAY_ACCESS_LOG:-json}'
pg_gateway.metrics_allowed_addresses = '${PG_GATEWAY_METRICS_ALLOWED:-127.0.0.1}'
pg_gateway.smtp_url = '${PG_GATEWAY_SMTP_URL:-}'
logging_collector = on
log_destination = '${PG_LOG_DESTINATION:-jsonlog}'
log_directory = '${log_dir}'
log_filename = 'postgresql-%Y-%m-%d.log'
log_file_mode = 0640
log_rotation_age = '1d'
log_rotation_size = '100MB'
log_line_prefix = '%m [%p] %q%u@%d '
CONF
  if [ -n "${PGBACKREST_STANZA:-}" ]; then
    cat >> "$PGDATA/postgresql.auto.conf" <<CONF
archive_mode = on
archive_command = 'pgbackrest --stanza=${PGBACKREST_STANZA} archive-push %p'
archive_timeout = '60s'
CONF
  fi
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  # Local socket only while initializing: nothing else can connect yet.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c archive_mode=off" -w start >/dev/null
  if [ "$db" != postgres ]; then
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -v db="$db" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db') \gexec
SQL
  fi
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" \
    -c "CREATE EXTENSION IF NOT EXISTS pg_gateway" \
    -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
  for f in "$initdb_dir"/*; do
    case "$f" in
      *.sh) echo "pg_gateway-entrypoint: running $f"; PGDATABASE="$db" sh "$f" ;;
      *.sql) echo "pg_gateway-entrypoint: running $f"; psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec postgres -D "$PGDATA"
