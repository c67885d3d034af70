#include "extension/pg/pg_api.hpp"

#include "extension/http/counters.hpp"

#include "extension/pg/shared_memory.hpp"
#include "extension/workers/shared_state.hpp"

namespace pg_gateway::http_pg {

namespace {

using Table = pg::shared_memory::CounterTable<shared::kMaxHttpWorkers, int(HttpCounter::kCount)>;
const pg::shared_memory::Segment segment = {"pg_gateway http counters", sizeof(Table),
                                            Table::initialize};

pg_atomic_uint64* row(int worker) {
  auto* t = static_cast<Table*>(pg::shared_memory::find(&segment));
  return t->value[worker];
}

}  // namespace

void reserve_counters() { pg::shared_memory::reserve(&segment); }

void reset_counters(int worker) {
  pg_atomic_uint64* r = row(worker);
  for (int c = 0; c < int(HttpCounter::kCount); ++c) pg_atomic_write_u64(&r[c], 0);
}

void publish_counters(int worker, const http::ServerStats& s) {
  pg_atomic_uint64* r = row(worker);
  auto put = [r](HttpCounter c, uint64_t v) { pg_atomic_write_u64(&r[int(c)], v); };
  put(HttpCounter::kRequests, s.requests);
  put(HttpCounter::kResponses1xx, s.responses_by_class[1]);
  put(HttpCounter::kResponses2xx, s.responses_by_class[2]);
  put(HttpCounter::kResponses3xx, s.responses_by_class[3]);
  put(HttpCounter::kResponses4xx, s.responses_by_class[4]);
  put(HttpCounter::kResponses5xx, s.responses_by_class[5]);
  put(HttpCounter::kConnectionsAccepted, s.connections_accepted);
  put(HttpCounter::kConnectionsRejected, s.connections_rejected);
  put(HttpCounter::kParseErrors, s.parse_errors);
  put(HttpCounter::kTimeouts, s.timeouts);
  put(HttpCounter::kOpenConnections, s.open_connections);
}

uint64_t counter(int worker, HttpCounter c) { return pg_atomic_read_u64(&row(worker)[int(c)]); }

}  // namespace pg_gateway::http_pg
