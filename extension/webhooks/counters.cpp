#include "extension/pg/pg_api.hpp"

#include "extension/webhooks/counters.hpp"

#include <cstring>

#include "extension/pg/shared_memory.hpp"
#include "extension/workers/shared_state.hpp"

namespace pg_gateway::webhooks_pg {

namespace {

constexpr size_t kNameBytes = 65;  // source names are at most 64 bytes

struct Row {
  pg_atomic_uint32 used;
  char name[kNameBytes];
  pg_atomic_uint64 value[int(SourceCounter::kCount)];
};

struct Table {
  Row rows[shared::kMaxHttpWorkers][kMaxSources];

  static void initialize(void* memory) {
    auto* t = static_cast<Table*>(memory);
    for (auto& worker : t->rows)
      for (Row& r : worker) {
        pg_atomic_init_u32(&r.used, 0);
        std::memset(r.name, 0, sizeof r.name);
        for (pg_atomic_uint64& v : r.value) pg_atomic_init_u64(&v, 0);
      }
  }
};

const pg::shared_memory::Segment segment = {"pg_gateway webhook counters", sizeof(Table),
                                            Table::initialize};

Row* rows_of(int worker) {
  if (worker < 0 || worker >= shared::kMaxHttpWorkers) return nullptr;
  auto* t = static_cast<Table*>(pg::shared_memory::find(&segment));
  return t ? t->rows[worker] : nullptr;
}

// This worker's row for the source: found, or the first free one claimed,
// or "*" (the last row) when all are taken.
Row* row_for(Row* rows, std::string_view source) {
  if (source.size() >= kNameBytes) source = "*";
  for (int i = 0; i < kMaxSources; ++i) {
    Row& r = rows[i];
    if (pg_atomic_read_u32(&r.used) == 0) {
      if (i == kMaxSources - 1) source = "*";
      std::memset(r.name, 0, sizeof r.name);
      std::memcpy(r.name, source.data(), source.size());
      pg_write_barrier();
      pg_atomic_write_u32(&r.used, 1);
      return &r;
    }
    if (source == r.name) return &r;
    if (i == kMaxSources - 1) return &r;  // the "*" row
  }
  return nullptr;
}

}  // namespace

void reserve_counters() { pg::shared_memory::reserve(&segment); }

void reset_counters(int worker) {
  Row* rows = rows_of(worker);
  if (!rows) return;
  for (int i = 0; i < kMaxSources; ++i) {
    pg_atomic_write_u32(&rows[i].used, 0);
    for (pg_atomic_uint64& v : rows[i].value) pg_atomic_write_u64(&v, 0);
  }
}

void count(int worker, std::string_view source, SourceCounter c, int64_t delta) {
  Row* rows = rows_of(worker);
  if (!rows) return;
  Row* r = row_for(rows, source);
  if (!r) return;
  pg_atomic_uint64* v = &r->value[int(c)];
  // One writer per row: read and write, no atomic add needed.
  pg_atomic_write_u64(v, uint64_t(int64_t(pg_atomic_read_u64(v)) + delta));
}

bool read_row(int worker, int slot, std::string* source,
              uint64_t values[int(SourceCounter::kCount)]) {
  Row* rows = rows_of(worker);
  if (!rows || slot < 0 || slot >= kMaxSources) return false;
  Row& r = rows[slot];
  if (pg_atomic_read_u32(&r.used) == 0) return false;
  pg_read_barrier();
  char name[kNameBytes];
  std::memcpy(name, r.name, sizeof name);
  name[kNameBytes - 1] = '\0';
  *source = name;
  for (int c = 0; c < int(SourceCounter::kCount); ++c) values[c] = pg_atomic_read_u64(&r.value[c]);
  return true;
}

}  // namespace pg_gateway::webhooks_pg
