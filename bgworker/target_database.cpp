#include "extension/pg/pg_api.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "utils/fmgroids.h"
}

#include "bgworker/target_database.hpp"

#include "extension/workers/settings.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/log.hpp"

namespace pg_gateway::bgworker {

namespace {

struct TargetLookup {
  bool exists;
  bool allows_connections;
};

// Reads pg_database in a short transaction; works while connected to no
// database because pg_database is a shared catalog. It scans the heap, not
// pg_database_datname_index (as get_database_oid() would): without a
// database, an index's relcache entry can only come from the shared relcache
// init file, and that file is removed at every server start and written
// again only by the first backend that connects to a database. Using the
// index before that is FATAL ("cannot read pg_class without having selected
// a database"), which would restart the worker every 2 s.
TargetLookup look_up_target(const char* name) {
  try {
    return pg::call([name] {
      TargetLookup r{};
      SetCurrentStatementStartTimestamp();
      StartTransactionCommand();
      Relation rel = table_open(DatabaseRelationId, AccessShareLock);
      ScanKeyData key;
      ScanKeyInit(&key, Anum_pg_database_datname, BTEqualStrategyNumber, F_NAMEEQ,
                  CStringGetDatum(name));
      SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, nullptr, 1, &key);
      HeapTuple tuple = systable_getnext(scan);
      if (HeapTupleIsValid(tuple)) {
        r.exists = true;
        r.allows_connections = ((Form_pg_database)GETSTRUCT(tuple))->datallowconn;
      }
      systable_endscan(scan);
      table_close(rel, AccessShareLock);
      CommitTransactionCommand();
      return r;
    });
  } catch (const pg::PgError&) {
    pg::call([] { AbortCurrentTransaction(); });
    throw;
  }
}

void describe_unavailable(WorkerStatus& st, const TargetLookup& t) {
  if (!t.exists) {
    st.unavailable_reason = "database_missing";
    st.unavailable_message = "database \"" + st.database + "\" does not exist";
    st.unavailable_hint =
        "create it, or set pg_gateway.database to an existing database and restart";
  } else if (!t.allows_connections) {
    st.unavailable_reason = "database_not_accepting_connections";
    st.unavailable_message = "database \"" + st.database + "\" does not allow connections";
    st.unavailable_hint = "ALTER DATABASE \"" + st.database + "\" ALLOW_CONNECTIONS true";
  } else {
    st.unavailable_reason = "database_connection_failed";
    st.unavailable_message = "could not connect to database \"" + st.database + "\"";
    st.unavailable_hint = "the server log has the error; pg_gateway retries with back-off";
  }
}

// While a DROP DATABASE (RENAME, SET TABLESPACE) of the target database is
// in progress; see extension/workers/utility_hook.cpp.
void describe_busy(WorkerStatus& st, shared::SharedState* shared_state) {
  const char* reason = "database_being_dropped";
  const char* what = "is being dropped";
  switch (shared::TargetDatabaseChange(pg_atomic_read_u32(&shared_state->target_database_change))) {
    case shared::TargetDatabaseChange::kRename:
      reason = "database_being_renamed";
      what = "is being renamed";
      break;
    case shared::TargetDatabaseChange::kMove:
      reason = "database_being_moved";
      what = "is being moved to another tablespace";
      break;
    default:
      break;
  }
  st.unavailable_reason = reason;
  st.unavailable_message = "database \"" + st.database + "\" " + what;
  st.unavailable_hint =
      "pg_gateway reconnects when that statement's transaction ends, if the database still "
      "exists";
}

int64_t backoff_ms(uint32 failures) {
  int64_t ms = 1000;
  for (uint32 i = 1; i < failures && ms < 60000; ++i) ms *= 2;
  return ms > 60000 ? 60000 : ms;
}

}  // namespace

