// A bounded store of serialized HTTP responses in a caller-given byte
// region (shared memory in the server, a plain buffer in tests), shared by
// every process that maps the region. Pure C++: the PG wrapper
// (extension/cache/response_cache.cpp) supplies the region and the locks.
//
// Layout (no pointers in the region, only offsets; nothing with a
// constructor or a destructor):
//
//   [RegionHeader, 64 bytes] [set 0] [set 1] ... [set N-1]
//   set = [Way descriptor x W] [arena of arena_bytes]
//   Way = {key[32], stamp, offset, length, used}
//
// A key's set is its first 8 bytes modulo N (keys are SHA-256 digests, so
// uniform). An entry is stored contiguously in its set's arena, at
// [offset, offset + length), so one entry may use anything from a few bytes
// to the whole arena: a per-set arena rather than fixed slots, so that small
// responses do not waste a slot and large ones are not refused because a
// slot is small. Entries larger than the arena are not stored.
//
// Storing (exclusive set lock): the way with the same key is freed first;
// then the ways stored longest ago are freed (stamp order: least recently
// stored) until a way is free and the free bytes suffice; then, when the
// bytes after the last live entry are too few, the live entries are slid
// down to the arena's start (compaction: at most arena_bytes moved, under
// the set's lock only). Every store takes a new stamp from a counter in the
// region header, so (key, stamp) names one stored entry for ever.
//
// Reading (shared set lock): the key is compared with every used way of the
// set and the entry is decoded (copied out) under the lock. Validation
// (expiry, versions) is the caller's, after the copy; dropping a stale
// entry takes the exclusive lock and re-checks key AND stamp, since another
// process may have replaced the entry between the two locks.
//
// Robustness: nothing read from the region is trusted. The geometry is
// computed from the caller's size and Geometry, never from the region. A
// way is live only when used == 1 and its range lies inside the arena;
// decoding checks every length against the entry's bytes; overlapping
// ranges (impossible unless the region is corrupt) are dropped at
// compaction. So garbage bytes give misses or wrong (but well-formed)
// entries, never an out-of-bounds access. The header's counters are
// statistics only: garbage in them is reported as is.
#pragma once
#include "core/core_zone.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pg_gateway::cache {

using Key = std::array<uint8_t, 32>;

struct Dependency {
  uint32_t relid = 0;
  uint64_t version = 0;
  bool operator==(const Dependency&) const = default;
};

// What is stored: a response and what it was valid for.
struct Entry {
  int32_t status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t expires_at_ms = 0;
  int64_t stored_at_ms = 0;
  uint64_t incarnation = 0;
  uint64_t epoch = 0;
  std::optional<uint64_t> writes;
  uint32_t database = 0;
  std::vector<Dependency> deps;
  bool operator==(const Entry&) const = default;
};

// What an entry must still match to be served (read by the caller, in the
// server from shared counters, after copying the entry out).
struct Current {
  uint32_t database = 0;
  uint64_t incarnation = 0;
  uint64_t epoch = 0;
  uint64_t writes_started = 0;
  int64_t now_ms = 0;
};

// Whether `entry` may be served: same database, incarnation and epoch, no
// write at all since it was stored if it recorded `writes`, every
// dependency at the version it recorded (table_version(relid) -> uint64_t,
// asked only while everything else matched), and its max-age not over.
template <typename TableVersion>
bool is_current(const Entry& entry, const Current& now, TableVersion&& table_version) {
  if (entry.database != now.database || entry.incarnation != now.incarnation ||
      entry.epoch != now.epoch)
    return false;
  if (entry.writes && *entry.writes != now.writes_started) return false;
  if (now.now_ms >= entry.expires_at_ms) return false;
  for (const Dependency& d : entry.deps)
    if (table_version(d.relid) != d.version) return false;
  return true;
}

// Bytes of the serialized entry (what store() needs in the arena), or
// nullopt when a count or a length does not fit the format's 32 bits.
std::optional<size_t> serialized_size(const Entry& entry);

// The caller's locks, one per set or a pool shared by sets (set % pool):
// the store never holds two at once, so sharing cannot deadlock. lock()
// must not fail; unlock() is told the mode it releases.
class SetLocks {
 public:
  virtual ~SetLocks() = default;
  virtual void lock(size_t set, bool exclusive) = 0;
  virtual void unlock(size_t set, bool exclusive) = 0;
};

struct Geometry {
  uint32_t ways = 16;                 // entries per set at most
  uint32_t arena_bytes = 256 * 1024;  // per set: also the largest entry
};

struct StoreStats {
  uint64_t entries = 0;
  uint64_t bytes_used = 0;   // serialized bytes of the live entries
  uint64_t bytes_total = 0;  // the arenas' capacity
  uint64_t sets = 0;
};

class ResponseStore {
 public:
  // The region's bytes are not touched: call initialize() once, when the
  // region is created, before any ResponseStore uses it. A region too small
  // for one set gives a store with no sets (every lookup misses, every
  // store is refused). `locks` must outlive the store.
  ResponseStore(void* region, size_t size, SetLocks& locks, Geometry geometry = {});

  // Empties the region (every process's view of it): once, at creation.
  static void initialize(void* region, size_t size, Geometry geometry = {});
  // How many sets a region of `size` bytes holds.
  static size_t set_count(size_t size, Geometry geometry = {});

  struct Found {
    Entry entry;
    uint64_t stamp = 0;  // pass to erase() to drop exactly this entry
  };
  enum class Status { kMiss, kFound, kCorrupt };
  struct Result {
    Status status = Status::kMiss;
    std::optional<Found> found;  // set for kFound; for kCorrupt only found->stamp
  };
  // The entry stored under `key`, decoded under the set's shared lock. An
  // entry that does not decode is kCorrupt (the caller should erase it).
  Result lookup(const Key& key) const;

  // Drops the entry stored under `key` if it is still the one with `stamp`
  // (exclusive lock). False when it was replaced or dropped meanwhile.
  bool erase(const Key& key, uint64_t stamp);

  // Stores or replaces; false (nothing changed) when the entry is larger
  // than a set's arena or the store has no sets.
  bool store(const Key& key, const Entry& entry);

  StoreStats stats() const;
  size_t sets() const { return sets_; }
  size_t set_of(const Key& key) const;

 private:
  uint8_t* set_base(size_t set) const;

  uint8_t* base_ = nullptr;  // the region header, 8-byte aligned
  size_t sets_ = 0;
  size_t set_stride_ = 0;
  Geometry geometry_;
  SetLocks& locks_;
};

}  // namespace pg_gateway::cache
