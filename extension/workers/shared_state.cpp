#include "extension/workers/shared_state.hpp"

#include "extension/pg/shared_memory.hpp"

namespace pg_gateway::shared {

namespace {

// Runs in the postmaster at start and after every crash-restart, so the
// slots (and their connect_in_progress flags) start from zero each time.
void initialize(void* memory) {
  auto* state = static_cast<SharedState*>(memory);
  pg_atomic_init_u32(&state->target_database_busy, 0);
  pg_atomic_init_u32(&state->target_database_change, uint32(TargetDatabaseChange::kNone));
  pg_atomic_init_u32(&state->target_database_gone, 0);
  auto init = [](WorkerSlot& s) {
    pg_atomic_init_u32(&s.pid, 0);
    pg_atomic_init_u32(&s.state, uint32(WorkerState::kNotRunning));
    pg_atomic_init_u32(&s.connect_in_progress, 0);
    pg_atomic_init_u32(&s.connect_failures, 0);
    pg_atomic_init_u64(&s.latch, 0);
    pg_atomic_init_u32(&s.wake_requested, 0);
    pg_atomic_init_u32(&s.job_waits, 0);
  };
  for (WorkerSlot& s : state->http) init(s);
  for (WorkerSlot& s : state->job) init(s);
  init(state->log_writer);
  ConditionVariableInit(&state->job_finished);
  if (!pg_strong_random(&state->incarnation, sizeof state->incarnation))
    state->incarnation = uint64(GetCurrentTimestamp()) ^ uint64(MyProcPid);
}

const pg::shared_memory::Segment segment = {"pg_gateway", sizeof(SharedState), initialize};
SharedState* state = nullptr;

}  // namespace

void reserve_shared_memory() { pg::shared_memory::reserve(&segment); }

SharedState* get() {
  if (!state) state = static_cast<SharedState*>(pg::shared_memory::find(&segment));
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

WorkerSlot* log_writer_slot() { return &get()->log_writer; }

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
