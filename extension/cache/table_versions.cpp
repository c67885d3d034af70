// Table versions in shared memory (the contract and the reader's protocol
// are in table_versions.hpp), and the SQL functions that show them.
//
// Layout: one segment, created by the postmaster at start and at every
// crash-restart (so the incarnation is new then and every counter starts
// again). Every counter is a pg_atomic_uint64 that only ever grows; they
// are opaque: only a change means something.
#include "extension/pg/pg_api.hpp"

extern "C" {
#include "access/xlogrecovery.h"
}

#include "extension/cache/table_versions.hpp"

#include "extension/pg/entry.hpp"
#include "extension/pg/shared_memory.hpp"

namespace pg_gateway::cache_pg {

namespace {

// A power of two; 128 kB. Two tables in one slot only invalidate each
// other more often than needed.
constexpr uint32 kSlots = 16384;
static_assert((kSlots & (kSlots - 1)) == 0, "kSlots must be a power of two");

struct TableVersions {
  uint64 incarnation;  // written once, before any process reads it
  pg_atomic_uint64 epoch;
  pg_atomic_uint64 writes_started;
  pg_atomic_uint64 slot[kSlots];
};

// In the postmaster, before any backend exists (shmem_startup_hook), so
// plain stores are fine.
void initialize(void* memory) {
  auto* v = static_cast<TableVersions*>(memory);
  if (!pg_strong_random(&v->incarnation, sizeof v->incarnation))
    v->incarnation = uint64(GetCurrentTimestamp()) ^ (uint64(MyProcPid) << 32);
  pg_atomic_init_u64(&v->epoch, 0);
  pg_atomic_init_u64(&v->writes_started, 0);
  for (pg_atomic_uint64& s : v->slot) pg_atomic_init_u64(&s, 0);
}

const pg::shared_memory::Segment segment = {"pg_gateway table versions", sizeof(TableVersions),
                                            initialize};
TableVersions* versions = nullptr;

// Every process that calls these is a child of the postmaster, which
// attached the segment before forking, so find() only returns the
// inherited address (no lock, no error). nullptr only if the library was
// not preloaded, which _PG_init refuses.
TableVersions* get() noexcept {
  if (!versions) versions = static_cast<TableVersions*>(pg::shared_memory::find(&segment));
  return versions;
}

// The slot of (database, table): a 64-bit finalizer (murmur3's fmix64) of
// both oids, so that consecutive oids spread over the array.
uint32 slot_of(Oid database, Oid relid) noexcept {
  uint64 x = (uint64(database) << 32) | uint64(relid);
  x ^= x >> 33;
  x *= UINT64CONST(0xff51afd7ed558ccd);
  x ^= x >> 33;
  x *= UINT64CONST(0xc4ceb9fe1a85ec53);
  x ^= x >> 33;
  return uint32(x & (kSlots - 1));
}

// On a hot standby, a value that changes with every replayed WAL position
// (0 otherwise). Multiplying by an odd constant is a bijection of 64-bit
// integers, so two replay positions never give the same value, and only
// position 0 gives 0. Neither RecoveryInProgress() nor
// GetXLogReplayRecPtr() can fail: a flag read and a spinlock.
uint64 replay_mix() noexcept {
  if (!RecoveryInProgress()) return 0;
  return uint64(GetXLogReplayRecPtr(nullptr)) * UINT64CONST(0x9e3779b97f4a7c15);
}

}  // namespace

void reserve_table_versions() { pg::shared_memory::reserve(&segment); }

uint64_t incarnation() {
  TableVersions* v = get();
  return v ? v->incarnation : 0;
}

// Full barriers on both sides: whatever the reader reads after W0 (its
// snapshot, the versions) is read after it, and whatever it read before W1
// is read before it. The writer's fetch_adds are full barriers too.
uint64_t epoch() {
  TableVersions* v = get();
  if (!v) return 0;
  pg_memory_barrier();
  uint64 e = pg_atomic_read_u64(&v->epoch);
  pg_memory_barrier();
  return e ^ replay_mix();
}

uint64_t writes_started() {
  TableVersions* v = get();
  if (!v) return 0;
  pg_memory_barrier();
  uint64 w = pg_atomic_read_u64(&v->writes_started);
  pg_memory_barrier();
  return w ^ replay_mix();
}

// Read between the reader's two writes_started() calls, whose barriers
// order it.
uint64_t table_version(Oid relid) {
  TableVersions* v = get();
  if (!v) return 0;
  return pg_atomic_read_u64(&v->slot[slot_of(MyDatabaseId, relid)]);
}

// The writer's half of the protocol. writes_started goes first, so a
// reader that sees any bump below and then reads writes_started again sees
// it changed; pg_atomic_fetch_add_u64 is a full barrier, so the bumps are
// seen in this order. A table listed twice is bumped twice: harmless.
void publish_writes(const Oid* relids, int count, bool bump_epoch) noexcept {
  TableVersions* v = get();
  if (!v || (count == 0 && !bump_epoch)) return;
  pg_atomic_fetch_add_u64(&v->writes_started, 1);
  for (int i = 0; i < count; ++i)
    pg_atomic_fetch_add_u64(&v->slot[slot_of(MyDatabaseId, relids[i])], 1);
  if (bump_epoch) pg_atomic_fetch_add_u64(&v->epoch, 1);
}

}  // namespace pg_gateway::cache_pg

namespace cache = pg_gateway::cache_pg;

// gateway.table_version(rel regclass): the table's version as this server
// counts it (an opaque number: only its changes mean something). The
// version of a table this transaction wrote changes only after it commits.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_table_version) {
  Oid relid = pg_gateway::pg::call([fcinfo] { return PG_GETARG_OID(0); });
  return Int64GetDatum(int64(cache::table_version(relid)));
}

// gateway.cache_epoch(): the epoch, which changes whenever writes cannot be
// attributed to tables (DDL, GRANT, TRUNCATE, ...; see write_tracking.cpp).
PG_GATEWAY_SQL_FUNCTION(pg_gateway_cache_epoch) {
  (void)fcinfo;
  return Int64GetDatum(int64(cache::epoch()));
}
