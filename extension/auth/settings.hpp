// pg_gateway.* parameters of who a request runs as: roles, JSON Web Tokens, the token cookie and
// CSRF protection
// (defined in settings.cpp, which also says what each one means). Values
// change on SIGHUP / pg_reload_conf() unless the parameter says restart.
#pragma once

namespace pg_gateway::auth_pg::settings {

extern char* anonymous_role;      // "" : the worker's own user (development only)
extern char* authenticator_role;  // whose privileges shape the schema; "" : anonymous_role
extern char* jwt_secret;          // superuser-only: secret, JWK/JWKS, PEM, or @file
extern char* jwt_algorithms;
extern char* jwt_audience;
extern char* jwt_issuer;
extern int jwt_leeway_s;
extern char* jwt_role_claim;
extern char* jwt_cookie;
extern int jwt_cache_size;
extern char* pre_request;        // function run before each operation (PostgREST's db-pre-request)
extern char* jwt_type;           // PostGraphile's pgJwtTypes: tokens issued from this type
extern bool jwt_cookie_secure;   // Secure attribute of the token cookie
extern bool jwt_issue_iat;       // issued tokens carry "iat" (PostGraphile's noTimestamp: off)
extern int jwt_cookie_samesite;  // 0 Strict, 1 Lax, 2 None
extern char* logout_path;        // POST here clears the token cookie
extern char* csrf_header;        // a header that proves a cookie request same-origin

// Defines these parameters; called once from _PG_init.
void define_settings();

}  // namespace pg_gateway::auth_pg::settings
