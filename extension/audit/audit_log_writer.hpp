// Writing one row of gateway.audit_log. The trigger's common case goes
// straight into the partition's heap and indexes (as PostgreSQL writes its
// own catalogs, catalog/indexing.h): no plan, no executor start, no tuple
// routing, which is most of what an INSERT through SPI costs a one-row
// change. What that path does not handle goes through SQL instead
// (insert_through_sql): the hash chain, which reads and locks its head; a
// row with no partition (the INSERT then raises the error); a partition
// someone gave triggers, another table access method, or indexes on
// expressions or with predicates.
#pragma once

#include "extension/pg/pg_api.hpp"

namespace pg_gateway::audit_pg {

// gateway.audit_log's columns that a change fills, in the order of the
// values the writers take ($1 .. $24 of the SQL insert). id comes from the
// identity, hash only from the chained insert.
inline constexpr int kLogColumns = 24;
inline constexpr const char* kLogColumnNames[kLogColumns] = {
    "at",           "clock_at",       "txid",         "table_oid",         "table_schema",
    "table_name",   "operation",      "record_id",    "old_record",        "new_record",
    "changed",      "session_role",   "acting_role",  "jwt_sub",           "jwt_role",
    "jwt_claims",   "request_id",     "request_method", "request_path",    "graphql_operation",
    "client_addr",  "job_id",         "job_task",     "statement"};

// The OID of gateway.audit_log (cached; throws pg::SqlError when the
// installed extension has none).
Oid audit_log_relid();

// Writes the row into its partition; false (nothing written) when this
// path cannot take it. `nulls` is ' ' / 'n' per value, as SPI's.
bool insert_directly(const Datum* values, const char* nulls);

}  // namespace pg_gateway::audit_pg
