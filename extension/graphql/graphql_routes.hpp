// The GraphQL endpoint: POST and GET at pg_gateway.graphql_path (default
// /graphql), first of the worker's dynamic routes.
//
// GraphqlRoutes is what lives as long as the worker: the schema cache, the
// plan cache and the token verifier. Each request is a GraphqlRequest
// (graphql_request.hpp), which holds everything about that one request and
// walks it through named steps.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <optional>

#include "core/http/application.hpp"
#include "extension/auth/request_auth.hpp"
#include "extension/graphql/plan_cache.hpp"
#include "extension/graphql/schema_cache.hpp"
#include "extension/workers/worker_status.hpp"

namespace pg_gateway::graphql_pg {

struct GraphqlStats {
  uint64_t schema_builds = 0;
  PlanCacheStats plans;
};

class GraphqlRoutes : public http::DynamicRoutes {
 public:
  // The path is read from pg_gateway.graphql_path at each request, so a
  // reload moves it.
  explicit GraphqlRoutes(const WorkerStatus& status) : status_(status) {}

  std::optional<http::MethodSet> methods_for(const http::Request& request) override;
  http::Response invoke(http::Request& request) override;

  GraphqlStats stats() const { return {schemas_.builds(), plans_.stats()}; }

 private:
  friend class GraphqlRequest;
  bool is_graphql(const http::Request& request) const;
  Oid request_role();

  const WorkerStatus& status_;
  SchemaCache schemas_;
  PlanCache plans_;
  auth_pg::RequestAuthenticator auth_;
  bool warned_no_role_ = false;
};

}  // namespace pg_gateway::graphql_pg
