// Per-source webhook counters of each HTTP worker, in shared memory, read
// by gateway.webhook_stats() (summed over workers, by source) without
// locks. A worker counts up to kMaxSources sources by name; more sources
// than that share the row named "*" (a DBA with hundreds of sources still
// gets totals). Only the owning worker writes its rows; a row's name is
// written before its `used` flag, so a reader never sees half a name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pg_gateway::webhooks_pg {

enum class SourceCounter : int {
  kReceived = 0,        // POSTs to a known, enabled source
  kVerified,            // signature good, delivery recorded (new or redelivered)
  kDuplicates,          // redeliveries of a recorded event id: nothing enqueued
  kRefusedSignature,    // 401: missing or bad signature
  kRefusedRequest,      // 400: stale or future timestamp, malformed header, body not its type
  kRefusedTooLarge,     // 413
  kRefusedContentType,  // 415
  kRefusedBacklog,      // 429: over max_backlog
  kRefusedOther,        // 5xx: misconfigured source, database errors
  kAnsweredOutcome,     // answered with the job's outcome (2xx/4xx chosen, 500 failed)
  kAnsweredAccepted,    // 202: respond = accepted, past the wait, or the worker stopping
  kWaiting,             // senders waiting now (a gauge)
  kCount
};

constexpr int kMaxSources = 32;

void reserve_counters();  // from _PG_init
void reset_counters(int worker);
// Adds to this worker's row for `source` (never fails; unknown names past
// kMaxSources go to "*").
void count(int worker, std::string_view source, SourceCounter c, int64_t delta = 1);

// For gateway.webhook_stats(): row `slot` of `worker`, false when unused.
bool read_row(int worker, int slot, std::string* source,
              uint64_t values[int(SourceCounter::kCount)]);

}  // namespace pg_gateway::webhooks_pg
