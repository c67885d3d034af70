// pg_gateway.rate_limit: token buckets in shared memory, shared by every
// HTTP worker (the arithmetic is core/http/rate_limit.hpp). The GraphQL
// endpoint takes one token per request before any transaction.
#pragma once

#include <cstdint>
#include <optional>

#include "core/http/message.hpp"
#include "core/http/rate_limit.hpp"

namespace pg_gateway::http_pg {

void reserve_rate_buckets();  // from _PG_init

// The configured policy, nullopt when pg_gateway.rate_limit is 0.
std::optional<http::RatePolicy> rate_policy();

// One request of the client with this key, against the shared buckets.
http::RateDecision take_rate_token(uint64_t key, const http::RatePolicy& policy);

// An unauthenticated client's key: its address, the peer's, or behind a
// proxy the last entry of pg_gateway.rate_limit_client_header.
uint64_t rate_client_address(const http::Request& request);

}  // namespace pg_gateway::http_pg
