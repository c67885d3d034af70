#!/bin/bash
# The backup sidecar of docker/compose.yaml: runs the pg_gateway image with
# PGDATA, the socket directory and the repository shared with the database.
#
# At start: stanza-create (idempotent), then a full backup at once when the
# repository has none, so that the backup-age alerts have a first point.
# Then once a day at BACKUP_HOUR (UTC): a full backup on BACKUP_FULL_WEEKDAY
# (ISO weekday, 7 = Sunday), a differential the other days; expire applies
# the retention of pgbackrest.conf after each. A failed backup is logged and
# retried the next day; the pgBackRest exporter's backup age then grows and
# PgBackRestBackupTooOld fires. The loop wakes every minute (and touches the
# health-check file) rather than sleeping until the next run, so that a
# stopped container exits within a minute and a clock jump cannot skip a day.
set -uo pipefail
stanza=${PGBACKREST_STANZA:-main}
hour=${BACKUP_HOUR:-1}
full_weekday=${BACKUP_FULL_WEEKDAY:-7}
alive=${SCHEDULER_ALIVE_FILE:-/tmp/pgbackrest-scheduler.alive}

log() { printf '%s pgbackrest-scheduler: %s\n' "$(date -u +%FT%TZ)" "$*"; }

backup() {  # backup full|diff
  log "starting $1 backup"
  if pgbackrest --stanza="$stanza" --type="$1" backup; then
    log "$1 backup done"
  else
    log "$1 backup FAILED (exit $?)"
  fi
}

trap 'log "stopping"; kill $! 2>/dev/null; exit 0' TERM INT
touch "$alive"
until pgbackrest --stanza="$stanza" stanza-create; do
  log "stanza-create failed; retrying in 30 s"
  touch "$alive"
  sleep 30 & wait $!
done
if ! pgbackrest --stanza="$stanza" --output=json info | grep -q '"label"'; then
  backup full
fi

last_run=""
while :; do
  touch "$alive"
  today=$(date -u +%F)
  if [ "$(date -u +%-H)" -eq "$hour" ] && [ "$last_run" != "$today" ]; then
    last_run=$today
    if [ "$(date -u +%u)" -eq "$full_weekday" ]; then backup full; else backup diff; fi
  fi
  sleep 60 & wait $!
done
