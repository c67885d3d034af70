/*
 * Write tracking: which tables a transaction wrote, published at commit
 * ===================================================================
 *
 * Every backend (and background worker) notes, per top-level transaction,
 * the tables its statements write, and bumps their versions
 * (table_versions.hpp) once the commit is visible to new snapshots and its
 * invalidation messages are sent. What is recorded:
 *
 *  - ExecutorStart: every result relation of a plan that writes
 *    (INSERT/UPDATE/DELETE/MERGE, or a SELECT with a data-modifying WITH),
 *    with its partition ancestors, so that a write to a partition bumps its
 *    parents. Every statement runs through the executor, whoever issues
 *    it: sessions, SQL and PL/pgSQL functions, triggers, FK actions
 *    (through SPI), jobs, the HTTP workers' GraphQL mutations.
 *  - ExecutorEnd: the partitions rows were routed to (INSERT into a
 *    partitioned table, UPDATE moving rows between partitions, MERGE);
 *    ExecutorStart knows only the table the statement names.
 *  - ProcessUtility (classify() below): COPY FROM records its table (for a
 *    partitioned one, every partition and the ancestors), REFRESH
 *    MATERIALIZED VIEW the view. TRUNCATE bumps the epoch (CASCADE and
 *    partitions make its set of tables hard to know). COMMIT PREPARED
 *    bumps the epoch right after it ran: the prepared transaction is then
 *    committed, visible and its invalidations sent, whatever becomes of the
 *    transaction COMMIT PREPARED ran in. Every other utility statement that
 *    is not in the whitelist of classify() (DDL, GRANT/REVOKE, COMMENT,
 *    roles, policies, security labels, ATTACH/DETACH PARTITION, ...) bumps
 *    the epoch at commit: it may change the schema, privileges or smart
 *    tags that a GraphQL response depends on.
 *  - Logical replication workers apply rows without the executor: each of
 *    their transactions that has an xid or wrote WAL (COMMIT PREPARED of a
 *    two-phase subscription writes WAL without an xid) bumps the epoch.
 *  - More tables in one transaction than kMaxTables: the epoch instead.
 *  - PREPARE TRANSACTION forgets what was recorded; the COMMIT PREPARED
 *    that follows bumps the epoch.
 *
 * Writes of aborted subtransactions stay recorded (over-invalidation is
 * harmless); a top-level abort forgets everything. Parallel workers never
 * write, and processes without a database never run statements; neither
 * records anything. A hot standby replays writes without any hook:
 * table_versions.cpp mixes the replay position into the epoch there.
 *
 * When to bump. CommitTransaction (PostgreSQL 15, access/transam/xact.c)
 * runs, in this order: XACT_EVENT_PRE_COMMIT callbacks; RecordTransaction-
 * Commit (durable); ProcArrayEndTransaction (visible to new snapshots);
 * XACT_EVENT_COMMIT callbacks; ResourceOwnerRelease(BEFORE_LOCKS);
 * AtEOXact_Inval(true) (invalidations sent); ResourceOwnerRelease(LOCKS);
 * ResourceOwnerRelease(AFTER_LOCKS). A bump at XACT_EVENT_COMMIT would
 * come before the invalidations: a reader could then see the new versions
 * while its relcache still describes the schema before the commit. So
 * XACT_EVENT_COMMIT only notes that the commit happened (`committing`), and
 * the resource release callback bumps at its first AFTER_LOCKS call with
 * isCommit and isTopLevel (it is called once per resource owner of the
 * tree, children first; the first call publishes and clears, the others
 * find nothing). The flag keeps other top-level releases (PrepareTransaction
 * calls them with isCommit too; auxiliary processes release their own
 * owner) from publishing anything.
 *
 * Error boundary: like extension/workers/utility_hook.cpp, the hooks are
 * plain-C-style functions called by PostgreSQL that call only PostgreSQL's C
 * functions and hold no object with a destructor, so an ereport(ERROR) from
 * the statement (or from a catalog lookup here) longjmps over them exactly
 * as over a C hook; they are noexcept to make that a hard rule. The
 * transaction and resource release callbacks call nothing that can fail:
 * only flags, a fixed array and atomics.
 */
