// Stripe webhooks (docs.stripe.com, "Verify webhook signatures manually"):
//
//   Stripe-Signature: t=<unix seconds>,v1=<hex>,v1=<hex>,v0=<hex>
//
// where each v1 is hex(HMAC-SHA256(endpoint secret, "{t}.{raw body}")).
// Several v1 entries appear while a secret is rotated; v0 (and any other
// scheme) is ignored, as Stripe's libraries ignore it. The endpoint secret
// ("whsec_...") is an opaque string used as the HMAC key as is, prefix
// included. The timestamp is checked against the tolerance (Stripe's
// libraries default to 300 s) before any MAC is computed.
//
// Stripe's event id is not in a header but in the JSON body ("id": "evt_...");
// stripe_event_id reads it for callers that deduplicate.
//
// Pure core code: never touches PostgreSQL; throws only std::bad_alloc.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/webhooks/verification.hpp"

namespace pg_gateway::webhooks {

inline constexpr std::string_view kStripeSignatureHeader = "stripe-signature";

struct StripeSignature {
  int64_t timestamp = 0;
  std::vector<std::string> v1;  // decoded 32-byte MACs, at most kMaxSignatures
};

// Parses the header value: comma-separated key=value items; exactly one
// t (digits only, at most 15), and at least one v1 whose value is 64 hex
// digits (either case). v1 entries that are not 64 hex digits are
// ignored, as are items with other keys; entries past kMaxSignatures are
// dropped. nullopt when t is missing, repeated or not a number, or no
// usable v1 is left.
std::optional<StripeSignature> parse_stripe_signature(std::string_view header);

// Verifies the Stripe-Signature header against every secret (at most
// kMaxSecrets; empty ones skipped). Missing header -> kMissingSignature;
// unparseable (no t, no v1) -> kMalformedHeader; t outside the tolerance
// -> kStaleTimestamp; no match -> kBadSignature. timestamp is set from t
// once it parses. event_id is never set (see stripe_event_id).
Verification verify_stripe(const SignedRequest& request, std::span<const std::string> secrets,
                           const VerifyOptions& options);

// The top-level "id" string of a Stripe event body, or nullopt when the
// body is not a JSON object or has no string "id". Only call this after
// verify_stripe succeeded.
std::optional<std::string> stripe_event_id(std::string_view body);

}  // namespace pg_gateway::webhooks
