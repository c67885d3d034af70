#include "core/auth/jwt_issue.hpp"

#include <cmath>

#include "core/util/base64.hpp"
#include "core/util/hmac.hpp"

namespace pg_gateway::auth {

namespace {

// PostGraphile's `exp`: parseFloat of the attribute's value (BigInt
// attributes come as strings); left out when null, 0 or empty.
std::optional<json::Value> exp_value(const json::Value& v) {
  if (v.is_null() || (v.is_string() && v.text().empty())) return std::nullopt;
  std::optional<json::Value> number;
  if (v.is_number()) number = v;
  if (v.is_string())
    if (json::ParseResult p = json::parse(v.text()); p.ok() && p.value->is_number())
      number = *p.value;
  std::optional<double> d = number ? number->as_double() : std::nullopt;
  if (!d || !std::isfinite(*d)) throw IssueError("the JWT type's exp is not a number");
  if (*d == 0) return std::nullopt;
  return number;
}

}  // namespace

IssuedToken issue_hs256(const json::Value& row, std::string_view secret,
                        const IssueOptions& options) {
  if (!row.is_object()) throw IssueError("the JWT type's value is not a row");
  json::Value claims = json::Value::object();
  std::optional<json::Value> exp;
  bool has_aud = false, has_iss = false, has_iat = false;
  for (const json::Value::Member& m : row.members()) {
    if (m.first == "exp") {
      exp = exp_value(m.second);
      if (exp) claims.members().emplace_back("exp", *exp);
      continue;
    }
    if (m.first == "iat") {
      // jsonwebtoken: `payload.iat || now` in the attribute's place, or
      // deleted with noTimestamp.
      if (!options.issued_at) continue;
      has_iat = true;
      bool falsy = m.second.is_null() || (m.second.is_string() && m.second.text().empty()) ||
                   (m.second.is_number() && m.second.as_double() == 0.0);
      claims.members().emplace_back(
          "iat", falsy ? json::Value::number(std::to_string(options.now)) : m.second);
      continue;
    }
    if (m.first == "aud" && !m.second.is_null()) has_aud = true;
    if (m.first == "iss" && !m.second.is_null()) has_iss = true;
    claims.members().push_back(m);
  }
  // jsonwebtoken's order: the payload, then the iat, exp, aud and iss it adds.
  if (options.issued_at && !has_iat)
    claims.members().emplace_back("iat", json::Value::number(std::to_string(options.now)));
  if (!exp) {
    exp = json::Value::number(std::to_string(options.now + options.default_lifetime));
    claims.members().emplace_back("exp", *exp);
  }
  if (!has_aud) claims.members().emplace_back("aud", json::Value::string(options.audience));
  if (!has_iss) claims.members().emplace_back("iss", json::Value::string(options.issuer));

  std::string input = util::base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                      util::base64url_encode(claims.dump());
  std::string signature = util::digest_bytes(util::hmac_sha256(secret, input));
  IssuedToken out;
  out.token = input + "." + util::base64url_encode(signature);
  out.expires_at = int64_t(std::floor(*exp->as_double()));
  return out;
}

}  // namespace pg_gateway::auth
