// A configurable HMAC signature scheme, for providers without a dedicated
// verifier: the signature header, the hash, how the MAC is encoded, a
// prefix before it ("sha256="), an optional timestamp header, and what is
// signed, as a template over the body, the timestamp and the URL.
//
// Example (a provider sending "X-Sig: sha256=<hex>" over "{ts}.{body}"):
//   GenericHmacScheme s{.header = "X-Sig", .prefix = "sha256=",
//                       .timestamp_header = "X-Sig-Timestamp",
//                       .signed_content = "{timestamp}.{body}"};
//
// The timestamp header holds unix SECONDS only (ASCII digits); a provider
// sending milliseconds does not fit this scheme (its value is refused as
// outside the tolerance). The header carries one signature; schemes
// listing several ("v1=a,v1=b") need a dedicated verifier.
#pragma once
#include "core/core_zone.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/webhooks/verification.hpp"

namespace pg_gateway::webhooks {

struct GenericHmacScheme {
  std::string header;  // the signature header, any case
  enum class Algorithm { kSha256, kSha512 } algorithm = Algorithm::kSha256;
  enum class Encoding { kHex, kBase64 } encoding = Encoding::kHex;
  std::string prefix;            // e.g. "sha256=", stripped before decoding; must be present
  std::string timestamp_header;  // "" : none
  // Template: {body}, {timestamp}, {url} and literal text, e.g.
  // "{timestamp}.{body}". A '{' always opens a placeholder; '}' alone is
  // literal.
  std::string signed_content = "{body}";
  std::string event_id_header;  // "" : none
};

struct SignedContentPart {
  enum class Kind { kLiteral, kBody, kTimestamp, kUrl } kind = Kind::kLiteral;
  std::string literal;  // kLiteral only
};

struct SignedContentTemplate {
  std::vector<SignedContentPart> parts;
  std::string error;  // set when the scheme is invalid: what is wrong
  bool ok() const { return error.empty(); }
};

// Validates the scheme's template (and its header names): an unknown or
// unterminated placeholder is an error, {timestamp} requires
// timestamp_header, and the signature header must be set. Errors never
// quote secrets (a scheme holds none).
SignedContentTemplate parse_signed_content_template(const GenericHmacScheme& scheme);

// Verifies against every non-empty secret. An invalid scheme answers
// kNoUsableSecret (a configuration error, 500) with the template error.
Verification verify_generic_hmac(const SignedRequest& request, const GenericHmacScheme& scheme,
                                 std::span<const std::string> secrets,
                                 const VerifyOptions& options);

}  // namespace pg_gateway::webhooks
