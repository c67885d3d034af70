// CollectFields (GraphQL spec 6.3.2): the fields a selection set asks of an
// object type, with fragments expanded, @skip/@include applied, and fields
// sharing a response key (alias or name) grouped in first-seen order.
#pragma once
#include "core/core_zone.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "core/graphql/ast.hpp"
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

// `object_type` is the runtime object type; a fragment applies when its type
// condition is that type, an interface it implements, or a union holding it.
std::vector<FieldGroup> collect_fields(const schema::Schema& schema, std::string_view object_type,
                                       const SelectionSet& selection_set,
                                       const FragmentMap& fragments,
                                       const VariableValues& variables);

// collect_fields over the sub-selections of every field in `group`, merged.
std::vector<FieldGroup> collect_subfields(const schema::Schema& schema,
                                          std::string_view object_type, const FieldGroup& group,
                                          const FragmentMap& fragments,
                                          const VariableValues& variables);

}  // namespace pg_gateway::graphql::exec
