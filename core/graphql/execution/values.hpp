// Input coercion (GraphQL spec 6.1.2 CoerceVariableValues, 6.4.1
// CoerceArgumentValues, graphql-js valueFromAST / coerceInputValue) with
// graphql-js 16's error messages. Scalars coerce as PostGraphile's do
// (core/graphql/scalars.hpp). Results are in variables.hpp's form.
#pragma once
#include "core/core_zone.hpp"

#include <optional>
#include <vector>

#include "core/graphql/ast.hpp"
#include "core/graphql/error.hpp"
#include "core/graphql/execution/variables.hpp"
#include "core/graphql/type_system.hpp"
#include "core/json/json_value.hpp"

namespace pg_gateway::graphql::exec {

// `inputs` is the request's "variables" object (nullptr when absent).
// Returns the request errors (empty on success); fills `out`.
std::vector<Error> coerce_variable_values(const schema::Schema& schema,
                                          const OperationDefinition& operation,
                                          const json::Value* inputs, VariableValues& out);

// The argument values of one field (its definition and one of its nodes).
// Arguments neither given nor defaulted are absent from `out`. On failure
// returns the field error (message and location as graphql-js reports it).
std::optional<Error> coerce_argument_values(const schema::Schema& schema,
                                            const schema::Field& definition, const Field& node,
                                            const VariableValues& variables,
                                            std::map<std::string, json::Value, std::less<>>& out);

// valueFromAST: a literal (which may contain variables) as a value of
// `type`; nullopt when it is invalid (validation normally prevents that)
// or is a variable that was not provided.
std::optional<json::Value> value_from_ast(const schema::Schema& schema, const Value& literal,
                                          const schema::TypeRef& type,
                                          const VariableValues& variables);

// getArgumentValues over any list of argument definitions, e.g. a
// directive's (@include, @skip): `owner_loc` is where the field or
// directive is, for "was not provided" errors.
std::optional<Error> coerce_argument_values(const schema::Schema& schema,
                                            const std::vector<schema::InputValue>& definitions,
                                            const std::vector<Argument>& arguments,
                                            const Location& owner_loc,
                                            const VariableValues& variables,
                                            std::map<std::string, json::Value, std::less<>>& out);

// An input value's default (InputValue::default_value, a printed literal)
// as a value of its type, in variables.hpp's form; nullopt when it has no
// default (or an invalid one).
std::optional<json::Value> default_value(const schema::Schema& schema,
                                         const schema::InputValue& input);

}  // namespace pg_gateway::graphql::exec
