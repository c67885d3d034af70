// The counters /metrics needs that no feature's own counters hold: HTTP
// requests by route, method and status class with their durations, JWT
// verifications and failures by reason, rate-limit refusals, worker starts,
// jobs by task, and the job queue's depth and oldest due age.
//
// Per-worker rows are written only by their own worker, with a plain
// read-then-write of an atomic (no locked instruction on the request path;
// readers see each value whole, though a scrape may see one counter of a
// request updated before another). Unlike the features' counters these
// rows are not reset when a worker restarts: a sum over workers then never
// goes down, which Prometheus would read as a counter reset. They start
// from zero with shared memory (server start, crash-restart).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/auth/jwt.hpp"
#include "core/metrics/exposition.hpp"
#include "core/metrics/labels.hpp"

namespace pg_gateway::metrics_pg {

enum class WorkerKind : int { kHttp = 0, kJob, kLogWriter, kCount };

constexpr int kRoutes = int(metrics::kRouteLabels.size());
constexpr int kMethods = int(metrics::kMethodLabels.size());
constexpr int kStatusClasses = int(metrics::kStatusClassLabels.size());
constexpr int kJwtReasons = 10;  // auth::JwtFailure values but kNone, plus "other"
constexpr int kMaxTasks = 32;    // per job worker; more tasks share "other"

void reserve_shared_memory();  // from _PG_init

// From a worker's main, once: counts the start, and (HTTP and job workers)
// remembers which row this process writes.
void worker_started(WorkerKind kind, int index);

// HTTP worker only (no-ops elsewhere): one finished request.
void record_request(int route, int method, int status_class, double seconds);
void count_jwt_verification();
void count_jwt_failure(auth::JwtFailure reason);
void count_rate_limit_refusal();

// Job worker only: a job of `task` claimed (started), and how it ended.
enum class JobEvent : int { kStarted = 0, kSucceeded, kFailed, kRetried, kCount };
void count_job(std::string_view task, JobEvent e);
void record_job_duration(std::string_view task, double seconds);

// The queue as the job worker last saw it (published by one job worker).
void publish_queue(uint64_t depth, double oldest_due_age_seconds);

// --- readers, for the /metrics route (any process, no lock) ---
struct HttpTotals {
  uint64_t requests[kRoutes][kMethods][kStatusClasses] = {};
  metrics::HistogramValue duration[kRoutes];
  uint64_t jwt_verifications = 0;
  uint64_t jwt_failures[kJwtReasons] = {};
  uint64_t rate_limit_refusals = 0;
};
HttpTotals http_totals();
std::string_view jwt_reason_label(int reason);

struct TaskTotals {
  std::string task;
  uint64_t events[int(JobEvent::kCount)] = {};
  metrics::HistogramValue duration;
};
// Summed over job workers, by task name (in first-seen order).
std::vector<TaskTotals> task_totals();

uint64_t worker_starts(WorkerKind kind);
// false until a job worker has published once.
bool queue(uint64_t* depth, double* oldest_due_age_seconds);

}  // namespace pg_gateway::metrics_pg
