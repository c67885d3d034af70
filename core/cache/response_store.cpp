#include "core/cache/response_store.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>

namespace pg_gateway::cache {

namespace {

constexpr uint64_t kRegionMagic = 0x31534552'4750ULL;  // "PGRES1"
constexpr uint32_t kEntryMagic = 0x43525047;           // "GPRC"
constexpr size_t kHeaderBytes = 64;
constexpr uint32_t kMaxWays = 64;
constexpr uint32_t kMinArena = 64;
constexpr uint32_t kMaxArena = 1u << 30;

// The region header. Plain integers, updated through std::atomic_ref so
// that the region holds no object with a constructor (the counters are
// statistics: relaxed order is enough, the set locks order the data).
struct RegionHeader {
  uint64_t magic;
  uint64_t next_stamp;
  uint64_t entries;
  uint64_t bytes_used;
  uint64_t reserved[4];
};
static_assert(sizeof(RegionHeader) == kHeaderBytes);
static_assert(std::atomic_ref<uint64_t>::is_always_lock_free);

// One way of a set, read and written with memcpy (the region is bytes).
struct Way {
  uint8_t key[32];
  uint64_t stamp;
  uint32_t offset;  // in the set's arena
  uint32_t length;  // serialized bytes
  uint32_t used;    // 1: live (if the range is inside the arena)
  uint32_t pad;
};
constexpr size_t kWayBytes = sizeof(Way);
static_assert(kWayBytes == 56);

// The caller's Geometry made sane: a ways count the stack arrays of
// store() hold, an arena that is a multiple of 8 and fits 32-bit offsets.
Geometry clamp(Geometry g) {
  g.ways = std::clamp<uint32_t>(g.ways, 1, kMaxWays);
  g.arena_bytes = std::clamp<uint32_t>(g.arena_bytes, kMinArena, kMaxArena) & ~7u;
  return g;
}

size_t stride_of(const Geometry& g) {
  size_t bytes = size_t(g.ways) * kWayBytes + g.arena_bytes;
  return (bytes + 63) & ~size_t(63);
}

// The region made 8-byte aligned (shared memory is; a fuzz buffer may not be).
uint8_t* aligned(void* region, size_t* size) {
  auto p = reinterpret_cast<uintptr_t>(region);
  size_t skip = (8 - p % 8) % 8;
  if (!region || *size < skip) {
    *size = 0;
    return static_cast<uint8_t*>(region);
  }
  *size -= skip;
  return static_cast<uint8_t*>(region) + skip;
}

std::atomic_ref<uint64_t> counter(uint8_t* base, size_t field_offset) {
  return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(base + field_offset));
}

Way load_way(const uint8_t* set, uint32_t i) {
  Way w;
  std::memcpy(&w, set + size_t(i) * kWayBytes, kWayBytes);
  return w;
}

void save_way(uint8_t* set, uint32_t i, const Way& w) {
  std::memcpy(set + size_t(i) * kWayBytes, &w, kWayBytes);
}

// Live: marked used and its range inside the arena (so reading it is in bounds).
bool live(const Way& w, uint32_t arena) {
  return w.used == 1 && w.length > 0 && w.offset <= arena && w.length <= arena - w.offset;
}

bool same_key(const Way& w, const Key& key) {
  return std::memcmp(w.key, key.data(), key.size()) == 0;
}

// Holds a set's lock for a scope (released on every path, exceptions too).
class SetGuard {
 public:
  SetGuard(SetLocks& locks, size_t set, bool exclusive)
      : locks_(locks), set_(set), exclusive_(exclusive) {
    locks_.lock(set_, exclusive_);
  }
  ~SetGuard() { locks_.unlock(set_, exclusive_); }
  SetGuard(const SetGuard&) = delete;
  SetGuard& operator=(const SetGuard&) = delete;

