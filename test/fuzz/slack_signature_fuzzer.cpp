// libFuzzer target for the Slack verifier: arbitrary bytes split at the
// first two '\n' into X-Slack-Signature, X-Slack-Request-Timestamp and the
// body. Nothing may crash; a mutated signature never verifies (the fuzzer
// does not know the secret), and no reason contains the secret. Inputs
// starting with 0x01 are signed correctly first, and must verify.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/hmac.hpp"
#include "core/webhooks/slack_verifier.hpp"
#include "fuzz_check.hpp"

using namespace pg_gateway;

namespace {
const std::string kSecret = "slack-fuzzing-signing-secret";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  bool sign = !in.empty() && in[0] == '\x01';
  if (sign) in.remove_prefix(1);
  size_t a = in.find('\n');
  std::string_view sig = in.substr(0, a);
  std::string_view rest = a == std::string_view::npos ? std::string_view() : in.substr(a + 1);
  size_t b = rest.find('\n');
  std::string_view ts = rest.substr(0, b);
  std::string_view body = b == std::string_view::npos ? std::string_view() : rest.substr(b + 1);

  std::vector<http::Header> headers;
  std::string signature(sig);
  if (sign) {
    ts = "1700000000";
    signature = "v0=" + util::digest_hex(util::hmac_sha256(kSecret, {"v0:", ts, ":", body}));
  }
  headers.push_back({"x-slack-signature", signature});
  headers.push_back({"x-slack-request-timestamp", std::string(ts)});
  webhooks::SignedRequest request{
      .url = "https://example.com/slack", .headers = headers, .body = body, .content_type = ""};
  std::vector<std::string> secrets = {"other-secret", kSecret};
  webhooks::Verification v =
      webhooks::verify_slack(request, secrets, {.now_s = 1700000000, .tolerance_s = 300});
  CHECK(v.reason.find(kSecret) == std::string::npos, v.reason);
  if (sign)
    CHECK(v.verified(), v.reason);
  else
    CHECK(!v.verified(), signature);
  (void)webhooks::slack_event_id(body);
  return 0;
}
