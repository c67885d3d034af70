-- pg_gateway 0.5.0 -> 0.6.0: audit trails (row-change triggers, the audit
-- log and its partitions) and the request log. Every object they add comes
-- from sql/schema/audit.sql and sql/schema/request_log.sql, which make
-- appends to this file (UPDATE_0_6_0_SOURCES in the Makefile); only changes
-- to objects that 0.5.0 already has are written here.
\echo Use "ALTER EXTENSION pg_gateway UPDATE TO '0.6.0'" to load this file. \quit