 private:
  SetLocks& locks_;
  size_t set_;
  bool exclusive_;
};

// --- serialization: fixed-width native integers, lengths before bytes ---

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  template <typename T>
  void put(T v) {
    out_->append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void bytes(const std::string& s) {
    put(uint32_t(s.size()));
    out_->append(s);
  }

 private:
  std::string* out_;
};

// Every read is checked against the bytes left: a failed read sets !ok
// and yields zeros, so garbage can only give a failed decode.
class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), left_(n) {}
  template <typename T>
  T get() {
    T v{};
    if (!ok_ || left_ < sizeof(T)) {
      ok_ = false;
      return v;
    }
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    left_ -= sizeof(T);
    return v;
  }
  std::string bytes() {
    uint32_t n = get<uint32_t>();
    if (!ok_ || left_ < n) {
      ok_ = false;
      return {};
    }
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    left_ -= n;
    return s;
  }
  // A count of items each at least `min_bytes` long: larger than the bytes
  // left could hold means garbage (and must not size an allocation).
  uint32_t count(size_t min_bytes) {
    uint32_t n = get<uint32_t>();
    if (ok_ && size_t(n) > left_ / min_bytes) ok_ = false;
    return ok_ ? n : 0;
  }
  bool ok() const { return ok_; }
  size_t left() const { return left_; }

 private:
  const uint8_t* p_;
  size_t left_;
  bool ok_ = true;
};

constexpr size_t kFixedBytes = 4 + 4 + 8 + 8 + 8 + 8 + 1 + 8 + 4;  // magic .. database

void serialize(const Entry& e, std::string* out) {
  Writer w(out);
  w.put(kEntryMagic);
  w.put(e.status);
  w.put(e.expires_at_ms);
  w.put(e.stored_at_ms);
  w.put(e.incarnation);
  w.put(e.epoch);
  w.put(uint8_t(e.writes ? 1 : 0));
  w.put(e.writes.value_or(0));
  w.put(e.database);
  w.bytes(e.content_type);
  w.put(uint32_t(e.headers.size()));
  for (const auto& [name, value] : e.headers) {
    w.bytes(name);
    w.bytes(value);
  }
  w.bytes(e.body);
  w.put(uint32_t(e.deps.size()));
  for (const Dependency& d : e.deps) {
    w.put(d.relid);
    w.put(d.version);
  }
}

std::optional<Entry> deserialize(const uint8_t* p, size_t n) {
  Reader r(p, n);
  if (r.get<uint32_t>() != kEntryMagic) return std::nullopt;
  Entry e;
  e.status = r.get<int32_t>();
  e.expires_at_ms = r.get<int64_t>();
  e.stored_at_ms = r.get<int64_t>();
  e.incarnation = r.get<uint64_t>();
  e.epoch = r.get<uint64_t>();
  uint8_t has_writes = r.get<uint8_t>();
  uint64_t writes = r.get<uint64_t>();
  if (has_writes > 1) return std::nullopt;
  if (has_writes) e.writes = writes;
  e.database = r.get<uint32_t>();
  e.content_type = r.bytes();
  uint32_t headers = r.count(8);
  e.headers.reserve(headers);
  for (uint32_t i = 0; i < headers && r.ok(); ++i) {
    std::string name = r.bytes();
    std::string value = r.bytes();
    e.headers.emplace_back(std::move(name), std::move(value));
  }
  e.body = r.bytes();
  uint32_t deps = r.count(12);
  e.deps.reserve(deps);
  for (uint32_t i = 0; i < deps && r.ok(); ++i) {
    Dependency d;
    d.relid = r.get<uint32_t>();
    d.version = r.get<uint64_t>();
    e.deps.push_back(d);
  }
  // The whole range and nothing more: trailing bytes mean a corrupt length.
  if (!r.ok() || r.left() != 0) return std::nullopt;
  return e;
}

}  // namespace

std::optional<size_t> serialized_size(const Entry& e) {
  constexpr size_t kMax = std::numeric_limits<uint32_t>::max();
  if (e.content_type.size() > kMax || e.body.size() > kMax || e.headers.size() > kMax ||
      e.deps.size() > kMax)
    return std::nullopt;
  size_t n = kFixedBytes + 4 + e.content_type.size() + 4 + 4 + e.body.size() + 4;
  for (const auto& [name, value] : e.headers) {
    if (name.size() > kMax || value.size() > kMax) return std::nullopt;
    n += 8 + name.size() + value.size();
  }
  n += 12 * e.deps.size();
  return n;
}

