// JSON Web Token verification (RFC 7519, JWS compact serialization, RFC
// 8725's best current practice): the signature against a KeySet, then the
// registered time and audience claims.
//
// Verification is in two steps so that the worker can cache the first:
// verify_signature() (parsing, algorithm, key, signature: the same answer
// every time for one token and one key set) and check_claims() (exp, nbf,
// iat against the clock, aud, iss: cheap, and repeated on every use).
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/jwt_keys.hpp"
#include "core/json/json_value.hpp"

namespace pg_gateway::auth {

struct VerifyOptions {
  std::vector<JwsAlgorithm> algorithms;  // allowed; empty allows every supported one
  int64_t now = 0;                       // seconds since the epoch
  int64_t leeway = 30;                   // seconds of clock skew for exp, nbf, iat
  std::vector<std::string> audiences;    // the token's aud must name one; empty: unchecked
  std::string issuer;                    // the token's iss must equal it; empty: unchecked
  size_t max_token_bytes = 8192;
};

enum class JwtFailure : uint8_t {
  kNone,
  kMalformed,          // not header.payload.signature with JSON objects inside
  kAlgorithmRefused,   // none, unknown, or not in the allow-list
  kUnsupportedHeader,  // crit, or a typ that is not a JWT
  kNoKey,              // no configured key can verify this alg / kid
  kBadSignature,
  kExpired,
  kNotYetValid,  // nbf (or iat) in the future
  kAudience,
  kIssuer,
};

struct VerifiedJwt {
  JwsAlgorithm alg = JwsAlgorithm::kHS256;
  json::Value claims;                // the payload, a JSON object
  std::string claims_json;           // the payload as the token carried it
  std::optional<double> expires_at;  // exp
  std::optional<double> not_before;  // nbf
  std::optional<double> issued_at;   // iat
};

struct JwtResult {
  std::optional<VerifiedJwt> token;
  JwtFailure failure = JwtFailure::kNone;
  std::string message;  // for the client: says what is wrong, never what was expected
  bool ok() const { return failure == JwtFailure::kNone; }
};

// Parses the token and checks its signature (nothing about its claims).
JwtResult verify_signature(std::string_view token, const KeySet& keys,
                           const VerifyOptions& options);

// The claim checks; kNone when the token may be used now.
JwtFailure check_claims(const VerifiedJwt& token, const VerifyOptions& options,
                        std::string* message);

// Both.
JwtResult verify_jwt(std::string_view token, const KeySet& keys, const VerifyOptions& options);

}  // namespace pg_gateway::auth
