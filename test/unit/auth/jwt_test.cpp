// JWT verification: every algorithm against tokens signed by an independent
// implementation (Python's cryptography, test/unit/auth/jwt_vectors.inc), and
// each attack RFC 8725 describes.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "core/auth/claim_path.hpp"
#include "core/auth/jwt.hpp"
#include "core/auth/request_token.hpp"
#include "core/auth/token_cache.hpp"
#include "core/util/base64.hpp"
#include "core/util/hmac.hpp"

namespace pg_gateway::auth {
namespace {

struct Vector {
  const char* name;
  const char* alg;
  const char* jwk;
  const char* token;
  const char* pem;
};
const Vector kVectors[] = {
#include "jwt_vectors.inc"
};

constexpr int64_t kNow = 1800000000;  // 2027; the vectors expire in 2100
const std::string kSecret = "a-secret-that-is-at-least-32-bytes-long!";

VerifyOptions options() {
  VerifyOptions o;
  o.now = kNow;
  return o;
}

std::string b64(std::string_view s) { return util::base64url_encode(s); }

// An HS256 token over exactly these header and claims texts, signed with
// our own HMAC (core/util/hmac), independent of OpenSSL's.
std::string hs256(const std::string& header, const std::string& claims,
                  const std::string& key = kSecret) {
  std::string input = b64(header) + "." + b64(claims);
  return input + "." + b64(util::digest_bytes(util::hmac_sha256(key, input)));
}

JwtFailure failure_of(const std::string& token, const KeySet& keys,
                      const VerifyOptions& o = options()) {
  return verify_jwt(token, keys, o).failure;
}

TEST(Base64Url, RoundTripAndStrictness) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00\x01"}) {
    std::string e = util::base64url_encode(s);
    EXPECT_EQ(e.find('='), std::string::npos);
    EXPECT_EQ(util::base64url_decode(e), s);
  }
  EXPECT_EQ(util::base64url_decode("-_-_"), std::string("\xfb\xff\xbf", 3));
  EXPECT_FALSE(util::base64url_decode("Zm9v="));  // padding
  EXPECT_FALSE(util::base64url_decode("+/+/"));   // standard alphabet
  EXPECT_FALSE(util::base64url_decode("Zg=="));
  EXPECT_FALSE(util::base64url_decode("Zh"));  // non-zero leftover bits: not canonical
  EXPECT_FALSE(util::base64url_decode("Z"));
  EXPECT_FALSE(util::base64url_decode("Zm 9v"));
}

TEST(Jwt, EveryAlgorithmVerifiesTokensSignedElsewhere) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.name);
    KeySet keys = KeySet::parse(v.jwk);
    JwtResult r = verify_jwt(v.token, keys, options());
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(algorithm_name(r.token->alg), std::string_view(v.alg));
    EXPECT_EQ(r.token->claims.find("role")->text(), "app_user");
    if (*v.pem) {
      KeySet from_pem = KeySet::parse(v.pem);
      EXPECT_TRUE(verify_jwt(v.token, from_pem, options()).ok());
    }
  }
}

TEST(Jwt, TamperedPayloadOrSignatureFails) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(v.name);
    KeySet keys = KeySet::parse(v.jwk);
    std::string t = v.token;
    size_t d1 = t.find('.'), d2 = t.rfind('.');
    // The payload with "app_user" changed to "postgres".
    std::string claims = *util::base64url_decode(t.substr(d1 + 1, d2 - d1 - 1));
    claims.replace(claims.find("app_user"), 8, "postgres");
    std::string forged = t.substr(0, d1 + 1) + b64(claims) + t.substr(d2);
    EXPECT_EQ(failure_of(forged, keys), JwtFailure::kBadSignature);
    std::string sig = *util::base64url_decode(t.substr(d2 + 1));
    sig[sig.size() / 2] ^= 1;
    EXPECT_EQ(failure_of(t.substr(0, d2 + 1) + b64(sig), keys), JwtFailure::kBadSignature);
  }
}

TEST(Jwt, AlgNoneIsNeverAccepted) {
  KeySet keys = KeySet::parse(kSecret);
  for (std::string alg : {"none", "None", "NONE", ""}) {
    std::string t = b64("{\"alg\":\"" + alg + "\"}") + "." + b64("{\"role\":\"postgres\"}") + ".";
    EXPECT_EQ(failure_of(t, keys), JwtFailure::kAlgorithmRefused) << alg;
  }
}

