-- Upgrading from 0.1.0 (0.1.0 -> 0.2.0 -> 0.3.0 -> 0.4.0 -> 0.5.0 -> 0.6.0 -> 0.7.0 -> 0.8.0 -> 0.9.0) gives the same objects as a
-- fresh install.
CREATE TEMP TABLE fresh AS
SELECT pg_describe_object(classid, objid, 0) AS object
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pg_gateway');
-- Nor are function bodies: an upgrade script that replaces a function must
-- give it the same definition as the install script.
CREATE TEMP TABLE fresh_functions AS
SELECT p.oid::regprocedure::text AS function, pg_get_functiondef(p.oid) AS definition
  FROM pg_proc p WHERE p.pronamespace = 'gateway'::regnamespace;
-- The event trigger's firing mode is not part of its description.
CREATE TEMP TABLE fresh_triggers AS
SELECT evtname, evtevent, evtenabled FROM pg_event_trigger;
DROP EXTENSION pg_gateway;
CREATE EXTENSION pg_gateway VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'pg_gateway';
ALTER EXTENSION pg_gateway UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'pg_gateway';
CREATE TEMP TABLE upgraded AS
SELECT pg_describe_object(classid, objid, 0) AS object
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pg_gateway');
(SELECT 'only fresh' AS side, object FROM fresh EXCEPT SELECT 'only fresh', object FROM upgraded)
UNION ALL
(SELECT 'only upgraded', object FROM upgraded EXCEPT SELECT 'only upgraded', object FROM fresh);
SELECT count(*) AS objects FROM upgraded;
(SELECT 'only fresh' AS side, function FROM
   (SELECT * FROM fresh_functions
    EXCEPT SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid)
             FROM pg_proc p WHERE p.pronamespace = 'gateway'::regnamespace) f)
UNION ALL
(SELECT 'only upgraded', function FROM
   (SELECT p.oid::regprocedure::text AS function, pg_get_functiondef(p.oid)
      FROM pg_proc p WHERE p.pronamespace = 'gateway'::regnamespace
    EXCEPT SELECT * FROM fresh_functions) u);
-- The privileges agree too.
SELECT p.oid::regprocedure AS function, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
  FROM pg_proc p WHERE p.pronamespace = 'gateway'::regnamespace ORDER BY p.oid::regprocedure::text;
(SELECT 'only fresh' AS side, * FROM fresh_triggers
 EXCEPT SELECT 'only fresh', evtname, evtevent, evtenabled FROM pg_event_trigger)
UNION ALL
(SELECT 'only upgraded', evtname, evtevent, evtenabled FROM pg_event_trigger
 EXCEPT SELECT 'only upgraded', * FROM fresh_triggers);
SELECT evtname, evtevent, evtenabled FROM pg_event_trigger;
