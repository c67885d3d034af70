#include "extension/pg/pg_api.hpp"

#include "extension/http/rate_limit.hpp"

#include "core/http/message.hpp"
#include "extension/http/settings.hpp"
#include "extension/pg/settings.hpp"
#include "extension/workers/shared_state.hpp"

namespace pg_gateway::http_pg {

std::optional<http::RatePolicy> rate_policy() {
  if (settings::rate_limit <= 0) return std::nullopt;
  http::RatePolicy p;
  p.per_second = settings::rate_limit / 60.0;
  p.burst = settings::rate_limit_burst > 0 ? settings::rate_limit_burst : settings::rate_limit;
  return p;
}

// The spinlock is held only for take_token(), which neither blocks nor
// allocates nor raises errors.
http::RateDecision take_rate_token(uint64_t key, const http::RatePolicy& policy) {
  shared::SharedState* s = shared::get();
  int64_t now_us = int64_t(GetCurrentTimestamp());
  SpinLockAcquire(&s->rate_lock);
  http::RateDecision d =
      http::take_token(s->rate_buckets, shared::kRateBuckets, key, now_us, policy);
  SpinLockRelease(&s->rate_lock);
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
