-- The extension installs into schema "gateway" and needs the preload.
CREATE EXTENSION pg_gateway;
SELECT extname, extversion, extnamespace::regnamespace AS schema, extrelocatable
  FROM pg_extension WHERE extname = 'pg_gateway';
-- Every object the install script creates, with its kind.
SELECT pg_describe_object(classid, objid, 0) AS object
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pg_gateway')
   AND deptype = 'e'
 ORDER BY 1;
-- The routes table is kept by pg_dump (extension configuration table).
SELECT extconfig::regclass[] FROM pg_extension WHERE extname = 'pg_gateway';
-- LOAD in a session is harmless when the library is preloaded.
LOAD 'pg_gateway';
