#include "core/webhooks/standard_webhooks_verifier.hpp"

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <vector>

#include "core/signing/standard_webhooks.hpp"
#include "core/util/base64.hpp"
#include "core/util/hmac.hpp"
#include "core/webhooks/verifier_support.hpp"

namespace pg_gateway::webhooks {

namespace {

constexpr size_t kEd25519KeyBytes = 32;
constexpr size_t kEd25519SignatureBytes = 64;
constexpr size_t kHmacBytes = 32;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// The usable keys among the configured secrets.
struct Keys {
  std::vector<std::string> hmac;
  std::vector<Pkey> ed25519;
  bool empty() const { return hmac.empty() && ed25519.empty(); }
};

// The decoded entries of webhook-signature that we know how to check.
struct Signatures {
  std::vector<std::string> v1;
  std::vector<std::string> v1a;
};

/* whpk_ -> an Ed25519 public key from exactly 32 decoded bytes; anything
 * else goes through the outbound side's parse_webhook_secret, so both
 * sides read "whsec_" secrets identically. A secret that fails either way
 * is skipped: the caller sees kNoUsableSecret only when none is left. */
Keys load_keys(std::span<const std::string> secrets) {
  Keys keys;
  for (size_t i = 0; i < secrets.size() && i < kMaxSecrets; ++i) {
    std::string_view text = secrets[i];
    if (text.substr(0, kStandardWebhooksPublicKeyPrefix.size()) ==
        kStandardWebhooksPublicKeyPrefix) {
      std::optional<std::string> raw =
          decode_base64_strict(text.substr(kStandardWebhooksPublicKeyPrefix.size()));
      if (!raw || raw->size() != kEd25519KeyBytes) continue;
      Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                           reinterpret_cast<const unsigned char*>(raw->data()),
                                           raw->size()));
      if (key) keys.ed25519.push_back(std::move(key));
      continue;
    }
    signing::ParsedWebhookSecret parsed = signing::parse_webhook_secret(text);
    if (parsed.ok()) keys.hmac.push_back(std::move(parsed.secret->key));
  }
  return keys;
}

/* The first value of a header that must appear at most once; sets
 * *repeated when it appears again (ambiguous: which one was signed?). */
const std::string* single_header(const SignedRequest& request, std::string_view name,
                                 bool* repeated) {
  const std::string* found = nullptr;
  for (const http::Header& h : request.headers) {
    if (h.name != name) continue;
    if (found != nullptr) *repeated = true;
    if (found == nullptr) found = &h.value;
  }
  return found;
}

/* Reads every webhook-signature header as one space-separated list (the
 * reference libraries split on ' ' and the spec allows one header per
 * signature). Returns false for a list with no entry or an entry that does
 * not parse; stops reading after kMaxSignatures entries. */
bool parse_signatures(const SignedRequest& request, Signatures* out) {
  size_t entries = 0;
  for (const http::Header& h : request.headers) {
    if (h.name != signing::kWebhookSignatureHeader) continue;
    std::string_view list = h.value;
    while (!list.empty() && entries < kMaxSignatures) {
      size_t space = list.find(' ');
      std::string_view entry = list.substr(0, space);
      list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
      if (entry.empty()) continue;  // doubled spaces
      ++entries;
      size_t comma = entry.find(',');
      if (comma == std::string_view::npos || comma == 0) return false;
      std::string_view version = entry.substr(0, comma);
      if (version != "v1" && version != "v1a") continue;
      std::optional<std::string> raw = decode_base64_strict(entry.substr(comma + 1));
      size_t want = version == "v1" ? kHmacBytes : kEd25519SignatureBytes;
      if (!raw || raw->size() != want) return false;
      (version == "v1" ? out->v1 : out->v1a).push_back(std::move(*raw));
    }
  }
  return entries > 0;
}

/* One-shot Ed25519 verification (EVP_DigestVerify with no digest, as
 * Ed25519 requires). */
bool ed25519_verifies(EVP_PKEY* key, std::string_view signature, std::string_view content) {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(content.data()),
                          content.size()) == 1;
}

}  // namespace

/* Order: secrets (500), headers present (401), headers parse (400),
 * tolerance (400), and only then cryptography, so replays and garbage cost
 * no MAC or Ed25519 work. HMAC matches are compared in constant time and
 * every pair is tried (no early exit, timing does not say which secret
 * matched); Ed25519 verification involves only public values. */
Verification verify_standard_webhooks(const SignedRequest& request,
                                      std::span<const std::string> secrets,
                                      const VerifyOptions& options) {
  Keys keys = load_keys(secrets);
  if (keys.empty())
    return refuse(Outcome::kNoUsableSecret,
                  "no usable secret configured for Standard Webhooks (expected \"whsec_\" or "
                  "\"whpk_\" followed by base64)");

  bool repeated = false;
  const std::string* id = single_header(request, signing::kWebhookIdHeader, &repeated);
  const std::string* ts = single_header(request, signing::kWebhookTimestampHeader, &repeated);
  const std::string* sig_header = request.header(signing::kWebhookSignatureHeader);
  if (id == nullptr || id->empty() || ts == nullptr || ts->empty() || sig_header == nullptr)
    return refuse(Outcome::kMissingSignature,
                  "missing webhook-id, webhook-timestamp or webhook-signature header");
  if (repeated)
    return refuse(Outcome::kMalformedHeader,
                  "webhook-id or webhook-timestamp given more than once");

  Verification v;
  v.event_id = *id;
  std::optional<int64_t> timestamp = parse_unix_seconds(*ts);
  if (!timestamp) {
    v.outcome = Outcome::kMalformedHeader;
    v.reason = "webhook-timestamp is not a number of seconds";
    return v;
  }
  v.timestamp = *timestamp;
  Signatures sigs;
  if (!parse_signatures(request, &sigs)) {
    v.outcome = Outcome::kMalformedHeader;
    v.reason = "webhook-signature is not a space-separated list of \"<version>,<base64>\" entries";
    return v;
  }
  if (!within_tolerance(*timestamp, options)) {
    v.outcome = Outcome::kStaleTimestamp;
    v.reason = "webhook-timestamp is outside the tolerance of " +
               std::to_string(options.tolerance_s) + " seconds";
    return v;
  }

  bool matched = false;
  if (!sigs.v1.empty()) {
    for (const std::string& key : keys.hmac) {
      std::string expected =
          util::digest_bytes(util::hmac_sha256(key, {*id, ".", *ts, ".", request.body}));
      for (const std::string& given : sigs.v1)
        if (util::constant_time_equal(given, expected)) matched = true;
    }
  }
  if (!sigs.v1a.empty() && !keys.ed25519.empty()) {
    std::string content = *id + "." + *ts + ".";
    content.append(request.body);
    for (const Pkey& key : keys.ed25519)
      for (const std::string& given : sigs.v1a)
        if (ed25519_verifies(key.get(), given, content)) matched = true;
  }
  if (!matched) {
    v.outcome = Outcome::kBadSignature;
    v.reason = "no v1 or v1a signature in webhook-signature matches any configured secret";
    return v;
  }
  v.outcome = Outcome::kVerified;
  return v;
}

}  // namespace pg_gateway::webhooks
