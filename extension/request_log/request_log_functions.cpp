// The request log's counters as SQL.
#include "extension/pg/pg_api.hpp"

#include "extension/pg/entry.hpp"
#include "extension/request_log/buffer.hpp"

// gateway.request_log_stats(): one row from shared memory, without locks
// and without a transaction of its own: entries buffered now, written
// since the server started, dropped (buffer full, or no table to write to).
PG_GATEWAY_SQL_FUNCTION(pg_gateway_request_log_stats) {
  pg_gateway::pg::RowSink rows(fcinfo);
  pg_gateway::request_log_pg::Stats s = pg_gateway::request_log_pg::stats();
  rows.add<3>([s](Datum* values, bool* nulls) {
    (void)nulls;
    values[0] = Int64GetDatum(int64(s.buffered));
    values[1] = Int64GetDatum(int64(s.written));
    values[2] = Int64GetDatum(int64(s.dropped));
  });
  return Datum(0);
}
