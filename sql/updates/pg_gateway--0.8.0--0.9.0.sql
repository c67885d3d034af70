-- pg_gateway 0.8.0 -> 0.9.0: add_job() takes a short path for a job
-- without a key, queue or flags (one INSERT: cheaper on every call and
-- on a new session's first). make appends sql/schema/add_job.sql to this
-- file (UPDATE_0_9_0_SOURCES in the Makefile); nothing else changes.
\echo Use "ALTER EXTENSION pg_gateway UPDATE TO '0.9.0'" to load this file. \quit
