// CollectFields (GraphQL spec 6.3.2): the fields a selection set asks of an
// object type, with fragments expanded, @skip/@include applied, and fields
// sharing a response key (alias or name) grouped in first-seen order.
#pragma once
#include "core/core_zone.hpp"

#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/graphql/ast.hpp"
#include "core/graphql/error.hpp"
#include "core/graphql/execution/variables.hpp"
#include "core/graphql/type_system.hpp"

namespace pg_gateway::graphql::exec {

// Every field node with one response key; fields[0] decides name and
// arguments (validation guarantees they agree); their sub-selections merge.
struct FieldGroup {
  std::string response_key;
  std::vector<const Field*> fields;
  const Field& first() const { return *fields.front(); }
};

// Thrown when an @skip/@include argument cannot be coerced (graphql-js
// getDirectiveValues throws then): `if` missing, null, a variable without a
// runtime value, or a non-Boolean literal. Validation rules out all but the
// variable cases. graphql-js reports it as a field error of the field whose
// sub-selection was being collected (or, for the root selection set, as the
// only error with "data": null); `error.path` is left empty for the caller.
struct CollectFieldsError : std::exception {
  Error error;
  explicit CollectFieldsError(Error e) : error(std::move(e)) {}
  const char* what() const noexcept override { return error.message.c_str(); }
};

// `object_type` is the runtime object type; a fragment applies when its type
// condition is that type, an interface it implements, or a union holding it.
std::vector<FieldGroup> collect_fields(const schema::Schema& schema, std::string_view object_type,
                                       const SelectionSet& selection_set,
                                       const FragmentMap& fragments,
                                       const VariableValues& variables);

// graphql-js print() of a value literal on one line ("[1, \"x\"]",
// "{a: $v}"), for the error messages that quote one ("Argument \"if\" has
// invalid value ..."). A candidate for ast.hpp if other code needs it.
std::string print_value_literal(const Value& value);

// collect_fields over the sub-selections of every field in `group`, merged
// (graphql-js collectSubfields: one visited-fragment set for all of them).
std::vector<FieldGroup> collect_subfields(const schema::Schema& schema,
                                          std::string_view object_type, const FieldGroup& group,
                                          const FragmentMap& fragments,
                                          const VariableValues& variables);

}  // namespace pg_gateway::graphql::exec
