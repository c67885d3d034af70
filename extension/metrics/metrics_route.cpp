#include "extension/pg/pg_api.hpp"

#include "extension/metrics/metrics_route.hpp"

#include <string>

#include "core/metrics/address_list.hpp"
#include "core/metrics/exposition.hpp"
#include "extension/graphql/counters.hpp"
#include "extension/http/counters.hpp"
#include "extension/jobs/counters.hpp"
#include "extension/metrics/recorder.hpp"
#include "extension/metrics/settings.hpp"
#include "extension/pg/settings.hpp"
#include "extension/request_log/buffer.hpp"
#include "extension/webhooks/counters.hpp"
#include "extension/workers/shared_state.hpp"

#ifndef PG_GATEWAY_VERSION
#define PG_GATEWAY_VERSION "unknown"
#endif
#ifndef PG_GATEWAY_COMMIT
#define PG_GATEWAY_COMMIT "unknown"
#endif

namespace pg_gateway::metrics_pg {

namespace {

using metrics::Labels;
using metrics::Type;
using metrics::Writer;

// Sum of one feature counter over every HTTP worker slot (slots of
// workers that never ran hold 0).
uint64_t http_sum(http_pg::HttpCounter c) {
  uint64_t total = 0;
  for (int w = 0; w < shared::kMaxHttpWorkers; ++w) total += http_pg::counter(w, c);
  return total;
}

uint64_t graphql_sum(graphql_pg::GraphqlCounter c) {
  uint64_t total = 0;
  for (int w = 0; w < shared::kMaxHttpWorkers; ++w) total += graphql_pg::counter(w, c);
  return total;
}

void build_and_process(Writer& w) {
  w.family("pg_gateway_build_info", Type::kGauge, "The pg_gateway library serving this scrape.")
      .sample({{"version", PG_GATEWAY_VERSION}, {"commit", PG_GATEWAY_COMMIT}}, uint64_t(1));
  w.family("pg_gateway_up", Type::kGauge, "1 whenever an HTTP worker answers.").sample(uint64_t(1));
  static constexpr std::string_view kKinds[] = {"http", "job", "log_writer"};
  w.family("pg_gateway_worker_starts_total", Type::kCounter,
           "Background worker starts since the server (or its last crash-restart) started.");
  for (int k = 0; k < int(WorkerKind::kCount); ++k)
    w.sample({{"kind", kKinds[k]}}, worker_starts(WorkerKind(k)));
}

void http_families(Writer& w, const HttpTotals& t) {
  w.family("pg_gateway_http_requests_total", Type::kCounter,
           "HTTP requests answered, by route kind, method and status class.");
  for (int r = 0; r < kRoutes; ++r)
    for (int m = 0; m < kMethods; ++m)
      for (int s = 0; s < kStatusClasses; ++s)
        if (t.requests[r][m][s] != 0)
          w.sample({{"route", metrics::kRouteLabels[size_t(r)]},
                    {"method", metrics::kMethodLabels[size_t(m)]},
                    {"status_class", metrics::kStatusClassLabels[size_t(s)]}},
                   t.requests[r][m][s]);
  w.family("pg_gateway_http_request_duration_seconds", Type::kHistogram,
           "Time from a parsed request to its response, by route kind.");
  for (int r = 0; r < kRoutes; ++r)
    w.histogram({{"route", metrics::kRouteLabels[size_t(r)]}}, t.duration[r]);
  using C = http_pg::HttpCounter;
  w.family("pg_gateway_http_connections_open", Type::kGauge, "Client connections open now.")
      .sample(http_sum(C::kOpenConnections));
  w.family("pg_gateway_http_connections_accepted_total", Type::kCounter,
           "Client connections accepted.")
      .sample(http_sum(C::kConnectionsAccepted));
  w.family("pg_gateway_http_connections_rejected_total", Type::kCounter,
           "Client connections refused over pg_gateway.max_connections.")
      .sample(http_sum(C::kConnectionsRejected));
  w.family("pg_gateway_http_parse_errors_total", Type::kCounter,
           "Requests that were not valid HTTP/1.1.")
      .sample(http_sum(C::kParseErrors));
  w.family("pg_gateway_http_timeouts_total", Type::kCounter,
           "Connections closed by a header, body or keep-alive timeout.")
      .sample(http_sum(C::kTimeouts));
  w.family("pg_gateway_jwt_verifications_total", Type::kCounter,
           "Tokens whose signature was verified (cache misses).")
      .sample(t.jwt_verifications);
  w.family("pg_gateway_jwt_failures_total", Type::kCounter, "Tokens refused, by reason.");
  for (int i = 0; i < kJwtReasons; ++i)
    if (t.jwt_failures[i] != 0) w.sample({{"reason", jwt_reason_label(i)}}, t.jwt_failures[i]);
  w.family("pg_gateway_rate_limit_refusals_total", Type::kCounter,
           "GraphQL requests answered 429 by pg_gateway.rate_limit.")
      .sample(t.rate_limit_refusals);
}

void graphql_families(Writer& w) {
  using G = graphql_pg::GraphqlCounter;
  w.family("pg_gateway_graphql_plan_cache_hits_total", Type::kCounter,
           "GraphQL documents whose compiled plan was reused.")
      .sample(graphql_sum(G::kPlanCacheHits));
  w.family("pg_gateway_graphql_plan_cache_misses_total", Type::kCounter,
           "GraphQL documents compiled because no plan was cached.")
      .sample(graphql_sum(G::kPlanCacheMisses));
  w.family("pg_gateway_graphql_schema_builds_total", Type::kCounter,
           "GraphQL schemas reflected from the catalog.")
      .sample(graphql_sum(G::kSchemaBuilds));
  w.family("pg_gateway_graphql_response_cache_hits_total", Type::kCounter,
           "GraphQL responses served from the shared response cache.")
      .sample(graphql_sum(G::kResponseCacheHits));
  w.family("pg_gateway_graphql_response_cache_misses_total", Type::kCounter,
           "Cacheable GraphQL responses not found in the shared response cache.")
      .sample(graphql_sum(G::kResponseCacheMisses));
}

void job_families(Writer& w) {
  std::vector<TaskTotals> tasks = task_totals();
  struct Event {
    const char* name;
    const char* help;
    JobEvent e;
  };
  static constexpr Event kEvents[] = {
      {"pg_gateway_jobs_started_total", "Jobs claimed by a job worker, by task.",
       JobEvent::kStarted},
      {"pg_gateway_jobs_succeeded_total", "Jobs that succeeded, by task.", JobEvent::kSucceeded},
      {"pg_gateway_jobs_failed_total", "Jobs that failed for good (no attempts left), by task.",
       JobEvent::kFailed},
      {"pg_gateway_jobs_retried_total",
       "Job attempts that failed and were scheduled again, by task.", JobEvent::kRetried},
  };
  for (const Event& ev : kEvents) {
    w.family(ev.name, Type::kCounter, ev.help);
    for (const TaskTotals& t : tasks) w.sample({{"task", t.task}}, t.events[int(ev.e)]);
  }
  w.family("pg_gateway_job_duration_seconds", Type::kHistogram,
           "Time a job attempt ran, by task (SQL tasks run in batches: each job of a batch counts "
           "the batch's time divided by its size).");
  for (const TaskTotals& t : tasks) w.histogram({{"task", t.task}}, t.duration);
  uint64_t depth = 0;
  double oldest = 0;
  if (queue(&depth, &oldest)) {
    w.family("pg_gateway_jobs_queue_depth", Type::kGauge,
             "Jobs due and not locked by a worker, as a job worker last counted them.")
        .sample(depth);
    w.family("pg_gateway_jobs_oldest_due_age_seconds", Type::kGauge,
             "How long the oldest due, unlocked job has been due (0 when none).")
        .sample(oldest);
  }
}

void webhook_families(Writer& w) {
  using S = webhooks_pg::SourceCounter;
  struct Source {
    std::string name;
    uint64_t v[int(S::kCount)] = {};
  };
  std::vector<Source> sources;
  for (int wk = 0; wk < shared::kMaxHttpWorkers; ++wk)
    for (int slot = 0; slot < webhooks_pg::kMaxSources; ++slot) {
      std::string name;
      uint64_t values[int(S::kCount)];
      if (!webhooks_pg::read_row(wk, slot, &name, values)) break;
      Source* s = nullptr;
      for (Source& x : sources)
        if (x.name == name) s = &x;
      if (!s) {
        sources.push_back(Source{name});
        s = &sources.back();
      }
      for (int c = 0; c < int(S::kCount); ++c) s->v[c] += values[c];
    }
  auto family = [&](const char* name, Type type, const char* help, S c) {
    w.family(name, type, help);
    for (const Source& s : sources) w.sample({{"source", s.name}}, s.v[int(c)]);
  };
  family("pg_gateway_webhook_received_total", Type::kCounter,
         "Webhook POSTs to a known, enabled source.", S::kReceived);
  family("pg_gateway_webhook_verified_total", Type::kCounter,
         "Webhook deliveries whose signature was good and that were recorded.", S::kVerified);
  family("pg_gateway_webhook_duplicates_total", Type::kCounter,
         "Redeliveries of an event already recorded (nothing enqueued).", S::kDuplicates);
  static constexpr std::pair<std::string_view, S> kRefusals[] = {
      {"signature", S::kRefusedSignature}, {"request", S::kRefusedRequest},
      {"too_large", S::kRefusedTooLarge},  {"content_type", S::kRefusedContentType},
      {"backlog", S::kRefusedBacklog},     {"other", S::kRefusedOther}};
  w.family("pg_gateway_webhook_refusals_total", Type::kCounter,
           "Webhook deliveries refused, by source and reason.");
  for (const Source& s : sources)
    for (const auto& [reason, c] : kRefusals)
      w.sample({{"source", s.name}, {"reason", reason}}, s.v[int(c)]);
  family("pg_gateway_webhook_waiting", Type::kGauge,
         "Webhook senders waiting now for their job's outcome.", S::kWaiting);
}

void request_log_families(Writer& w) {
  w.family("pg_gateway_request_log_dropped_total", Type::kCounter,
           "Request log entries lost: buffer full, or gateway.request_log missing.")
      .sample(request_log_pg::stats().dropped);
}

// The whole exposition. Runs in an HTTP worker between requests'
// transactions; touches shared memory only.
std::string exposition(metrics::Format format) {
  Writer w(format);
  build_and_process(w);
  http_families(w, http_totals());
  graphql_families(w);
  job_families(w);
  webhook_families(w);
  request_log_families(w);
  return w.finish();
}

}  // namespace

http::Route metrics_route(const WorkerStatus& status) {
  (void)status;
  return {"/metrics", {http::Method::kGet}, [](http::Request& request) {
            if (!settings::enabled)
              return http::json_error(404, "not_found", "/metrics is off (pg_gateway.metrics)");
            // Parsed per scrape: a reload may change the list, and scrapes are rare.
            metrics::AddressList allowed =
                metrics::AddressList::parse(pg::settings::text(settings::allowed_addresses));
            if (!allowed.contains(request.remote_addr))
              return http::json_error(403, "forbidden", "this client may not read /metrics", {},
                                      "add its address to pg_gateway.metrics_allowed_addresses");
            const std::string* accept = request.header("accept");
            metrics::Format format = metrics::negotiate(accept ? *accept : std::string_view());
            http::Response r(200, std::string(metrics::content_type(format)), exposition(format));
            r.set_header("Cache-Control", "no-store");
            http::add_vary(r, "Accept");
            return r;
          }};
}

}  // namespace pg_gateway::metrics_pg
