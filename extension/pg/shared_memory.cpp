#include "extension/pg/shared_memory.hpp"

#include <cstring>
#include <stdexcept>

namespace pg_gateway::pg::shared_memory {

namespace {

constexpr int kMaxSegments = 16;

struct Reserved {
  const Segment* segment;
  void* address;
};
Reserved reserved[kMaxSegments];
int reserved_count = 0;

constexpr int kMaxTranches = 8;

struct Tranche {
  const char* name;
  int count;
};
Tranche tranches[kMaxTranches];
int tranche_count = 0;

shmem_request_hook_type prev_shmem_request_hook = nullptr;
shmem_startup_hook_type prev_shmem_startup_hook = nullptr;

void request_shmem() {
  if (prev_shmem_request_hook) prev_shmem_request_hook();
  for (int i = 0; i < reserved_count; ++i)
    RequestAddinShmemSpace(MAXALIGN(reserved[i].segment->size));
  for (int i = 0; i < tranche_count; ++i)
    RequestNamedLWLockTranche(tranches[i].name, tranches[i].count);
}

void* init_struct(Reserved& r, bool create) {
  bool found = false;
  LWLockAcquire(AddinShmemInitLock, create ? LW_EXCLUSIVE : LW_SHARED);
  r.address = ShmemInitStruct(r.segment->name, r.segment->size, &found);
  if (create && !found) r.segment->initialize(r.address);
  LWLockRelease(AddinShmemInitLock);
  return r.address;
}

void startup_shmem() {
  if (prev_shmem_startup_hook) prev_shmem_startup_hook();
  for (int i = 0; i < reserved_count; ++i) init_struct(reserved[i], true);
}

}  // namespace

// A programming error in the feature table stops the server start (the
// entry guard of _PG_init turns the exception into an ERROR).
void reserve(const Segment* segment) {
  if (reserved_count == kMaxSegments)
    throw std::length_error("too many pg_gateway shared memory segments");
  reserved[reserved_count++] = {segment, nullptr};
}

void install_hooks() {
  prev_shmem_request_hook = shmem_request_hook;
  shmem_request_hook = request_shmem;
  prev_shmem_startup_hook = shmem_startup_hook;
  shmem_startup_hook = startup_shmem;
}

void* find(const Segment* segment) {
  for (int i = 0; i < reserved_count; ++i) {
    if (reserved[i].segment != segment) continue;
    return reserved[i].address ? reserved[i].address : init_struct(reserved[i], false);
  }
  return nullptr;
}

// Like reserve(): a programming error (too many tranches) stops the start.
void reserve_lwlocks(const char* tranche, int count) {
  if (tranche_count == kMaxTranches) throw std::length_error("too many pg_gateway LWLock tranches");
  tranches[tranche_count++] = {tranche, count};
}

// GetNamedLWLockTranche reads the postmaster's list of requests, which
// every child inherits; asking only for reserved names keeps its ERROR
// (unknown tranche) for programming errors.
LWLockPadded* lwlocks(const char* tranche) {
  for (int i = 0; i < tranche_count; ++i)
    if (std::strcmp(tranches[i].name, tranche) == 0) return GetNamedLWLockTranche(tranche);
  return nullptr;
}

}  // namespace pg_gateway::pg::shared_memory
