// One configured webhook source's check: which verifier, with which
// secrets and options, and the provider's event id that deduplicates
// redeliveries. The PostgreSQL zone reads gateway.webhook_sources and
// gateway.webhook_secrets into a SourceVerifier; everything else (which
// headers, what is signed, which id) is decided here, without the
// database, so that it is unit-tested and fuzzed with the verifiers.
#pragma once
#include "core/core_zone.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/webhooks/generic_hmac_verifier.hpp"
#include "core/webhooks/verification.hpp"

namespace pg_gateway::webhooks {

enum class VerifierKind { kStandardWebhooks, kStripe, kGithub, kSlack, kTwilio, kHmac };

// The names used in gateway.webhook_sources.verifier.
std::optional<VerifierKind> verifier_kind(std::string_view name);
std::string_view verifier_name(VerifierKind kind);

struct SourceVerifier {
  VerifierKind kind = VerifierKind::kStandardWebhooks;
  std::vector<std::string> secrets;  // the active ones, several while rotating
  GenericHmacScheme hmac;            // kHmac only
  // kTwilio: the URL Twilio was configured with, up to the path (behind a
  // proxy the worker cannot know it); the request's query is appended.
  // Empty: "http://" + Host + the request target.
  std::string public_url;
};

// Reads the 'hmac' / 'twilio' options (a JSON object, as stored in
// gateway.webhook_sources.options) into the verifier; returns what is
// wrong, or "" when they are usable. Unknown keys are an error, so that a
// misspelt option is not silently ignored.
std::string apply_options(SourceVerifier& verifier, std::string_view options_json);

// Verifies the request with the source's verifier. For Twilio the URL is
// built from public_url or the Host header (request.url is ignored).
Verification verify_source(const SourceVerifier& verifier, const SignedRequest& request,
                           const VerifyOptions& options);

// The provider's id of this event, for deduplication, once verified:
// webhook-id, X-GitHub-Delivery, the generic event header and Twilio's
// I-Twilio-Idempotency-Token come from the verification; Stripe's is the
// event's "id" in the body; Slack's is the Events API "event_id" of the
// body (its retries, marked X-Slack-Retry-Num, carry the same one).
std::optional<std::string> event_id_of(const SourceVerifier& verifier, const SignedRequest& request,
                                       const Verification& verification);

}  // namespace pg_gateway::webhooks
