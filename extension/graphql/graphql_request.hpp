// One GraphQL request, from the HTTP request to the response, in steps:
//
//   read      the transport (core/graphql/http_transport): body or query
//             string, the response format, what GET may run
//   identify  the token, refused here before any transaction
//   limit     pg_gateway.rate_limit, before any transaction too
//   cached    HTTP caching without a transaction (response_caching.hpp):
//             304 for an If-None-Match this worker can revalidate from
//             shared memory alone, or a shared response cache hit
//   prepare   ONE read-only transaction: the request's role, its schema
//             (rebuilt after DDL, see schema_cache.hpp), a trusted document,
//             the prepared operation (core), and for a query its statement
//             through the plan cache
//   run       a mutation's fields, each in a transaction of its own; or,
//             when a query with several SQL-backed root fields failed, each
//             field again in a subtransaction so the others keep their data
//             (PostGraphile runs each root field separately)
//   answer    the GraphQL response, written after every transaction ended,
//             with its cache headers (Cache-Control from the operation's
//             @pgCacheControl policy, ETag, Surrogate-Key); 304 instead
//             when the query's If-None-Match is current (checked before
//             its SQL runs)
//
// The object lives for one request only: nothing here outlives it, and
// the worker-long caches stay on GraphqlRoutes.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <optional>
#include <string>
#include <vector>

#include "core/auth/jwt_issue.hpp"
#include "core/graphql/http_transport.hpp"
#include "core/http/rate_limit.hpp"
#include "extension/graphql/graphql_routes.hpp"
#include "extension/graphql/response_caching.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/transaction.hpp"

namespace pg_gateway::graphql_pg {

class GraphqlRequest {
 public:
  GraphqlRequest(GraphqlRoutes& routes, http::Request& request)
      : routes_(routes), request_(request) {}

  http::Response answer();

 private:
  using Stop = std::optional<http::Response>;  // a response ends the request there

  http::Response run_steps();
  Stop read();
  Stop identify();
  void annotate_document();
  void annotate_identity();
  Stop limit();
  void configure();
  Stop answer_without_transaction();
  Stop answer_from_shared_cache(const std::string* if_none_match);
  void decide_caching();
  bool not_modified_in_transaction();
  void ensure_key();
  std::vector<std::pair<std::string, std::string>> cache_headers(bool cacheable,
                                                                 bool with_etag) const;
  void store_in_shared_cache(const http::Response& r);
  Stop prepare();
  void prepare_in_transaction();
  Stop refuse_forged_mutation();
  void run_mutation();
  void run_fields_separately();
  http::Response answer_mutation();
  http::Response answer_query();
  http::Response graphql_response(bool request_error, std::string body) const;
  void log_masked_errors() const;
  std::string issue_token(const json::Value& row);

  GraphqlRoutes& routes_;
  http::Request& request_;
  graphql::transport::Incoming in_;
  auth_pg::Identity identity_;
  http::RatePolicy rate_;
  http::RateDecision rate_decision_;
  graphql::exec::RequestOptions options_;
  std::string activity_;
  pg::TransactionOptions tx_;
  // Tokens issued by a pg_gateway.jwt_type function (PostGraphile's
  // pgJwtTypes), signed when the response is written; the last one also
  // goes into the cookie.
  std::optional<auth::IssuedToken> issued_;

  // What prepare() found.
  std::shared_ptr<const graphql::exec::ServedSchema> schema_;
  std::optional<graphql::exec::PreparedRequest> prepared_;
  std::optional<auth_pg::Refusal> refused_;
  std::optional<std::string> untrusted_;  // why a trusted-documents request may not run
  bool role_known_ = false;
  Oid role_ = InvalidOid;
  bool running_statement_ = false;

  // HTTP caching (response_caching.hpp).
  caching::Digest key_{};
  bool keyed_ = false;
  caching::VersionsBefore before_;  // read before the transaction's snapshot
  int64_t max_age_ = 0;             // > 0: the query's response may be cached that long
  bool private_ = true;             // Cache-Control: private (else public)
  caching::Reads reads_;
  std::optional<caching::Validator> validator_;
  std::string surrogate_keys_;
  bool not_modified_ = false;  // the If-None-Match was current: 304, no SQL ran

  // What ran: a column per root field (or mutation payload column).
  std::vector<graphql::exec::FieldResult> results_;
  std::optional<pg::PgError> statement_error_;
  std::vector<std::optional<graphql::exec::SqlError>> step_errors_;
};

}  // namespace pg_gateway::graphql_pg
