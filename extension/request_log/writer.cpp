#include "extension/pg/pg_api.hpp"

extern "C" {
#include "utils/array.h"
}

#include "extension/request_log/writer.hpp"

#include <string>

#include "extension/pg/catalog.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/settings.hpp"
#include "extension/pg/spi.hpp"
#include "extension/pg/transaction.hpp"
#include "extension/request_log/settings.hpp"

namespace pg_gateway::request_log_pg {

namespace {

// The whole batch is thirteen parameters, one array per column, built in
// C from the entries and bound as binary values: one statement (planned
// once, kept), no text to parse. A JSON document unpacked by
// json_to_recordset cost three times as much per row (16 us of its 20 us
// went to parsing, measured with 2000-row batches); with the arrays a row
// costs about 5 us, mostly the INSERT itself. ROWS FROM with qualified
// unnest() (what unnest($1, $2, ...) stands for) resolves no function
// through the writer's search_path.
constexpr const char* kInsert =
    "INSERT INTO gateway.request_log (at, method, path, status, role, jwt_sub, duration, bytes, "
    "request_id, operation_name, document_hash, client_addr, worker) "
    "SELECT * FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), "
    "pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6), "
    "pg_catalog.unnest($7), pg_catalog.unnest($8), pg_catalog.unnest($9), pg_catalog.unnest($10), "
    "pg_catalog.unnest($11), pg_catalog.unnest($12), pg_catalog.unnest($13))";
constexpr int kColumns = 13;

constexpr const char* kMaintain =
    "SELECT partition, action FROM gateway.maintain_partitions('gateway.request_log'::regclass, "
    "$1::interval, 2, ARRAY['USING brin (at)'])";

// Prepared once per process, kept for its life; PostgreSQL replans it when
// the table changes (or is dropped and created again).
SPIPlanPtr insert_plan = nullptr;

// The plain-C helpers below run inside one pg::call: they hold only
// PostgreSQL values (palloc'd in the transaction's memory) and pointers.

// A text[] of one field of every entry; empty strings become NULL when
// `nullable`.
Datum text_array(const Entry* entries, int n, size_t offset, bool nullable) {
  Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * size_t(n)));
  bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * size_t(n)));
  for (int i = 0; i < n; ++i) {
    const char* field = reinterpret_cast<const char*>(&entries[i]) + offset;
    nulls[i] = nullable && field[0] == '\0';
    values[i] = nulls[i] ? Datum(0) : CStringGetTextDatum(field);
  }
  int dims[1] = {n};
  int lbs[1] = {1};
  return PointerGetDatum(
      construct_md_array(values, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
}

// An array of a pass-by-value type (int4, int8, float8, timestamptz).
template <typename Get>
Datum value_array(const Entry* entries, int n, Oid type, int len, char align, Get get) {
  Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * size_t(n)));
  for (int i = 0; i < n; ++i) values[i] = get(entries[i]);
  int dims[1] = {n};
  int lbs[1] = {1};
  return PointerGetDatum(construct_md_array(values, nullptr, 1, dims, lbs, type, len, true, align));
}

void insert(const Entry* e, int n, SPIPlanPtr plan) {
  constexpr int64 kUnixToPostgresUs =
      int64(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * int64(USECS_PER_DAY);
  Datum args[kColumns];
  args[0] = value_array(e, n, TIMESTAMPTZOID, 8, TYPALIGN_DOUBLE, [](const Entry& x) {
    return TimestampTzGetDatum(TimestampTz(x.at_us - kUnixToPostgresUs));
  });
  args[1] = text_array(e, n, offsetof(Entry, method), false);
  args[2] = text_array(e, n, offsetof(Entry, path), false);
  args[3] = value_array(e, n, INT4OID, 4, TYPALIGN_INT,
                        [](const Entry& x) { return Int32GetDatum(x.status); });
  args[4] = text_array(e, n, offsetof(Entry, role), true);
  args[5] = text_array(e, n, offsetof(Entry, jwt_sub), true);
  args[6] = value_array(e, n, FLOAT8OID, 8, TYPALIGN_DOUBLE,
                        [](const Entry& x) { return Float8GetDatum(x.duration_ms); });
  args[7] = value_array(e, n, INT8OID, 8, TYPALIGN_DOUBLE,
                        [](const Entry& x) { return Int64GetDatum(x.bytes); });
  args[8] = text_array(e, n, offsetof(Entry, request_id), false);
  args[9] = text_array(e, n, offsetof(Entry, operation_name), true);
  args[10] = text_array(e, n, offsetof(Entry, document_hash), true);
  args[11] = text_array(e, n, offsetof(Entry, client_addr), true);
  args[12] = value_array(e, n, INT4OID, 4, TYPALIGN_INT,
                         [](const Entry& x) { return Int32GetDatum(x.worker); });
  int rc = SPI_execute_plan(plan, args, nullptr, false, 0);
  if (rc != SPI_OK_INSERT)
    elog(ERROR, "writing gateway.request_log failed: %s", SPI_result_code_string(rc));
}

SPIPlanPtr prepared_insert() {
  if (insert_plan) return insert_plan;
  insert_plan = pg::call([] {
    Oid types[kColumns] = {TIMESTAMPTZARRAYOID, TEXTARRAYOID, TEXTARRAYOID,   INT4ARRAYOID,
                           TEXTARRAYOID,        TEXTARRAYOID, FLOAT8ARRAYOID, INT8ARRAYOID,
                           TEXTARRAYOID,        TEXTARRAYOID, TEXTARRAYOID,   TEXTARRAYOID,
                           INT4ARRAYOID};
    SPIPlanPtr p = SPI_prepare(kInsert, kColumns, types);
    if (!p) elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    if (SPI_keepplan(p) != 0) elog(ERROR, "SPI_keepplan failed");
    return p;
  });
  return insert_plan;
}

}  // namespace

bool table_installed() {
  bool installed = false;
  pg::TransactionOptions opts;
  opts.read_only = true;
  opts.activity = "pg_gateway: request log lookup";
  pg::run_in_transaction(opts,
                         [&] { installed = OidIsValid(pg::gateway_relation("request_log")); });
  return installed;
}

void write_batch(const std::vector<Entry>& batch) {
  if (batch.empty()) return;
  pg::TransactionOptions opts;
  opts.read_only = false;
  opts.activity = "pg_gateway: request log write";
  const Entry* entries = batch.data();
  int n = int(batch.size());
  pg::run_in_transaction(opts, [entries, n] {
    SPIPlanPtr plan = prepared_insert();
    pg::call([entries, n, plan] { insert(entries, n, plan); });
  });
}

void maintain_partitions() {
  std::string retention = pg::settings::text(settings::retention);
  std::vector<pg::TextRow> rows;
  pg::TransactionOptions opts;
  opts.read_only = false;
  opts.activity = "pg_gateway: request log partitions";
  pg::run_in_transaction(opts, [&] { rows = pg::query_text(kMaintain, {retention}); });
  for (const pg::TextRow& r : rows)
    if (r.size() == 2 && r[0] && r[1])
      pg::log("pg_gateway log writer: partition " + *r[0] + " " + *r[1]);
}

}  // namespace pg_gateway::request_log_pg
