// The GraphQL endpoint: POST and GET at pg_gateway.graphql_path (default
// /graphql), in front of the SQL routes.
//
// One request: the transport (core/graphql/http_transport) reads the HTTP
// request and picks the response format; then ONE read-only transaction
// checks the schema cache (rebuilding after DDL, see schema_cache.hpp),
// prepares the operation (core) and runs its statement through the plan
// cache; the response is written after the transaction has ended. When the
// statement fails and the operation has several SQL-backed root fields, a
// second transaction runs each field's own statement in a subtransaction,
// so that one failing field leaves the others' data (PostGraphile runs each
// root field separately).
#pragma once

#include "extension/pg/pg_api.hpp"

#include <optional>

#include "core/http/application.hpp"
#include "extension/graphql/plan_cache.hpp"
#include "core/auth/jwt_issue.hpp"
#include "core/http/rate_limit.hpp"
#include "extension/auth/request_auth.hpp"
#include "extension/graphql/schema_cache.hpp"
#include "extension/workers/worker_status.hpp"

namespace pg_gateway::graphql_pg {

struct GraphqlStats {
  uint64_t schema_builds = 0;
  PlanCacheStats plans;
};

class GraphqlRoutes : public http::DynamicRoutes {
 public:
  // Requests for other paths go to `fallback` (the SQL routes). The path is
  // read from pg_gateway.graphql_path at each request, so a reload moves it.
  GraphqlRoutes(const WorkerStatus& status, http::DynamicRoutes* fallback)
      : status_(status), fallback_(fallback) {}

  std::optional<http::MethodSet> methods_for(const http::Request& request) override;
  http::Response invoke(http::Request& request) override;

  GraphqlStats stats() const { return {schemas_.builds(), plans_.stats()}; }

 private:
  bool is_graphql(const http::Request& request) const;
  bool is_logout(const http::Request& request) const;
  static http::Response logout();
  static http::Response with_token_cookie(http::Response r,
                                          const std::optional<auth::IssuedToken>& issued);
  Oid request_role();
  static http::Response refusal_response(const auth_pg::Refusal& refused);
  static http::Response with_auth_headers(http::Response r, const auth_pg::Identity& identity);
  http::Response serve(http::Request& request);
  void run_mutation(const graphql::exec::PreparedRequest& prepared,
                    const auth_pg::Identity& identity, const http::Request& request,
                    std::vector<graphql::exec::FieldResult>& results,
                    std::vector<std::optional<graphql::exec::SqlError>>& step_errors);

  const WorkerStatus& status_;
  http::DynamicRoutes* fallback_;
  SchemaCache schemas_;
  PlanCache plans_;
  bool warned_no_role_ = false;
  // pg_gateway.rate_limit as applied to the request being answered.
  http::RatePolicy rate_;
  http::RateDecision rate_decision_;
  auth_pg::RequestAuthenticator auth_;
};

}  // namespace pg_gateway::graphql_pg
