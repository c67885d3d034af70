// gateway.audit_trigger(): the row-change trigger enable_audit() puts on a
// table (AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW, AFTER TRUNCATE FOR
// EACH STATEMENT). Each change becomes one row of gateway.audit_log, written
// through SPI in the transaction (and subtransaction) of the change, so the
// record commits or rolls back with what it records.
//
// Its arguments, set by enable_audit(): 't' or 'f' (log the statement),
// then the names of the columns left out of the record.
#include "extension/pg/pg_api.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/transam.h"
#include "commands/trigger.h"
#include "utils/fmgrprotos.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
}

#include <optional>
#include <string>

#include "extension/audit/actor.hpp"
#include "extension/audit/audit_log_writer.hpp"
#include "extension/audit/audited_relation.hpp"
#include "extension/audit/settings.hpp"
#include "extension/pg/entry.hpp"
#include "extension/pg/guard.hpp"

namespace pg_gateway::audit_pg {

namespace {

// The change itself, as Datums of the current (per-row) memory context.
struct Change {
  const char* operation = nullptr;
  std::optional<Datum> record_id, old_record, new_record, changed;
};

constexpr int kColumns = kLogColumns;  // $1 .. $24; the chained insert adds $25, the previous link

// INSERT INTO gateway.audit_log (<the columns>
std::string insert_columns() {
  std::string s = "INSERT INTO gateway.audit_log (";
  for (int i = 0; i < kColumns; ++i) s += (i ? ", " : "") + std::string(kLogColumnNames[i]);
  return s;
}
constexpr Oid kTypes[kColumns + 1] = {TIMESTAMPTZOID, TIMESTAMPTZOID, INT8OID,  OIDOID,   TEXTOID,
                                      TEXTOID,        TEXTOID,        JSONBOID, JSONBOID, JSONBOID,
                                      JSONBOID,       TEXTOID,        TEXTOID,  TEXTOID,  TEXTOID,
                                      JSONBOID,       TEXTOID,        TEXTOID,  TEXTOID,  TEXTOID,
                                      INETOID,        INT8OID,        TEXTOID,  TEXTOID,  BYTEAOID};

// Statements kept for the life of the backend; PostgreSQL's plan cache
// replans them when gateway.audit_log changes (a new partition, say).
struct Plans {
  SPIPlanPtr insert = nullptr;          // plain
  SPIPlanPtr insert_chained = nullptr;  // with the hash link, RETURNING id, hash
  SPIPlanPtr lock_head = nullptr;       // the table's chain head, locked
  SPIPlanPtr move_head = nullptr;
};
Plans plans;

SPIPlanPtr kept_plan(SPIPlanPtr* slot, const std::string& sql, int nargs, const Oid* types) {
  if (*slot) return *slot;
  *slot = pg::call([&sql, nargs, types] {
    SPIPlanPtr p = SPI_prepare(sql.c_str(), nargs, const_cast<Oid*>(types));
    if (!p) elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    if (SPI_keepplan(p) != 0) elog(ERROR, "SPI_keepplan failed");
    return p;
  });
  return *slot;
}

std::string values_list(int n) {
  std::string s;
  for (int i = 1; i <= n; ++i) s += (i > 1 ? ", $" : "$") + std::to_string(i);
  return s;
}

// The owner of gateway.audit_log (the extension's owner), whom the SQL
// insert runs as: nobody else has any right to write the log. Looked up
// again after any invalidation of the log's relation.
Oid log_owner = InvalidOid;
Oid owner_of = InvalidOid;

Oid audit_log_owner() {
  Oid relid = audit_log_relid();
  if (OidIsValid(log_owner) && owner_of == relid) return log_owner;
  log_owner = pg::call([relid] {
    HeapTuple t = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (!HeapTupleIsValid(t)) elog(ERROR, "cache lookup failed for relation %u", relid);
    Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(t))->relowner;
    ReleaseSysCache(t);
    return owner;
  });
  owner_of = relid;
  return log_owner;
}

Datum text_datum(const std::string& s) {
  const std::string* p = &s;
  return pg::call(
      [p] { return PointerGetDatum(cstring_to_text_with_len(p->data(), int(p->size()))); });
}

// $1 .. $24 of the insert.
void fill_values(const AuditedRelation& rel, const Change& c, const Actor& a, Datum* v, char* n) {
  for (int i = 0; i < kColumns; ++i) n[i] = 'n';
  auto set = [v, n](int param, Datum d) {
    v[param - 1] = d;
    n[param - 1] = ' ';
  };
  auto set_text = [&set](int param, const std::optional<std::string>& s) {
    if (s) set(param, text_datum(*s));
  };
  set(1, TimestampTzGetDatum(pg::call([] { return GetCurrentStatementStartTimestamp(); })));
  set(2, TimestampTzGetDatum(pg::call([] { return GetCurrentTimestamp(); })));
  set(3, Int64GetDatum(int64_t(
             pg::call([] { return U64FromFullTransactionId(GetTopFullTransactionId()); }))));
  set(4, ObjectIdGetDatum(rel.root));
  set(5, text_datum(rel.schema));
  set(6, text_datum(rel.name));
  const char* op = c.operation;
  set(7, pg::call([op] { return CStringGetTextDatum(op); }));
  if (c.record_id) set(8, *c.record_id);
  if (c.old_record) set(9, *c.old_record);
  if (c.new_record) set(10, *c.new_record);
  if (c.changed) set(11, *c.changed);
  set(12, text_datum(a.session_role));
  set(13, text_datum(a.acting_role));
  set_text(14, a.jwt_sub);
  set_text(15, a.jwt_role);
  if (a.jwt_claims) {
    const char* json = a.jwt_claims->c_str();
    set(16, pg::call([json] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json)); }));
  }
  set_text(17, a.request_id);
  set_text(18, a.request_method);
  set_text(19, a.request_path);
  set_text(20, a.graphql_operation);
  if (a.client_addr) {
    const char* addr = a.client_addr->c_str();
    set(21, pg::call([addr] { return DirectFunctionCall1(inet_in, CStringGetDatum(addr)); }));
  } else {
    // Not a pg_gateway request: the session's own client, as
    // inet_client_addr() (NULL over a Unix socket).
    bool isnull = true;
    Datum d = pg::call([&isnull] {
      LOCAL_FCINFO(fcinfo, 0);
      InitFunctionCallInfoData(*fcinfo, nullptr, 0, InvalidOid, nullptr, nullptr);
      Datum r = inet_client_addr(fcinfo);
      isnull = fcinfo->isnull;
      return r;
    });
    if (!isnull) set(21, d);
  }
  if (a.job_id) set(22, Int64GetDatum(*a.job_id));
  set_text(23, a.job_task);
  if (rel.log_statement && debug_query_string) {
    const char* q = debug_query_string;
    set(24, pg::call([q] { return CStringGetTextDatum(q); }));
  }
}