WorkerStatus connect_worker(int index, shared::WorkerSlot* slot, WorkerKind kind) {
  WorkerStatus st;
  st.index = index;
  st.database = workers::settings::database;
  const char* db = workers::settings::database;
  shared::SharedState* shared_state = shared::get();
  // Pairs with the full barrier in the ProcessUtility hook: this worker
  // published its pid before reading the busy count, the hook raised the
  // count before reading the pids, so a worker starting during a DROP
  // DATABASE is either signalled or stays away from the database.
  pg_memory_barrier();
  bool busy = pg_atomic_read_u32(&shared_state->target_database_busy) != 0;
  pg_read_barrier();  // the hook sets "gone" before it lowers the count
  bool gone = pg_atomic_read_u32(&shared_state->target_database_gone) != 0;
  bool previous_died_connecting = pg_atomic_read_u32(&slot->connect_in_progress) != 0;
  if (!previous_died_connecting && !busy && !gone) {
    pg_atomic_write_u32(&slot->connect_in_progress, 1);
    pg::call([db] { BackgroundWorkerInitializeConnection(db, nullptr, 0); });
    // Reached only when connected: a failure above was FATAL and exited.
    pg_atomic_write_u32(&slot->connect_in_progress, 0);
    pg_atomic_write_u32(&slot->connect_failures, 0);
    // Request statements are short and planned once (kept SPI plans): JIT
    // compilation, which the costs of a big GraphQL statement can trigger,
    // would cost more than it saves on every execution.
    pg::call([] { SetConfigOption("jit", "off", PGC_SUSET, PGC_S_OVERRIDE); });
    st.connected = true;
    return st;
  }
  uint32 failures =
      previous_died_connecting ? pg_atomic_add_fetch_u32(&slot->connect_failures, 1) : 0;
  pg::call([] { BackgroundWorkerInitializeConnection(nullptr, nullptr, 0); });
  const bool http = kind == WorkerKind::kHttp;
  const std::string worker =
      kind == WorkerKind::kLogWriter
          ? std::string("pg_gateway log writer: ")
          : std::string(http ? "pg_gateway http worker " : "pg_gateway job worker ") +
                std::to_string(index + 1) + ": ";
  const std::string meanwhile = http ? "serving /live, and 503 on other routes"
                                : kind == WorkerKind::kLogWriter ? "discarding the request log"
                                                                 : "running no jobs";
  if (busy) {
    describe_busy(st, shared_state);
    pg::log(worker + st.unavailable_message + "; not connecting to it, " + meanwhile +
            " until the statement ends");
    return st;
  }
  TargetLookup t = look_up_target(db);
  describe_unavailable(st, t);
  if (previous_died_connecting) {
    // One line per failed connection, with the retry plan; no loop of FATALs.
    pg::warning(worker + st.unavailable_message + "; " + meanwhile +
                    " until it can connect (attempt " + std::to_string(failures) + ")",
                st.unavailable_hint);
  } else if (!t.exists || !t.allows_connections) {
    // Gone by a DROP or RENAME this cluster saw commit.
    pg::warning(worker + st.unavailable_message + " (it was dropped or renamed); " + meanwhile +
                    " until it exists again",
                st.unavailable_hint);
  }
  // Otherwise the database is back already; the first poll reconnects.
  return st;
}

bool target_database_available(WorkerStatus& st, shared::WorkerSlot* slot) {
  shared::SharedState* shared_state = shared::get();
  if (pg_atomic_read_u32(&shared_state->target_database_busy) != 0) {
    describe_busy(st, shared_state);
    return false;
  }
  pg_read_barrier();
  TargetLookup t = look_up_target(st.database.c_str());
  describe_unavailable(st, t);
  if (!t.exists || !t.allows_connections) return false;
  // The database is there: retry the connection, with back-off in case the
  // failure was something else (the previous attempt's FATAL is in the log).
  static int64_t first_seen_ms = 0;
  int64_t now = GetCurrentTimestamp() / 1000;
  if (first_seen_ms == 0) first_seen_ms = now;
  if (now - first_seen_ms < backoff_ms(pg_atomic_read_u32(&slot->connect_failures)) - 1000)
    return false;
  pg_atomic_write_u32(&shared_state->target_database_gone, 0);
  pg_atomic_write_u32(&slot->connect_in_progress, 0);
  return true;
}

}  // namespace pg_gateway::bgworker
