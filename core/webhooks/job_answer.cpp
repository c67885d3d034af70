#include "core/webhooks/job_answer.hpp"

#include "core/json/json_value.hpp"

namespace pg_gateway::webhooks {

namespace {

constexpr const char* kJson = "application/json";

std::string job_body(int64_t job_id, std::string_view status) {
  return "{\"job_id\":" + std::to_string(job_id) + ",\"status\":\"" + std::string(status) + "\"}";
}

// The task's own choice of answer, when its result asks for one.
std::optional<http::Response> requested_response(const json::Value& result) {
  const json::Value* wr = result.is_object() ? result.find("webhook_response") : nullptr;
  if (!wr || !wr->is_object()) return std::nullopt;
  const json::Value* status = wr->find("status");
  std::optional<int64_t> code = status ? status->as_int64() : std::nullopt;
  if (!code || !((*code >= 200 && *code <= 299) || (*code >= 400 && *code <= 499)))
    return std::nullopt;
  const json::Value* body = wr->find("body");
  if (!body || body->is_null() || *code == 204) {
    http::Response r;
    r.status = int(*code);
    return r;
  }
  return http::Response(int(*code), kJson, body->dump());
}

}  // namespace

std::optional<RespondMode> respond_mode(std::string_view name) {
  if (name == "result") return RespondMode::kResult;
  if (name == "empty") return RespondMode::kEmpty;
  if (name == "accepted") return RespondMode::kAccepted;
  return std::nullopt;
}

bool settled(const JobState& job) {
  if (job.status.empty() || job.status == "succeeded" || job.status == "failed") return true;
  return job.status == "queued" && job.attempts > 0 && job.has_error;
}

http::Response settled_response(const JobState& job, RespondMode mode) {
  if (job.status.empty()) return http::Response(200, kJson, job_body(job.id, "deleted"));
  if (job.status != "succeeded") {
    http::Response r =
        http::json_error(500, "job_failed",
                         job.status == "failed" ? "the webhook's job failed"
                                                : "the webhook's job failed; it will be retried");
    r.set_header("X-Job-Id", std::to_string(job.id));
    return r;
  }
  http::Response empty;
  empty.status = 204;
  if (mode == RespondMode::kEmpty || !job.result || *job.result == "null") return empty;
  json::ParseResult parsed = json::parse(*job.result);
  if (parsed.ok())
    if (std::optional<http::Response> chosen = requested_response(*parsed.value)) return *chosen;
  return http::Response(200, kJson, *job.result);
}

http::Response accepted_response(int64_t job_id, int64_t delivery_id, bool duplicate) {
  http::Response r(202, kJson,
                   "{\"job_id\":" + std::to_string(job_id) +
                       ",\"delivery_id\":" + std::to_string(delivery_id) +
                       ",\"duplicate\":" + (duplicate ? "true" : "false") + "}");
  r.set_header("Location", "/jobs/" + std::to_string(job_id));
  return r;
}

}  // namespace pg_gateway::webhooks
