#include "extension/pg/pg_api.hpp"

#include "extension/request_log/buffer.hpp"

#include <string>

#include "core/util/clock.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/shared_memory.hpp"
#include "extension/request_log/settings.hpp"

namespace pg_gateway::request_log_pg {

namespace {

constexpr int64_t kDropWarningIntervalMs = 10 * 1000;

struct Slot {
  pg_atomic_uint32 ready;  // 1 while the entry is published and not yet taken
  Entry entry;
};

struct Header {
  pg_atomic_uint64 head;  // next slot to reserve (ever-increasing)
  pg_atomic_uint64 tail;  // next slot to take; only the writer advances it
  pg_atomic_uint64 written;
  pg_atomic_uint64 dropped;
  pg_atomic_uint64 writer_latch;  // Latch*, 0 when no writer runs
  // Set by the producer that finds the buffer half full, just before it
  // sets the latch, and cleared by the writer: one latch per wake-up, not
  // one per request while the writer is busy.
  pg_atomic_uint32 wake_requested;
  uint32 capacity;  // pg_gateway.request_log_buffer when shared memory was made
  Slot slots[FLEXIBLE_ARRAY_MEMBER];
};

// Runs in the postmaster at start and after every crash-restart: the
// buffer starts empty (a crash loses what was buffered, as it loses the
// requests' own uncommitted work).
void initialize(void* memory) {
  auto* h = static_cast<Header*>(memory);
  pg_atomic_init_u64(&h->head, 0);
  pg_atomic_init_u64(&h->tail, 0);
  pg_atomic_init_u64(&h->written, 0);
  pg_atomic_init_u64(&h->dropped, 0);
  pg_atomic_init_u64(&h->writer_latch, 0);
  pg_atomic_init_u32(&h->wake_requested, 0);
  h->capacity = uint32(settings::buffer_size);
  for (uint32 i = 0; i < h->capacity; ++i) pg_atomic_init_u32(&h->slots[i].ready, 0);
}

// Its size depends on pg_gateway.request_log_buffer, known only once the
// settings are defined: set by reserve_shared_memory().
pg::shared_memory::Segment segment = {"pg_gateway request log", 0, initialize};

Header* header() { return static_cast<Header*>(pg::shared_memory::find(&segment)); }

// Per HTTP worker: drops since the last WARNING, and when that was.
uint64_t unreported_drops = 0;
int64_t last_drop_warning_ms = -kDropWarningIntervalMs;

// A full buffer means the writer cannot keep up (or is not running): say so
// in the server log, but at most every 10 s per worker, so that a burst of
// drops does not become a burst of log lines.
void report_drop() {
  ++unreported_drops;
  int64_t now = util::monotonic_ms();
  if (now - last_drop_warning_ms < kDropWarningIntervalMs) return;
  last_drop_warning_ms = now;
  pg::warning("pg_gateway: the request log buffer is full; " + std::to_string(unreported_drops) +
                  " request(s) not logged",
              "raise pg_gateway.request_log_buffer (restart), or check that the "
              "\"pg_gateway log writer\" process runs");
  unreported_drops = 0;
}

}  // namespace

void reserve_shared_memory() {
  segment.size = offsetof(Header, slots) + sizeof(Slot) * size_t(settings::buffer_size);
  pg::shared_memory::reserve(&segment);
}

// Lock-free reservation (buffer.hpp): tail is read before head, so that
// head - tail never underflows; a stale tail only overstates how full the
// buffer is, never lets a producer overwrite an entry not yet taken.
bool push(const Entry& entry) {
  Header* h = header();
  uint64 head = 0, tail = 0;
  while (true) {
    tail = pg_atomic_read_u64(&h->tail);
    pg_read_barrier();
    head = pg_atomic_read_u64(&h->head);
    if (head - tail >= h->capacity) {
      pg_atomic_fetch_add_u64(&h->dropped, 1);
      report_drop();
      return false;
    }
    if (pg_atomic_compare_exchange_u64(&h->head, &head, head + 1)) break;
  }
  Slot& slot = h->slots[head % h->capacity];
  slot.entry = entry;
  pg_write_barrier();  // the entry before its flag
  pg_atomic_write_u32(&slot.ready, 1);
  if ((head + 1 - tail) * 2 >= h->capacity && pg_atomic_exchange_u32(&h->wake_requested, 1) == 0) {
    auto* latch = reinterpret_cast<Latch*>(uintptr_t(pg_atomic_read_u64(&h->writer_latch)));
    if (latch) pg::call([latch] { SetLatch(latch); });
  }
  return true;
}

size_t take(std::vector<Entry>* out, size_t max) {
  Header* h = header();
  uint64 tail = pg_atomic_read_u64(&h->tail);
  size_t n = 0;
  while (n < max) {
    Slot& slot = h->slots[tail % h->capacity];
    if (pg_atomic_read_u32(&slot.ready) == 0) break;  // not reserved, or not filled yet
    pg_read_barrier();                                // the flag before the entry
    out->push_back(slot.entry);
    pg_atomic_write_u32(&slot.ready, 0);
    ++tail;
    ++n;
  }
  if (n == 0) return 0;
  // The copies and cleared flags before the slots are handed back.
  pg_memory_barrier();
  pg_atomic_write_u64(&h->tail, tail);
  return n;
}

size_t buffered() {
  Header* h = header();
  uint64 tail = pg_atomic_read_u64(&h->tail);
  pg_read_barrier();
  uint64 head = pg_atomic_read_u64(&h->head);
  return size_t(head - tail);
}

void count_written(uint64_t n) { pg_atomic_fetch_add_u64(&header()->written, n); }
void count_dropped(uint64_t n) { pg_atomic_fetch_add_u64(&header()->dropped, n); }

Stats stats() {
  Header* h = header();
  return {uint64_t(buffered()), pg_atomic_read_u64(&h->written), pg_atomic_read_u64(&h->dropped)};
}

void set_writer_latch(Latch* latch) {
  pg_atomic_write_u64(&header()->writer_latch, uint64(uintptr_t(latch)));
}

bool flush_requested() { return pg_atomic_exchange_u32(&header()->wake_requested, 0) != 0; }

}  // namespace pg_gateway::request_log_pg
