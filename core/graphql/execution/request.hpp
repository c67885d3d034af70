// One GraphQL request, from its text to its response body, in two steps so
// that the PG zone runs exactly one SQL statement in between:
//
//   prepare()  parse, validate, pick the operation, coerce variables, and
//              compile every field that needs data into ONE SQL statement
//              (all user values are $n parameters); fields that need no
//              data (__typename, introspection, Query.id, node ids that do
//              not decode) are resolved here. A mutation compiles instead
//              into one MutationStep per root field.
//   respond()  given the statement's single row (one JSON text per column),
//              or per-field results when it raised an error, writes the
//              response body.
//
// Everything here is core code: no PostgreSQL calls, testable without a
// database, and safe to throw from (the caller is an entry guard).
#pragma once
#include "core/core_zone.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog/catalog.hpp"
#include "core/graphql/ast.hpp"
#include "core/graphql/cache/cache_policy.hpp"
#include "core/graphql/cache/read_set.hpp"
#include "core/graphql/error.hpp"
#include "core/graphql/execution/limits.hpp"
#include "core/graphql/schema_builder.hpp"
#include "core/json/json_value.hpp"

namespace pg_gateway::graphql::exec {

// The catalog snapshot and the schema built from it, kept together (the
// plan points into the catalog). Immutable once built; shared by requests.
class IntrospectionIndex;  // introspection.hpp

class ServedSchema {
 public:
  ServedSchema();
  ~ServedSchema();
  // Throws catalog::ReflectionError on a malformed reflection document.
  static std::shared_ptr<const ServedSchema> from_reflection_json(
      std::string_view json_text, const build::BuildOptions& options = {});
  static std::shared_ptr<const ServedSchema> from_catalog(catalog::Catalog catalog,
                                                          const build::BuildOptions& options = {});

  const catalog::Catalog& catalog() const { return *catalog_; }
  const build::BuiltSchema& built() const { return built_; }
  const schema::Schema& schema() const { return built_.schema; }
  const IntrospectionIndex& introspection() const { return *introspection_; }

 private:
  std::unique_ptr<catalog::Catalog> catalog_;
  build::BuiltSchema built_;
  std::unique_ptr<IntrospectionIndex> introspection_;
};

struct RequestOptions {
  size_t max_document_bytes = 1024 * 1024;
  bool mask_errors = false;  // pg_gateway.mask_errors: hide PostgreSQL's message
  // Signs a value of the JWT type (its attributes as a JSON object) and
  // returns the token; throws std::runtime_error with a message for the
  // client when it cannot. Unset: such values are a field error.
  std::function<std::string(const json::Value& row)> issue_jwt;
  OperationLimits limits;  // depth, aliases, root fields, cost, page sizes
  // pg_gateway.introspection as it applies to this request: false refuses
  // an operation that asks for __schema or __type (__typename stays).
  bool allow_introspection = true;
  // pg_gateway.cache_default_max_age: the maxAge of root fields and of
  // fields returning object types that no @pgCacheControl hint covers.
  int64_t cache_default_max_age = 0;
};

// A SQL statement with its parameters, all sent as text with a type.
struct SqlStatement {
  std::string sql;
  std::vector<std::optional<std::string>> params;  // nullopt = SQL NULL
  std::vector<catalog::Oid> param_types;           // 0 = let PostgreSQL infer
};

// A PostgreSQL error as the PG zone caught it.
struct SqlError {
  std::string sqlstate;  // "42501"
  std::string message;
  std::string detail;
  std::string hint;
};

// The hash and id of a masked error (pg_gateway.mask_errors): the client
// sees "An error occurred (logged with hash: '<hash>', id: '<id>')" and the
// server log carries the real error under the same two values. Both are
// base64url pieces of a SHA-256 of the error's text: the first 27
// characters, and the next 10.
struct MaskKey {
  std::string hash;
  std::string id;
};
MaskKey mask_key(std::string_view text);
// The key of a database error (its SQLSTATE, message and detail).
MaskKey mask_key(const SqlError& error);

class ResponsePlan;  // defined in response_plan.hpp

// What running one SQL-backed root field produced: its JSON text (nullopt
// for SQL NULL) or the error PostgreSQL raised.
struct FieldResult {
  std::optional<std::string> json;
  std::optional<SqlError> error;
};

// One root field of a mutation, run in its own transaction, in document
// order: the action (one row, one column: what it wrote), then, when the
// payload needs data, the payload statement with the action's value as its
// first parameter. Its json columns are results[first_column ...
// first_column + columns) for respond().
struct MutationStep {
  SqlStatement action;
  std::optional<SqlStatement> payload;  // payload->params[0] is set from the action's value
  size_t first_column = 0;
  size_t columns = 0;
  // Non-empty: a NULL action value fails the field with this message (and
  // the transaction rolls back).
  std::string missing_row_error;
};

class PreparedRequest {
 public:
  PreparedRequest();
  ~PreparedRequest();
  PreparedRequest(PreparedRequest&&) noexcept;
  PreparedRequest& operator=(PreparedRequest&&) noexcept;

