#include "extension/auth/session_routes.hpp"

#include <algorithm>
#include <ctime>

#include "extension/auth/settings.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::auth_pg {

using pg::settings::text;

namespace {

// The token cookie's attributes: HttpOnly always (scripts never see the
// token), Path=/, SameSite and Secure as configured.
std::string cookie_attributes() {
  static const char* const kSameSite[] = {"Strict", "Lax", "None"};
  int samesite = settings::jwt_cookie_samesite;
  if (samesite < 0 || samesite > 2) samesite = 1;
  return std::string("; Path=/; HttpOnly") + (settings::jwt_cookie_secure ? "; Secure" : "") +
         "; SameSite=" + kSameSite[samesite];
}

// Set-Cookie for an issued token, living as long as the token.
std::string token_cookie(const std::string& name, const auth::IssuedToken& t) {
  int64_t max_age = std::max<int64_t>(0, t.expires_at - int64_t(time(nullptr)));
  return name + "=" + t.token + "; Max-Age=" + std::to_string(max_age) + cookie_attributes();
}

bool is_logout(const http::Request& request) {
  return !text(settings::jwt_cookie).empty() && !text(settings::logout_path).empty() &&
         request.path == settings::logout_path;
}

}  // namespace

http::Response with_token_cookie(http::Response r, const std::optional<auth::IssuedToken>& issued) {
  if (!issued) return r;
  r.set_header("Cache-Control", "private, no-store");
  std::string name = text(settings::jwt_cookie);
  if (!name.empty()) r.set_header("Set-Cookie", token_cookie(name, *issued));
  return r;
}

std::optional<http::MethodSet> SessionRoutes::methods_for(const http::Request& request) {
  if (is_logout(request)) return http::MethodSet{http::Method::kPost};
  return std::nullopt;
}

// Logging out of a cookie session: the cookie is replaced by an expired
// one.
http::Response SessionRoutes::invoke(http::Request& request) {
  if (!is_logout(request)) throw http::HttpError(404, "PGGW404", "no route for " + request.path);
  http::Response r(204, "", "");
  r.set_header("Set-Cookie", text(settings::jwt_cookie) + "=; Max-Age=0" + cookie_attributes());
  r.set_header("Cache-Control", "no-store");
  return r;
}

}  // namespace pg_gateway::auth_pg
