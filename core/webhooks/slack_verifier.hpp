// Slack request signing ("Verifying requests from Slack"):
//   X-Slack-Request-Timestamp: <unix seconds>
//   X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:{ts}:{body}")>
// Slack refuses requests older than five minutes; VerifyOptions' default
// tolerance is that.
//
// Slack sends no delivery id header, so Verification::event_id stays
// empty. A redelivery carries X-Slack-Retry-Num (1, 2, 3) and
// X-Slack-Retry-Reason (http_timeout, http_error, ...); the caller dedupes
// Events API deliveries on the body's top-level "event_id"
// (slack_event_id). Slash commands and interactivity payloads are not
// retried and have no id.
#pragma once
#include "core/core_zone.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/webhooks/verification.hpp"

namespace pg_gateway::webhooks {

// Tries every secret; an empty secret is never used (kNoUsableSecret if
// no secret is usable).
Verification verify_slack(const SignedRequest& request, std::span<const std::string> secrets,
                          const VerifyOptions& options);

// The top-level "event_id" string of an Events API JSON body ("Ev..."),
// or nullopt when the body is not a JSON object or has none.
std::optional<std::string> slack_event_id(std::string_view body);

}  // namespace pg_gateway::webhooks