ResponseStore::ResponseStore(void* region, size_t size, SetLocks& locks, Geometry geometry)
    : geometry_(clamp(geometry)), locks_(locks) {
  base_ = aligned(region, &size);
  set_stride_ = stride_of(geometry_);
  sets_ = size < kHeaderBytes ? 0 : (size - kHeaderBytes) / set_stride_;
}

size_t ResponseStore::set_count(size_t size, Geometry geometry) {
  Geometry g = clamp(geometry);
  return size < kHeaderBytes ? 0 : (size - kHeaderBytes) / stride_of(g);
}

// Zeroes the header and every way (arenas need not be cleared: no way
// points into them). Runs before any other process can see the region.
void ResponseStore::initialize(void* region, size_t size, Geometry geometry) {
  Geometry g = clamp(geometry);
  uint8_t* base = aligned(region, &size);
  if (size < kHeaderBytes) return;
  RegionHeader h{};
  h.magic = kRegionMagic;
  std::memcpy(base, &h, sizeof h);
  size_t sets = (size - kHeaderBytes) / stride_of(g);
  for (size_t s = 0; s < sets; ++s)
    std::memset(base + kHeaderBytes + s * stride_of(g), 0, size_t(g.ways) * kWayBytes);
}

uint8_t* ResponseStore::set_base(size_t set) const {
  return base_ + kHeaderBytes + set * set_stride_;
}

size_t ResponseStore::set_of(const Key& key) const {
  uint64_t h = 0;
  std::memcpy(&h, key.data(), sizeof h);
  return sets_ ? size_t(h % sets_) : 0;
}

// Decodes under the shared lock: the entry cannot change while it is
// copied, so a reader never sees half of one store and half of another.
ResponseStore::Result ResponseStore::lookup(const Key& key) const {
  Result result;
  if (sets_ == 0) return result;
  size_t set = set_of(key);
  SetGuard guard(locks_, set, false);
  const uint8_t* s = set_base(set);
  const uint8_t* arena = s + size_t(geometry_.ways) * kWayBytes;
  for (uint32_t i = 0; i < geometry_.ways; ++i) {
    Way w = load_way(s, i);
    if (!live(w, geometry_.arena_bytes) || !same_key(w, key)) continue;
    std::optional<Entry> entry = deserialize(arena + w.offset, w.length);
    result.status = entry ? Status::kFound : Status::kCorrupt;
    result.found = Found{entry ? std::move(*entry) : Entry{}, w.stamp};
    return result;
  }
  return result;
}

// The stamp check is what makes dropping safe: between the caller's
// lookup (shared lock, released) and this exclusive lock another process
// may have stored a fresh entry under the same key, which must stay.
bool ResponseStore::erase(const Key& key, uint64_t stamp) {
  if (sets_ == 0) return false;
  size_t set = set_of(key);
  SetGuard guard(locks_, set, true);
  uint8_t* s = set_base(set);
  for (uint32_t i = 0; i < geometry_.ways; ++i) {
    Way w = load_way(s, i);
    if (!live(w, geometry_.arena_bytes) || !same_key(w, key) || w.stamp != stamp) continue;
    w.used = 0;
    save_way(s, i, w);
    counter(base_, offsetof(RegionHeader, entries)).fetch_sub(1, std::memory_order_relaxed);
    counter(base_, offsetof(RegionHeader, bytes_used))
        .fetch_sub(w.length, std::memory_order_relaxed);
    return true;
  }
  return false;
}

