#include "core/webhooks/source_verifier.hpp"

#include <span>

#include "core/json/json_value.hpp"
#include "core/webhooks/github_verifier.hpp"
#include "core/webhooks/slack_verifier.hpp"
#include "core/webhooks/standard_webhooks_verifier.hpp"
#include "core/webhooks/stripe_verifier.hpp"
#include "core/webhooks/twilio_verifier.hpp"

namespace pg_gateway::webhooks {

namespace {

struct KindName {
  VerifierKind kind;
  std::string_view name;
};
constexpr KindName kKinds[] = {
    {VerifierKind::kStandardWebhooks, "standard_webhooks"},
    {VerifierKind::kStripe, "stripe"},
    {VerifierKind::kGithub, "github"},
    {VerifierKind::kSlack, "slack"},
    {VerifierKind::kTwilio, "twilio"},
    {VerifierKind::kHmac, "hmac"},
};

// A string-valued option; false (with the message) for another type.
bool string_option(const json::Value::Member& m, std::string& out, std::string& error) {
  if (!m.second.is_string()) {
    error = "option \"" + m.first + "\" must be a string";
    return false;
  }
  out = m.second.text();
  return true;
}

std::string apply_hmac_option(GenericHmacScheme& s, const json::Value::Member& m) {
  std::string error, value;
  if (!string_option(m, value, error)) return error;
  if (m.first == "header") {
    s.header = value;
  } else if (m.first == "algorithm") {
    if (value == "sha256")
      s.algorithm = GenericHmacScheme::Algorithm::kSha256;
    else if (value == "sha512")
      s.algorithm = GenericHmacScheme::Algorithm::kSha512;
    else
      return "option \"algorithm\" must be \"sha256\" or \"sha512\"";
  } else if (m.first == "encoding") {
    if (value == "hex")
      s.encoding = GenericHmacScheme::Encoding::kHex;
    else if (value == "base64")
      s.encoding = GenericHmacScheme::Encoding::kBase64;
    else
      return "option \"encoding\" must be \"hex\" or \"base64\"";
  } else if (m.first == "prefix") {
    s.prefix = value;
  } else if (m.first == "timestamp_header") {
    s.timestamp_header = value;
  } else if (m.first == "signed_content") {
    s.signed_content = value;
  } else if (m.first == "event_id_header") {
    s.event_id_header = value;
  } else {
    return "unknown option \"" + m.first + "\" for the hmac verifier";
  }
  return {};
}

}  // namespace

std::optional<VerifierKind> verifier_kind(std::string_view name) {
  for (const KindName& k : kKinds)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

std::string_view verifier_name(VerifierKind kind) {
  for (const KindName& k : kKinds)
    if (k.kind == kind) return k.name;
  return "?";
}

std::string apply_options(SourceVerifier& verifier, std::string_view options_json) {
  json::ParseResult parsed = json::parse(options_json.empty() ? "{}" : options_json);
  if (!parsed.ok() || !parsed.value->is_object()) return "options must be a JSON object";
  for (const json::Value::Member& m : parsed.value->members()) {
    std::string error;
    if (verifier.kind == VerifierKind::kHmac) {
      error = apply_hmac_option(verifier.hmac, m);
    } else if (verifier.kind == VerifierKind::kTwilio && m.first == "public_url") {
      string_option(m, verifier.public_url, error);
    } else {
      error = "unknown option \"" + m.first + "\" for the " +
              std::string(verifier_name(verifier.kind)) + " verifier";
    }
    if (!error.empty()) return error;
  }
  if (verifier.kind == VerifierKind::kHmac) {
    SignedContentTemplate t = parse_signed_content_template(verifier.hmac);
    if (!t.ok()) return t.error;
  }
  return {};
}

Verification verify_source(const SourceVerifier& verifier, const SignedRequest& request,
                           const VerifyOptions& options) {
  std::span<const std::string> secrets(verifier.secrets);
  switch (verifier.kind) {
    case VerifierKind::kStandardWebhooks:
      return verify_standard_webhooks(request, secrets, options);
    case VerifierKind::kStripe:
      return verify_stripe(request, secrets, options);
    case VerifierKind::kGithub:
      return verify_github(request, secrets, options);
    case VerifierKind::kSlack:
      return verify_slack(request, secrets, options);
    case VerifierKind::kHmac:
      return verify_generic_hmac(request, verifier.hmac, secrets, options);
    case VerifierKind::kTwilio:
      break;
  }
  // Twilio signs the full URL it called, which behind a proxy only the
  // configuration knows.
  SignedRequest twilio = request;
  std::string url;
  if (!verifier.public_url.empty()) {
    url = verifier.public_url;
    size_t q = request.url.find('?');
    if (q != std::string_view::npos) url += request.url.substr(q);
  } else {
    const std::string* host = request.header("host");
    url = "http://" + (host ? *host : std::string()) + std::string(request.url);
  }
  twilio.url = url;
  return verify_twilio(twilio, secrets, options);
}

std::optional<std::string> event_id_of(const SourceVerifier& verifier, const SignedRequest& request,
                                       const Verification& verification) {
  if (verification.outcome != Outcome::kVerified) return std::nullopt;
  switch (verifier.kind) {
    case VerifierKind::kStripe:
      return stripe_event_id(request.body);
    case VerifierKind::kSlack:
      return slack_event_id(request.body);
    default:
      return verification.event_id;
  }
}

}  // namespace pg_gateway::webhooks
