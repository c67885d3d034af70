#!/bin/sh
# Writes the one entry of the auth file (auth_user's password, from the
# environment, never from the image) and runs PgBouncer in the foreground.
# Every other role authenticates through auth_query (pgbouncer.get_auth(),
# docker/initdb/10-roles.sh) against its SCRAM secret in the database.
set -eu
: "${PGBOUNCER_AUTH_PASSWORD:?set PGBOUNCER_AUTH_PASSWORD}"
umask 077
mkdir -p /tmp/pgbouncer
escaped=$(printf '%s' "$PGBOUNCER_AUTH_PASSWORD" | sed 's/"/""/g')
printf '"pgbouncer_auth" "%s"\n' "$escaped" > /tmp/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