// Serializes first (allocation outside the lock), then under the exclusive
// lock frees the same key, evicts the least recently stored ways until the
// entry fits, compacts if the free bytes are not contiguous, and writes.
// Invariant kept: live ways' ranges are disjoint and inside the arena (a
// corrupt region may break it; compaction then drops the overlapping ways).
bool ResponseStore::store(const Key& key, const Entry& entry) {
  if (sets_ == 0) return false;
  std::optional<size_t> size = serialized_size(entry);
  const uint32_t arena_bytes = geometry_.arena_bytes;
  if (!size || *size > arena_bytes) return false;
  std::string bytes;
  bytes.reserve(*size);
  serialize(entry, &bytes);
  const uint32_t length = uint32_t(bytes.size());  // == *size

  size_t set = set_of(key);
  SetGuard guard(locks_, set, true);
  uint8_t* s = set_base(set);
  uint8_t* arena = s + size_t(geometry_.ways) * kWayBytes;
  auto entries = counter(base_, offsetof(RegionHeader, entries));
  auto used_bytes = counter(base_, offsetof(RegionHeader, bytes_used));

  Way ways[kMaxWays];
  const uint32_t n = geometry_.ways;
  for (uint32_t i = 0; i < n; ++i) {
    ways[i] = load_way(s, i);
    if (ways[i].used != 0 && !live(ways[i], arena_bytes)) ways[i].used = 0;  // garbage
  }
  auto drop = [&](uint32_t i) {
    ways[i].used = 0;
    entries.fetch_sub(1, std::memory_order_relaxed);
    used_bytes.fetch_sub(ways[i].length, std::memory_order_relaxed);
  };
  for (uint32_t i = 0; i < n; ++i)
    if (ways[i].used && same_key(ways[i], key)) drop(i);

  // Evict in stamp order until a way is free and the bytes suffice.
  while (true) {
    uint64_t live_bytes = 0;
    int free_way = -1, oldest = -1;
    for (uint32_t i = 0; i < n; ++i) {
      if (!ways[i].used) {
        if (free_way < 0) free_way = int(i);
        continue;
      }
      live_bytes += ways[i].length;
      if (oldest < 0 || ways[i].stamp < ways[oldest].stamp) oldest = int(i);
    }
    if (free_way >= 0 && live_bytes + length <= arena_bytes) break;
    drop(uint32_t(oldest));  // some way is live, or the loop had ended
  }

  uint64_t end = 0;
  for (uint32_t i = 0; i < n; ++i)
    if (ways[i].used) end = std::max<uint64_t>(end, uint64_t(ways[i].offset) + ways[i].length);
  if (end + length > arena_bytes) {
    // Compaction: slide live entries down in offset order.
    uint32_t order[kMaxWays];
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; ++i)
      if (ways[i].used) order[k++] = i;
    std::sort(order, order + k,
              [&](uint32_t a, uint32_t b) { return ways[a].offset < ways[b].offset; });
    uint64_t cursor = 0, prev_end = 0;
    for (uint32_t j = 0; j < k; ++j) {
      Way& w = ways[order[j]];
      if (w.offset < prev_end) {  // overlaps the previous one: corrupt
        drop(order[j]);
        continue;
      }
      prev_end = uint64_t(w.offset) + w.length;
      if (w.offset != cursor) std::memmove(arena + cursor, arena + w.offset, w.length);
      w.offset = uint32_t(cursor);
      cursor += w.length;
    }
    end = cursor;
  }

  uint32_t slot = 0;
  while (ways[slot].used) ++slot;  // the loop above left one free
  std::memcpy(arena + end, bytes.data(), length);
  Way& w = ways[slot];
  std::memcpy(w.key, key.data(), key.size());
  w.stamp = counter(base_, offsetof(RegionHeader, next_stamp)).fetch_add(1) + 1;
  w.offset = uint32_t(end);
  w.length = length;
  w.used = 1;
  w.pad = 0;
  entries.fetch_add(1, std::memory_order_relaxed);
  used_bytes.fetch_add(length, std::memory_order_relaxed);
  for (uint32_t i = 0; i < n; ++i) save_way(s, i, ways[i]);
  return true;
}

StoreStats ResponseStore::stats() const {
  StoreStats st;
  st.sets = sets_;
  st.bytes_total = uint64_t(sets_) * geometry_.arena_bytes;
  if (sets_ == 0) return st;
  st.entries = counter(base_, offsetof(RegionHeader, entries)).load(std::memory_order_relaxed);
  st.bytes_used =
      counter(base_, offsetof(RegionHeader, bytes_used)).load(std::memory_order_relaxed);
  return st;
}

}  // namespace pg_gateway::cache
