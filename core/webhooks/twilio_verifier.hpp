// Twilio request validation (twilio.com/docs/usage/security):
//   X-Twilio-Signature: base64(HMAC-SHA1(auth token, signed string))
// where the signed string is the full URL Twilio called
// (scheme://host[:port]/path?query) followed, for an
// application/x-www-form-urlencoded POST, by every form parameter sorted
// by name (then by value, for a repeated name) as name + value, decoded.
// For other bodies (JSON) Twilio signs the URL only and adds
// bodySHA256=<hex SHA-256 of the body> to its query; that hash is checked
// against the raw body, so the body is covered too.
//
// Twilio sends no timestamp, so there is no replay window: a replay is
// caught by deduplicating on I-Twilio-Idempotency-Token, which becomes
// Verification::event_id.
#pragma once
#include "core/core_zone.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/webhooks/verification.hpp"

namespace pg_gateway::webhooks {

// Decodes an application/x-www-form-urlencoded body into (name, value)
// pairs, in body order: '&' separates pairs, the first '=' splits one
// (a pair without '=' has an empty value), '+' is a space and %XX a byte.
// Empty pairs ("a=1&&b=2") are skipped. nullopt for a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> decode_form(std::string_view body);

// The string Twilio signs for a form POST: url + the pairs sorted by name,
// then value, each as name + value.
std::string twilio_signed_string(std::string_view url,
                                 std::vector<std::pair<std::string, std::string>> params);

// Tries every auth token (several while one is rotated), and the URL with
// and without an explicit default port (:443 for https, :80 for http),
// since Twilio's own libraries accept both. options is not used (no
// timestamp) but taken for a uniform verifier signature.
Verification verify_twilio(const SignedRequest& request, std::span<const std::string> secrets,
                           const VerifyOptions& options);

}  // namespace pg_gateway::webhooks
