#include "core/webhooks/stripe_verifier.hpp"

#include "core/json/json_value.hpp"
#include "core/util/hmac.hpp"
#include "core/webhooks/verifier_support.hpp"

namespace pg_gateway::webhooks {

/* Splits on ',' and then on the first '='; strict about t (one, digits)
 * because it is signed and compared, lenient about everything else because
 * Stripe adds schemes (v0, future ones) that receivers must ignore. Items
 * are bounded by kMaxSignatures usable v1 entries, so a long header costs
 * one linear scan and no more than that many MACs later. */
std::optional<StripeSignature> parse_stripe_signature(std::string_view header) {
  StripeSignature out;
  bool have_t = false;
  while (true) {
    size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    size_t eq = item.find('=');
    if (eq != std::string_view::npos) {
      std::string_view key = item.substr(0, eq);
      std::string_view value = item.substr(eq + 1);
      if (key == "t") {
        if (have_t) return std::nullopt;
        std::optional<int64_t> t = parse_unix_seconds(value);
        if (!t) return std::nullopt;
        out.timestamp = *t;
        have_t = true;
      } else if (key == "v1" && value.size() == 64 && out.v1.size() < kMaxSignatures) {
        if (std::optional<std::string> mac = decode_hex(value)) out.v1.push_back(std::move(*mac));
      }
    }
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  if (!have_t || out.v1.empty()) return std::nullopt;
  return out;
}

/* Order: secrets (configuration, 500), header present (401), parse (400),
 * tolerance (400) and only then the MACs, so a replayed old request costs
 * no HMAC work. Every v1 is compared with every secret's MAC without an
 * early exit. */
Verification verify_stripe(const SignedRequest& request, std::span<const std::string> secrets,
                           const VerifyOptions& options) {
  size_t usable = 0;
  for (size_t i = 0; i < secrets.size() && i < kMaxSecrets; ++i)
    if (!secrets[i].empty()) ++usable;
  if (usable == 0)
    return refuse(Outcome::kNoUsableSecret, "no usable secret configured for Stripe webhooks");

  const std::string* header = request.header(kStripeSignatureHeader);
  if (header == nullptr || header->empty())
    return refuse(Outcome::kMissingSignature, "missing Stripe-Signature header");
  std::optional<StripeSignature> sig = parse_stripe_signature(*header);
  if (!sig)
    return refuse(Outcome::kMalformedHeader,
                  "Stripe-Signature header needs one numeric t= and at least one v1= of 64 "
                  "hexadecimal digits");

  Verification v;
  v.timestamp = sig->timestamp;
  if (!within_tolerance(sig->timestamp, options)) {
    v.outcome = Outcome::kStaleTimestamp;
    v.reason = "Stripe-Signature timestamp is outside the tolerance of " +
               std::to_string(options.tolerance_s) + " seconds";
    return v;
  }

  std::string t = std::to_string(sig->timestamp);
  bool matched = false;
  for (size_t i = 0; i < secrets.size() && i < kMaxSecrets; ++i) {
    if (secrets[i].empty()) continue;
    std::string expected =
        util::digest_bytes(util::hmac_sha256(secrets[i], {t, ".", request.body}));
    for (const std::string& given : sig->v1)
      if (util::constant_time_equal(given, expected)) matched = true;
  }
  if (!matched) {
    v.outcome = Outcome::kBadSignature;
    v.reason = "no v1 signature in Stripe-Signature matches any configured secret";
    return v;
  }
  v.outcome = Outcome::kVerified;
  return v;
}

/* A full parse of the (already verified) body: Stripe events are small and
 * core/json is strict, so a body that is not one JSON object yields no id
 * rather than a guess. */
std::optional<std::string> stripe_event_id(std::string_view body) {
  json::ParseResult parsed = json::parse(body);
  if (!parsed.ok() || !parsed.value->is_object()) return std::nullopt;
  const json::Value* id = parsed.value->find("id");
  if (id == nullptr || !id->is_string() || id->text().empty()) return std::nullopt;
  return id->text();
}

}  // namespace pg_gateway::webhooks
