#include "extension/auth/request_auth.hpp"

extern "C" {
#include "utils/acl.h"
}

#include <ctime>
#include <fstream>
#include <sstream>

#include "core/auth/claim_path.hpp"
#include "core/http/http_error.hpp"
#include "core/json/json_value.hpp"
#include "extension/auth/settings.hpp"
#include "extension/metrics/recorder.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/spi.hpp"
#include "extension/pg/catalog.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::auth_pg {

namespace {

// PostGraphile copies claims whose names are plain identifiers (lazy-jwt:
// /^[a-z_][a-z0-9_]*$/, at most 52 characters) into jwt.claims.<name>;
// other names would not be valid setting names.
bool plain_claim_name(const std::string& name) {
  if (name.empty() || name.size() > 52) return false;
  if (!(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return true;
}

Refusal unauthorized(const std::string& message) {
  Refusal r;
  r.status = 401;
  r.message = message;
  r.www_authenticate = auth::www_authenticate("invalid_token", message);
  return r;
}

Refusal forbidden(const std::string& message) {
  Refusal r;
  r.status = 403;
  r.message = message;
  return r;
}

}  // namespace

std::optional<std::string> RequestAuthenticator::signing_secret() {
  load_keys();
  return keys_.hmac_secret();
}

void RequestAuthenticator::load_keys() {
  std::string text = pg::settings::text(settings::jwt_secret);
  if (keys_loaded_ && text == key_text_) return;
  key_text_ = text;
  keys_loaded_ = true;
  key_error_.clear();
  cache_.clear();  // tokens verified with the old keys must be verified again
  std::string document = text;
  if (!text.empty() && text[0] == '@') {
    // @/path: the key document is in that file (readable by the server).
    std::ifstream file(text.substr(1), std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    if (!file) {
      key_error_ = "pg_gateway.jwt_secret names a file that cannot be read: " + text.substr(1);
      keys_ = auth::KeySet();
      pg::warning("pg_gateway: " + key_error_);
      return;
    }
    document = content.str();
  }
  try {
    keys_ = auth::KeySet::parse(document);
  } catch (const auth::KeyError& e) {
    keys_ = auth::KeySet();
    key_error_ = std::string("pg_gateway.jwt_secret cannot be used: ") + e.what();
    pg::warning("pg_gateway: " + key_error_,
                "Set it to an HMAC secret of at least 32 bytes, a JWK or JWKS document, a PEM "
                "public key, or @/path/to/a/file holding one.");
  }
}

auth::VerifyOptions RequestAuthenticator::options() const {
  auth::VerifyOptions o;
  o.now = int64_t(time(nullptr));
  o.leeway = auth_pg::settings::jwt_leeway_s;
  o.audiences = pg::settings::list_items(pg::settings::text(settings::jwt_audience));
  o.issuer = pg::settings::text(settings::jwt_issuer);
  try {
    o.algorithms = auth::parse_algorithm_list(pg::settings::text(settings::jwt_algorithms));
  } catch (const std::invalid_argument&) {
    // Checked when set (extension/auth/settings.cpp); an unusable list allows nothing.
    o.algorithms = {};
    o.max_token_bytes = 0;
  }
  return o;
}

std::optional<Refusal> RequestAuthenticator::identify(const http::Request& request,
                                                      Identity* identity) {
  *identity = Identity();
  auth::RequestToken found =
      auth::find_token(request.header("authorization"), request.header("cookie"),
                       pg::settings::text(settings::jwt_cookie));
  if (found.source == auth::TokenSource::kNone) return std::nullopt;
  load_keys();
  if (!key_error_.empty()) throw http::HttpError(500, "PGGW500", key_error_);
  if (keys_.empty())
    return unauthorized("this server does not accept tokens (pg_gateway.jwt_secret is not set)");
  cache_.set_capacity(size_t(auth_pg::settings::jwt_cache_size));
  auth::VerifyOptions o = options();
  const auth::VerifiedJwt* verified = cache_.find(found.token);
  auth::JwtResult fresh;
  if (!verified) {
    fresh = auth::verify_signature(found.token, keys_, o);
    metrics_pg::count_jwt_verification();
    if (!fresh.ok()) {
      metrics_pg::count_jwt_failure(fresh.failure);
      return unauthorized(fresh.message);
    }
    verified = &*fresh.token;
  }
  std::string message;
  if (auth::JwtFailure f = auth::check_claims(*verified, o, &message);
      f != auth::JwtFailure::kNone) {
    metrics_pg::count_jwt_failure(f);
    cache_.erase(found.token);
    return unauthorized(message);
  }
  identity->source = found.source;
  identity->claims_json = verified->claims_json;
  if (const json::Value* sub = verified->claims.find("sub");
      sub && (sub->is_string() || sub->is_number()))
    identity->subject = sub->text();
  std::string path_text = pg::settings::text(settings::jwt_role_claim);
  if (path_text.empty()) path_text = "role";
  try {
    const json::Value* role = auth::ClaimPath::parse(path_text).find(verified->claims);
    if (role && !role->is_null()) {
      if (!role->is_string() || role->text().empty())
        return unauthorized("the token's role claim (" + path_text + ") is not a role name");
      identity->role = role->text();
    }
  } catch (const std::invalid_argument& e) {
    throw http::HttpError(500, "PGGW500", std::string("pg_gateway.jwt_role_claim: ") + e.what());
  }
  for (const json::Value::Member& m : verified->claims.members()) {
    if (!plain_claim_name(m.first)) continue;
    identity->claim_settings.emplace_back("jwt.claims." + m.first,
                                          m.second.is_string() ? m.second.text() : m.second.dump());
  }
  if (fresh.token) cache_.insert(found.token, std::move(*fresh.token));
  return std::nullopt;
}

std::optional<Refusal> RequestAuthenticator::resolve_role(const Identity& identity, Oid anonymous,
                                                          Oid* role) {
  *role = anonymous;
  if (identity.role.empty()) return std::nullopt;
  const std::string& name = identity.role;
  Oid target = pg::role_oid(name.c_str());
  auto refuse = [&name](const std::string& why) {
    pg::log("pg_gateway: refused a token for role \"" + name + "\": " + why);
    return forbidden("the token's role \"" + name + "\" may not be used: " + why);
  };
  if (!OidIsValid(target)) return refuse("no such role");
  if (target == anonymous) {
    *role = target;
    return std::nullopt;
  }
  if (pg::is_superuser(target)) return refuse("it is a superuser");
  if (pg::call([target] { return has_bypassrls_privilege(target); }))
    return refuse("it bypasses row level security");
  std::string authenticator = pg::settings::text(settings::authenticator_role);
  if (authenticator.empty())
    return refuse(
        "pg_gateway.authenticator_role is not set, so tokens can only use "
        "pg_gateway.anonymous_role");
  Oid auth_oid = pg::role_oid(authenticator.c_str());
  if (!OidIsValid(auth_oid) ||
      !pg::call([auth_oid, target] { return is_member_of_role(auth_oid, target); }))
    return refuse("pg_gateway.authenticator_role (\"" + authenticator +
                  "\") is not a member of it");
  *role = target;
  return std::nullopt;
}

void RequestAuthenticator::apply_settings(const Identity& identity, const http::Request& request,
                                          bool run_pre_request) {
  pg::settings::set_local("request.method", request.method_text);
  pg::settings::set_local("request.path", request.path);
  // Not PostgREST's: the response's X-Request-Id and the client's address,
  // which the audit trigger records (extension/audit/audit_trigger.cpp).
  pg::settings::set_local("request.id", request.id);
  pg::settings::set_local("request.client_addr", request.remote_addr);
  if (!request.annotations.operation_name.empty())
    pg::settings::set_local("request.graphql_operation", request.annotations.operation_name);
  json::Value headers = json::Value::object();
  for (const http::Header& h : request.headers)
    headers.members().emplace_back(http::to_lower(h.name), json::Value::string(h.value));
  pg::settings::set_local("request.headers", headers.dump());
  json::Value cookies = json::Value::object();
  for (auto& [name, value] : auth::parse_cookies(request.header("cookie")))
    cookies.members().emplace_back(std::move(name), json::Value::string(std::move(value)));
  pg::settings::set_local("request.cookies", cookies.dump());
  // As PostgREST: the verified claims, or for an anonymous request just
  // {"role": <anonymous role>}, so that policies reading it as JSON work
  // for both.
  if (identity.authenticated()) {
    pg::settings::set_local("request.jwt.claims", identity.claims_json);
  } else {
    json::Value anon = json::Value::object();
    anon.members().emplace_back("role",
                                json::Value::string(pg::settings::text(settings::anonymous_role)));
    pg::settings::set_local("request.jwt.claims", anon.dump());
  }
  for (const auto& [name, value] : identity.claim_settings) pg::settings::set_local(name, value);

  if (!run_pre_request) return;
  std::string pre = pg::settings::text(settings::pre_request);
  if (pre.empty()) return;
  // The function's name as PostgreSQL prints it (quoted, qualified when
  // needed), so that it goes into the statement as an identifier.
  std::vector<pg::TextRow> fn = pg::query_text("SELECT to_regproc($1::text)::text", {pre});
  if (fn.empty() || !fn[0][0])
    pg::call([&pre] {
      ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                      errmsg("pg_gateway.pre_request names no function: %s", pre.c_str()),
                      errhint("Name a function without arguments, schema-qualified.")));
    });
  std::string call = "SELECT " + *fn[0][0] + "()";
  (void)pg::query_text(call.c_str(), {});
}

}  // namespace pg_gateway::auth_pg
