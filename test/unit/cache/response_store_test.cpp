// The shared response store (core/cache/response_store.hpp) over a plain
// buffer with std::shared_mutex set locks: round trips, replacement,
// eviction order, compaction, refusal of entries larger than a set, the
// stamp check of erase(), concurrent readers and writers (no torn reads),
// and garbage regions (never an out-of-bounds access: run under ASan).
#include "core/cache/response_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <random>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace pg_gateway::cache {
namespace {

class MutexLocks : public SetLocks {
 public:
  explicit MutexLocks(size_t n) : locks_(n) {}
  void lock(size_t set, bool exclusive) override {
    auto& m = locks_[set % locks_.size()];
    exclusive ? m.lock() : m.lock_shared();
  }
  void unlock(size_t set, bool exclusive) override {
    auto& m = locks_[set % locks_.size()];
    exclusive ? m.unlock() : m.unlock_shared();
  }

 private:
  std::vector<std::shared_mutex> locks_;
};

constexpr size_t kHeader = 64;

// Bytes of a region holding exactly `sets` sets of geometry g.
size_t region_bytes(size_t sets, Geometry g) {
  size_t stride = (size_t(g.ways) * 56 + g.arena_bytes + 63) & ~size_t(63);
  return kHeader + sets * stride;
}

struct Fixture {
  Fixture(size_t bytes, Geometry g, bool init = true)
      : memory((bytes + 7) / 8), size(bytes), locks(7), geometry(g) {
    if (init) ResponseStore::initialize(memory.data(), size, g);
    store = std::make_unique<ResponseStore>(memory.data(), size, locks, g);
  }
  std::vector<uint64_t> memory;
  size_t size;
  MutexLocks locks;
  Geometry geometry;
  std::unique_ptr<ResponseStore> store;
};

Key key_of(uint64_t n) {
  Key k{};
  std::mt19937_64 rng(n * 7919 + 1);
  for (size_t i = 0; i < k.size(); i += 8) {
    uint64_t v = rng();
    std::memcpy(k.data() + i, &v, 8);
  }
  return k;
}

Entry sample(std::string body) {
  Entry e;
  e.status = 200;
  e.content_type = "application/json; charset=utf-8";
  e.headers = {{"ETag", "\"abc\""}, {"Cache-Control", "public, max-age=60"}};
  e.body = std::move(body);
  e.expires_at_ms = 1'700'000'060'000;
  e.stored_at_ms = 1'700'000'000'000;
  e.incarnation = 11;
  e.epoch = 22;
  e.writes = 33;
  e.database = 16384;
  e.deps = {{16400, 5}, {16410, 7}};
  return e;
}

TEST(ResponseStore, RoundTrip) {
  Fixture f(1 << 20, Geometry{});
  ASSERT_GT(f.store->sets(), 0u);
  Entry e = sample(R"({"data":{"x":1}})");
  ASSERT_TRUE(f.store->store(key_of(1), e));
  auto r = f.store->lookup(key_of(1));
  ASSERT_EQ(r.status, ResponseStore::Status::kFound);
  EXPECT_EQ(r.found->entry, e);
  EXPECT_EQ(f.store->lookup(key_of(2)).status, ResponseStore::Status::kMiss);
  auto st = f.store->stats();
  EXPECT_EQ(st.entries, 1u);
  EXPECT_EQ(st.bytes_used, *serialized_size(e));

  Entry bare;  // no writes, no headers, no deps, empty body
  ASSERT_TRUE(f.store->store(key_of(3), bare));
  EXPECT_EQ(f.store->lookup(key_of(3)).found->entry, bare);
}

TEST(ResponseStore, ReplacesTheSameKey) {
  Fixture f(1 << 20, Geometry{});
  ASSERT_TRUE(f.store->store(key_of(1), sample("first")));
  ASSERT_TRUE(f.store->store(key_of(1), sample("second, longer")));
  EXPECT_EQ(f.store->lookup(key_of(1)).found->entry.body, "second, longer");
  EXPECT_EQ(f.store->stats().entries, 1u);
  EXPECT_EQ(f.store->stats().bytes_used, *serialized_size(sample("second, longer")));
}

TEST(ResponseStore, EvictsTheLeastRecentlyStoredWhenTheWaysAreFull) {
  Geometry g{4, 4096};
  Fixture f(region_bytes(1, g), g);  // one set: every key shares it
  ASSERT_EQ(f.store->sets(), 1u);
  for (uint64_t i = 1; i <= 4; ++i) ASSERT_TRUE(f.store->store(key_of(i), sample("b")));
  ASSERT_TRUE(f.store->store(key_of(2), sample("b2")));  // 2 is now the newest
  ASSERT_TRUE(f.store->store(key_of(5), sample("b")));   // evicts 1
  EXPECT_EQ(f.store->lookup(key_of(1)).status, ResponseStore::Status::kMiss);
  ASSERT_TRUE(f.store->store(key_of(6), sample("b")));  // evicts 3
  EXPECT_EQ(f.store->lookup(key_of(3)).status, ResponseStore::Status::kMiss);
  for (uint64_t i : {2, 4, 5, 6})
    EXPECT_EQ(f.store->lookup(key_of(i)).status, ResponseStore::Status::kFound) << i;
  EXPECT_EQ(f.store->stats().entries, 4u);
}

TEST(ResponseStore, EvictsByBytesAndCompacts) {
  Geometry g{8, 4096};
  Fixture f(region_bytes(1, g), g);
  std::string kb(1000, 'a');
  ASSERT_TRUE(f.store->store(key_of(1), sample(kb)));
  ASSERT_TRUE(f.store->store(key_of(2), sample(std::string(1000, 'b'))));
  ASSERT_TRUE(f.store->store(key_of(3), sample(std::string(1000, 'c'))));
  // 4 does not fit beside three others: 1, the oldest, goes.
  ASSERT_TRUE(f.store->store(key_of(4), sample(std::string(1000, 'd'))));
  EXPECT_EQ(f.store->lookup(key_of(1)).status, ResponseStore::Status::kMiss);
  // Free 3 (in the middle): 2 and 4 stay; 5 needs the hole and the tail
  // joined, i.e. a compaction.
  auto three = f.store->lookup(key_of(3));
  ASSERT_TRUE(f.store->erase(key_of(3), three.found->stamp));
  ASSERT_TRUE(f.store->store(key_of(5), sample(std::string(1500, 'e'))));
  EXPECT_EQ(f.store->lookup(key_of(2)).found->entry.body, std::string(1000, 'b'));
  EXPECT_EQ(f.store->lookup(key_of(4)).found->entry.body, std::string(1000, 'd'));
  EXPECT_EQ(f.store->lookup(key_of(5)).found->entry.body, std::string(1500, 'e'));
  EXPECT_EQ(f.store->stats().entries, 3u);
}

TEST(ResponseStore, RefusesAnEntryLargerThanASet) {
  Geometry g{4, 4096};
  Fixture f(region_bytes(2, g), g);
  ASSERT_TRUE(f.store->store(key_of(1), sample("small")));
  EXPECT_FALSE(f.store->store(key_of(1), sample(std::string(4096, 'x'))));
  EXPECT_FALSE(f.store->store(key_of(2), sample(std::string(1 << 20, 'x'))));
  EXPECT_EQ(f.store->lookup(key_of(1)).found->entry.body, "small");  // untouched
  Entry exact = sample("");
  exact.body.assign(4096 - *serialized_size(exact), 'y');
  EXPECT_TRUE(f.store->store(key_of(3), exact));
  EXPECT_EQ(f.store->lookup(key_of(3)).found->entry, exact);
}

TEST(ResponseStore, EraseDropsOnlyTheEntryItWasToldOf) {
  Fixture f(1 << 20, Geometry{});
  ASSERT_TRUE(f.store->store(key_of(1), sample("old")));
  uint64_t old_stamp = f.store->lookup(key_of(1)).found->stamp;
  ASSERT_TRUE(f.store->store(key_of(1), sample("new")));  // replaced meanwhile
  EXPECT_FALSE(f.store->erase(key_of(1), old_stamp));
  auto now = f.store->lookup(key_of(1));
  EXPECT_EQ(now.found->entry.body, "new");
  EXPECT_TRUE(f.store->erase(key_of(1), now.found->stamp));
  EXPECT_EQ(f.store->lookup(key_of(1)).status, ResponseStore::Status::kMiss);
  EXPECT_EQ(f.store->stats().entries, 0u);
  EXPECT_EQ(f.store->stats().bytes_used, 0u);
}

TEST(ResponseStore, ARegionTooSmallHasNoSets) {
  Fixture f(100, Geometry{});
  EXPECT_EQ(f.store->sets(), 0u);
  EXPECT_FALSE(f.store->store(key_of(1), sample("x")));
  EXPECT_EQ(f.store->lookup(key_of(1)).status, ResponseStore::Status::kMiss);
  EXPECT_EQ(ResponseStore::set_count(100), 0u);
  EXPECT_EQ(ResponseStore::set_count(region_bytes(3, Geometry{})), 3u);
}

// FNV-1a, the body's own checksum.
uint64_t fnv(const char* p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; ++i) h = (h ^ uint8_t(p[i])) * 1099511628211ULL;
  return h;
}

