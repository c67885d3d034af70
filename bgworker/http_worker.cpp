#include "extension/pg/pg_api.hpp"

#include "bgworker/http_worker.hpp"

#include <chrono>
#include <csignal>
#include <map>
#include <memory>

#include "bgworker/target_database.hpp"
#include "core/http/application.hpp"
#include "core/http/listen_socket.hpp"
#include "core/http/server.hpp"
#include "core/util/clock.hpp"
#include "core/util/fault_injection.hpp"
#include "extension/auth/session_routes.hpp"
#include "extension/graphql/counters.hpp"
#include "extension/graphql/graphql_routes.hpp"
#include "extension/http/access_log.hpp"
#include "extension/http/counters.hpp"
#include "extension/http/settings.hpp"
#include "extension/health/health_routes.hpp"
#include "extension/auth/settings.hpp"
#include "extension/graphql/settings.hpp"
#include "extension/metrics/metrics_route.hpp"
#include "extension/metrics/recorder.hpp"
#include "core/metrics/labels.hpp"
#include "extension/pg/entry.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/transaction.hpp"
#include "extension/pg/wait_set.hpp"
#include "extension/request_log/buffer.hpp"
#include "extension/request_log/settings.hpp"
#include "extension/workers/shared_state.hpp"
#include "extension/routes/sql_routes.hpp"
#include "extension/webhooks/webhook_routes.hpp"
#include "extension/workers/settings.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::bgworker {

namespace {

constexpr int64_t kListenRetryMs = 5000;
constexpr int64_t kDatabasePollMs = 2000;
// Upper bound on one sleep: deadlines are computed, this only bounds the
// damage of a missed wake-up.
constexpr int64_t kMaxSleepMs = 1000;

volatile sig_atomic_t shutdown_requested = false;
volatile int64_t shutdown_requested_at = 0;  // TimestampTz, for the SQL watchdog

// Our own SIGTERM handler instead of die(): a request in flight must finish
// (bounded by its statement_timeout), not be cancelled mid-way.
void handle_sigterm(SIGNAL_ARGS) {
  int save_errno = errno;
  if (!shutdown_requested) shutdown_requested_at = GetCurrentTimestamp();
  shutdown_requested = true;
  SetLatch(MyLatch);
  errno = save_errno;
}

// Gives each request its own memory context (reset afterwards, so nothing
// PostgreSQL allocated for one request survives into the next) and arms
// the test fault points.
class RequestScope : public http::RequestHandler {
 public:
  RequestScope(http::Application& app, MemoryContext context, int worker,
               webhooks_pg::WebhookRoutes& webhooks)
      : app_(app), context_(context), worker_(worker), webhooks_(webhooks) {}

  http::Response handle(http::Request& request) override {
    MemoryContext ctx = context_;
    MemoryContext previous = pg::call([ctx] { return MemoryContextSwitchTo(ctx); });
    util::arm_core_fault(http_pg::settings::debug_fault ==
                         int(http_pg::settings::DebugFault::kCoreException));
    // The request log's and access log's clocks, read only while one is on
    // (a reload applies between wake-ups of the worker, never during a
    // request).
    const bool logging =
        request_log_pg::settings::mode != int(request_log_pg::settings::Mode::kOff) ||
        http_pg::access_log::enabled();
    TimestampTz started = logging ? pg::call([] { return GetCurrentTimestamp(); }) : 0;
    // Always read: /metrics times every request (a vDSO clock read).
    auto started_at = std::chrono::steady_clock::now();
    http::Response response = app_.handle(request);
    pg::call([ctx, previous] {
      MemoryContextSwitchTo(previous);
      MemoryContextReset(ctx);
    });
    // A deferred response (a webhook waiting for its job) is logged and
    // counted when it is given; both see the status the sender got.
    if (response.defer_ticket != 0) {
      deferred_[response.defer_ticket] =
          Deferred{logging ? request : http::Request{}, started, started_at, route_of(request, 202),
                   metrics::method_index(request.method_text)};
      return response;
    }
    double elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count();
    metrics_pg::record_request(route_of(request, response.status),
                               metrics::method_index(request.method_text),
                               metrics::status_class_index(response.status), elapsed_s);
    if (logging) finished(request, response, started, elapsed_s * 1000.0);
    return response;
  }
  void decorate_server_response(http::Response& r) override {
    app_.decorate_server_response(r);
    if (http_pg::access_log::enabled()) http_pg::access_log::write_server_response(r);
  }
  bool draining() const override { return shutdown_requested; }
  void on_deferred_abandoned(uint64_t ticket) override {
    webhooks_.abandon(ticket);
    deferred_.erase(ticket);
  }
  // Called by the worker just before it resumes a deferred response.
  void resuming(uint64_t ticket, const http::Response& response) {
    auto it = deferred_.find(ticket);
    if (it == deferred_.end()) return;
    Deferred d = std::move(it->second);
    deferred_.erase(it);
    double elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - d.started_at).count();
    metrics_pg::record_request(d.route, d.method, metrics::status_class_index(response.status),
                               elapsed_s);
    // Logged only when a log was on as the request arrived (the request
    // was kept only then).
    if (d.started != 0) finished(d.request, response, d.started, elapsed_s * 1000.0);
  }

