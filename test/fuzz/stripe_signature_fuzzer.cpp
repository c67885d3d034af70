// libFuzzer target for Stripe-Signature: the input up to the first '\n'
// is the header value, the rest the body. parse_stripe_signature must not
// crash and must return at most kMaxSignatures 32-byte MACs; verify_stripe
// may only answer kVerified when one of the parsed v1 MACs equals the
// HMAC computed here independently over "{t}.{body}" and t is within the
// tolerance. Reasons never contain the secret or the expected signature.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/hmac.hpp"
#include "core/webhooks/stripe_verifier.hpp"
#include "core/webhooks/verifier_support.hpp"
#include "test/fuzz/fuzz_check.hpp"

namespace {

using namespace pg_gateway;

const std::string kSecret = "whsec_test_secret_0123456789abcdef";
constexpr int64_t kNow = 1700000000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view header = input.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);

  std::optional<webhooks::StripeSignature> parsed = webhooks::parse_stripe_signature(header);
  if (parsed) {
    CHECK(!parsed->v1.empty() && parsed->v1.size() <= webhooks::kMaxSignatures);
    for (const std::string& mac : parsed->v1) CHECK(mac.size() == 32);
    CHECK(parsed->timestamp >= 0);
  }

  std::vector<http::Header> headers = {{"stripe-signature", std::string(header)}};
  webhooks::SignedRequest request{"", headers, body, ""};
  const std::vector<std::string> secrets = {kSecret};
  webhooks::Verification v =
      webhooks::verify_stripe(request, secrets, webhooks::VerifyOptions{kNow, 300});
  CHECK(v.reason.find(kSecret) == std::string::npos, v.reason);
  if (v.verified()) {
    CHECK(parsed.has_value());
    CHECK(parsed->timestamp >= kNow - 300 && parsed->timestamp <= kNow + 300);
    std::string expected = util::digest_bytes(
        util::hmac_sha256(kSecret, {std::to_string(parsed->timestamp), ".", body}));
    bool found = false;
    for (const std::string& mac : parsed->v1)
      if (mac == expected) found = true;
    CHECK(found, std::string(header));
  } else if (parsed) {
    std::string hex = util::digest_hex(
        util::hmac_sha256(kSecret, {std::to_string(parsed->timestamp), ".", body}));
    CHECK(v.reason.find(hex) == std::string::npos, v.reason);
  }
  (void)webhooks::stripe_event_id(body);
  return 0;
}
