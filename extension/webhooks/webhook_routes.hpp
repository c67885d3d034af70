// Inbound webhooks over HTTP: POST /webhooks/{source} and GET /jobs/{id}.
//
// A delivery is verified against its source's secrets (core/webhooks) and
// recorded with its job by gateway.receive_webhook() in ONE transaction,
// then the transaction commits and the sender waits for the job WITHOUT
// holding a transaction and without blocking the worker: the response is
// deferred (http::Response::defer_ticket), the wait is counted in the
// worker's shared-memory slot, and every commit that finishes a job (or
// an attempt of one) sets the latch of the HTTP workers that have waits
// (extension/jobs/job_wakeup.cpp). The worker loop then calls
// check_waits(), which reads the waited jobs in one short transaction and
// resumes the settled ones. Deadlines answer 202 with Location: /jobs/{id};
// SIGTERM answers every wait the same way: the job is committed, it will
// run, nothing is lost.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/http/application.hpp"
#include "core/webhooks/job_answer.hpp"
#include "extension/auth/request_auth.hpp"
#include "extension/workers/worker_status.hpp"

namespace pg_gateway::webhooks_pg {

class WebhookRoutes : public http::DynamicRoutes {
 public:
  explicit WebhookRoutes(const WorkerStatus& status);
  std::optional<http::MethodSet> methods_for(const http::Request& request) override;
  http::Response invoke(http::Request& request) override;

  // From the worker loop, after poll(): resumes the waits whose job has
  // settled (when `woken` by a job-finishing commit, or a new wait needs its
  // first look) and those past their deadline.
  // `resume` sends a deferred response (HttpServer::resume, and the log).
  using Resume = std::function<void(uint64_t ticket, http::Response response)>;
  void check_waits(int64_t now_ms, bool woken, const Resume& resume);
  // Answers every wait with 202 (the worker is stopping).
  void release_all(const Resume& resume);
  // The connection of a deferred response went away.
  void abandon(uint64_t ticket);
  // Milliseconds until the nearest deadline or pending look; -1: none.
  int64_t next_wakeup_ms(int64_t now_ms) const;

 private:
  struct Wait {
    int64_t job_id = 0;
    int64_t delivery_id = 0;
    bool duplicate = false;
    int64_t deadline_ms = 0;
    webhooks::RespondMode mode = webhooks::RespondMode::kResult;
    std::string request_id;
    std::string source;
  };
  http::Response receive(http::Request& request, const std::string& source);
  http::Response job_status(http::Request& request, int64_t job_id);
  http::Response finish(const Wait& wait, http::Response response);
  void set_wait_count();
  void count(const std::string& source, int counter, int64_t delta = 1) const;

  const WorkerStatus& status_;
  auth_pg::RequestAuthenticator auth_;
  std::map<uint64_t, Wait> waits_;  // by ticket
  uint64_t next_ticket_ = 1;
  bool look_pending_ = false;  // a wait was added since the last look (or a look failed)
  int64_t next_look_ms_ = 0;   // not before, after a failed look
  int64_t last_refusal_log_ms_ = 0;
  uint64_t refusals_not_logged_ = 0;
};

}  // namespace pg_gateway::webhooks_pg
