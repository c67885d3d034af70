// The request log's ring buffer in shared memory: the HTTP workers push one
// fixed-size entry per logged request, the log writer (bgworker/log_writer.cpp)
// takes them out in order and writes them in batches.
//
// Many producers, one consumer, no lock:
//   - a producer reserves a slot by advancing `head` with compare-and-swap,
//     only while head - tail < capacity (else it drops the entry: a request
//     never waits for the log), fills the slot, and publishes it by setting
//     the slot's `ready` flag after a write barrier;
//   - the consumer reads the slot at `tail` only once its flag is set,
//     copies it, clears the flag and then advances `tail` (a full barrier
//     between the copy and the advance), so a slot is reused only after it
//     has been copied out.
// Between reserving and publishing a producer only copies bytes (no call
// that can fail or sleep), so the consumer never waits long for a reserved
// slot; a producer that died there would have crashed the cluster, which
// re-creates shared memory.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "core/util/utf8.hpp"

namespace pg_gateway::request_log_pg {

// One request. Strings are cut to their field (NUL-terminated; a path
// longer than that is truncated, never refused).
struct Entry {
  int64_t at_us;       // request start, microseconds since the Unix epoch
  double duration_ms;  // from the complete request to the response built
  int64_t bytes;       // response body bytes
  int32_t status;
  int32_t worker;  // 1-based HTTP worker number
  char method[16];
  char path[256];
  char role[64];  // NAMEDATALEN
  char jwt_sub[128];
  char request_id[136];  // acceptable X-Request-Id values have at most 128 bytes
  char operation_name[128];
  char document_hash[72];  // 64 hex digits
  char client_addr[48];
};

// Copies `s` into a field as valid UTF-8 (each invalid byte, and NUL,
// becomes '?': the writer binds fields as text without further checks),
// cut at a character boundary when it does not fit.
template <size_t N>
void set_field(char (&field)[N], std::string_view s) {
  size_t out = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len = s[i] == '\0' ? 0 : util::valid_utf8_length(s, i);
    size_t take = len == 0 ? 1 : len;
    if (out + take > N - 1) break;
    if (len == 0)
      field[out] = '?';
    else
      memcpy(field + out, s.data() + i, len);
    out += take;
    i += take;
  }
  field[out] = '\0';
}

struct Stats {
  uint64_t buffered;  // pushed, not yet taken by the writer
  uint64_t written;   // committed to gateway.request_log
  uint64_t dropped;   // refused by a full buffer, or discarded (table missing)
};

void reserve_shared_memory();  // from _PG_init, after define_settings()

// From an HTTP worker: true when the entry was queued, false when the
// buffer was full (counted; a WARNING at most every 10 s per process).
// Sets the writer's latch when the buffer passes half full.
bool push(const Entry& entry);

// From the log writer: moves up to `max` entries into `out` (appended),
// returns how many.
size_t take(std::vector<Entry>* out, size_t max);
size_t buffered();

void count_written(uint64_t n);
void count_dropped(uint64_t n);
Stats stats();

// The log writer's latch, for push() to set; 0 when no writer runs.
void set_writer_latch(Latch* latch);
// True once since the last call when a producer asked the writer to flush.
bool flush_requested();

}  // namespace pg_gateway::request_log_pg
