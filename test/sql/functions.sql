-- SQLSTATE to HTTP status, as requests see it.
SELECT code, gateway.http_status_for_sqlstate(code) AS status
  FROM (VALUES ('P0001'), ('P0002'), ('22012'), ('22P02'), ('23502'), ('23503'), ('23505'),
               ('25006'), ('28000'), ('40001'), ('40P01'), ('42501'), ('42883'), ('42P01'),
               ('53300'), ('55P03'), ('57014'), ('57P01'), ('08006'), ('XX000'), ('PT402'),
               ('PT999'), ('PT200')) AS t(code)
 ORDER BY code;
SELECT gateway.http_status_for_sqlstate('2350');
SELECT gateway.http_status_for_sqlstate('23505x');
SELECT gateway.http_status_for_sqlstate('abcde');
SELECT gateway.http_status_for_sqlstate(NULL);

-- Worker statistics: one row per configured worker, documented columns.
SELECT worker, state IS NOT NULL AS has_state, requests >= 0 AS counters
  FROM gateway.http_worker_stats();
SELECT attname, format_type(atttypid, atttypmod)
  FROM pg_attribute
 WHERE attrelid = (SELECT oid FROM pg_class WHERE relname = 'routes')
   AND attnum > 0
 ORDER BY attnum;
-- Statistics are for administrators only.
CREATE ROLE regress_stats_user;
SET ROLE regress_stats_user;
SELECT * FROM gateway.http_worker_stats();
RESET ROLE;
DROP ROLE regress_stats_user;