TEST(Jwt, HmacTokenSignedWithThePublicKeyIsRefused) {
  // The classic key confusion: the attacker signs HS256 with the server's
  // public key text as the HMAC secret.
  for (const Vector& v : kVectors) {
    if (!*v.pem) continue;
    SCOPED_TRACE(v.name);
    KeySet keys = KeySet::parse(v.pem);
    std::string forged = hs256("{\"alg\":\"HS256\"}", "{\"role\":\"postgres\"}", v.pem);
    EXPECT_EQ(failure_of(forged, keys), JwtFailure::kNoKey);
    KeySet jwk = KeySet::parse(v.jwk);
    EXPECT_EQ(failure_of(hs256("{\"alg\":\"HS256\"}", "{}", v.jwk), jwk), JwtFailure::kNoKey);
  }
}

TEST(Jwt, AlgorithmAllowList) {
  KeySet keys = KeySet::parse(kSecret);
  std::string t = hs256("{\"alg\":\"HS256\"}", "{}");
  VerifyOptions o = options();
  o.algorithms = parse_algorithm_list("RS256, ES256");
  EXPECT_EQ(failure_of(t, keys, o), JwtFailure::kAlgorithmRefused);
  o.algorithms = parse_algorithm_list("HS256");
  EXPECT_TRUE(verify_jwt(t, keys, o).ok());
  EXPECT_THROW(parse_algorithm_list("HS256, none"), std::invalid_argument);
  EXPECT_EQ(parse_algorithm_list(" Ed25519 ,EdDSA").size(), 1u);
}

TEST(Jwt, HmacKeysMustBeLongEnough) {
  EXPECT_THROW(KeySet::parse("too short"), KeyError);
  KeySet keys = KeySet::parse(kSecret);  // 40 bytes: HS256 only
  std::string input = b64("{\"alg\":\"HS512\"}") + "." + b64("{}");
  EXPECT_EQ(failure_of(input + ".AAAA", keys), JwtFailure::kNoKey);
}

