// Who an HTTP request runs as (GraphQL today): the JWT it carries is
// verified in the worker (core/auth), the role it names is checked against
// what pg_gateway.authenticator_role may become, and its claims and the
// request itself are handed to SQL as PostgREST's settings
// (request.jwt.claims, request.method, request.path, request.headers,
// request.cookies, and pg_gateway's request.id and request.client_addr)
// and PostGraphile's (jwt.claims.<claim>).
//
// identify() needs no database: a bad token is refused before any
// transaction starts. resolve_role() and apply_settings() run inside the
// request transaction.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/auth/jwt.hpp"
#include "core/auth/request_token.hpp"
#include "core/auth/token_cache.hpp"
#include "core/http/message.hpp"

namespace pg_gateway::auth_pg {

struct Identity {
  auth::TokenSource source = auth::TokenSource::kNone;  // kNone: anonymous
  std::string role;         // the role claim; empty: pg_gateway.anonymous_role
  std::string claims_json;  // the verified claims ("" when anonymous)
  // The "sub" claim when it is a string or a number ("" otherwise), for
  // the request log.
  std::string subject;
  // jwt.claims.<name> settings, PostGraphile's: every top-level claim whose
  // name is a plain lower-case identifier, its value as text.
  std::vector<std::pair<std::string, std::string>> claim_settings;
  bool authenticated() const { return source != auth::TokenSource::kNone; }
};

// A request that must not run: 401 (no valid token; with WWW-Authenticate)
// or 403 (a valid token naming a role it may not use).
struct Refusal {
  int status = 401;
  std::string message;
  std::string www_authenticate;  // for 401
};

class RequestAuthenticator {
 public:
  // The request's identity, or why it is refused. Throws
  // http::HttpError(500) when pg_gateway.jwt_secret cannot be used.
  std::optional<Refusal> identify(const http::Request& request, Identity* identity);

  // Inside the request transaction: the role to run as. `anonymous` is
  // pg_gateway.anonymous_role's OID (already checked by the caller).
  // Refuses (403, logged) a superuser, a BYPASSRLS role, a role that does
  // not exist or one that pg_gateway.authenticator_role is not a member of.
  std::optional<Refusal> resolve_role(const Identity& identity, Oid anonymous, Oid* role);

  // After pg::enter_role(): the request's settings, transaction-local and
  // undone by leave_role(); then, when `run_pre_request`,
  // pg_gateway.pre_request, if set, as the request's role (its errors
  // propagate as pg::PgError). SQL routes run as their registered role and
  // pass false: pre_request belongs to the roles tokens select.
  void apply_settings(const Identity& identity, const http::Request& request,
                      bool run_pre_request = true);

  // The HMAC secret of pg_gateway.jwt_secret, which issued tokens are
  // signed with (pg_gateway.jwt_type); nullopt when it has none.
  std::optional<std::string> signing_secret();

  const auth::TokenCacheStats& cache_stats() const { return cache_.stats(); }

 private:
  // Re-reads the key setting when its text changed.
  void load_keys();
  auth::VerifyOptions options() const;

  std::string key_text_;  // the setting the keys came from
  bool keys_loaded_ = false;
  auth::KeySet keys_;
  std::string key_error_;  // why the setting cannot be used ("" : it can)
  auth::TokenCache cache_;
};

}  // namespace pg_gateway::auth_pg
