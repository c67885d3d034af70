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
#include "extension/graphql/response_caching.hpp"
#include "extension/graphql/plan_cache.hpp"
#include "extension/graphql/schema_cache.hpp"
#include "extension/workers/worker_status.hpp"

namespace pg_gateway::graphql_pg {

// HTTP caching (response_caching.hpp): requests answered 304 (with or
// without a transaction), and the shared response cache's lookups by this
// worker: hits, misses (evictions included: an entry found stale is
// dropped and counts as both), and responses stored.
struct ResponseCacheStats {
  uint64_t not_modified = 0;
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t stores = 0;
};

struct GraphqlStats {
  uint64_t schema_builds = 0;
  PlanCacheStats plans;
  ResponseCacheStats cache;
};

class GraphqlRoutes : public http::DynamicRoutes {
 public:
  // The path is read from pg_gateway.graphql_path at each request, so a
  // reload moves it.
  explicit GraphqlRoutes(const WorkerStatus& status) : status_(status) {}

  std::optional<http::MethodSet> methods_for(const http::Request& request) override;
  http::Response invoke(http::Request& request) override;

  GraphqlStats stats() const { return {schemas_.builds(), plans_.stats(), cache_stats_}; }

 private:
  friend class GraphqlRequest;
  bool is_graphql(const http::Request& request) const;
  Oid request_role();

  const WorkerStatus& status_;
  SchemaCache schemas_;
  PlanCache plans_;
  auth_pg::RequestAuthenticator auth_;
  caching::RevalidationMemo memo_;
  ResponseCacheStats cache_stats_;
  bool warned_no_role_ = false;
};

}  // namespace pg_gateway::graphql_pg
