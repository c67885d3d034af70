// Issuing JSON Web Tokens, as PostGraphile's PgJWTPlugin does for a
// function that returns its JWT type (pg_gateway.jwt_type): the row's
// attributes become the claims, signed with the HMAC secret of
// pg_gateway.jwt_secret (HS256).
//
// PostGraphile's rules, which clients and the RLS policies written for it
// rely on: the attributes in order, as their GraphQL JSON (a bigint as a
// string); `exp`, when set, as a number; `iat` is now (unless
// noTimestamp); a token without
// `exp` lives one day; `aud` and `iss` default to "postgraphile" (here to
// pg_gateway.jwt_audience / jwt_issuer when those are set, so that the
// worker accepts the tokens it issues).
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/json/json_value.hpp"

namespace pg_gateway::auth {

struct IssueOptions {
  int64_t now = 0;        // seconds since the epoch
  bool issued_at = true;  // an "iat" claim (off: pgJwtSignOptions.noTimestamp)
  std::string audience = "postgraphile";
  std::string issuer = "postgraphile";
  int64_t default_lifetime = 24 * 60 * 60;  // seconds, for tokens without exp
};

struct IssuedToken {
  std::string token;
  int64_t expires_at = 0;  // the token's exp
};

// Refused: the row is not a JSON object, or its exp is not a number.
class IssueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `row`: the JWT type's value as a JSON object of its attributes.
IssuedToken issue_hs256(const json::Value& row, std::string_view secret,
                        const IssueOptions& options);

}  // namespace pg_gateway::auth