void execute(SPIPlanPtr plan, Datum* values, const char* nulls, int expected) {
  pg::call([plan, values, nulls, expected] {
    int rc = SPI_execute_plan(plan, values, nulls, false, 0);
    if (rc != expected) elog(ERROR, "audit statement failed: %s", SPI_result_code_string(rc));
  });
}

// Appends to the table's hash chain: the head row is locked (created at the
// first link) and read, the row is written with its link, the head moves.
// The lock is held to the end of the transaction, so concurrent writers of
// one table extend the chain one after the other and ids follow the chain.
void insert_chained(const AuditedRelation& rel, Datum* values, char* nulls) {
  static const Oid head_types[3] = {OIDOID, INT8OID, BYTEAOID};
  SPIPlanPtr lock = kept_plan(
      &plans.lock_head,
      "INSERT INTO gateway.audit_chain_heads AS h (table_oid, last_id, last_hash) "
      "VALUES ($1, 0, '\\x') ON CONFLICT (table_oid) DO UPDATE SET table_oid = EXCLUDED.table_oid "
      "RETURNING h.last_hash",
      1, head_types);
  SPIPlanPtr insert = kept_plan(
      &plans.insert_chained,
      insert_columns() + ", hash) VALUES (" + values_list(kColumns) +
          ", gateway.audit_row_hash($25, $1, $7, $5, $6, $8, $9, $10, $11)) RETURNING id, hash",
      kColumns + 1, kTypes);
  SPIPlanPtr move = kept_plan(
      &plans.move_head,
      "UPDATE gateway.audit_chain_heads SET last_id = $2, last_hash = $3 WHERE table_oid = $1", 3,
      head_types);
  Datum head_key[1] = {ObjectIdGetDatum(rel.root)};
  execute(lock, head_key, " ", SPI_OK_INSERT_RETURNING);
  values[kColumns] = pg::call([] {
    bool isnull;
    Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
    return isnull ? Datum(0) : d;
  });
  nulls[kColumns] = values[kColumns] ? ' ' : 'n';
  execute(insert, values, nulls, SPI_OK_INSERT_RETURNING);
  Datum head[3] = {ObjectIdGetDatum(rel.root), 0, 0};
  pg::call([&head] {
    bool isnull;
    head[1] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
    head[2] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
  });
  execute(move, head, "   ", SPI_OK_UPDATE);
}

