// GitHub webhooks (docs.github.com, "Validating webhook deliveries"):
//
//   X-Hub-Signature-256: sha256=<hex of HMAC-SHA256(secret, raw body)>
//   X-GitHub-Delivery:   <GUID of the delivery>
//
// GitHub signs no timestamp, so there is no tolerance check: a captured
// delivery verifies forever. The replay defence is deduplication by the
// X-GitHub-Delivery id, which this verifier returns as event_id for the
// caller to record. The secret is the string configured on GitHub, used
// as the HMAC key as is. The legacy SHA-1 X-Hub-Signature is not read.
//
// Pure core code: never touches PostgreSQL; throws only std::bad_alloc.
#pragma once
#include "core/core_zone.hpp"

#include <span>
#include <string>
#include <string_view>

#include "core/webhooks/verification.hpp"

namespace pg_gateway::webhooks {

inline constexpr std::string_view kGitHubSignatureHeader = "x-hub-signature-256";
inline constexpr std::string_view kGitHubDeliveryHeader = "x-github-delivery";

// Verifies X-Hub-Signature-256 against every secret (at most kMaxSecrets;
// empty secrets are skipped, none left -> kNoUsableSecret). The hex digits
// may be in either case. options is accepted for a uniform signature and
// ignored: GitHub has no timestamp.
Verification verify_github(const SignedRequest& request, std::span<const std::string> secrets,
                           const VerifyOptions& options);

}  // namespace pg_gateway::webhooks