 private:
  // A response given (or resumed): the request log's entry when its
  // setting wants this status, the access log's line when it is on.
  void finished(const http::Request& request, const http::Response& response, TimestampTz started,
                double elapsed_ms) {
    if (request_log_pg::settings::wanted(response.status))
      log_request(request, response, started, elapsed_ms);
    if (http_pg::access_log::enabled())
      http_pg::access_log::write(request, response, started, elapsed_ms);
  }

  // The route label of a request: which fixed route owns its path, else a
  // SQL route (or "other" when nothing answered it).
  static int route_of(const http::Request& request, int status) {
    return metrics::route_index(request.path, status,
                                pg::settings::text(graphql_pg::settings::graphql_path),
                                pg::settings::text(auth_pg::settings::logout_path));
  }

  // One entry for the request log's buffer; never waits (a full buffer
  // drops it, counted). HEAD responses have no body on the wire; their
  // bytes count as 0.
  void log_request(const http::Request& request, const http::Response& response,
                   TimestampTz started, double elapsed_ms) {
    request_log_pg::Entry e;
    // TimestampTz counts from 2000-01-01; the entry, from 1970-01-01.
    e.at_us = int64_t(started) +
              int64_t(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * int64_t(USECS_PER_DAY);
    e.duration_ms = elapsed_ms;
    e.bytes = request.method == http::Method::kHead ? 0 : int64_t(response.body.size());
    e.status = response.status;
    e.worker = worker_ + 1;
    const http::RequestAnnotations& a = request.annotations;
    request_log_pg::set_field(e.method, request.method_text);
    request_log_pg::set_field(e.path, request.path);
    request_log_pg::set_field(e.role, a.role);
    request_log_pg::set_field(e.jwt_sub, a.jwt_sub);
    request_log_pg::set_field(e.request_id, request.id);
    request_log_pg::set_field(e.operation_name, a.operation_name);
    request_log_pg::set_field(e.document_hash, a.document_hash);
    request_log_pg::set_field(e.client_addr, request.remote_addr);
    (void)request_log_pg::push(e);
  }

  // What the request log needs of a request whose response comes later.
  struct Deferred {
    http::Request request;  // empty unless the request log was on
    TimestampTz started = 0;
    std::chrono::steady_clock::time_point started_at;
    int route = 0;  // metrics labels, decided on arrival
    int method = 0;
  };

  http::Application& app_;
  MemoryContext context_;
  int worker_;  // 0-based index
  webhooks_pg::WebhookRoutes& webhooks_;
  std::map<uint64_t, Deferred> deferred_;
};

// The routes that answer without SQL: health probes and /metrics.
std::vector<http::Route> static_routes(const WorkerStatus& status) {
  std::vector<http::Route> routes = health::health_routes(status);
  routes.push_back(metrics_pg::metrics_route(status));
  return routes;
}

void set_state(shared::WorkerSlot* slot, shared::WorkerState s) {
  pg_atomic_write_u32(&slot->state, uint32(s));
}

class HttpWorker {
 public:
  HttpWorker(WorkerStatus status, shared::WorkerSlot* slot)
      : status_(std::move(status)),
        slot_(slot),
        sql_routes_(status_),
        graphql_routes_(status_),
        webhook_routes_(status_),
        // Static routes (health, metrics) first, then these in order.
        app_(static_routes(status_),
             {&graphql_routes_, &session_routes_, &webhook_routes_, &sql_routes_},
             [](http::LogLevel level, const std::string& m) {
               if (level == http::LogLevel::kWarning)
                 pg::warning("pg_gateway: " + m);
               else
                 pg::log("pg_gateway: " + m);
             }),
        request_context_(pg::call([] {
          return AllocSetContextCreate(TopMemoryContext, "pg_gateway request",
                                       ALLOCSET_DEFAULT_SIZES);
        })),
        scope_(app_, request_context_, status_.index, webhook_routes_),
        server_(http_pg::settings::server_config(), scope_) {
    app_.set_cors(configured_cors());
  }

