#include "extension/pg/pg_api.hpp"

#include "extension/graphql/graphql_routes.hpp"

#include "core/http/http_error.hpp"
#include "extension/auth/settings.hpp"
#include "extension/graphql/graphql_request.hpp"
#include "extension/graphql/settings.hpp"
#include "extension/pg/catalog.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::graphql_pg {

bool GraphqlRoutes::is_graphql(const http::Request& request) const {
  return settings::graphql_path && settings::graphql_path[0] &&
         request.path == settings::graphql_path;
}

std::optional<http::MethodSet> GraphqlRoutes::methods_for(const http::Request& request) {
  if (is_graphql(request)) return http::MethodSet{http::Method::kGet, http::Method::kPost};
  return std::nullopt;
}

http::Response GraphqlRoutes::invoke(http::Request& request) {
  if (!is_graphql(request)) throw http::HttpError(404, "PGGW404", "no route for " + request.path);
  GraphqlRequest one(*this, request);
  return one.answer();
}

// pg_gateway.anonymous_role as a role OID, checked per request because the
// role can be dropped or altered at any time. Statements never run as the
// workers' own (superuser) connection: while the setting is empty, requests
// that need data are refused with 503 and the reason.
Oid GraphqlRoutes::request_role() {
  std::string name = pg::settings::text(auth_pg::settings::anonymous_role);
  if (name.empty()) {
    if (!warned_no_role_)
      pg::warning(
          "pg_gateway: pg_gateway.anonymous_role is not set, so GraphQL requests that read data "
          "are refused",
          "set pg_gateway.anonymous_role to a role with just the privileges the API needs");
    warned_no_role_ = true;
    throw http::HttpError(503, "PGGW503",
                          "pg_gateway.anonymous_role is not set: GraphQL requests need a role to "
                          "run as (never the workers' superuser connection)");
  }
  Oid role = pg::role_oid(name.c_str());
  if (!OidIsValid(role))
    throw http::HttpError(500, "PGGW500",
                          "pg_gateway.anonymous_role names a role that does not exist: " + name);
  if (pg::is_superuser(role))
    throw http::HttpError(500, "PGGW500",
                          "pg_gateway.anonymous_role names a superuser; pg_gateway never runs "
                          "GraphQL requests as one");
  return role;
}

}  // namespace pg_gateway::graphql_pg
