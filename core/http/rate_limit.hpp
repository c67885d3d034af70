// Rate limiting: a token bucket per client, in a fixed table that lives in
// shared memory so that every HTTP worker counts against the same buckets
// (extension/workers/shared_state.hpp holds the table and its spinlock; this code
// does the arithmetic and never blocks or allocates, so it may run under
// the lock).
//
// A client's bucket holds up to `burst` tokens and refills at `per_second`;
// each request takes one, and a request that finds less than one is
// refused with 429, Retry-After and the IETF RateLimit / RateLimit-Policy
// headers (draft-ietf-httpapi-ratelimit-headers), which every answer also
// carries.
//
// The table is open-addressed: a key is looked for in 8 slots from its
// hash; a new key takes an empty slot there or the one idle the longest.
// Under a flood of distinct keys an evicted client starts again with a
// full bucket: the table bounds memory, and the limit is exact for the
// clients that are active.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/http/message.hpp"

namespace pg_gateway::http {

struct RateBucket {
  uint64_t key = 0;  // 0: empty
  double tokens = 0;
  int64_t updated_us = 0;
};

struct RatePolicy {
  double per_second = 0;  // refill rate
  double burst = 0;       // bucket size
};

struct RateDecision {
  bool allowed = true;
  int64_t remaining = 0;    // whole tokens left
  int64_t retry_after = 0;  // seconds until one token (when refused)
  int64_t reset = 0;        // seconds until the bucket is full again
};

// A table key for one client ("ip" or "sub" and its value); never 0.
uint64_t rate_key(std::string_view kind, std::string_view id);

RateDecision take_token(RateBucket* table, size_t slots, uint64_t key, int64_t now_us,
                        const RatePolicy& policy);

// Adds RateLimit and RateLimit-Policy (and, when refused, Retry-After).
void add_rate_headers(Response& r, const RateDecision& d, const RatePolicy& policy);

}  // namespace pg_gateway::http
