#include "core/http/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace pg_gateway::http {

namespace {

constexpr size_t kProbes = 8;

}  // namespace

// FNV-1a over "kind\0id": cheap, and good enough to spread keys over the
// table (a collision only makes two clients share a bucket).
uint64_t rate_key(std::string_view kind, std::string_view id) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(kind);
  mix(std::string_view("\0", 1));
  mix(id);
  return h ? h : 1;
}

RateDecision take_token(RateBucket* table, size_t slots, uint64_t key, int64_t now_us,
                        const RatePolicy& policy) {
  RateDecision d;
  if (policy.per_second <= 0 || policy.burst < 1 || slots == 0) return d;
  RateBucket* bucket = nullptr;
  RateBucket* victim = nullptr;
  for (size_t i = 0; i < std::min(kProbes, slots); ++i) {
    RateBucket& b = table[(key + i) % slots];
    if (b.key == key) {
      bucket = &b;
      break;
    }
    // The slot a new key takes: an empty one, else the one idle longest.
    if (!victim || (victim->key != 0 && (b.key == 0 || b.updated_us < victim->updated_us)))
      victim = &b;
  }
  if (!bucket) {
    bucket = victim;
    *bucket = RateBucket{key, policy.burst, now_us};
  }
  double elapsed = std::max<int64_t>(0, now_us - bucket->updated_us) / 1e6;
  bucket->tokens = std::min(policy.burst, bucket->tokens + elapsed * policy.per_second);
  bucket->updated_us = now_us;
  if (bucket->tokens >= 1) {
    bucket->tokens -= 1;
    d.allowed = true;
  } else {
    d.allowed = false;
    d.retry_after =
        std::max<int64_t>(1, int64_t(std::ceil((1 - bucket->tokens) / policy.per_second)));
  }
  d.remaining = int64_t(std::floor(bucket->tokens));
  d.reset = int64_t(std::ceil((policy.burst - bucket->tokens) / policy.per_second));
  return d;
}

void add_rate_headers(Response& r, const RateDecision& d, const RatePolicy& policy) {
  if (policy.per_second <= 0) return;
  int64_t quota = int64_t(policy.burst);
  int64_t window = std::max<int64_t>(1, int64_t(std::ceil(policy.burst / policy.per_second)));
  r.set_header("RateLimit-Policy",
               "\"pg_gateway\";q=" + std::to_string(quota) + ";w=" + std::to_string(window));
  r.set_header("RateLimit", "\"pg_gateway\";r=" + std::to_string(d.remaining) +
                                ";t=" + std::to_string(d.allowed ? d.reset : d.retry_after));
  if (!d.allowed) r.set_header("Retry-After", std::to_string(d.retry_after));
}

}  // namespace pg_gateway::http
