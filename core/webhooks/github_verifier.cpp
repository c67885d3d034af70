#include "core/webhooks/github_verifier.hpp"

#include "core/util/hmac.hpp"
#include "core/webhooks/verifier_support.hpp"

namespace pg_gateway::webhooks {

namespace {

constexpr std::string_view kPrefix = "sha256=";

}  // namespace

/* Checks the secrets before the header so that a misconfigured source
 * answers 500 for every request, not 401 for some; then decodes the hex
 * once and compares bytes in constant time against each secret's MAC,
 * without stopping at the first match (timing does not say which secret). */
Verification verify_github(const SignedRequest& request, std::span<const std::string> secrets,
                           const VerifyOptions& /*options*/) {
  size_t usable = 0;
  for (size_t i = 0; i < secrets.size() && i < kMaxSecrets; ++i)
    if (!secrets[i].empty()) ++usable;
  if (usable == 0)
    return refuse(Outcome::kNoUsableSecret, "no usable secret configured for GitHub webhooks");

  const std::string* header = request.header(kGitHubSignatureHeader);
  if (header == nullptr || header->empty())
    return refuse(Outcome::kMissingSignature, "missing X-Hub-Signature-256 header");
  std::string_view value = *header;
  if (value.substr(0, kPrefix.size()) != kPrefix)
    return refuse(Outcome::kMalformedHeader,
                  "X-Hub-Signature-256 header does not start with \"sha256=\"");
  std::optional<std::string> given = decode_hex(value.substr(kPrefix.size()));
  if (!given || given->size() != 32)
    return refuse(Outcome::kMalformedHeader,
                  "X-Hub-Signature-256 header is not 64 hexadecimal digits after \"sha256=\"");

  bool matched = false;
  for (size_t i = 0; i < secrets.size() && i < kMaxSecrets; ++i) {
    if (secrets[i].empty()) continue;
    std::string expected = util::digest_bytes(util::hmac_sha256(secrets[i], request.body));
    if (util::constant_time_equal(*given, expected)) matched = true;
  }

  Verification v;
  if (const std::string* delivery = request.header(kGitHubDeliveryHeader);
      delivery != nullptr && !delivery->empty())
    v.event_id = *delivery;
  if (!matched) {
    v.outcome = Outcome::kBadSignature;
    v.reason = "X-Hub-Signature-256 does not match any configured secret";
    return v;
  }
  v.outcome = Outcome::kVerified;
  return v;
}

}  // namespace pg_gateway::webhooks
