// Standard Webhooks (https://www.standardwebhooks.com) on the receiving
// side, both schemes of the spec:
//
//   v1   base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"))
//        with a secret "whsec_<base64 key>" (the prefix is optional, as in
//        the reference libraries);
//   v1a  base64(Ed25519 signature over the same content) with a secret
//        "whpk_<base64 of the 32-byte public key>".
//
// webhook-signature is a space-separated list of "<version>,<base64>"
// entries (one per signing secret while a secret is rotated); versions
// other than v1 and v1a are skipped. The timestamp is checked against the
// tolerance before any signature is computed. The outbound side (signing)
// is core/signing/standard_webhooks.hpp.
//
// Pure core code: never touches PostgreSQL; throws only std::bad_alloc.
#pragma once
#include "core/core_zone.hpp"

#include <span>
#include <string>
#include <string_view>

#include "core/webhooks/verification.hpp"

namespace pg_gateway::webhooks {

inline constexpr std::string_view kStandardWebhooksPublicKeyPrefix = "whpk_";

// Verifies a Standard Webhooks request against every secret (at most
// kMaxSecrets; secrets that do not decode to a key are skipped, none left
// -> kNoUsableSecret). A missing or empty webhook-id, webhook-timestamp or
// webhook-signature -> kMissingSignature; a repeated webhook-id or
// webhook-timestamp, a timestamp that is not 1..15 digits, an empty list,
// an entry without ',' or a v1/v1a entry whose base64 does not decode to
// 32 (v1) or 64 (v1a) bytes -> kMalformedHeader; a timestamp outside the
// tolerance -> kStaleTimestamp; otherwise kVerified when some v1 entry
// matches some HMAC secret or some v1a entry verifies under some public
// key, else kBadSignature. At most kMaxSignatures entries are read (several
// webhook-signature headers count as one list). event_id = webhook-id,
// timestamp = webhook-timestamp once they parse.
Verification verify_standard_webhooks(const SignedRequest& request,
                                      std::span<const std::string> secrets,
                                      const VerifyOptions& options);

}  // namespace pg_gateway::webhooks
