-- pg_gateway 0.7.0 -> 0.8.0: inbound webhooks (sources and their secrets,
-- deliveries, receive_webhook() that turns a verified delivery into a job
-- once per event id, replay and pruning). Only new objects, all from
-- sql/schema/webhooks.sql, which make appends to this file
-- (UPDATE_0_8_0_SOURCES in the Makefile); nothing that exists changes.
\echo Use "ALTER EXTENSION pg_gateway UPDATE TO '0.8.0'" to load this file. \quit
