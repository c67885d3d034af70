#include "extension/workers/shared_state.hpp"

namespace pg_gateway::shared {

namespace {

shmem_request_hook_type prev_shmem_request_hook = nullptr;
shmem_startup_hook_type prev_shmem_startup_hook = nullptr;
SharedState* state = nullptr;

void request_shmem() {
  if (prev_shmem_request_hook) prev_shmem_request_hook();
  RequestAddinShmemSpace(MAXALIGN(sizeof(SharedState)));
}

// Runs in the postmaster at start and after every crash-restart, so the
// slots (and their connect_in_progress flags) start from zero each time.
void startup_shmem() {
  if (prev_shmem_startup_hook) prev_shmem_startup_hook();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found = false;
  state = static_cast<SharedState*>(ShmemInitStruct("pg_gateway", sizeof(SharedState), &found));
  if (!found) {
    pg_atomic_init_u32(&state->target_database_busy, 0);
    pg_atomic_init_u32(&state->target_database_change, uint32(TargetDatabaseChange::kNone));
    pg_atomic_init_u32(&state->target_database_gone, 0);
    auto init = [](WorkerSlot& s) {
      pg_atomic_init_u32(&s.pid, 0);
      pg_atomic_init_u32(&s.state, uint32(WorkerState::kNotRunning));
      pg_atomic_init_u32(&s.connect_in_progress, 0);
      pg_atomic_init_u32(&s.connect_failures, 0);
      for (pg_atomic_uint64& c : s.stats) pg_atomic_init_u64(&c, 0);
      for (pg_atomic_uint64& c : s.jobs) pg_atomic_init_u64(&c, 0);
      pg_atomic_init_u64(&s.latch, 0);
      pg_atomic_init_u32(&s.wake_requested, 0);
    };
    for (WorkerSlot& s : state->http) init(s);
    for (WorkerSlot& s : state->job) init(s);
    ConditionVariableInit(&state->job_finished);
    SpinLockInit(&state->rate_lock);
    for (http::RateBucket& b : state->rate_buckets) b = http::RateBucket{};
    if (!pg_strong_random(&state->incarnation, sizeof state->incarnation))
      state->incarnation = uint64(GetCurrentTimestamp()) ^ uint64(MyProcPid);
  }
  LWLockRelease(AddinShmemInitLock);
}

}  // namespace

void install_hooks() {
  prev_shmem_request_hook = shmem_request_hook;
  shmem_request_hook = request_shmem;
  prev_shmem_startup_hook = shmem_startup_hook;
  shmem_startup_hook = startup_shmem;
}

SharedState* get() {
  if (!state) {
    // EXEC_BACKEND builds and late attachers look the struct up by name.
    bool found = false;
    LWLockAcquire(AddinShmemInitLock, LW_SHARED);
    state = static_cast<SharedState*>(ShmemInitStruct("pg_gateway", sizeof(SharedState), &found));
    LWLockRelease(AddinShmemInitLock);
  }
  return state;
}

WorkerSlot* http_slot(int index) {
  if (index < 0 || index >= kMaxHttpWorkers) return nullptr;
  return &get()->http[index];
}

WorkerSlot* job_slot(int index) {
  if (index < 0 || index >= kMaxJobWorkers) return nullptr;
  return &get()->job[index];
}

const char* state_name(WorkerState s) {
  switch (s) {
    case WorkerState::kNotRunning:
      return "not running";
    case WorkerState::kStarting:
      return "starting";
    case WorkerState::kServing:
      return "serving";
    case WorkerState::kDegraded:
      return "database unavailable";
    case WorkerState::kListenFailed:
      return "cannot listen";
    case WorkerState::kDraining:
      return "draining";
  }
  return "unknown";
}

}  // namespace pg_gateway::shared
