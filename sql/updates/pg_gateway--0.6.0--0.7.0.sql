-- pg_gateway 0.6.0 -> 0.7.0: cache-control metadata and HTTP caching of
-- GraphQL (table versions bumped at commit, ETags, the shared response
-- cache). New objects come from sql/schema/cache.sql; gateway.reflect and
-- gateway.graphql_worker_stats change shape (the reflection reports row
-- security, what views and policies read and schema comments; the stats
-- report the response cache), so they are dropped here and created again
-- from sql/schema/graphql.sql, which make appends to this file
-- (UPDATE_0_7_0_SOURCES in the Makefile).
\echo Use "ALTER EXTENSION pg_gateway UPDATE TO '0.7.0'" to load this file. \quit

DROP FUNCTION @extschema@.reflect(name[], name);
DROP FUNCTION @extschema@.graphql_worker_stats();
