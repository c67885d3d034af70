-- Defaults of every pg_gateway parameter, with their context.
SELECT name, setting, unit, context
  FROM pg_settings
 WHERE name LIKE 'pg\_gateway.%'
 ORDER BY name;
-- The regress instance sets these three.
SHOW pg_gateway.http_workers;
SHOW pg_gateway.port;
SHOW pg_gateway.job_workers;
-- The prefix is reserved: typos are errors, not silent placeholders.
SET pg_gateway.prot = 8081;
-- Restart-only and reload-only parameters cannot be SET in a session.
SET pg_gateway.port = 8081;
SET pg_gateway.max_body_size = '2MB';
-- Check hooks validate values before they reach postgresql.auto.conf.
ALTER SYSTEM SET pg_gateway.cors_allowed_origins = 'example.com';
ALTER SYSTEM SET pg_gateway.cors_allowed_origins = 'https://a.example/path';
ALTER SYSTEM SET pg_gateway.listen_addresses = 'localhost';
ALTER SYSTEM SET pg_gateway.port = 70000;
ALTER SYSTEM SET pg_gateway.cors_allowed_origins = 'https://a.example, https://b.example:8443';
ALTER SYSTEM RESET pg_gateway.cors_allowed_origins;
-- The debug fault switch is superuser-only and hidden from SHOW ALL.
SELECT count(*) FROM pg_settings WHERE name = 'pg_gateway.debug_fault';
SHOW pg_gateway.debug_fault;
CREATE ROLE regress_gucs_user;
SET ROLE regress_gucs_user;
SET pg_gateway.debug_fault = 'pg_error';
RESET ROLE;
DROP ROLE regress_gucs_user;
-- SMTP settings, the password above all, are for superusers' eyes only.
CREATE ROLE regress_guc_reader;
SET ROLE regress_guc_reader;
SHOW pg_gateway.smtp_password;
SHOW pg_gateway.smtp_url;
SELECT count(*) FROM pg_settings WHERE name LIKE 'pg_gateway.smtp%';
RESET ROLE;
DROP ROLE regress_guc_reader;
-- JWT settings: the key is for superusers' eyes only and hidden from SHOW
-- ALL; bad algorithm lists, claim paths and cookie names are refused.
SELECT count(*) FROM pg_settings WHERE name = 'pg_gateway.jwt_secret';
CREATE ROLE regress_jwt_reader;
SET ROLE regress_jwt_reader;
SHOW pg_gateway.jwt_secret;
RESET ROLE;
DROP ROLE regress_jwt_reader;
ALTER SYSTEM SET pg_gateway.jwt_algorithms = 'HS256, none';
ALTER SYSTEM SET pg_gateway.jwt_role_claim = '$.app[';
ALTER SYSTEM SET pg_gateway.jwt_cookie = 'a;b';
ALTER SYSTEM SET pg_gateway.jwt_algorithms = 'HS256, ES256, Ed25519';
ALTER SYSTEM SET pg_gateway.jwt_role_claim = '$["https://example.com/claims"].role';
ALTER SYSTEM SET pg_gateway.jwt_cookie = '__Host-session';
ALTER SYSTEM RESET pg_gateway.jwt_algorithms;
ALTER SYSTEM RESET pg_gateway.jwt_role_claim;
ALTER SYSTEM RESET pg_gateway.jwt_cookie;
-- The request log: an enum, a retention that must read as an interval of at
-- least a day, a buffer size fixed at server start.
ALTER SYSTEM SET pg_gateway.request_log = 'sometimes';
ALTER SYSTEM SET pg_gateway.request_log_retention = 'a while';
ALTER SYSTEM SET pg_gateway.request_log_retention = '1 hour';
ALTER SYSTEM SET pg_gateway.request_log_retention = '13 months';
ALTER SYSTEM SET pg_gateway.request_log = 'errors';
SET pg_gateway.request_log_buffer = 100;
ALTER SYSTEM RESET pg_gateway.request_log_retention;
ALTER SYSTEM RESET pg_gateway.request_log;
SELECT buffered >= 0 AND written >= 0 AND dropped >= 0 AS sane FROM gateway.request_log_stats();
-- The access log: off or json, reloadable, not settable in a session.
ALTER SYSTEM SET pg_gateway.access_log = 'text';
SET pg_gateway.access_log = 'json';
ALTER SYSTEM SET pg_gateway.access_log = 'json';
ALTER SYSTEM RESET pg_gateway.access_log;
