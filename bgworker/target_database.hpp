// Connecting an HTTP worker to pg_gateway.database without a restart loop.
//
// A background worker can connect to one database, once, and connecting to
// a database that does not exist is FATAL. So the decision is made before
// connecting, from the worker's shared-memory slot: if the previous worker
// in this slot died while connecting (connect_in_progress still set), this
// one connects to no database instead, serves /live and a 503 with the
// reason on /ready, and polls pg_database (a shared catalog) until the
// database can be connected to; then it exits with code 1 and the
// postmaster starts a fresh worker that connects. The cost of a missing
// database is therefore one FATAL line and one WARNING line, not a loop.
//
// The same no-database mode is used, without a failed attempt first, while
// a DROP DATABASE / ALTER DATABASE RENAME / SET TABLESPACE of the target is
// in progress (connecting would block it), and after such a DROP or RENAME
// committed (the database is known to be gone); see
// extension/workers/utility_hook.cpp.
#pragma once

#include "extension/workers/shared_state.hpp"
#include "extension/workers/worker_status.hpp"

namespace pg_gateway::bgworker {

enum class WorkerKind { kHttp, kJob, kLogWriter };

// Connects this process (to the target database or to none) and returns
// what /ready should say.
WorkerStatus connect_worker(int index, shared::WorkerSlot* slot, WorkerKind kind);

// For a worker connected to no database: true when the target database now
// accepts connections and enough back-off time has passed since the last
// failed attempt. Updates the status text as the situation changes.
bool target_database_available(WorkerStatus& status, shared::WorkerSlot* slot);

}  // namespace pg_gateway::bgworker