// Writes the audit row: directly into its partition when it can, else
// through SQL as the log's owner; the caller's user comes back whatever
// happens (an error also restores it at (sub)transaction abort).
void write_row(const AuditedRelation& rel, const Change& change, const Actor& actor) {
  Datum values[kColumns + 1];
  char nulls[kColumns + 2] = {};
  fill_values(rel, change, actor, values, nulls);
  bool chained = settings::audit_hash_chain;
  if (!chained && insert_directly(values, nulls)) return;
  Oid owner = audit_log_owner();
  pg::call([] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  });
  Oid saved_user;
  int saved_context;
  GetUserIdAndSecContext(&saved_user, &saved_context);
  SetUserIdAndSecContext(owner, saved_context | SECURITY_LOCAL_USERID_CHANGE);
  try {
    if (chained) {
      insert_chained(rel, values, nulls);
    } else {
      SPIPlanPtr plan = kept_plan(
          &plans.insert, insert_columns() + ") VALUES (" + values_list(kColumns) + ")",
          kColumns, kTypes);
      execute(plan, values, nulls, SPI_OK_INSERT);
    }
  } catch (...) {
    SetUserIdAndSecContext(saved_user, saved_context);
    throw;
  }
  SetUserIdAndSecContext(saved_user, saved_context);
  pg::call([] { SPI_finish(); });
}

[[noreturn]] void misuse(const char* message) {
  throw pg::SqlError(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED, message, {},
                     "Let gateway.enable_audit() create the audit triggers.");
}

Datum audit_change(FunctionCallInfo fcinfo) {
  if (!CALLED_AS_TRIGGER(fcinfo)) misuse("gateway.audit_trigger() was not called as a trigger");
  const TriggerData* td = reinterpret_cast<TriggerData*>(fcinfo->context);
  TriggerEvent event = td->tg_event;
  if (!TRIGGER_FIRED_AFTER(event)) misuse("gateway.audit_trigger() must fire AFTER the change");
  bool truncate = TRIGGER_FIRED_BY_TRUNCATE(event);
  if (truncate ? !TRIGGER_FIRED_FOR_STATEMENT(event) : !TRIGGER_FIRED_FOR_ROW(event))
    misuse("gateway.audit_trigger() must fire FOR EACH ROW, or FOR EACH STATEMENT on TRUNCATE");

  const AuditedRelation& rel = audited_relation(td);
  TupleDesc desc = RelationGetDescr(td->tg_relation);
  Change c;
  if (truncate) {
    c.operation = "TRUNCATE";
  } else if (TRIGGER_FIRED_BY_INSERT(event)) {
    c.operation = "INSERT";
    c.new_record = row_jsonb(rel, td->tg_trigtuple, desc);
    c.record_id = record_id(rel, *c.new_record);
  } else if (TRIGGER_FIRED_BY_DELETE(event)) {
    c.operation = "DELETE";
    c.old_record = row_jsonb(rel, td->tg_trigtuple, desc);
    c.record_id = record_id(rel, *c.old_record);
  } else {
    c.operation = "UPDATE";
    std::optional<std::vector<int>> unchanged =
        unchanged_attributes(rel, td->tg_trigtuple, td->tg_newtuple, desc);
    if (!unchanged) return PointerGetDatum(nullptr);  // nothing that is audited changed
    c.old_record = row_jsonb(rel, td->tg_trigtuple, desc);
    c.new_record = row_jsonb(rel, td->tg_newtuple, desc);
    c.record_id = record_id(rel, *c.new_record);
    c.changed = changed_columns(rel, *c.new_record, *unchanged);
  }
  write_row(rel, c, current_actor());
  return PointerGetDatum(nullptr);
}

}  // namespace

}  // namespace pg_gateway::audit_pg

PG_GATEWAY_SQL_FUNCTION(pg_gateway_audit_trigger) {
  return pg_gateway::audit_pg::audit_change(fcinfo);
}
