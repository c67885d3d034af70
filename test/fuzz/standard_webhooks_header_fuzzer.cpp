// libFuzzer target for the Standard Webhooks verifier's header parsing:
// the input is split at the first two '\n' into webhook-timestamp,
// webhook-signature and the body, and verified with fixed secrets (one
// HMAC "whsec_", one Ed25519 "whpk_"). Nothing may crash; the verifier
// may only answer kVerified when the signature list contains the v1
// signature computed here independently (the fuzzer cannot forge one nor
// an Ed25519 signature), and a verified answer needs an in-tolerance
// timestamp. Reasons never contain the secret or the expected signature.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/base64.hpp"
#include "core/util/hmac.hpp"
#include "core/webhooks/standard_webhooks_verifier.hpp"
#include "test/fuzz/fuzz_check.hpp"

namespace {

using namespace pg_gateway;

const std::string kKeyB64 = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
// RFC 8032 test 1 public key.
const std::string kPublicKey = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
constexpr int64_t kNow = 1614265330;
const std::string kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t a = input.find('\n');
  std::string_view ts = input.substr(0, a);
  std::string_view rest = a == std::string_view::npos ? std::string_view() : input.substr(a + 1);
  size_t b = rest.find('\n');
  std::string_view sig = rest.substr(0, b);
  std::string_view body = b == std::string_view::npos ? std::string_view() : rest.substr(b + 1);

  std::vector<http::Header> headers = {{"webhook-id", kId},
                                       {"webhook-timestamp", std::string(ts)},
                                       {"webhook-signature", std::string(sig)}};
  webhooks::SignedRequest request{"", headers, body, ""};
  const std::vector<std::string> secrets = {"whsec_" + kKeyB64, kPublicKey};
  webhooks::Verification v =
      webhooks::verify_standard_webhooks(request, secrets, webhooks::VerifyOptions{kNow, 300});

  std::string key = *util::base64_decode(kKeyB64);
  std::string expected =
      util::base64_encode(util::digest_bytes(util::hmac_sha256(key, {kId, ".", ts, ".", body})));
  CHECK(v.reason.find(kKeyB64) == std::string::npos, v.reason);
  CHECK(v.reason.find(expected.substr(0, 12)) == std::string::npos, v.reason);
  if (v.verified()) {
    // Some v1 entry of the list must decode to the real MAC.
    std::string mac = util::digest_bytes(util::hmac_sha256(key, {kId, ".", ts, ".", body}));
    bool found = false;
    std::string_view list = sig;
    while (!list.empty()) {
      size_t space = list.find(' ');
      std::string_view entry = list.substr(0, space);
      list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
      if (entry.substr(0, 3) != "v1,") continue;
      std::optional<std::string> raw = util::base64_decode(entry.substr(3));
      if (raw && *raw == mac) found = true;
    }
    CHECK(found, std::string(sig));
    CHECK(v.timestamp.has_value() && *v.timestamp >= kNow - 300 && *v.timestamp <= kNow + 300);
  }
  return 0;
}
