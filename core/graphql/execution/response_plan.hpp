// The shape of a response decided at prepare() time: which members are
// known already (literal JSON: __typename, introspection, Query.id, nulls
// with their errors) and which come from a column of the SQL statement.
// respond() walks it once and writes the body.
#pragma once
#include "core/core_zone.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/graphql/error.hpp"

namespace pg_gateway::graphql::exec {

struct ResponseNode {
  enum class Kind { kLiteral, kColumn, kObject };
  Kind kind = Kind::kLiteral;
  std::string literal = "null";  // kLiteral: JSON text
  size_t column = 0;             // kColumn: index into the statement's columns
  bool jwt = false;              // kColumn: a JWT type's row, written as the signed token
  // kObject: member keys and values (two vectors: a vector of an
  // incomplete type is fine, a pair of one is not).
  std::vector<std::string> keys;
  std::vector<ResponseNode> members;
  void add(std::string key, ResponseNode value) {
    keys.push_back(std::move(key));
    members.push_back(std::move(value));
  }
  std::optional<Error> error;   // kLiteral null because of this field error
  bool internal_error = false;  // masked like a database error when masking is on
  // A mutation field's payload (kObject): the MutationStep whose error, if
  // it failed, nulls it.
  int step = -1;
  // kColumn, and mutation fields: where a database error is reported.
  std::vector<PathSegment> path;
  std::vector<SourceLocation> locations;
};

class ResponsePlan {
 public:
  ResponseNode data;                  // kObject for Query
  bool data_is_null = false;          // an error nulled the root ("data": null)
  std::vector<Error> leading_errors;  // errors not tied to a SQL column, in field order
};

}  // namespace pg_gateway::graphql::exec
