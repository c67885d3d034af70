/*
 * Why pg_gateway hooks ProcessUtility
 * ===================================
 *
 * DROP DATABASE, ALTER DATABASE ... RENAME TO and ALTER DATABASE ... SET
 * TABLESPACE refuse to run while other sessions are connected to the
 * database: they wait up to 5 s in CountOtherDBBackends() and then fail
 * with "database is being accessed by other users". Every HTTP worker holds
 * a session on pg_gateway.database for its whole life, so without this hook
 * only DROP DATABASE ... WITH (FORCE) could drop the target database, and it
 * could never be renamed or moved.
 *
 * So when such a statement names pg_gateway.database, and the current user
 * owns that database (anyone else's statement fails anyway, and must not be
 * able to restart the workers), the hook, before the statement runs:
 *
 *  1. raises SharedState::target_database_busy. A worker that starts while
 *     it is raised connects to no database and serves /live, with a 503 and
 *     reason database_being_dropped (renamed, moved) on /ready
 *     (bgworker/target_database.cpp); connecting would block the statement
 *     again;
 *  2. sends SIGTERM to the running HTTP workers (pids from their shared
 *     slots). They drain (requests in flight finish, idle keep-alive
 *     connections are closed) and exit with code 1; the postmaster restarts
 *     them after bgw_restart_time, into step 1's degraded mode. The
 *     statement's own wait in CountOtherDBBackends() covers the drain. A
 *     request that runs longer than that wait makes the statement fail as
 *     before; the workers then reconnect;
 *  3. logs one LOG line saying so.
 *
 * The busy count is released when the statement's transaction ends, not
 * when the statement returns: DROP DATABASE is visible to others only at
 * commit, and a worker that polled pg_database in between would still see
 * the database and reconnect into a FATAL. At commit of a successful DROP or
 * RENAME, target_database_gone is set first, so that restarting workers do
 * not try to connect to a database that is gone: they report
 * database_missing until it exists again (they poll pg_database every 2 s),
 * then restart and connect. After an abort (the statement failed, e.g.
 * because a request outlived the wait) the workers see the database still
 * there and reconnect. The release runs from a transaction callback, which
 * also runs when the backend exits with FATAL inside the transaction
 * (ShutdownPostgres aborts it), and from a before_shmem_exit callback as a
 * second line; a crash of the backend re-creates shared memory anyway.
 *
 * Error boundary: these functions are called by PostgreSQL's C code and call
 * only PostgreSQL's C functions. They hold no object with a destructor and
 * call nothing that throws a C++ exception, so an ereport(ERROR) from the
 * statement longjmps over them exactly as over a C hook, and no C++
 * exception can leave them (they are noexcept to make that a hard rule).
 * Wrapping the statement in pg::call would turn its error into a C++
 * exception and back, losing the error's position and context.
 */
#include "extension/pg/pg_api.hpp"

extern "C" {
#include "tcop/utility.h"
}

#include "extension/workers/utility_hook.hpp"

#include <csignal>
#include <cstring>

#include "extension/workers/settings.hpp"
#include "extension/workers/shared_state.hpp"