#include "extension/pg/pg_api.hpp"

extern "C" {
#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "executor/executor.h"
#include "nodes/parsenodes.h"
#include "parser/parsetree.h"
#include "tcop/utility.h"
#include "utils/resowner.h"
}

#include <cstring>

#include "extension/cache/table_versions.hpp"
#include "extension/pg/guard.hpp"

namespace pg_gateway::cache_pg {

namespace {

// Tables recorded per transaction; beyond that, the epoch.
constexpr int kMaxTables = 64;

// Backend-local state of the current top-level transaction. Written only
// by this process; cleared at every commit, abort and prepare.
Oid written[kMaxTables];
int written_count = 0;
bool epoch_at_commit = false;  // also set when `written` overflowed
// Set at XACT_EVENT_COMMIT (the commit is visible), consumed by the first
// AFTER_LOCKS release of the top-level resource owner.
bool committing = false;

ExecutorStart_hook_type prev_executor_start = nullptr;
ExecutorEnd_hook_type prev_executor_end = nullptr;
ProcessUtility_hook_type prev_process_utility = nullptr;

void forget() noexcept {
  written_count = 0;
  epoch_at_commit = false;
  committing = false;
}

void publish() noexcept {
  publish_writes(written, written_count, epoch_at_commit);
  forget();
}

// Whether this process records writes at all.
bool tracking() noexcept { return OidIsValid(MyDatabaseId) && !IsParallelWorker(); }

// Logical replication apply and table sync workers ("logical replication
// worker" in PostgreSQL 15; later versions name each kind "logical
// replication ... worker"), but not the launcher, which reads only shared
// catalogs. Decided once per process.
bool is_logical_replication_worker() noexcept {
  static int known = -1;
  if (known < 0) {
    const char* type = MyBgworkerEntry ? MyBgworkerEntry->bgw_type : "";
    known = strncmp(type, "logical replication", 19) == 0 &&
            strcmp(type, "logical replication launcher") != 0;
  }
  return known == 1;
}

void record(Oid relid) noexcept {
  if (!OidIsValid(relid) || epoch_at_commit) return;
  for (int i = 0; i < written_count; ++i)
    if (written[i] == relid) return;
  if (written_count == kMaxTables) {
    epoch_at_commit = true;  // the epoch covers them all; `written` still bumps
    return;
  }
  written[written_count++] = relid;
}

// The table and, for a partition, every partitioned table above it (a
// reader of the parent reads the partition's rows). The syscache lookup is
// cheap; the pg_inherits scan only happens for partitions. Catalog access
// can ereport: plain-C frame, see the error boundary above.
void record_with_ancestors(Oid relid) noexcept {
  record(relid);
  if (epoch_at_commit || !get_rel_relispartition(relid)) return;
  List* ancestors = get_partition_ancestors(relid);
  ListCell* lc;
  foreach (lc, ancestors) record(lfirst_oid(lc));
  list_free(ancestors);
}

// A table written by COPY FROM: its ancestors, and for a partitioned table
// every partition below it, since COPY routes rows without the executor
// hooks. find_all_inheritors lists the table itself first.
void record_copy_target(Oid relid) noexcept {
  if (!OidIsValid(relid)) return;
  record_with_ancestors(relid);
  if (get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE) return;
  List* tree = find_all_inheritors(relid, NoLock, nullptr);
  ListCell* lc;
  foreach (lc, tree) record(lfirst_oid(lc));
  list_free(tree);
}

// Records the result relations of a plan that writes (commandType other
// than SELECT, or a SELECT with a data-modifying WITH; resultRelations is
// NIL for the others). A plan that EXPLAIN only describes writes nothing.
void executor_start(QueryDesc* query, int eflags) noexcept {
  PlannedStmt* stmt = query->plannedstmt;
  if (tracking() && !(eflags & EXEC_FLAG_EXPLAIN_ONLY) &&
      (stmt->commandType != CMD_SELECT || stmt->hasModifyingCTE)) {
    ListCell* lc;
    foreach (lc, stmt->resultRelations)
      record_with_ancestors(rt_fetch(lfirst_int(lc), stmt->rtable)->relid);
  }
  if (prev_executor_start)
    prev_executor_start(query, eflags);
  else
    standard_ExecutorStart(query, eflags);
}

// The partitions that rows were routed to. ExecutorEnd runs before commit
// (a portal still open at COMMIT is closed by PreCommit_Portals, before
// any commit callback). A statement that failed never gets here, and its
// (sub)transaction is rolled back with its writes.
void executor_end(QueryDesc* query) noexcept {
  EState* estate = query->estate;
  if (tracking() && estate && !(estate->es_top_eflags & EXEC_FLAG_EXPLAIN_ONLY)) {
    ListCell* lc;
    foreach (lc, estate->es_tuple_routing_result_relations) {
      auto* rri = static_cast<ResultRelInfo*>(lfirst(lc));
      record_with_ancestors(RelationGetRelid(rri->ri_RelationDesc));
    }
  }
  if (prev_executor_end)
    prev_executor_end(query);
  else
    standard_ExecutorEnd(query);
}

enum class UtilityWrite {
  kNone,           // changes nothing a GraphQL response depends on
  kCopyFrom,       // record the COPY FROM target
  kRefresh,        // record the materialized view
  kEpochNow,       // COMMIT PREPARED: bump the epoch after it ran
  kEpochAtCommit,  // TRUNCATE and everything not whitelisted
};

// The whitelist: statements that change no table, schema, privilege,
// policy or comment. DO and CALL run their statements through these hooks
// themselves; EXPLAIN ANALYZE runs DML through the executor hooks, but
// EXPLAIN ANALYZE CREATE TABLE AS creates a table without ProcessUtility.
UtilityWrite classify(Node* stmt) noexcept {
  if (!stmt) return UtilityWrite::kNone;
  switch (nodeTag(stmt)) {
    case T_TransactionStmt:
      return reinterpret_cast<TransactionStmt*>(stmt)->kind == TRANS_STMT_COMMIT_PREPARED
                 ? UtilityWrite::kEpochNow
                 : UtilityWrite::kNone;
    case T_CopyStmt:
      return reinterpret_cast<CopyStmt*>(stmt)->is_from ? UtilityWrite::kCopyFrom
                                                        : UtilityWrite::kNone;
    case T_RefreshMatViewStmt:
      return UtilityWrite::kRefresh;
    case T_ExplainStmt: {
      Node* query = reinterpret_cast<ExplainStmt*>(stmt)->query;
      return query && IsA(query, Query) &&
                     reinterpret_cast<Query*>(query)->commandType == CMD_UTILITY
                 ? UtilityWrite::kEpochAtCommit
                 : UtilityWrite::kNone;
    }
    case T_VariableSetStmt:  // SET, SET LOCAL, SET TRANSACTION, RESET
    case T_VariableShowStmt:
    case T_ConstraintsSetStmt:  // SET CONSTRAINTS: the deferred checks run through SPI
    case T_PrepareStmt:
    case T_ExecuteStmt:
    case T_DeallocateStmt:
    case T_DeclareCursorStmt:
    case T_FetchStmt:
    case T_ClosePortalStmt:
    case T_ListenStmt:
    case T_NotifyStmt:
    case T_UnlistenStmt:
    case T_LockStmt:
    case T_VacuumStmt:  // VACUUM and ANALYZE
    case T_CheckPointStmt:
    case T_DiscardStmt:
    case T_LoadStmt:
    case T_DoStmt:
    case T_CallStmt:
      return UtilityWrite::kNone;
    default:
      return UtilityWrite::kEpochAtCommit;
  }
}

// The table a COPY FROM or REFRESH names, resolved as the statement will
// resolve it (it errors out itself when the table is missing).
Oid named_relation(RangeVar* relation) noexcept {
  return relation ? RangeVarGetRelid(relation, NoLock, true) : InvalidOid;
}

// Recording happens before the statement runs: what is recorded is only
// used if the transaction commits, and a statement that fails aborts its
// (sub)transaction. The epoch flag is set again after the statement,
// because some statements commit internal transactions (CREATE INDEX
// CONCURRENTLY, DETACH PARTITION CONCURRENTLY), each of which publishes and
// clears it.
void process_utility(PlannedStmt* pstmt, const char* query_string, bool read_only_tree,
                     ProcessUtilityContext context, ParamListInfo params,
                     QueryEnvironment* query_env, DestReceiver* dest,
                     QueryCompletion* qc) noexcept {
  UtilityWrite write = tracking() ? classify(pstmt->utilityStmt) : UtilityWrite::kNone;
  switch (write) {
    case UtilityWrite::kCopyFrom:
      record_copy_target(named_relation(reinterpret_cast<CopyStmt*>(pstmt->utilityStmt)->relation));
      break;
    case UtilityWrite::kRefresh:
      record(named_relation(reinterpret_cast<RefreshMatViewStmt*>(pstmt->utilityStmt)->relation));
      break;
    case UtilityWrite::kEpochAtCommit:
      epoch_at_commit = true;
      break;
    default:
      break;
  }
  if (prev_process_utility)
    prev_process_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
  else
    standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest,
                            qc);
  if (write == UtilityWrite::kEpochAtCommit) epoch_at_commit = true;
  // FinishPreparedTransaction has made the prepared transaction visible
  // and sent its invalidations by now.
  if (write == UtilityWrite::kEpochNow) publish_writes(nullptr, 0, true);
}

// Transaction events. Nothing here can fail.
void at_transaction_event(XactEvent event, void* arg) noexcept {
  (void)arg;
  switch (event) {
    case XACT_EVENT_PRE_COMMIT:
      if (tracking() && is_logical_replication_worker() &&
          (GetTopTransactionIdIfAny() != InvalidTransactionId || XactLastRecEnd != 0))
        epoch_at_commit = true;
      break;
    case XACT_EVENT_COMMIT:
      // After ProcArrayEndTransaction: visible, but the invalidations are
      // not sent yet (see the header comment).
      committing = true;
      break;
    case XACT_EVENT_ABORT:
      // An error after the commit became visible (which PostgreSQL would
      // rather PANIC on) must not lose the bump.
      if (committing)
        publish();
      else
        forget();
      break;
    case XACT_EVENT_PREPARE:
      // Nothing is visible yet; COMMIT PREPARED bumps the epoch.
      forget();
      break;
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
    case XACT_EVENT_PRE_PREPARE:
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
      break;
  }
}

// Called for every resource owner released; only the top-level
// AFTER_LOCKS phase of a commit publishes (see the header comment).
void at_resource_release(ResourceReleasePhase phase, bool is_commit, bool is_top_level,
                         void* arg) noexcept {
  (void)arg;
  if (phase != RESOURCE_RELEASE_AFTER_LOCKS || !is_top_level || !committing) return;
  if (is_commit) publish();
}

}  // namespace

// From _PG_init in the postmaster: the hooks and callbacks are inherited by
// every process it forks. The ProcessUtility hook goes after the one of
// extension/workers/utility_hook.cpp (module.cpp installs that first), so
// this one runs first and calls it.
void install_write_tracking() {
  prev_executor_start = ExecutorStart_hook;
  ExecutorStart_hook = executor_start;
  prev_executor_end = ExecutorEnd_hook;
  ExecutorEnd_hook = executor_end;
  prev_process_utility = ProcessUtility_hook;
  ProcessUtility_hook = process_utility;
  pg::call([] {
    RegisterXactCallback(at_transaction_event, nullptr);
    RegisterResourceReleaseCallback(at_resource_release, nullptr);
  });
}

}  // namespace pg_gateway::cache_pg
