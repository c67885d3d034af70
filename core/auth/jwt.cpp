#include "core/auth/jwt.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/util/base64.hpp"

namespace pg_gateway::auth {

namespace {

JwtResult fail(JwtFailure f, std::string message) {
  JwtResult r;
  r.failure = f;
  r.message = std::move(message);
  return r;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A NumericDate (RFC 7519 section 2): a JSON number of seconds, fractions
// allowed. Anything else (a string, a non-finite value) makes the token
// malformed rather than silently unchecked.
bool numeric_date(const json::Value& claims, std::string_view name, std::optional<double>* out,
                  std::string* error) {
  const json::Value* v = claims.find(name);
  if (!v || v->is_null()) return true;
  std::optional<double> d = v->is_number() ? v->as_double() : std::nullopt;
  if (!d || !std::isfinite(*d)) {
    *error = "the \"" + std::string(name) + "\" claim is not a number of seconds";
    return false;
  }
  *out = *d;
  return true;
}

}  // namespace

JwtResult verify_signature(std::string_view token, const KeySet& keys,
                           const VerifyOptions& options) {
  if (token.size() > options.max_token_bytes)
    return fail(JwtFailure::kMalformed,
                "the token is longer than " + std::to_string(options.max_token_bytes) + " bytes");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return fail(JwtFailure::kMalformed, "the token is not three base64url parts joined by dots");
  std::optional<std::string> header_text = util::base64url_decode(token.substr(0, dot1));
  std::optional<std::string> payload_text =
      util::base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  std::optional<std::string> signature = util::base64url_decode(token.substr(dot2 + 1));
  if (!header_text || !payload_text || !signature)
    return fail(JwtFailure::kMalformed, "the token is not valid base64url");

  json::ParseLimits limits;
  limits.max_depth = 32;
  json::ParseResult header = json::parse(*header_text, limits);
  if (!header.ok() || !header.value->is_object())
    return fail(JwtFailure::kMalformed, "the token header is not a JSON object");
  const json::Value* alg_value = header.value->find("alg");
  if (!alg_value || !alg_value->is_string())
    return fail(JwtFailure::kMalformed, "the token header has no \"alg\"");
  std::optional<JwsAlgorithm> alg = parse_algorithm(alg_value->text());
  if (!alg)
    return fail(JwtFailure::kAlgorithmRefused,
                "the token's algorithm \"" + alg_value->text() + "\" is not accepted");
  if (!options.algorithms.empty() && std::find(options.algorithms.begin(), options.algorithms.end(),
                                               *alg) == options.algorithms.end())
    return fail(JwtFailure::kAlgorithmRefused,
                "the token's algorithm " + std::string(algorithm_name(*alg)) + " is not accepted");
  // RFC 7515 section 4.1.11: extensions we do not understand must not be
  // ignored; pg_gateway understands none (b64=false, for one, would change
  // what the signature covers).
  if (header.value->find("crit"))
    return fail(JwtFailure::kUnsupportedHeader, "the token header has \"crit\" extensions");
  if (const json::Value* typ = header.value->find("typ")) {
    std::string t = typ->is_string() ? lower(typ->text()) : "";
    if (t != "jwt" && t != "application/jwt" && t != "at+jwt" && t != "application/at+jwt")
      return fail(JwtFailure::kUnsupportedHeader, "the token's \"typ\" is not a JWT");
  }
  std::optional<std::string> kid;
  if (const json::Value* k = header.value->find("kid")) {
    if (!k->is_string() || k->text().size() > 256)
      return fail(JwtFailure::kMalformed, "the token's \"kid\" is not a short string");
    kid = k->text();
  }
  // "jku", "x5u" and "jwk" are never looked at: keys come from the
  // configuration only, never from the token.

  switch (keys.verify(*alg, kid, token.substr(0, dot2), *signature)) {
    case KeySet::Match::kVerified:
      break;
    case KeySet::Match::kNoKey:
      return fail(JwtFailure::kNoKey, "no key can verify this token");
    case KeySet::Match::kBadSignature:
      return fail(JwtFailure::kBadSignature, "the token's signature is invalid");
  }

  json::ParseResult payload = json::parse(*payload_text, limits);
  if (!payload.ok() || !payload.value->is_object())
    return fail(JwtFailure::kMalformed, "the token's claims are not a JSON object");
  VerifiedJwt v;
  v.alg = *alg;
  std::string error;
  if (!numeric_date(*payload.value, "exp", &v.expires_at, &error) ||
      !numeric_date(*payload.value, "nbf", &v.not_before, &error) ||
      !numeric_date(*payload.value, "iat", &v.issued_at, &error))
    return fail(JwtFailure::kMalformed, error);
  v.claims = std::move(*payload.value);
  v.claims_json = std::move(*payload_text);
  JwtResult r;
  r.token = std::move(v);
  return r;
}

JwtFailure check_claims(const VerifiedJwt& t, const VerifyOptions& o, std::string* message) {
  double now = double(o.now), leeway = double(o.leeway);
  if (t.expires_at && now > *t.expires_at + leeway) {
    *message = "the token has expired";
    return JwtFailure::kExpired;
  }
  if (t.not_before && now + leeway < *t.not_before) {
    *message = "the token is not valid yet";
    return JwtFailure::kNotYetValid;
  }
  if (t.issued_at && now + leeway < *t.issued_at) {
    *message = "the token was issued in the future";
    return JwtFailure::kNotYetValid;
  }
  if (!o.audiences.empty()) {
    // RFC 7519 section 4.1.3: a string or an array of strings. A token
    // without one is refused when an audience is configured, so a token
    // minted for another service cannot be replayed here (RFC 8725 3.9).
    const json::Value* aud = t.claims.find("aud");
    bool match = false;
    auto named = [&](const json::Value& v) {
      return v.is_string() &&
             std::find(o.audiences.begin(), o.audiences.end(), v.text()) != o.audiences.end();
    };
    if (aud && aud->is_string()) match = named(*aud);
    if (aud && aud->is_array())
      match = std::any_of(aud->items().begin(), aud->items().end(), named);
    if (!match) {
      *message = "the token is not meant for this audience";
      return JwtFailure::kAudience;
    }
  }
  if (!o.issuer.empty()) {
    const json::Value* iss = t.claims.find("iss");
    if (!iss || !iss->is_string() || iss->text() != o.issuer) {
      *message = "the token's issuer is not accepted";
      return JwtFailure::kIssuer;
    }
  }
  return JwtFailure::kNone;
}

JwtResult verify_jwt(std::string_view token, const KeySet& keys, const VerifyOptions& options) {
  JwtResult r = verify_signature(token, keys, options);
  if (!r.ok()) return r;
  r.failure = check_claims(*r.token, options, &r.message);
  if (!r.ok()) r.token.reset();
  return r;
}

}  // namespace pg_gateway::auth
