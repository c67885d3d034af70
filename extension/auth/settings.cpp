// pg_gateway.* parameters of who a request runs as: roles, JSON Web Tokens, the token cookie and
// CSRF protection.
#include "extension/pg/pg_api.hpp"

#include "extension/auth/settings.hpp"

#include <stdexcept>
#include <string>

#include "core/auth/claim_path.hpp"
#include "core/auth/jwt_keys.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::auth_pg::settings {

char* anonymous_role = nullptr;
char* authenticator_role = nullptr;
char* jwt_secret = nullptr;
char* jwt_algorithms = nullptr;
char* jwt_audience = nullptr;
char* jwt_issuer = nullptr;
int jwt_leeway_s = 30;
char* jwt_role_claim = nullptr;
char* jwt_cookie = nullptr;
int jwt_cache_size = 1000;
char* pre_request = nullptr;
char* jwt_type = nullptr;
bool jwt_cookie_secure = true;
bool jwt_issue_iat = true;
int jwt_cookie_samesite = 1;  // Lax
char* logout_path = nullptr;
char* csrf_header = nullptr;

namespace {

void validate_jwt_algorithms(const char* value) {
  try {
    auth::parse_algorithm_list(value);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string(e.what()) +
                                "; accepted: HS256, HS384, HS512, RS256, RS384, RS512, PS256, "
                                "PS384, PS512, ES256, ES384, ES512, EdDSA.");
  }
}

void validate_jwt_role_claim(const char* value) {
  try {
    auth::ClaimPath::parse(*value ? value : "role");
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string(e.what()) + ".");
  }
}

// A cookie name is an RFC 9110 token ("" : no cookie).
void validate_cookie_name(const char* value) {
  for (const char* c = value; *c; ++c) {
    unsigned char u = static_cast<unsigned char>(*c);
    if (u <= 0x20 || u >= 0x7F || strchr("()<>@,;:\\\"/[]?={}", *c))
      throw std::invalid_argument("A cookie name is letters, digits and !#$%&'*+-.^_`|~ only.");
  }
}

// Who a request runs as without a token, whose privileges shape the schema,
// and what runs before each operation.
void define_role_settings() {
  pg::settings::define_string({"pg_gateway.anonymous_role", "Role that GraphQL requests run as.",
                               "Must not be a superuser. Empty runs them as the workers' own "
                               "(superuser) connection and logs a warning: for development only.",
                               PGC_SIGHUP},
                              &anonymous_role, "");
  pg::settings::define_string({"pg_gateway.authenticator_role",
                               "Role whose privileges decide what the GraphQL schema offers.",
                               "Like the role PostGraphile connects as: the schema has the tables, "
                               "columns, functions and mutations that this role or any role it is "
                               "a member of may use. Empty: pg_gateway.anonymous_role.",
                               PGC_SIGHUP},
                              &authenticator_role, "");
  pg::settings::define_string(
      {"pg_gateway.pre_request", "Function run before every GraphQL operation.",
       "Like PostgREST's db-pre-request: called with no arguments as the request's role, after the "
       "request settings are in place; raising an error refuses the request.",
       PGC_SIGHUP},
      &pre_request, "");
}

