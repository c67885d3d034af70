// libFuzzer target for the generic HMAC scheme: arbitrary bytes split at
// '\n' into the signed content template, the prefix, the signature header
// value, the timestamp header value and the body; the first byte picks the
// algorithm and encoding. Nothing may crash; a valid template spells back
// to its source from its parts; a fuzzed signature never verifies (the
// secret is unknown to the fuzzer); no reason contains the secret.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/webhooks/generic_hmac_verifier.hpp"
#include "fuzz_check.hpp"

using namespace pg_gateway;
using webhooks::SignedContentPart;

namespace {

const std::string kSecret = "generic-fuzzing-secret";

std::string_view next_field(std::string_view& in) {
  size_t nl = in.find('\n');
  std::string_view field = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  return field;
}

std::string spell(const webhooks::SignedContentTemplate& t) {
  std::string out;
  for (const SignedContentPart& p : t.parts) {
    switch (p.kind) {
      case SignedContentPart::Kind::kLiteral:
        out += p.literal;
        break;
      case SignedContentPart::Kind::kBody:
        out += "{body}";
        break;
      case SignedContentPart::Kind::kTimestamp:
        out += "{timestamp}";
        break;
      case SignedContentPart::Kind::kUrl:
        out += "{url}";
        break;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  webhooks::GenericHmacScheme scheme;
  scheme.header = "X-Signature";
  scheme.algorithm = (data[0] & 1) ? webhooks::GenericHmacScheme::Algorithm::kSha512
                                   : webhooks::GenericHmacScheme::Algorithm::kSha256;
  scheme.encoding = (data[0] & 2) ? webhooks::GenericHmacScheme::Encoding::kBase64
                                  : webhooks::GenericHmacScheme::Encoding::kHex;
  if (data[0] & 4) scheme.timestamp_header = "X-Timestamp";
  if (data[0] & 8) scheme.event_id_header = "X-Id";
  scheme.signed_content = std::string(next_field(in));
  scheme.prefix = std::string(next_field(in));
  std::string signature(next_field(in));
  std::string timestamp(next_field(in));
  std::string_view body = in;

  webhooks::SignedContentTemplate t = webhooks::parse_signed_content_template(scheme);
  if (t.ok())
    CHECK(spell(t) == scheme.signed_content, scheme.signed_content);
  else
    CHECK(t.parts.empty());

  std::vector<http::Header> headers = {{"x-signature", signature},
                                       {"x-timestamp", timestamp},
                                       {"x-id", std::string(body.substr(0, 8))}};
  webhooks::SignedRequest request{
      .url = "https://example.com/hook", .headers = headers, .body = body, .content_type = ""};
  std::vector<std::string> secrets = {kSecret};
  webhooks::Verification v = webhooks::verify_generic_hmac(
      request, scheme, secrets, {.now_s = 1700000000, .tolerance_s = 300});
  CHECK(!v.verified(), signature);
  CHECK(v.reason.find(kSecret) == std::string::npos, v.reason);
  if (!t.ok()) CHECK(v.outcome == webhooks::Outcome::kNoUsableSecret);
  return 0;
}
