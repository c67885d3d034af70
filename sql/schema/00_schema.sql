-- pg_gateway's schema itself: the guard against running the generated script
-- in psql, and the privilege every role has on the schema. The schema
-- (gateway) is created by CREATE EXTENSION from pg_gateway.control.
--
-- These files (sql/schema/*.sql, in the order SCHEMA_SOURCES in the Makefile
-- lists them) are the source of the current version's install script: make
-- concatenates them into build/sql/pg_gateway--<version>.sql. A change here
-- needs a new version and an update script (sql/pg_gateway--OLD--NEW.sql)
-- that gives an existing database the same objects: test/sql/upgrade.sql and
-- test/integration/test_upgrade.py compare a fresh install with an update.

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pg_gateway" to load this file. \quit

-- Every role may look up the schema's objects; what it may use of them is
-- granted object by object (most are not executable by PUBLIC).
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
