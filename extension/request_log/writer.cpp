#include "extension/pg/pg_api.hpp"

#include "extension/request_log/writer.hpp"

#include <string>

#include "core/json/json_writer.hpp"
#include "extension/pg/catalog.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/settings.hpp"
#include "extension/pg/spi.hpp"
#include "extension/pg/transaction.hpp"
#include "extension/request_log/settings.hpp"

namespace pg_gateway::request_log_pg {

namespace {

// The whole batch is one parameter, a JSON array of objects, unpacked by
// json_to_recordset: one statement (planned once, kept), one round of
// parsing, whatever the batch size. Text arrays per column would need the
// same quoting, and thirteen parameters instead of one.
constexpr const char* kInsert =
    "INSERT INTO gateway.request_log (at, method, path, status, role, jwt_sub, duration, bytes, "
    "request_id, operation_name, document_hash, client_addr, worker) "
    "SELECT timestamptz 'epoch' + r.at * interval '1 microsecond', r.method, r.path, r.status, "
    "r.role, r.jwt_sub, r.duration, r.bytes, r.request_id, r.operation_name, r.document_hash, "
    "r.client_addr, r.worker "
    "FROM pg_catalog.json_to_recordset($1::json) AS r(at bigint, method text, path text, "
    "status integer, role text, jwt_sub text, duration double precision, bytes bigint, "
    "request_id text, operation_name text, document_hash text, client_addr text, worker integer)";

constexpr const char* kMaintain =
    "SELECT partition, action FROM gateway.maintain_partitions('gateway.request_log'::regclass, "
    "$1::interval)";

// A field as a JSON string, or null when the request had no such value.
void field(std::string& out, const char* key, const char* value) {
  out += ",\"";
  out += key;
  out += "\":";
  if (value[0])
    json::append_quoted(out, value);
  else
    out += "null";
}

std::string batch_json(const std::vector<Entry>& batch) {
  std::string out;
  out.reserve(batch.size() * 300);
  out += '[';
  for (const Entry& e : batch) {
    if (out.size() > 1) out += ',';
    out += "{\"at\":" + std::to_string(e.at_us) + ",\"status\":" + std::to_string(e.status) +
           ",\"duration\":" + std::to_string(e.duration_ms) +
           ",\"bytes\":" + std::to_string(e.bytes) + ",\"worker\":" + std::to_string(e.worker);
    field(out, "method", e.method);
    field(out, "path", e.path);
    field(out, "role", e.role);
    field(out, "jwt_sub", e.jwt_sub);
    field(out, "request_id", e.request_id);
    field(out, "operation_name", e.operation_name);
    field(out, "document_hash", e.document_hash);
    field(out, "client_addr", e.client_addr);
    out += '}';
  }
  out += ']';
  return out;
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
  std::string json = batch_json(batch);
  pg::TransactionOptions opts;
  opts.read_only = false;
  opts.activity = "pg_gateway: request log write";
  pg::run_in_transaction(opts, [&] { (void)pg::query_text(kInsert, {json}); });
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
