// The shared response cache: core/cache/response_store.hpp over a shared
// memory segment of pg_gateway.response_cache_size MB, with a pool of
// LWLocks (a named tranche) as its set locks.
//
// Concurrency: the store holds one set's LWLock at a time, shared to read
// and exclusive to write; a lookup copies the entry out under the shared
// lock and validates the copy with no lock held, then drops a stale entry
// under the exclusive lock only if it is still the same one (key and
// stamp), so a fresh entry stored meanwhile by another worker survives.
//
// Error handling: lookup() and store() run in HTTP workers' ordinary C++
// code, outside any transaction. They may throw C++ exceptions
// (std::bad_alloc while copying); every PostgreSQL call that can ereport
// (LWLockAcquire, LWLockRelease, the segment and tranche look-ups) runs
// inside pg::call, and an LWLock is released by the store's scope guard on
// every path. The shmem_startup_hook's initializer only writes bytes.
#include "extension/pg/pg_api.hpp"

#include "extension/cache/response_cache.hpp"

#include <algorithm>
#include <optional>
#include <type_traits>

#include "core/cache/response_store.hpp"
#include "extension/cache/settings.hpp"
#include "extension/cache/table_versions.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/shared_memory.hpp"

namespace pg_gateway::cache_pg::response_cache {

namespace {

// 16 entries per set, 256 KiB per set: the largest response stored is a
// little under 256 KiB; 64 MB hold 255 sets, up to 4080 entries.
constexpr cache::Geometry kGeometry{16, 256 * 1024};
// Sets share locks beyond this many (set % kMaxLocks): a set's lock is
// never held with another's, so sharing costs only contention.
constexpr int kMaxLocks = 1024;
constexpr const char* kTranche = "pg_gateway response cache";

// Runs in the postmaster (shmem_startup_hook), at start and after every
// crash-restart: the cache starts empty, which a new incarnation() would
// require anyway. Writes bytes only: cannot throw or ereport.
void initialize(void* memory);

// Its size depends on pg_gateway.response_cache_size, known once the
// settings are defined: set by reserve_shared_memory().
pg::shared_memory::Segment segment = {"pg_gateway response cache", 0, initialize};
int lock_count = 0;  // in the tranche, when reserved

void initialize(void* memory) { cache::ResponseStore::initialize(memory, segment.size, kGeometry); }

// Set locks over the tranche. An LWLock holds off interrupts while held,
// so a worker cannot be stopped between lock() and unlock().
class LWLockSetLocks : public cache::SetLocks {
 public:
  LWLockSetLocks(LWLockPadded* locks, size_t count) : locks_(locks), count_(count) {}

  // LWLockAcquire ereports only when too many LWLocks are held (never
  // here: one at a time); pg::call turns that into a C++ exception.
  void lock(size_t set, bool exclusive) override {
    LWLock* l = &locks_[set % count_].lock;
    LWLockMode mode = exclusive ? LW_EXCLUSIVE : LW_SHARED;
    pg::call([l, mode] { LWLockAcquire(l, mode); });
  }

  // Called from the store's scope guard, a destructor: it must not throw.
  // LWLockRelease ereports only for a lock not held, which lock() makes
  // impossible; if it ever did, the process's LWLocks are released at
  // exit (LWLockReleaseAll), so nothing is left to undo here.
  void unlock(size_t set, bool) override {
    LWLock* l = &locks_[set % count_].lock;
    try {
      pg::call([l] { LWLockRelease(l); });
    } catch (...) {
    }
  }

