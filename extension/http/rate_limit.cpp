#include "extension/pg/pg_api.hpp"

#include "extension/http/rate_limit.hpp"

#include "core/http/message.hpp"
#include "extension/http/settings.hpp"
#include "extension/pg/settings.hpp"
#include "extension/pg/shared_memory.hpp"

namespace pg_gateway::http_pg {

namespace {

constexpr size_t kRateBuckets = 4096;  // clients tracked at once (about 100 kB)

// The spinlock is held only for take_token(), which neither blocks nor
// allocates nor raises errors.
struct RateTable {
  slock_t lock;
  http::RateBucket buckets[kRateBuckets];

  static void initialize(void* memory) {
    auto* t = static_cast<RateTable*>(memory);
    SpinLockInit(&t->lock);
    for (http::RateBucket& b : t->buckets) b = http::RateBucket{};
  }
};

const pg::shared_memory::Segment segment = {"pg_gateway rate limit", sizeof(RateTable),
                                            RateTable::initialize};

}  // namespace

void reserve_rate_buckets() { pg::shared_memory::reserve(&segment); }

std::optional<http::RatePolicy> rate_policy() {
  if (settings::rate_limit <= 0) return std::nullopt;
  http::RatePolicy p;
  p.per_second = settings::rate_limit / 60.0;
  p.burst = settings::rate_limit_burst > 0 ? settings::rate_limit_burst : settings::rate_limit;
  return p;
}

http::RateDecision take_rate_token(uint64_t key, const http::RatePolicy& policy) {
  auto* t = static_cast<RateTable*>(pg::shared_memory::find(&segment));
  int64_t now_us = int64_t(GetCurrentTimestamp());
  SpinLockAcquire(&t->lock);
  http::RateDecision d = http::take_token(t->buckets, kRateBuckets, key, now_us, policy);
  SpinLockRelease(&t->lock);
  return d;
}

uint64_t rate_client_address(const http::Request& request) {
  std::string header = pg::settings::text(settings::rate_limit_client_header);
  if (!header.empty()) {
    if (const std::string* v = request.header(http::to_lower(header))) {
      std::string_view list = *v;
      size_t comma = list.rfind(',');
      std::string_view last =
          http::trim_ows(comma == std::string_view::npos ? list : list.substr(comma + 1));
      if (!last.empty()) return http::rate_key("ip", last);
    }
  }
  return http::rate_key("ip", request.remote_addr);
}

}  // namespace pg_gateway::http_pg
