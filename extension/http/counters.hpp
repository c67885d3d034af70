// Each HTTP worker's server counters in shared memory, read by
// gateway.http_worker_stats() without locks.
#pragma once

#include <cstdint>

#include "core/http/server.hpp"

namespace pg_gateway::http_pg {

enum class HttpCounter : int {
  kRequests = 0,
  kResponses1xx,
  kResponses2xx,
  kResponses3xx,
  kResponses4xx,
  kResponses5xx,
  kConnectionsAccepted,
  kConnectionsRejected,
  kParseErrors,
  kTimeouts,
  kOpenConnections,
  kCount
};

void reserve_counters();  // from _PG_init
void reset_counters(int worker);
void publish_counters(int worker, const http::ServerStats& s);
uint64_t counter(int worker, HttpCounter c);

}  // namespace pg_gateway::http_pg
