// GraphQL over HTTP: how an HTTP request becomes GraphQL request parameters
// and how a GraphQL response becomes an HTTP response, following the
// GraphQL-over-HTTP draft (after its 2025 "watershed") the way PostGraphile
// v5's grafserv applies it, with its messages.
//
//   read_request()   Accept negotiation (406), the POST media type (415),
//                    the body or the query string (400 "Parsing failed",
//                    "query must be a string", ...). Nothing here needs the
//                    schema or the database.
//   allowed_over_get / get_requires_query()
//                    a GET may only run a query: anything else is 405.
//   graphql_response()
//                    the status for a GraphQL response body: a request
//                    error (syntax, validation, variables) is 400 with
//                    application/graphql-response+json and 200 with the
//                    legacy application/json; everything else is 200.
//
// Pure core code: it never touches PostgreSQL and may throw only
// std::bad_alloc.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/graphql/ast.hpp"
#include "core/http/message.hpp"
#include "core/json/json_value.hpp"

namespace pg_gateway::graphql::transport {

// The media type of a GraphQL response.
enum class ResponseFormat : uint8_t {
  kGraphQLResponseJson,  // application/graphql-response+json: status codes carry meaning
  kJson,                 // application/json, for legacy clients: request errors are 200
};

// "application/graphql-response+json; charset=utf-8" or "application/json; charset=utf-8".
std::string_view content_type(ResponseFormat format);

// Content negotiation on the Accept header (RFC 9110 section 12.5.1): the
// most specific media range that matches each format gives its weight, the
// heavier format wins, q=0 excludes. A range naming a charset other than
// UTF-8 does not match. Ties: an explicit media type beats a wildcard; two
// explicit ones give application/graphql-response+json (the spec's
// preference); two wildcards (e.g. "*/*") give application/json, because a
// client that names neither cannot be assumed to understand the status
// codes of the newer format. No Accept header at all means
// application/graphql-response+json, as the spec says after the watershed
// and PostGraphile does. nullopt: nothing acceptable (406).
std::optional<ResponseFormat> negotiate(const std::string* accept);

// The GraphQL request parameters (spec section "Request Parameters").
struct Params {
  std::string query;  // empty when the request names a trusted document instead
  // A trusted document's SHA-256 (64 lower-case hex digits), from
  // "documentId": "sha256:<hex>" or Apollo's
  // extensions.persistedQuery.sha256Hash, when no query was sent.
  std::optional<std::string> document_id;
  std::optional<std::string> operation_name;
  json::Value variables;   // JSON null when absent, else an object
  json::Value extensions;  // JSON null when absent, else an object
};

// "sha256:<64 hex>" or "<64 hex>" as 64 lower-case hex digits, else nullopt.
std::optional<std::string> parse_document_id(std::string_view id);

// A request read from HTTP: either the parameters to run, or the response
// that ends it here (rejection).
struct Incoming {
  ResponseFormat format = ResponseFormat::kGraphQLResponseJson;
  bool over_get = false;  // GET or HEAD: only queries may run
  Params params;
  std::optional<http::Response> rejection;
};

// Reads a GET/HEAD (query string) or POST (application/json or
// application/graphql body) request. Other methods never reach it (the
// route allows GET and POST only).
Incoming read_request(const http::Request& request);

// The type of the operation that `query` and `operation_name` select, as
// GetOperation (spec 6.1) picks it, or nullopt when the document does not
// parse or selects none (execution then reports why). The spec forbids
// mutations over GET whatever else is wrong with the request, so a GET is
// checked with this before validation: 405, not a validation error, for
// "mutation { ... }" against a schema without mutations.
std::optional<OperationType> requested_operation(std::string_view query,
                                                 const std::optional<std::string>& operation_name);

// True when the operation may run for this request (GET: queries only).
bool allowed_over_get(const Incoming& incoming, OperationType operation);

// 405 with Allow: POST, for a mutation or subscription sent with GET.
http::Response get_requires_query(ResponseFormat format);

// Wraps a GraphQL response body (the output of PreparedRequest::respond).
http::Response graphql_response(ResponseFormat format, bool request_error, std::string body);

// An error outside GraphQL execution (bad HTTP input, the database being
// unavailable, an internal failure): {"errors":[{"message":...,
// "extensions":{"statusCode":status}}]} as application/json, which is what
// grafserv sends for its HTTP errors.
http::Response http_error(int status, std::string_view message);

}  // namespace pg_gateway::graphql::transport
