// The token cookie (pg_gateway.jwt_cookie): setting it when a login
// mutation issues a token, and POST pg_gateway.logout_path, which clears
// it. Tokens are not stored server-side, so neither touches the database.
#pragma once

#include <optional>
#include <string>

#include "core/auth/jwt_issue.hpp"
#include "core/http/application.hpp"

namespace pg_gateway::auth_pg {

// A response that issued a token sets it as the cookie, when one is named;
// such a response is never cached.
http::Response with_token_cookie(http::Response r, const std::optional<auth::IssuedToken>& issued);

// POST pg_gateway.logout_path, served while pg_gateway.jwt_cookie is set.
class SessionRoutes : public http::DynamicRoutes {
 public:
  std::optional<http::MethodSet> methods_for(const http::Request& request) override;
  http::Response invoke(http::Request& request) override;
};

}  // namespace pg_gateway::auth_pg