// body = [key id: 8][payload][fnv of both: 8]
std::string checked_body(uint64_t id, std::mt19937_64& rng) {
  std::string b(8 + rng() % 6000, '\0');
  std::memcpy(b.data(), &id, 8);
  for (size_t i = 8; i < b.size(); ++i) b[i] = char(rng());
  uint64_t h = fnv(b.data(), b.size());
  b.append(reinterpret_cast<const char*>(&h), 8);
  return b;
}

bool body_ok(uint64_t id, const std::string& b) {
  if (b.size() < 16) return false;
  uint64_t stored_id, h;
  std::memcpy(&stored_id, b.data(), 8);
  std::memcpy(&h, b.data() + b.size() - 8, 8);
  return stored_id == id && h == fnv(b.data(), b.size() - 8);
}

TEST(ResponseStore, ConcurrentReadersAndWritersSeeWholeEntries) {
  Geometry g{4, 16384};
  Fixture f(region_bytes(8, g), g);  // small: constant eviction and compaction
  std::atomic<uint64_t> hits{0}, bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t + 1);
      for (int i = 0; i < 4000; ++i) {
        uint64_t id = rng() % 96;
        if (t % 2 == 0) {  // writer
          Entry e = sample(checked_body(id, rng));
          e.epoch = id;
          f.store->store(key_of(id), e);
          if (rng() % 8 == 0) {
            auto r = f.store->lookup(key_of(id));
            if (r.found) f.store->erase(key_of(id), r.found->stamp);
          }
        } else {  // reader
          auto r = f.store->lookup(key_of(id));
          if (r.status == ResponseStore::Status::kCorrupt) ++bad;
          if (r.status != ResponseStore::Status::kFound) continue;
          ++hits;
          if (!body_ok(id, r.found->entry.body) || r.found->entry.epoch != id) ++bad;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0u);
  EXPECT_GT(hits.load(), 0u);
  auto st = f.store->stats();
  EXPECT_LE(st.entries, 8u * 4u);
  EXPECT_LE(st.bytes_used, st.bytes_total);
}

