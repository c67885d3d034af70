// libFuzzer target for JWT handling: arbitrary bytes as a token (verified
// against an HMAC secret and an EC key set), as a key document
// (KeySet::parse), and as a claim path. Nothing may crash or leak; a token
// the verifier accepts must have been signed with the secret, which the
// fuzzer cannot know, so any acceptance of a mutated token is a bug unless
// it is one of the seeds signed below. Inputs starting with 0x01 are signed
// with the secret first, so that the claims checks and the claim path run
// on well-formed, verified tokens with arbitrary claims.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/auth/claim_path.hpp"
#include "core/auth/jwt.hpp"
#include "core/util/base64.hpp"
#include "core/util/hmac.hpp"

namespace {

using namespace pg_gateway;

const std::string kSecret = "fuzzing-secret-that-is-at-least-32-bytes";

const auth::KeySet& hmac_keys() {
  static auth::KeySet keys = auth::KeySet::parse(kSecret);
  return keys;
}

const auth::KeySet& ec_keys() {
  static auth::KeySet keys =
      auth::KeySet::parse(R"({"keys":[{"kty":"EC","crv":"P-256","kid":"ec",)"
                          R"("x":"_lf5pb8rwCoVI954cMtmIZMqDnGF8nS3RlgdvdW--js",)"
                          R"("y":"BNgcUM-lKVkYEQ_Q4wn9vOOKpyG4J6Sr9JU4lc04F0A"}]})");
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auth::VerifyOptions options;
  options.now = 1800000000;
  options.audiences = {"api"};
  if (!input.empty() && input[0] == '\x01') {
    std::string claims(input.substr(1));
    std::string signing_input =
        util::base64url_encode("{\"alg\":\"HS256\"}") + "." + util::base64url_encode(claims);
    std::string token =
        signing_input + "." +
        util::base64url_encode(util::digest_bytes(util::hmac_sha256(kSecret, signing_input)));
    auth::JwtResult r = auth::verify_signature(token, hmac_keys(), options);
    if (r.ok()) {
      std::string message;
      (void)auth::check_claims(*r.token, options, &message);
      try {
        (void)auth::ClaimPath::parse("$.app.roles[0]").find(r.token->claims);
      } catch (const std::invalid_argument&) {
        abort();
      }
    }
    return 0;
  }
  auth::JwtResult a = auth::verify_jwt(input, hmac_keys(), options);
  auth::JwtResult b = auth::verify_jwt(input, ec_keys(), options);
  // Forging a signature by mutation is not possible: nothing verifies.
  if (a.failure == auth::JwtFailure::kNone || b.failure == auth::JwtFailure::kNone) abort();
  try {
    auth::KeySet keys = auth::KeySet::parse(input);
    (void)keys.size();
  } catch (const auth::KeyError&) {
  }
  try {
    auth::ClaimPath path = auth::ClaimPath::parse(input);
    (void)path.text();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
