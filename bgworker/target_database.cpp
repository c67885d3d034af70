#include "extension/pg_api.hpp"

#include "bgworker/target_database.hpp"

#include "extension/gucs.hpp"
#include "extension/pg_guard.hpp"
#include "extension/pg_log.hpp"

namespace pg_gateway::bgworker {

namespace {

struct TargetLookup {
  bool exists;
  bool allows_connections;
};

// Reads pg_database in a short transaction; works while connected to no
// database because pg_database is a shared catalog.
TargetLookup look_up_target(const char* name) {
  try {
    return pg::call([name] {
      TargetLookup r{};
      SetCurrentStatementStartTimestamp();
      StartTransactionCommand();
      Oid oid = get_database_oid(name, true);
      if (OidIsValid(oid)) {
        r.exists = true;
        HeapTuple tuple = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(oid));
        if (HeapTupleIsValid(tuple)) {
          r.allows_connections = ((Form_pg_database)GETSTRUCT(tuple))->datallowconn;
          ReleaseSysCache(tuple);
        }
      }
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
    st.unavailable_hint = "create it, or set pg_gateway.database to an existing database and restart";
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

int64_t backoff_ms(uint32 failures) {
  int64_t ms = 1000;
  for (uint32 i = 1; i < failures && ms < 60000; ++i) ms *= 2;
  return ms > 60000 ? 60000 : ms;
}

}  // namespace

WorkerStatus connect_worker(int index, shared::HttpWorkerSlot* slot) {
  WorkerStatus st;
  st.index = index;
  st.database = gucs::database;
  const char* db = gucs::database;
  bool previous_died_connecting = pg_atomic_read_u32(&slot->connect_in_progress) != 0;
  if (!previous_died_connecting) {
    pg_atomic_write_u32(&slot->connect_in_progress, 1);
    pg::call([db] { BackgroundWorkerInitializeConnection(db, nullptr, 0); });
    // Reached only when connected: a failure above was FATAL and exited.
    pg_atomic_write_u32(&slot->connect_in_progress, 0);
    pg_atomic_write_u32(&slot->connect_failures, 0);
    st.connected = true;
    return st;
  }
  uint32 failures = pg_atomic_add_fetch_u32(&slot->connect_failures, 1);
  pg::call([] { BackgroundWorkerInitializeConnection(nullptr, nullptr, 0); });
  TargetLookup t = look_up_target(db);
  describe_unavailable(st, t);
  // One line per failed connection, with the retry plan; no loop of FATALs.
  pg::log_warning("pg_gateway http worker " + std::to_string(index + 1) + ": " +
                      st.unavailable_message +
                      "; serving /live, and 503 on other routes until it can connect (attempt " +
                      std::to_string(failures) + ")",
                  st.unavailable_hint);
  return st;
}

bool target_database_available(WorkerStatus& st, shared::HttpWorkerSlot* slot) {
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
  pg_atomic_write_u32(&slot->connect_in_progress, 0);
  return true;
}

}  // namespace pg_gateway::bgworker