 private:
  LWLockPadded* locks_;
  size_t count_;
};

// This process's view of the cache, made on first use (a worker that
// never serves a cacheable response never looks the segment up).
struct Attached {
  std::optional<LWLockSetLocks> locks;
  std::optional<cache::ResponseStore> store;
};
Attached attached;

// The store, or nullptr when the cache is off. Throws pg::PgError if the
// segment or the tranche cannot be found (not reserved: a bug).
cache::ResponseStore* store_here() {
  if (attached.store) return &*attached.store;
  if (!enabled()) return nullptr;
  void* memory = pg::call([] { return pg::shared_memory::find(&segment); });
  LWLockPadded* locks = pg::call([] { return pg::shared_memory::lwlocks(kTranche); });
  if (!memory || !locks || lock_count <= 0) return nullptr;
  attached.locks.emplace(locks, size_t(lock_count));
  attached.store.emplace(memory, segment.size, *attached.locks, kGeometry);
  return &*attached.store;
}

// Reads the shared counters after the copy (with no lock held). A commit
// whose bump comes after this check is not seen, as it would not be by a
// request whose snapshot was taken just before it; between a commit
// becoming visible and its bump (table_versions.hpp) an entry can still be
// served, exactly as an ETag can still be confirmed with a 304.
bool current(const cache::Entry& e, int64_t now_ms) {
  cache::Current now;
  now.writes_started = writes_started();
  now.database = uint32_t(MyDatabaseId);
  now.incarnation = incarnation();
  now.epoch = epoch();
  now.now_ms = now_ms;
  return cache::is_current(e, now, [](uint32_t relid) { return table_version(Oid(relid)); });
}

StoredResponse to_response(cache::Entry&& e) {
  StoredResponse r;
  r.status = e.status;
  r.content_type = std::move(e.content_type);
  r.headers = std::move(e.headers);
  r.body = std::move(e.body);
  r.expires_at_ms = e.expires_at_ms;
  r.stored_at_ms = e.stored_at_ms;
  r.incarnation = e.incarnation;
  r.epoch = e.epoch;
  r.writes = e.writes;
  r.deps.reserve(e.deps.size());
  for (const cache::Dependency& d : e.deps) r.deps.push_back({Oid(d.relid), d.version});
  return r;
}

static_assert(std::is_same_v<Key, cache::Key>, "the digest is passed through as is");

}  // namespace

// From _PG_init, after define_settings: nothing at all when the cache is
// off, so a server without it pays no shared memory.
void reserve_shared_memory() {
  if (settings::response_cache_size <= 0) return;
  segment.size = size_t(settings::response_cache_size) * 1024 * 1024;
  size_t sets = cache::ResponseStore::set_count(segment.size, kGeometry);
  lock_count = int(std::clamp<size_t>(sets, 1, kMaxLocks));
  pg::shared_memory::reserve(&segment);
  pg::shared_memory::reserve_lwlocks(kTranche, lock_count);
}

bool enabled() { return settings::response_cache_size > 0; }

// Copy, validate without a lock, drop if stale (stamp-checked: see the
// file's comment). An entry that does not decode counts as stale.
Lookup lookup(const Key& key, int64_t now_ms) {
  cache::ResponseStore* store = store_here();
  if (!store) return {};
  cache::ResponseStore::Result r = store->lookup(key);
  if (r.status == cache::ResponseStore::Status::kMiss) return {};
  if (r.status == cache::ResponseStore::Status::kFound && current(r.found->entry, now_ms)) {
    Lookup hit;
    hit.outcome = Outcome::kHit;
    hit.response = to_response(std::move(r.found->entry));
    return hit;
  }
  store->erase(key, r.found->stamp);
  Lookup evicted;
  evicted.outcome = Outcome::kEvicted;
  return evicted;
}

// The entry records the current database: the key digest includes it too,
// but a lookup also checks it, so two databases can never share an entry.
bool store(const Key& key, const StoredResponse& response) {
  cache::ResponseStore* store = store_here();
  // Too large whatever its headers: refused before the body is copied.
  if (!store || response.body.size() > kGeometry.arena_bytes) return false;
  cache::Entry e;
  e.status = response.status;
  e.content_type = response.content_type;
  e.headers = response.headers;
  e.body = response.body;
  e.expires_at_ms = response.expires_at_ms;
  e.stored_at_ms = response.stored_at_ms;
  e.incarnation = response.incarnation;
  e.epoch = response.epoch;
  e.writes = response.writes;
  e.database = uint32_t(MyDatabaseId);
  e.deps.reserve(response.deps.size());
  for (const Dependency& d : response.deps) e.deps.push_back({uint32_t(d.relid), d.version});
  return store->store(key, e);
}

Stats stats() {
  cache::ResponseStore* store = store_here();
  if (!store) return {};
  cache::StoreStats s = store->stats();
  return {s.entries, s.bytes_used, s.bytes_total};
}

}  // namespace pg_gateway::cache_pg::response_cache