  // Parse, validation or variable errors: the response is {"errors": [...]}
  // with no data, HTTP 400 (graphql-response+json) or 200 (application/json).
  bool is_request_error() const { return !request_errors_.empty(); }
  const std::vector<Error>& request_errors() const { return request_errors_; }

  // The selected operation's type (valid unless is_request_error()).
  OperationType operation_type() const { return operation_type_; }
  // The selected operation's name ("" for an anonymous one), which the
  // audit trail and the request log record.
  const std::string& operation_name() const { return operation_name_; }

  // The statement to run, or nullptr when no field needs data. It returns
  // one row with one json column per SQL-backed root field, in order.
  const SqlStatement* statement() const { return statement_ ? &*statement_ : nullptr; }

  // The same fields one statement each (same order as statement()'s
  // columns). PostGraphile isolates root fields: one failing field leaves
  // the others' data intact. When statement() raises an error, the caller
  // rolls back to before it and runs these one by one, each in its own
  // subtransaction, to find which field failed.
  const std::vector<SqlStatement>& field_statements() const { return field_statements_; }

  // Mutations: no statement(); these steps instead, one transaction each.
  const std::vector<MutationStep>& mutation_steps() const { return mutation_steps_; }

  // Queries: the cache policy of the fields selected (cache_policy.hpp;
  // max_age nullopt for request errors, mutations and subscriptions) and
  // the relations statement() reads (empty when it is nullptr).
  const cache::CachePolicy& cache_policy() const { return cache_policy_; }
  const cache::ReadSet& reads() const { return reads_; }

  // The response body (JSON). `results` holds one entry per column of
  // statement() (empty when statement() is nullptr), or for mutations one
  // per payload column of every step; `step_errors` one per mutation step
  // (the field is null with that error).
  std::string respond(const std::vector<FieldResult>& results, const RequestOptions& options,
                      const std::vector<std::optional<SqlError>>& step_errors = {}) const;

 private:
  friend PreparedRequest prepare(const ServedSchema&, std::string_view, const json::Value*,
                                 std::optional<std::string_view>, const RequestOptions&);
  std::vector<Error> request_errors_;
  OperationType operation_type_ = OperationType::kQuery;
  std::string operation_name_;
  std::optional<SqlStatement> statement_;
  std::vector<SqlStatement> field_statements_;
  std::vector<MutationStep> mutation_steps_;
  cache::CachePolicy cache_policy_;
  cache::ReadSet reads_;
  std::unique_ptr<ResponsePlan> plan_;
};

// `variables`: the request's "variables" (nullptr or JSON null when absent;
// any other non-object is a request error). Never throws for bad input;
// may throw std::bad_alloc.
PreparedRequest prepare(const ServedSchema& schema, std::string_view query,
                        const json::Value* variables,
                        std::optional<std::string_view> operation_name,
                        const RequestOptions& options);

}  // namespace pg_gateway::graphql::exec
