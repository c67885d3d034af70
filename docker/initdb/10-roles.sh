#!/bin/sh
# Roles of the compose stack, created once by docker/entrypoint.sh in the
# target database ($PGDATABASE) over the local socket. Passwords come from the
# environment (.env); a role whose password is unset is not created, so the
# image also runs alone. psql variables (:'name') quote every value.
#   postgres_exporter  pg_monitor member: postgres_exporter's scrapes and
#                      pg_stat_statements of every database
#   metabase_ro        Metabase's data source: SELECT on the public schema
#                      only (not pg_read_all_data: that would include
#                      gateway.webhook_secrets), every transaction read-only
#   metabase           owner of the "metabase" database, Metabase's own state
#   pgbouncer_auth     PgBouncer's auth_user: may only call
#                      pgbouncer.get_auth(), which reads pg_authid for it
set -eu
psql -X -q -v ON_ERROR_STOP=1 \
  -v exporter_pw="${POSTGRES_EXPORTER_PASSWORD:-}" \
  -v ro_pw="${METABASE_RO_PASSWORD:-}" \
  -v mb_pw="${METABASE_DB_PASSWORD:-}" \
  -v bouncer_pw="${PGBOUNCER_AUTH_PASSWORD:-}" <<'SQL'
SELECT format('CREATE ROLE postgres_exporter LOGIN PASSWORD %L IN ROLE pg_monitor', :'exporter_pw')
 WHERE :'exporter_pw' <> '' \gexec

SELECT format('CREATE ROLE metabase_ro LOGIN PASSWORD %L', :'ro_pw') WHERE :'ro_pw' <> '' \gexec
SELECT format('ALTER ROLE metabase_ro SET default_transaction_read_only = on'),
       format('ALTER ROLE metabase_ro SET statement_timeout = %L', '60s'),
       format('GRANT CONNECT ON DATABASE %I TO metabase_ro', current_database()),
       'GRANT USAGE ON SCHEMA public TO metabase_ro',
       'GRANT SELECT ON ALL TABLES IN SCHEMA public TO metabase_ro',
       'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO metabase_ro'
 WHERE :'ro_pw' <> '' \gexec

SELECT format('CREATE ROLE metabase LOGIN PASSWORD %L', :'mb_pw'),
       'CREATE DATABASE metabase OWNER metabase'
 WHERE :'mb_pw' <> '' \gexec

SELECT format('CREATE ROLE pgbouncer_auth LOGIN PASSWORD %L', :'bouncer_pw'),
       'CREATE SCHEMA pgbouncer AUTHORIZATION postgres',
       'REVOKE ALL ON SCHEMA pgbouncer FROM PUBLIC',
       'GRANT USAGE ON SCHEMA pgbouncer TO pgbouncer_auth'
 WHERE :'bouncer_pw' <> '' \gexec
SQL

if [ -n "${PGBOUNCER_AUTH_PASSWORD:-}" ]; then
  psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
-- PgBouncer's auth_query: the SCRAM secret of a login role that is not a
-- superuser (superusers connect directly, never through the pool).
CREATE FUNCTION pgbouncer.get_auth(p_usename text)
RETURNS TABLE (usename name, passwd text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog
AS $$
  SELECT rolname, rolpassword::text FROM pg_authid
   WHERE rolname = p_usename AND rolcanlogin AND NOT rolsuper
     AND (rolvaliduntil IS NULL OR rolvaliduntil > now())
$$;
REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer_auth;
SQL
fi
