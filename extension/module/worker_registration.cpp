#include "extension/pg/pg_api.hpp"

extern "C" {
#include "postmaster/bgworker_internals.h"
}

#include "extension/module/worker_registration.hpp"
#include "extension/workers/settings.hpp"

namespace pg_gateway::module {

namespace {

// Static workers registered so far by every preloaded library; each takes
// one of max_worker_processes slots for the life of the cluster.
int registered_worker_count() {
  // slist_foreach relies on a C-only builtin; walk the list by hand.
  int n = 0;
  for (slist_node* node = BackgroundWorkerList.head.next; node != nullptr; node = node->next) ++n;
  return n;
}

// RegisterBackgroundWorker logs "too many background workers" once per
// worker that does not fit, on every start. Counting first gives one line
// that names our parameter and the value that would fit.
void register_workers(int wanted, const char* parameter, const char* what, const char* function,
                      const char* type, const char* name, bool numbered = true) {
  int room = max_worker_processes - registered_worker_count();
  int count = wanted <= room ? wanted : (room > 0 ? room : 0);
  if (count < wanted) {
    ereport(WARNING,
            (errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
             errmsg("pg_gateway starts only %d of %d %s", count, wanted, what),
             errdetail("max_worker_processes is %d and %d slots are already taken by other "
                       "background workers.",
                       max_worker_processes, max_worker_processes - room),
             errhint("Raise max_worker_processes to at least %d (more if parallel queries or "
                     "logical replication need workers), or lower %s, and restart the server.",
                     max_worker_processes - room + wanted, parameter)));
  }
  for (int i = 0; i < count; ++i) {
    BackgroundWorker worker;
    memset(&worker, 0, sizeof worker);
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    // Consistent state: workers also run on a hot standby, where /ready
    // reports that write routes are unavailable (and job workers wait).
    worker.bgw_start_time = BgWorkerStart_ConsistentState;
    // Exit code 1 restarts a worker after this interval; workers never exit
    // with 0, which would unregister them for good.
    worker.bgw_restart_time = 2;
    strlcpy(worker.bgw_library_name, "pg_gateway", BGW_MAXLEN);
    strlcpy(worker.bgw_function_name, function, BGW_MAXLEN);
    if (numbered)
      snprintf(worker.bgw_name, BGW_MAXLEN, "%s %d", name, i + 1);
    else
      strlcpy(worker.bgw_name, name, BGW_MAXLEN);
    strlcpy(worker.bgw_type, type, BGW_MAXLEN);
    worker.bgw_main_arg = Int32GetDatum(i);
    worker.bgw_notify_pid = 0;
    RegisterBackgroundWorker(&worker);
  }
}

}  // namespace

void register_http_workers() {
  register_workers(workers::settings::http_workers, "pg_gateway.http_workers", "HTTP workers",
                   "pg_gateway_http_worker_main", "pg_gateway http", "pg_gateway http worker");
}

void register_job_workers() {
  register_workers(workers::settings::job_workers, "pg_gateway.job_workers", "job workers",
                   "pg_gateway_job_worker_main", "pg_gateway jobs", "pg_gateway job worker");
}

// One log writer, always: pg_gateway.request_log can be turned on by a
// reload, and a process that sleeps on its latch costs nothing meanwhile.
void register_log_writer() {
  register_workers(1, "max_worker_processes", "request log writers", "pg_gateway_log_writer_main",
                   "pg_gateway log writer", "pg_gateway log writer", false);
}

}  // namespace pg_gateway::module