namespace pg_gateway::utility_hook {

namespace {

using shared::TargetDatabaseChange;

ProcessUtility_hook_type prev_process_utility = nullptr;

// Backend-local: the change whose busy count this backend's transaction
// holds, and whether its statement completed without error.
TargetDatabaseChange held_change = TargetDatabaseChange::kNone;
bool held_statement_done = false;
bool callbacks_registered = false;

const char* statement_name(TargetDatabaseChange change) noexcept {
  switch (change) {
    case TargetDatabaseChange::kDrop:
      return "DROP DATABASE";
    case TargetDatabaseChange::kRename:
      return "ALTER DATABASE RENAME";
    case TargetDatabaseChange::kMove:
      return "ALTER DATABASE SET TABLESPACE";
    case TargetDatabaseChange::kNone:
      break;
  }
  return "statement";
}

bool has_tablespace_option(List* options) noexcept {
  for (int i = 0; i < list_length(options); ++i) {
    DefElem* d = static_cast<DefElem*>(list_nth(options, i));
    if (strcmp(d->defname, "tablespace") == 0) return true;
  }
  return false;
}

// The change this statement makes to pg_gateway.database, or kNone when it
// does not touch it or will fail before needing the database free.
TargetDatabaseChange classify(Node* stmt, bool top_level) noexcept {
  if (!stmt || !workers::settings::database) return TargetDatabaseChange::kNone;
  const char* name = nullptr;
  TargetDatabaseChange change = TargetDatabaseChange::kNone;
  bool transaction_block_allowed = false;
  switch (nodeTag(stmt)) {
    case T_DropdbStmt:
      name = reinterpret_cast<DropdbStmt*>(stmt)->dbname;
      change = TargetDatabaseChange::kDrop;
      break;
    case T_RenameStmt: {
      RenameStmt* r = reinterpret_cast<RenameStmt*>(stmt);
      if (r->renameType == OBJECT_DATABASE) {
        name = r->subname;
        change = TargetDatabaseChange::kRename;
        transaction_block_allowed = true;
      }
      break;
    }
    case T_AlterDatabaseStmt: {
      AlterDatabaseStmt* a = reinterpret_cast<AlterDatabaseStmt*>(stmt);
      if (has_tablespace_option(a->options)) {
        name = a->dbname;
        change = TargetDatabaseChange::kMove;
      }
      break;
    }
    default:
      break;
  }
  if (change == TargetDatabaseChange::kNone || !name ||
      strcmp(name, workers::settings::database) != 0)
    return TargetDatabaseChange::kNone;
  // DROP DATABASE and SET TABLESPACE reject a transaction block
  // (PreventInTransactionBlock): no reason to disturb the workers first.
  if (!transaction_block_allowed && (!top_level || IsTransactionBlock() || IsSubTransaction()))
    return TargetDatabaseChange::kNone;
  Oid oid = get_database_oid(name, true);
  if (!OidIsValid(oid) || oid == MyDatabaseId) return TargetDatabaseChange::kNone;
  if (!pg_database_ownercheck(oid, GetUserId())) return TargetDatabaseChange::kNone;
  return change;
}

// Releases the busy count held by this backend's transaction.
void release(bool committed) noexcept {
  if (held_change == TargetDatabaseChange::kNone) return;
  shared::SharedState* s = shared::get();
  if (committed && held_statement_done && held_change != TargetDatabaseChange::kMove)
    pg_atomic_write_u32(&s->target_database_gone, 1);
  // fetch_sub is a full barrier: a worker that sees the count drop also
  // sees target_database_gone.
  pg_atomic_fetch_sub_u32(&s->target_database_busy, 1);
  held_change = TargetDatabaseChange::kNone;
  held_statement_done = false;
}

void at_transaction_end(XactEvent event, void* arg) noexcept {
  (void)arg;
  switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
      release(true);
      break;
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
    case XACT_EVENT_PREPARE:
      release(false);
      break;
    default:
      break;
  }
}

void at_backend_exit(int code, Datum arg) noexcept {
  (void)code;
  (void)arg;
  release(false);
}

// SIGTERM to every HTTP and job worker (and the log writer) that may hold (or be opening) a
// session on the target database. Workers already running without a
// database are left alone. Returns how many were signalled.
int stop_http_workers() noexcept {
  int stopped = 0;
  auto stop = [&stopped](shared::WorkerSlot* slot) {
    pid_t pid = pid_t(pg_atomic_read_u32(&slot->pid));
    if (pid == 0 || pid == MyProcPid) return;
    if (shared::WorkerState(pg_atomic_read_u32(&slot->state)) == shared::WorkerState::kDegraded)
      return;
    if (kill(pid, SIGTERM) == 0) ++stopped;
  };
  for (int i = 0; i < workers::settings::http_workers && i < shared::kMaxHttpWorkers; ++i)
    stop(shared::http_slot(i));
  for (int i = 0; i < workers::settings::job_workers && i < shared::kMaxJobWorkers; ++i)
    stop(shared::job_slot(i));
  // The request log writer flushes what the HTTP workers logged, then exits.
  stop(shared::log_writer_slot());
  return stopped;
}

void hold(TargetDatabaseChange change) noexcept {
  if (!callbacks_registered) {
    RegisterXactCallback(at_transaction_end, nullptr);
    before_shmem_exit(at_backend_exit, Datum(0));
    callbacks_registered = true;
  }
  shared::SharedState* s = shared::get();
  pg_atomic_write_u32(&s->target_database_change, uint32(change));
  // fetch_add is a full barrier: the pids are read after the count is
  // raised, and a worker publishes its pid before reading the count, so a
  // starting worker is either signalled or sees the count.
  if (held_change == TargetDatabaseChange::kNone)
    pg_atomic_fetch_add_u32(&s->target_database_busy, 1);
  held_change = change;
  held_statement_done = false;
  int stopped = stop_http_workers();
  if (stopped > 0)
    ereport(
        LOG,
        (errmsg("pg_gateway: stopping %d HTTP worker%s so that %s of \"%s\" can proceed", stopped,
                stopped == 1 ? "" : "s", statement_name(change), workers::settings::database),
         change == TargetDatabaseChange::kMove
             ? errdetail("Until the transaction ends, HTTP workers serve /live without "
                         "connecting to the database; then they reconnect.")
             : errdetail("Until the transaction ends, HTTP workers serve /live without "
                         "connecting to the database. Then they reconnect, or report "
                         "database_missing on /ready while the database does not exist.")));
}

void process_utility(PlannedStmt* pstmt, const char* query_string, bool read_only_tree,
                     ProcessUtilityContext context, ParamListInfo params,
                     QueryEnvironment* query_env, DestReceiver* dest,
                     QueryCompletion* qc) noexcept {
  TargetDatabaseChange change = classify(pstmt->utilityStmt, context == PROCESS_UTILITY_TOPLEVEL);
  if (change != TargetDatabaseChange::kNone) hold(change);
  if (prev_process_utility)
    prev_process_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
  else
    standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest,
                            qc);
  // Reached only without error; an error aborts the transaction, and the
  // abort callback releases the count.
  if (change != TargetDatabaseChange::kNone) held_statement_done = true;
}

}  // namespace

void install() {
  prev_process_utility = ProcessUtility_hook;
  ProcessUtility_hook = process_utility;
}

}  // namespace pg_gateway::utility_hook
