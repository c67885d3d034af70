// Shared memory owned by features: each reserves a named segment from
// _PG_init, and this registry requests the space (shmem_request_hook) and
// creates the segments (shmem_startup_hook, in the postmaster at start and
// after every crash-restart, so each starts from its initializer again).
#pragma once

#include "extension/pg/pg_api.hpp"

namespace pg_gateway::pg::shared_memory {

struct Segment {
  const char* name;                  // the ShmemInitStruct key, "pg_gateway ..."
  size_t size;                       // bytes
  void (*initialize)(void* memory);  // when the segment is created
};

// From _PG_init only; `segment` must live for the life of the process.
void reserve(const Segment* segment);
// Once, from _PG_init, after every feature has reserved its segments.
void install_hooks();
// The segment in this process (children of the postmaster inherit the
// address; a process that has none yet looks it up by name).
void* find(const Segment* segment);

// From _PG_init only: `count` LWLocks in a tranche named `tranche` (a
// string that lives for the life of the process), requested from the
// shmem_request_hook as PostgreSQL 15 requires, created by PostgreSQL with
// its own LWLocks (so they are initialised and named in wait events).
void reserve_lwlocks(const char* tranche, int count);
// The tranche's first lock (count of them follow), once shared memory
// exists; nullptr when it was not reserved. Can ereport (unknown tranche):
// call it inside pg::call.
LWLockPadded* lwlocks(const char* tranche);

// Counters of each worker of one kind, written only by that worker (so
// readers need no lock) and kept after it exits until a crash-restart.
template <int Workers, int Counters>
struct CounterTable {
  pg_atomic_uint64 value[Workers][Counters];

  static void initialize(void* memory) {
    auto* t = static_cast<CounterTable*>(memory);
    for (auto& worker : t->value)
      for (pg_atomic_uint64& c : worker) pg_atomic_init_u64(&c, 0);
  }
};

}  // namespace pg_gateway::pg::shared_memory
