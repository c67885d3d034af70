// GET /metrics: every pg_gateway counter in the Prometheus text format
// 0.0.4, or OpenMetrics 1.0.0 when the scraper's Accept asks for it.
//
// It reads shared memory only (the features' per-worker counters and
// extension/metrics/recorder.hpp), with no transaction and no SQL: it
// answers while the database is busy, while the target database is
// missing, and before CREATE EXTENSION. pg_gateway.metrics turns it off
// (404); clients outside pg_gateway.metrics_allowed_addresses get 403.
#pragma once

#include "core/http/application.hpp"
#include "extension/workers/worker_status.hpp"

namespace pg_gateway::metrics_pg {

http::Route metrics_route(const WorkerStatus& status);

}  // namespace pg_gateway::metrics_pg