// How a token is verified.
void define_token_settings() {
  // A secret: only superusers can read or set it, and SHOW ALL leaves it out.
  pg::settings::define_string(
      {"pg_gateway.jwt_secret", "Key(s) that verify JSON Web Tokens.",
       "An HMAC secret (at least 32 bytes), a JWK or JWKS document, a PEM public key, or "
       "@/path/to/a/file holding one. Empty: requests with a token are refused.",
       PGC_SIGHUP, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL},
      &jwt_secret, "");
  pg::settings::define_string({"pg_gateway.jwt_algorithms", "JWS algorithms accepted in tokens.",
                               "Comma-separated; empty accepts every supported algorithm that fits "
                               "the configured keys. \"none\" is never accepted.",
                               PGC_SIGHUP, GUC_LIST_INPUT},
                              &jwt_algorithms, "",
                              pg::settings::check_string<validate_jwt_algorithms>);
  pg::settings::define_string(
      {"pg_gateway.jwt_audience", "Audiences a token must name in \"aud\".",
       "Comma-separated; empty does not check \"aud\".", PGC_SIGHUP, GUC_LIST_INPUT},
      &jwt_audience, "");
  pg::settings::define_string({"pg_gateway.jwt_issuer", "Issuer a token's \"iss\" must equal.",
                               "Empty does not check \"iss\".", PGC_SIGHUP},
                              &jwt_issuer, "");
  pg::settings::define_int({"pg_gateway.jwt_leeway", "Clock skew allowed for exp, nbf and iat.",
                            nullptr, PGC_SIGHUP, GUC_UNIT_S},
                           &jwt_leeway_s, 30, 0, 3600);
  pg::settings::define_string(
      {"pg_gateway.jwt_role_claim", "Where the role is in a token's claims.",
       "A claim name or a JSONPath such as $.app.role or $[\"https://example.com/claims\"].role; a "
       "token without it runs as pg_gateway.anonymous_role.",
       PGC_SIGHUP},
      &jwt_role_claim, "role", pg::settings::check_string<validate_jwt_role_claim>);
  pg::settings::define_int({"pg_gateway.jwt_cache_size", "Verified tokens kept per HTTP worker.",
                            "0 verifies every token's signature on every request.", PGC_SIGHUP},
                           &jwt_cache_size, 1000, 0, 1000000);
}

// The token cookie, tokens issued by login mutations, logout and CSRF.
void define_session_settings() {
  pg::settings::define_string(
      {"pg_gateway.jwt_cookie", "Cookie that may carry the token.",
       "Empty: tokens come from the Authorization header only (which wins when both are sent).",
       PGC_SIGHUP},
      &jwt_cookie, "", pg::settings::check_string<validate_cookie_name>);
  pg::settings::define_string(
      {"pg_gateway.jwt_type", "Composite type whose values are issued as signed tokens.",
       "Like PostGraphile's pgJwtTypes: \"schema.type\". A function returning it (a login "
       "mutation) answers with a JWT signed with the HMAC secret of pg_gateway.jwt_secret, and "
       "sets pg_gateway.jwt_cookie when that is set.",
       PGC_SIGHUP},
      &jwt_type, "");
  pg::settings::define_bool(
      {"pg_gateway.jwt_issue_iat", "Put an \"iat\" (issued at) claim in the tokens issued.",
       "Off is PostGraphile's pgJwtSignOptions.noTimestamp: tokens without \"iat\".", PGC_SIGHUP},
      &jwt_issue_iat, true);
  pg::settings::define_bool(
      {"pg_gateway.jwt_cookie_secure", "Mark the token cookie Secure (sent over HTTPS only).",
       "Turn off only for plain-HTTP development.", PGC_SIGHUP},
      &jwt_cookie_secure, true);
  static const struct config_enum_entry samesite_options[] = {
      {"strict", 0, false}, {"lax", 1, false}, {"none", 2, false}, {nullptr, 0, false}};
  pg::settings::define_enum(
      {"pg_gateway.jwt_cookie_samesite", "SameSite attribute of the token cookie.",
       "none also needs jwt_cookie_secure.", PGC_SIGHUP},
      &jwt_cookie_samesite, 1, samesite_options);
  pg::settings::define_string(
      {"pg_gateway.logout_path", "Path that clears the token cookie (POST).",
       "Only served while pg_gateway.jwt_cookie is set.", PGC_SIGHUP},
      &logout_path, "/logout");
  pg::settings::define_string(
      {"pg_gateway.csrf_header", "Header that marks a cookie-authenticated request as not forged.",
       "A cookie-authenticated mutation must come from an allowed Origin (the server's own, or "
       "pg_gateway.cors_allowed_origins), say Sec-Fetch-Site: same-origin, or carry this header "
       "(browsers cannot send it cross-site without CORS). Empty: no header is accepted.",
       PGC_SIGHUP},
      &csrf_header, "");
}

}  // namespace

void define_settings() {
  define_role_settings();
  define_token_settings();
  define_session_settings();
}

}  // namespace pg_gateway::auth_pg::settings