  void run();

 private:
  void try_listen(int64_t now);
  void apply_config();
  static http::CorsPolicy configured_cors() {
    return http::CorsPolicy::parse(pg::settings::text(http_pg::settings::cors_allowed_origins));
  }
  int64_t sleep_ms(int64_t now) const;
  void check_webhook_waits(int64_t now, bool jobs_finished);
  void release_webhook_waits();
  std::string name() const { return "pg_gateway http worker " + std::to_string(status_.index + 1); }

  WorkerStatus status_;
  shared::WorkerSlot* slot_;
  routes::SqlRoutes sql_routes_;
  graphql_pg::GraphqlRoutes graphql_routes_;   // pg_gateway.graphql_path
  auth_pg::SessionRoutes session_routes_;      // pg_gateway.logout_path
  webhooks_pg::WebhookRoutes webhook_routes_;  // /webhooks/{source}, /jobs/{id}
  http::Application app_;
  MemoryContext request_context_;
  RequestScope scope_;
  http::HttpServer server_;
  std::string last_listen_error_;
  int64_t next_listen_attempt_ = 0;
  int64_t next_database_poll_ = 0;
  int64_t drain_deadline_ = 0;
  bool draining_ = false;
};

void HttpWorker::try_listen(int64_t now) {
  try {
    server_.listen();
    set_state(slot_,
              status_.connected ? shared::WorkerState::kServing : shared::WorkerState::kDegraded);
    if (!last_listen_error_.empty()) pg::log(name() + ": listening now");
    last_listen_error_.clear();
  } catch (const http::ListenError& e) {
    set_state(slot_, shared::WorkerState::kListenFailed);
    // One line per distinct problem, not one per retry.
    if (e.what() != last_listen_error_)
      pg::warning(name() + " " + e.what() + "; retrying every 5 s",
                  "check that no other program uses pg_gateway.port, and that "
                  "pg_gateway.listen_addresses names addresses of this machine");
    last_listen_error_ = e.what();
    next_listen_attempt_ = now + kListenRetryMs;
  }
}

// After a reload: the server's limits and the CORS policy as configured now.
void HttpWorker::apply_config() {
  server_.reconfigure(http_pg::settings::server_config());
  app_.set_cors(configured_cors());
}

// Webhook responses that were deferred until their job settles: the
// routes decide which, the scope logs them, the server sends them.
void HttpWorker::check_webhook_waits(int64_t now, bool jobs_finished) {
  webhook_routes_.check_waits(now, jobs_finished,
                              [this, now](uint64_t ticket, http::Response response) {
                                scope_.resuming(ticket, response);
                                (void)server_.resume(ticket, std::move(response), now);
                              });
}

void HttpWorker::release_webhook_waits() {
  webhook_routes_.release_all([this](uint64_t ticket, http::Response response) {
    scope_.resuming(ticket, response);
    (void)server_.resume(ticket, std::move(response), util::monotonic_ms());
  });
}

int64_t HttpWorker::sleep_ms(int64_t now) const {
  int64_t t = kMaxSleepMs;
  int64_t server_wakeup = server_.next_wakeup_ms(now);
  if (server_wakeup >= 0 && server_wakeup < t) t = server_wakeup;
  if (!server_.listening() && !draining_)
    t = std::min(t, std::max<int64_t>(0, next_listen_attempt_ - now));
  if (draining_) t = std::min(t, std::max<int64_t>(0, drain_deadline_ - now));
  int64_t webhook_wakeup = webhook_routes_.next_wakeup_ms(now);
  if (webhook_wakeup >= 0 && webhook_wakeup < t) t = webhook_wakeup;
  return t;
}

void HttpWorker::run() {
  // One wait set for the life of the worker; the core's epoll fd stands
  // for every socket.
  pg::WaitSet wait_set(server_.epoll_fd());
  try_listen(util::monotonic_ms());
  if (server_.listening())
    pg::log(name() + " listening on " + std::string(http_pg::settings::listen_addresses) +
            " port " + std::to_string(http_pg::settings::port) +
            (status_.connected ? ", database \"" + status_.database + "\"" : ""));

  while (true) {
    int64_t now = util::monotonic_ms();
    (void)wait_set.wait(long(sleep_ms(now)));
    if (std::optional<std::string> ignored = pg::absorb_interrupts())
      pg::log(name() + ": ignored interrupt while idle: " + *ignored);
    if (pg::reload_config_if_requested()) apply_config();
    now = util::monotonic_ms();
    if (shutdown_requested && !draining_) {
      draining_ = true;
      drain_deadline_ = now + workers::settings::shutdown_timeout_ms;
      server_.begin_shutdown(now);
      // Webhook senders waiting for their job hear 202: the job is
      // committed and runs after the restart.
      release_webhook_waits();
      set_state(slot_, shared::WorkerState::kDraining);
      pg::log(name() + ": shutting down, " + std::to_string(server_.connection_count()) +
              " connection(s) still open");
    }
    server_.poll(now);
    now = util::monotonic_ms();
    bool jobs_finished = pg_atomic_exchange_u32(&slot_->wake_requested, 0) != 0;
    check_webhook_waits(now, jobs_finished);
    server_.expire(now);
    http_pg::publish_counters(status_.index, server_.stats());
    graphql_pg::publish_counters(status_.index, graphql_routes_.stats());

    if (draining_) {
      if (server_.connection_count() == 0) break;
      if (now >= drain_deadline_) {
        pg::log(name() + ": pg_gateway.shutdown_timeout reached, closing " +
                std::to_string(server_.connection_count()) + " connection(s)");
        break;
      }
      continue;
    }
    if (!server_.listening() && now >= next_listen_attempt_) try_listen(now);
    if (!status_.connected && now >= next_database_poll_) {
      next_database_poll_ = now + kDatabasePollMs;
      try {
        if (target_database_available(status_, slot_)) {
          pg::log(name() + ": database \"" + status_.database +
                  "\" accepts connections now; restarting to connect to it");
          break;
        }
      } catch (const pg::PgError& e) {
        pg::log(name() + ": could not check database \"" + status_.database + "\": " + e.message);
      }
    }
  }
  server_.close_all();
  http_pg::publish_counters(status_.index, server_.stats());
}

// Runs on every exit, FATAL included (a failed connection to the target
// database), so the slot never names a dead process that the
// ProcessUtility hook could signal.
void clear_slot(int code, Datum arg) {
  (void)code;
  shared::WorkerSlot* slot = shared::http_slot(DatumGetInt32(arg));
  if (!slot || pg_atomic_read_u32(&slot->pid) != uint32(MyProcPid)) return;
  set_state(slot, shared::WorkerState::kNotRunning);
  pg_atomic_write_u32(&slot->job_waits, 0);
  pg_atomic_write_u64(&slot->latch, 0);
  pg_atomic_write_u32(&slot->pid, 0);
}

void http_worker_main(int index) {
  pg::call([] {
    pqsignal(SIGTERM, handle_sigterm);
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    BackgroundWorkerUnblockSignals();
  });
  shared::WorkerSlot* slot = shared::http_slot(index);
  if (!slot) throw std::out_of_range("HTTP worker index out of range");
  pg::call([index] { before_shmem_exit(clear_slot, Int32GetDatum(index)); });
  pg_atomic_write_u32(&slot->pid, uint32(MyProcPid));
  pg_atomic_write_u32(&slot->job_waits, 0);
  pg_atomic_write_u64(&slot->latch, uint64(uintptr_t(MyLatch)));
  set_state(slot, shared::WorkerState::kStarting);
  http_pg::reset_counters(index);
  graphql_pg::reset_counters(index);
  metrics_pg::worker_started(metrics_pg::WorkerKind::kHttp, index);

  WorkerStatus status = connect_worker(index, slot, WorkerKind::kHttp);
  pg::install_shutdown_watchdog(&shutdown_requested, &shutdown_requested_at,
                                &workers::settings::shutdown_timeout_ms);
  std::string appname = "pg_gateway http worker " + std::to_string(index + 1);
  pg::call([&] { pgstat_report_appname(appname.c_str()); });
  {
    HttpWorker worker(std::move(status), slot);
    worker.run();
  }
  set_state(slot, shared::WorkerState::kNotRunning);
  pg_atomic_write_u32(&slot->job_waits, 0);
  pg_atomic_write_u64(&slot->latch, 0);
  pg_atomic_write_u32(&slot->pid, 0);
}

}  // namespace
}  // namespace pg_gateway::bgworker

void pg_gateway_http_worker_main(Datum main_arg) {
  pg_gateway::pg::run_worker_main("pg_gateway http worker", pg_gateway::bgworker::http_worker_main,
                                  main_arg);
}
