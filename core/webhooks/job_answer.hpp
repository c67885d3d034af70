// What a webhook's sender is answered once its job is known: the job's
// result, its failure, or "accepted, see /jobs/{id}". Pure: the PostgreSQL
// zone reads the job's row and hands it here, at once for a redelivery of
// a finished job, or when the wait for a new one ends.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/http/message.hpp"

namespace pg_gateway::webhooks {

// gateway.webhook_sources.respond.
enum class RespondMode { kResult, kEmpty, kAccepted };
std::optional<RespondMode> respond_mode(std::string_view name);

struct JobState {
  int64_t id = 0;
  std::string status;  // queued | running | succeeded | failed; "" when the row is gone
  int attempts = 0;
  bool has_error = false;             // last_error is set
  std::optional<std::string> result;  // the job's result as JSON text
};

// True when the sender can be answered now: the job succeeded or failed
// for good, an attempt failed (a retry is scheduled: the sender hears 500
// and its own redelivery will wait for the same job), or the row is gone
// (deleted after the retention, so it finished long ago).
bool settled(const JobState& job);

// The answer for a settled job:
//   succeeded, kResult: 200 with the result (204 when it is null). A
//     result object {"webhook_response": {"status": N, "body": B}} asks
//     for status N (200..299 or 400..499; anything else is ignored) with
//     body B (JSON; omitted or null: no body);
//   succeeded, kEmpty: 204;
//   failed, or an attempt failed: 500 with the job id (never last_error:
//     the sender is a third party, and the error is the task's business);
//   gone: 200 {"job_id": N}.
http::Response settled_response(const JobState& job, RespondMode mode);

// 202 with Location: /jobs/{id}: the job is queued and will run; the
// sender may stop waiting (deadline, kAccepted, or this worker stopping).
http::Response accepted_response(int64_t job_id, int64_t delivery_id, bool duplicate);

}  // namespace pg_gateway::webhooks
