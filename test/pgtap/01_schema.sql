-- pgTAP: the objects pg_gateway installs, their types and privileges.
BEGIN;
SELECT plan(24);

SELECT has_schema('gateway');
SELECT has_table('gateway', 'routes', 'routes table exists');
SELECT col_is_pk('gateway', 'routes', ARRAY['path', 'method'], 'routes are keyed by path and method');
SELECT col_type_is('gateway', 'routes', 'handler', 'regprocedure', 'handler is a regprocedure');
SELECT col_type_is('gateway', 'routes', 'run_as', 'regrole', 'run_as is a regrole');
SELECT col_not_null('gateway', 'routes', 'run_as', 'run_as is required');
SELECT has_function('gateway', 'register_route', ARRAY['text', 'text', 'regprocedure', 'regrole']);
SELECT has_function('gateway', 'unregister_route', ARRAY['text', 'text']);
SELECT has_function('gateway', 'http_worker_stats', '{}'::name[]);
SELECT has_function('gateway', 'http_status_for_sqlstate', ARRAY['text']);
SELECT function_lang_is('gateway', 'http_worker_stats', '{}'::name[], 'c');
SELECT volatility_is('gateway', 'http_status_for_sqlstate', ARRAY['text'], 'immutable');
SELECT is_strict('gateway', 'http_status_for_sqlstate', ARRAY['text']);

-- Nothing is granted to PUBLIC except the schema and the pure mapping function.
SELECT table_privs_are('gateway', 'routes', 'public', '{}'::text[], 'PUBLIC cannot read or write routes');
SELECT function_privs_are('gateway', 'register_route', ARRAY['text', 'text', 'regprocedure', 'regrole'],
                          'public', '{}'::text[], 'PUBLIC cannot register routes');
SELECT function_privs_are('gateway', 'http_worker_stats', '{}'::name[], 'public', '{}'::text[],
                          'PUBLIC cannot read worker statistics');
SELECT function_privs_are('gateway', 'http_status_for_sqlstate', ARRAY['text'], 'public',
                          ARRAY['EXECUTE'], 'anyone can look up the status mapping');
SELECT table_privs_are('gateway', 'trusted_documents', 'public', '{}'::text[],
                       'PUBLIC cannot read or add trusted documents');
SELECT function_privs_are('gateway', 'trust_document', ARRAY['text', 'text'], 'public',
                          '{}'::text[], 'PUBLIC cannot trust documents');
SELECT schema_privs_are('gateway', 'public', ARRAY['USAGE']);

-- Configuration: the prefix is reserved and restart-only settings say so.
SELECT throws_ok($$SET pg_gateway.no_such_setting = 1$$, '42602', NULL,
                 'pg_gateway. prefix is reserved');
SELECT results_eq($$SELECT context FROM pg_settings WHERE name = 'pg_gateway.port'$$,
                  ARRAY['postmaster'], 'port needs a restart');
SELECT results_eq($$SELECT context FROM pg_settings WHERE name = 'pg_gateway.keepalive_timeout'$$,
                  ARRAY['sighup'], 'keepalive_timeout changes on reload');
SELECT is((SELECT array_agg(name::text ORDER BY name) FROM pg_settings
            WHERE name IN ('pg_gateway.smtp_password', 'pg_gateway.jwt_secret', 'pg_gateway.debug_fault')),
          NULL::text[], 'pg_gateway.smtp_password, jwt_secret and debug_fault are hidden from pg_settings');

SELECT * FROM finish();
ROLLBACK;
