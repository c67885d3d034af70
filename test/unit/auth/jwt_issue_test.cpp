// Issuing tokens (PostGraphile's pgJwtTypes serializer) and the CSRF rule
// for cookie-authenticated writes. The integration suite checks the same
// tokens with Python's hmac; here the worker's own verifier must accept
// them, so a token pg_gateway issues is one pg_gateway takes back.
#include <gtest/gtest.h>

#include "core/auth/csrf.hpp"
#include "core/auth/jwt.hpp"
#include "core/auth/jwt_issue.hpp"

using namespace pg_gateway;

namespace {

const std::string kSecret = "unit-test-secret-that-is-32-bytes-or-more";

json::Value parse(const std::string& text) { return *json::parse(text).value; }

auth::VerifiedJwt verified(const std::string& token) {
  auth::VerifyOptions o;
  auth::JwtResult r = auth::verify_signature(token, auth::KeySet::parse(kSecret), o);
  EXPECT_TRUE(r.ok()) << r.message;
  return r.token ? *r.token : auth::VerifiedJwt{};
}

}  // namespace

TEST(JwtIssue, PostGraphilesClaimsSignedWithTheSecret) {
  auth::IssueOptions o;
  o.now = 1700000000;
  auth::IssuedToken t = auth::issue_hs256(
      parse(R"({"role":"app_user","user_id":"9007199254740993","exp":"1700003600","note":null})"),
      kSecret, o);
  auth::VerifiedJwt v = verified(t.token);
  // The attributes in order (a BigInt stays a string, exp becomes a
  // number), then iat, aud and iss.
  EXPECT_EQ(v.claims.dump(),
            R"({"role":"app_user","user_id":"9007199254740993","exp":1700003600,"note":null,)"
            R"("iat":1700000000,"aud":"postgraphile","iss":"postgraphile"})");
  EXPECT_EQ(t.expires_at, 1700003600);
}

TEST(JwtIssue, DefaultsOnlyWhereTheRowHasNone) {
  auth::IssueOptions o;
  o.now = 1700000000;
  o.audience = "api";
  auth::IssuedToken t =
      auth::issue_hs256(parse(R"({"sub":"a","exp":null,"aud":"mine"})"), kSecret, o);
  auth::VerifiedJwt v = verified(t.token);
  EXPECT_EQ(v.claims.dump(),
            R"({"sub":"a","aud":"mine","iat":1700000000,"exp":1700086400,"iss":"postgraphile"})");
  EXPECT_EQ(t.expires_at, 1700086400);  // a day, PostGraphile's default
  EXPECT_THROW(auth::issue_hs256(parse(R"({"exp":"soon"})"), kSecret, o), auth::IssueError);
  EXPECT_THROW(auth::issue_hs256(parse(R"([1])"), kSecret, o), auth::IssueError);
}

// PostGraphile's pgJwtSignOptions.noTimestamp (pg_gateway.jwt_issue_iat =
// off): no "iat", even when the JWT type has one; with it on, a row's own
// iat stays in its place (jsonwebtoken's payload.iat || now).
TEST(JwtIssue, NoTimestampAndTheRowsOwnIat) {
  auth::IssueOptions o;
  o.now = 1700000000;
  o.issued_at = false;
  EXPECT_EQ(
      verified(
          auth::issue_hs256(parse(R"({"sub":"a","iat":5,"exp":1700000100})"), kSecret, o).token)
          .claims.dump(),
      R"({"sub":"a","exp":1700000100,"aud":"postgraphile","iss":"postgraphile"})");
  o.issued_at = true;
  EXPECT_EQ(
      verified(
          auth::issue_hs256(parse(R"({"iat":5,"sub":"a","exp":1700000100})"), kSecret, o).token)
          .claims.dump(),
      R"({"iat":5,"sub":"a","exp":1700000100,"aud":"postgraphile","iss":"postgraphile"})");
  EXPECT_EQ(verified(auth::issue_hs256(parse(R"({"iat":null,"exp":1700000100})"), kSecret, o).token)
                .claims.dump(),
            R"({"iat":1700000000,"exp":1700000100,"aud":"postgraphile","iss":"postgraphile"})");
}

namespace {

http::Request post(std::initializer_list<std::pair<const char*, const char*>> headers) {
  http::Request r;
  r.method = http::Method::kPost;
  r.method_text = "POST";
  r.path = r.target = "/graphql";
  for (auto& [n, v] : headers) r.headers.push_back({n, v});
  return r;
}

bool allowed(const http::Request& r, std::string_view cors = "", std::string_view header = "") {
  return !auth::csrf_refusal(r, http::CorsPolicy::parse(cors), header);
}

}  // namespace

TEST(Csrf, CookieWritesNeedEvidenceOfAnAllowedOrigin) {
  EXPECT_FALSE(allowed(post({{"host", "api.test"}})));  // no evidence at all
  EXPECT_TRUE(allowed(post({{"sec-fetch-site", "same-origin"}})));
  EXPECT_TRUE(allowed(post({{"sec-fetch-site", "none"}})));
  EXPECT_FALSE(allowed(post({{"sec-fetch-site", "same-site"}})));
  EXPECT_FALSE(allowed(post({{"sec-fetch-site", "cross-site"}, {"origin", "https://api.test"}})));
  // The Origin: the server's own host (port included), or one listed by name.
  EXPECT_TRUE(allowed(post({{"host", "api.test"}, {"origin", "https://API.test"}})));
  EXPECT_FALSE(allowed(post({{"host", "api.test"}, {"origin", "https://api.test:8443"}})));
  EXPECT_FALSE(allowed(post({{"host", "api.test"}, {"origin", "null"}})));
  EXPECT_TRUE(allowed(post({{"origin", "https://app.test"}}), "https://app.test"));
  EXPECT_FALSE(allowed(post({{"origin", "https://evil.test"}}), "https://app.test"));
  EXPECT_FALSE(allowed(post({{"origin", "https://evil.test"}}), "*"));  // "*" is not a name
  // The custom header, when one is configured (and not empty).
  EXPECT_TRUE(allowed(post({{"x-csrf", "1"}}), "", "X-CSRF"));
  EXPECT_FALSE(allowed(post({{"x-csrf", ""}}), "", "X-CSRF"));
  EXPECT_FALSE(allowed(post({{"x-csrf", "1"}})));
}