TEST(Jwt, TimeClaimsWithLeeway) {
  KeySet keys = KeySet::parse(kSecret);
  auto with = [&](const std::string& claims) {
    return failure_of(hs256("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims), keys);
  };
  std::string now = std::to_string(kNow);
  EXPECT_EQ(with("{\"exp\":" + std::to_string(kNow - 31) + "}"), JwtFailure::kExpired);
  EXPECT_EQ(with("{\"exp\":" + std::to_string(kNow - 29) + "}"), JwtFailure::kNone);
  EXPECT_EQ(with("{\"exp\":" + now + ".5}"), JwtFailure::kNone);
  EXPECT_EQ(with("{\"nbf\":" + std::to_string(kNow + 31) + "}"), JwtFailure::kNotYetValid);
  EXPECT_EQ(with("{\"nbf\":" + std::to_string(kNow + 29) + "}"), JwtFailure::kNone);
  EXPECT_EQ(with("{\"iat\":" + std::to_string(kNow + 3600) + "}"), JwtFailure::kNotYetValid);
  EXPECT_EQ(with("{\"exp\":\"tomorrow\"}"), JwtFailure::kMalformed);
  EXPECT_EQ(with("{\"exp\":null}"), JwtFailure::kNone);
  VerifyOptions strict = options();
  strict.leeway = 0;
  EXPECT_EQ(failure_of(hs256("{\"alg\":\"HS256\"}", "{\"exp\":" + std::to_string(kNow - 1) + "}"),
                       keys, strict),
            JwtFailure::kExpired);
}

TEST(Jwt, AudienceAndIssuer) {
  KeySet keys = KeySet::parse(kSecret);
  VerifyOptions o = options();
  o.audiences = {"api", "postgraphile"};
  o.issuer = "https://auth.example.com";
  std::string iss = ",\"iss\":\"https://auth.example.com\"";
  auto with = [&](const std::string& claims) {
    return failure_of(hs256("{\"alg\":\"HS256\"}", claims), keys, o);
  };
  EXPECT_EQ(with("{\"aud\":\"api\"" + iss + "}"), JwtFailure::kNone);
  EXPECT_EQ(with("{\"aud\":[\"other\",\"postgraphile\"]" + iss + "}"), JwtFailure::kNone);
  EXPECT_EQ(with("{\"aud\":\"other\"" + iss + "}"), JwtFailure::kAudience);
  EXPECT_EQ(with("{\"aud\":[]" + iss + "}"), JwtFailure::kAudience);
  EXPECT_EQ(with("{\"iss\":\"https://auth.example.com\"}"), JwtFailure::kAudience);  // no aud
  EXPECT_EQ(with("{\"aud\":\"api\",\"iss\":\"https://evil.example.com\"}"), JwtFailure::kIssuer);
  EXPECT_EQ(with("{\"aud\":\"api\"}"), JwtFailure::kIssuer);
}

TEST(Jwt, HeadersThatAreNotUnderstoodAreRefused) {
  KeySet keys = KeySet::parse(kSecret);
  EXPECT_EQ(failure_of(hs256("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", "{}"), keys),
            JwtFailure::kUnsupportedHeader);
  EXPECT_EQ(failure_of(hs256("{\"alg\":\"HS256\",\"typ\":\"dpop+jwt\"}", "{}"), keys),
            JwtFailure::kUnsupportedHeader);
  EXPECT_EQ(failure_of(hs256("{\"alg\":\"HS256\",\"typ\":\"at+JWT\"}", "{}"), keys),
            JwtFailure::kNone);
  // Keys are never taken from the token itself.
  EXPECT_EQ(failure_of(hs256("{\"alg\":\"HS256\",\"jku\":\"https://evil/jwks\"}", "{}", "x"), keys),
            JwtFailure::kBadSignature);
}

TEST(Jwt, MalformedTokens) {
  KeySet keys = KeySet::parse(kSecret);
  std::string good = hs256("{\"alg\":\"HS256\"}", "{\"a\":1}");
  for (std::string t :
       {std::string(""), std::string("abc"), std::string("a.b"), good + ".x",
        good.substr(0, good.rfind('.')) + ".@@@", hs256("[1]", "{}"),
        hs256("{\"alg\":\"HS256\"}", "[1]"), hs256("{\"alg\":\"HS256\"}", "not json"),
        hs256("{\"alg\":\"HS256\",\"kid\":7}", "{}")}) {
    JwtFailure f = failure_of(t, keys);
    EXPECT_TRUE(f == JwtFailure::kMalformed) << t << " " << int(f);
  }
  VerifyOptions small = options();
  small.max_token_bytes = 16;
  EXPECT_EQ(failure_of(good, keys, small), JwtFailure::kMalformed);
}

TEST(Jwt, KidSelectsTheKey) {
  std::string jwks = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"one\",\"k\":\"" + b64(kSecret) +
                     "\"},{\"kty\":\"oct\",\"kid\":\"two\",\"k\":\"" + b64(kSecret + "-two") +
                     "\"},{\"kty\":\"oct\",\"use\":\"enc\",\"k\":\"" + b64(kSecret) + "\"}]}";
  KeySet keys = KeySet::parse(jwks);
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_TRUE(verify_jwt(hs256("{\"alg\":\"HS256\",\"kid\":\"one\"}", "{}"), keys, options()).ok());
  EXPECT_TRUE(verify_jwt(hs256("{\"alg\":\"HS256\",\"kid\":\"two\"}", "{}", kSecret + "-two"), keys,
                         options())
                  .ok());
  // Right key, wrong kid: the kid picks key two, which does not verify it.
  EXPECT_EQ(failure_of(hs256("{\"alg\":\"HS256\",\"kid\":\"two\"}", "{}"), keys),
            JwtFailure::kBadSignature);
  EXPECT_EQ(failure_of(hs256("{\"alg\":\"HS256\",\"kid\":\"three\"}", "{}"), keys),
            JwtFailure::kNoKey);
  // No kid: every key is tried.
  EXPECT_TRUE(
      verify_jwt(hs256("{\"alg\":\"HS256\"}", "{}", kSecret + "-two"), keys, options()).ok());
}

TEST(Jwt, EcdsaPsychicSignatureIsRefused) {
  for (const Vector& v : kVectors) {
    if (std::string(v.alg).rfind("ES", 0) != 0) continue;
    SCOPED_TRACE(v.name);
    KeySet keys = KeySet::parse(v.jwk);
    std::string t = v.token;
    size_t half = std::string(v.alg) == "ES256" ? 32 : std::string(v.alg) == "ES384" ? 48 : 66;
    std::string zeros(2 * half, '\0');
    EXPECT_EQ(failure_of(t.substr(0, t.rfind('.') + 1) + b64(zeros), keys),
              JwtFailure::kBadSignature);
    // A DER signature where r || s belongs is refused too.
    EXPECT_EQ(failure_of(t.substr(0, t.rfind('.') + 1) + b64(std::string(70, '\x30')), keys),
              JwtFailure::kBadSignature);
  }
}

TEST(Jwt, KeyDocumentsThatCannotBeUsed) {
  EXPECT_THROW(KeySet::parse("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}"), KeyError);  // tiny
  EXPECT_THROW(KeySet::parse("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AQAB\",\"y\":\"AQAB\"}"),
               KeyError);
  EXPECT_THROW(KeySet::parse("{\"kty\":\"EC\",\"crv\":\"secp256k1\",\"x\":\"AA\",\"y\":\"AA\"}"),
               KeyError);
  EXPECT_THROW(KeySet::parse("{\"kty\":\"dir\"}"), KeyError);
  EXPECT_THROW(KeySet::parse("{\"keys\":[]}"), KeyError);
  EXPECT_THROW(KeySet::parse("{\"keys\":{}}"), KeyError);
  EXPECT_THROW(KeySet::parse("{not json"), KeyError);
  EXPECT_THROW(KeySet::parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
               KeyError);
  EXPECT_THROW(KeySet::parse("{\"kty\":\"oct\",\"k\":\"" + b64(kSecret) + "\",\"alg\":\"RS256\"}"),
               KeyError);  // alg that does not fit the key
  // A 1024-bit RSA key is refused.
  EVP_PKEY* small = EVP_RSA_gen(1024);
  ASSERT_NE(small, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, small);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, size_t(len));
  BIO_free(bio);
  EVP_PKEY_free(small);
  EXPECT_THROW(KeySet::parse(pem), KeyError);
  EXPECT_TRUE(KeySet::parse("  ").empty());
}

TEST(ClaimPath, Forms) {
  json::Value claims =
      *json::parse(R"({"role":"a","app":{"role":"b","roles":["c","d"]},)"
                   R"("https://hasura.io/jwt/claims":{"x-hasura-default-role":"e"}})")
           .value;
  auto at = [&](const char* path) -> std::string {
    const json::Value* v = ClaimPath::parse(path).find(claims);
    return v && v->is_string() ? v->text() : "<none>";
  };
  EXPECT_EQ(at("role"), "a");
  EXPECT_EQ(at(".role"), "a");
  EXPECT_EQ(at("$.role"), "a");
  EXPECT_EQ(at("$.app.role"), "b");
  EXPECT_EQ(at("app.role"), "b");
  EXPECT_EQ(at("$.app.roles[1]"), "d");
  EXPECT_EQ(at("$.app.roles[2]"), "<none>");
  EXPECT_EQ(at(R"($["https://hasura.io/jwt/claims"]["x-hasura-default-role"])"), "e");
  EXPECT_EQ(at(R"($['https://hasura.io/jwt/claims']['x-hasura-default-role'])"), "e");
  EXPECT_EQ(at("$.missing.role"), "<none>");
  for (const char* bad : {"", "$", "$.", "$[", "$[\"open", "$.a..b", "$[x]", "a]b"})
    EXPECT_THROW(ClaimPath::parse(bad), std::invalid_argument) << bad;
}

TEST(RequestToken, BearerHeaderCookieAndChallenge) {
  std::string bearer = "  bearer   abc.def.ghi ", basic = "Basic dXNlcjpwYXNz", empty = "Bearer ";
  EXPECT_EQ(bearer_token(&bearer), "abc.def.ghi");
  EXPECT_FALSE(bearer_token(&basic));
  EXPECT_FALSE(bearer_token(&empty));
  EXPECT_FALSE(bearer_token(nullptr));
  std::string cookies = "a=1; session=\"tok\"; bad; =x; session=second";
  auto all = parse_cookies(&cookies);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1], std::make_pair(std::string("session"), std::string("tok")));
  EXPECT_EQ(cookie_value(&cookies, "session"), "tok");  // the first one
  EXPECT_FALSE(cookie_value(&cookies, "missing"));
  RequestToken t = find_token(&bearer, &cookies, "session");
  EXPECT_EQ(t.source, TokenSource::kBearer);
  t = find_token(&basic, &cookies, "session");
  EXPECT_EQ(t.source, TokenSource::kCookie);
  EXPECT_EQ(t.token, "tok");
  EXPECT_EQ(find_token(nullptr, &cookies, "").source, TokenSource::kNone);
  EXPECT_EQ(www_authenticate("invalid_token", "say \"hi\"\n"),
            "Bearer realm=\"pg_gateway\", error=\"invalid_token\", "
            "error_description=\"say \\\"hi\\\"\"");
}

TEST(TokenCache, LeastRecentlyUsedGoesFirst) {
  TokenCache cache(2);
  VerifiedJwt v;
  cache.insert("a", v);
  cache.insert("b", v);
  EXPECT_NE(cache.find("a"), nullptr);  // a is now the most recent
  cache.insert("c", v);                 // evicts b
  EXPECT_EQ(cache.find("b"), nullptr);
  EXPECT_NE(cache.find("a"), nullptr);
  EXPECT_NE(cache.find("c"), nullptr);
  EXPECT_EQ(cache.stats().evictions, 1u);
  cache.erase("a");
  EXPECT_EQ(cache.size(), 1u);
  cache.set_capacity(0);
  EXPECT_EQ(cache.size(), 0u);
  cache.insert("d", v);
  EXPECT_EQ(cache.find("d"), nullptr);
}

}  // namespace
}  // namespace pg_gateway::auth
