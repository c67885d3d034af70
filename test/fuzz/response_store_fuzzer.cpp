// libFuzzer target for the shared response store
// (core/cache/response_store.hpp): the input IS the region's bytes, as a
// corrupt shared memory segment would present them. Lookups (with keys
// taken from where the ways' keys lie, so that garbage entries are found
// and decoded), erases and stores must never read or write out of bounds
// (ASan), never throw anything but std::bad_alloc, and afterwards a fresh
// entry must be stored and found intact: the store recovers from garbage.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/cache/response_store.hpp"
#include "test/fuzz/fuzz_check.hpp"

namespace {

using namespace pg_gateway::cache;

// Small sets, so that short inputs hold several: after the 64-byte header,
// 4 ways of 56 bytes and a 256-byte arena, rounded up to 64: 512 bytes.
constexpr Geometry kGeometry{4, 256};
constexpr size_t kWayBytes = 56;
constexpr size_t kStride = 512;
constexpr size_t kHeader = 64;

// One process, no concurrency: the locks only count, to check balance.
class CountingLocks : public SetLocks {
 public:
  void lock(size_t, bool) override { ++held; }
  void unlock(size_t, bool) override { --held; }
  int held = 0;
};

Entry small_entry(uint32_t n) {
  Entry e;
  e.content_type = "application/json";
  e.headers = {{"ETag", "\"x\""}};
  e.body = std::string(n % 64, 'b');
  e.writes = n;
  e.deps = {{n, n}};
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  // A copy: the store writes (erase, store), and the input is read-only.
  std::vector<uint64_t> words((size + 7) / 8);
  std::memcpy(words.data(), data, size);
  auto* bytes = reinterpret_cast<uint8_t*>(words.data());
  CountingLocks locks;
  ResponseStore store(bytes, size, locks, kGeometry);
  CHECK(store.sets() == ResponseStore::set_count(size, kGeometry));

  // Every way's key, as it lies in the region.
  std::vector<Key> keys;
  for (size_t s = 0; s < store.sets(); ++s)
    for (size_t w = 0; w < kGeometry.ways; ++w) {
      Key k;
      std::memcpy(k.data(), bytes + kHeader + s * kStride + w * kWayBytes, k.size());
      keys.push_back(k);
    }
  Key zero{};
  keys.push_back(zero);

  for (const Key& k : keys) {
    auto r = store.lookup(k);
    CHECK(locks.held == 0);
    if (r.status == ResponseStore::Status::kMiss) {
      CHECK(!r.found);
      continue;
    }
    CHECK(r.found.has_value());
    if (r.status == ResponseStore::Status::kFound) {
      auto n = serialized_size(r.found->entry);
      CHECK(n && *n <= kGeometry.arena_bytes, "a decoded entry larger than its arena");
    }
    if (k[0] & 1) store.erase(k, r.found->stamp);
  }
  (void)store.stats();

  for (uint32_t i = 0; i < 12; ++i) {
    Key k = keys[i % keys.size()];
    k[31] ^= uint8_t(i);
    store.store(k, small_entry(i * 37 + uint32_t(size)));
    CHECK(locks.held == 0);
  }
  if (store.sets() > 0) {
    Key fresh{};
    fresh[5] = 0x5a;
    Entry e = small_entry(7);
    CHECK(store.store(fresh, e), "a small entry refused");
    auto r = store.lookup(fresh);
    CHECK(r.status == ResponseStore::Status::kFound && r.found->entry == e,
          "a fresh entry not found intact");
  }
  return 0;
}
