// libFuzzer target for Twilio verification: arbitrary bytes split at the
// first two '\n' into the URL, X-Twilio-Signature and a form body. Form
// decoding must not crash, and must round-trip: re-encoding the decoded
// pairs and decoding again gives the same pairs. A mutated signature never
// verifies; inputs starting with 0x01 are signed correctly and must.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/base64.hpp"
#include "core/webhooks/hmac_digests.hpp"
#include "core/webhooks/twilio_verifier.hpp"
#include "fuzz_check.hpp"

using namespace pg_gateway;

namespace {

const std::string kToken = "twilio-fuzzing-auth-token";

std::string form_encode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  bool sign = !in.empty() && in[0] == '\x01';
  if (sign) in.remove_prefix(1);
  size_t a = in.find('\n');
  std::string_view url = in.substr(0, a);
  std::string_view rest = a == std::string_view::npos ? std::string_view() : in.substr(a + 1);
  size_t b = rest.find('\n');
  std::string signature(rest.substr(0, b));
  std::string_view body = b == std::string_view::npos ? std::string_view() : rest.substr(b + 1);

  auto pairs = webhooks::decode_form(body);
  if (pairs) {
    std::string again;
    for (const auto& [name, value] : *pairs) {
      if (!again.empty()) again += '&';
      again += form_encode(name) + "=" + form_encode(value);
    }
    auto round = webhooks::decode_form(again);
    CHECK(round.has_value());
    CHECK(round->size() == pairs->size());
    CHECK(*round == *pairs);
  }

  bool form = true;
  if (sign) {
    if (!pairs) return 0;
    // Without a query: a bodySHA256 parameter would switch to URL-only signing.
    url = url.substr(0, url.find('?'));
    signature = util::base64_encode(
        webhooks::hmac_sha1_bytes(kToken, webhooks::twilio_signed_string(url, *pairs)));
  }
  std::vector<http::Header> headers = {{"x-twilio-signature", signature}};
  webhooks::SignedRequest request{.url = url,
                                  .headers = headers,
                                  .body = body,
                                  .content_type = form ? "application/x-www-form-urlencoded" : ""};
  std::vector<std::string> secrets = {kToken};
  webhooks::Verification v =
      webhooks::verify_twilio(request, secrets, {.now_s = 0, .tolerance_s = 300});
  CHECK(v.reason.find(kToken) == std::string::npos, v.reason);
  if (sign)
    CHECK(v.verified(), v.reason);
  else
    CHECK(!v.verified(), signature);
  return 0;
}