// Random bytes over an initialized region, and a region never initialized:
// every operation must stay in bounds (ASan) and the store must recover
// (a fresh entry stored afterwards is found intact).
TEST(ResponseStore, GarbageRegionsNeverReadOutOfBounds) {
  Geometry g{8, 4096};
  for (int round = 0; round < 40; ++round) {
    std::mt19937_64 rng(round);
    Fixture f(region_bytes(4, g) + round % 8, g, round % 2 == 0);
    for (int i = 0; i < 20; ++i) f.store->store(key_of(i), sample(std::string(rng() % 900, 'z')));
    // Corrupt: all random, or a few bytes flipped (lengths, offsets, used flags).
    auto* bytes = reinterpret_cast<uint8_t*>(f.memory.data());
    if (round % 4 == 0) {
      for (size_t i = 0; i < f.size; ++i) bytes[i] = uint8_t(rng());
    } else {
      for (int k = 0; k < 64; ++k) bytes[rng() % f.size] = uint8_t(rng());
    }
    for (int i = 0; i < 40; ++i) {
      auto r = f.store->lookup(key_of(i));
      if (r.found) f.store->erase(key_of(i), r.found->stamp);
    }
    // Keys whose first bytes match a garbage way's are unlikely; use the
    // way keys present in the region too: any 32 bytes of it.
    for (int i = 0; i < 200; ++i) {
      Key k;
      size_t at = rng() % (f.size - 32);
      std::memcpy(k.data(), bytes + at, 32);
      auto r = f.store->lookup(k);
      (void)r;
    }
    for (int i = 0; i < 20; ++i) f.store->store(key_of(100 + i), sample(std::string(i * 50, 'q')));
    Entry fresh = sample("fresh");
    ASSERT_TRUE(f.store->store(key_of(999), fresh));
    EXPECT_EQ(f.store->lookup(key_of(999)).found->entry, fresh);
    (void)f.store->stats();
  }
}

TEST(ResponseStore, IsCurrentChecksEveryRecordedVersion) {
  Entry e = sample("x");  // database 16384, incarnation 11, epoch 22, writes 33
  Current now{16384, 11, 22, 33, e.expires_at_ms - 1};
  auto versions = [](uint32_t relid) -> uint64_t { return relid == 16400 ? 5 : 7; };
  EXPECT_TRUE(is_current(e, now, versions));

  auto with = [&](auto change) {
    Current c = now;
    change(c);
    return is_current(e, c, versions);
  };
  EXPECT_FALSE(with([](Current& c) { c.database = 1; }));
  EXPECT_FALSE(with([](Current& c) { c.incarnation++; }));
  EXPECT_FALSE(with([](Current& c) { c.epoch++; }));
  EXPECT_FALSE(with([](Current& c) { c.writes_started++; }));
  EXPECT_FALSE(with([&](Current& c) { c.now_ms = e.expires_at_ms; }));
  EXPECT_FALSE(
      is_current(e, now, [](uint32_t relid) -> uint64_t { return relid == 16400 ? 6 : 7; }));
  EXPECT_FALSE(
      is_current(e, now, [](uint32_t relid) -> uint64_t { return relid == 16400 ? 5 : 8; }));

  e.writes.reset();  // only tracked tables: other writes do not matter
  EXPECT_TRUE(with([](Current& c) { c.writes_started += 100; }));
}

}  // namespace
}  // namespace pg_gateway::cache
