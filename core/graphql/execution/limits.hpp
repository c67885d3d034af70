// Limits on what one operation may ask for, checked after validation and
// before anything is compiled or run: how deep its selections nest, how
// many aliases and root fields it has, and what it would cost. They stop
// the abusive shapes that a valid GraphQL document can still have (deeply
// nested relations, alias bombs, wide root selections, connections of
// connections of large pages), each with a request error naming the limit.
//
// Fragments count where they are spread (a fragment spread ten times
// counts ten times), with memoized, saturating arithmetic so that a
// document whose fragments multiply cannot make the check itself slow.
// Introspection (__schema, __type) is not counted: pg_gateway.introspection
// governs it, and GraphiQL's introspection query nests deeper than any
// sensible data limit.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>

#include "core/graphql/ast.hpp"
#include "core/graphql/error.hpp"
#include "core/graphql/execution/variables.hpp"
#include "core/graphql/type_system.hpp"

namespace pg_gateway::graphql::exec {

struct OperationLimits {
  int max_depth = 0;        // pg_gateway.max_query_depth (0: none)
  int max_aliases = 0;      // pg_gateway.max_aliases
  int max_root_fields = 0;  // pg_gateway.max_root_fields
  int64_t max_cost = 0;     // pg_gateway.max_query_cost
  int64_t default_page =
      0;                 // pg_gateway.default_page_size: rows of a connection without first/last
  int64_t max_page = 0;  // pg_gateway.max_page_size: the largest first/last
};

// What the operation asks for, as the limits measure it.
struct OperationMeasure {
  int64_t depth = 0;
  int64_t aliases = 0;
  int64_t root_fields = 0;
  // Every field costs 1; a connection field (one with first/last
  // arguments) multiplies what is below it by its page size: first or
  // last, else default_page, else max_page, else 100.
  int64_t cost = 0;
};

OperationMeasure measure_operation(const schema::Schema& schema, const OperationDefinition& op,
                                   const FragmentMap& fragments, const VariableValues& variables,
                                   const OperationLimits& limits);

// The first limit the operation exceeds, as a request error; nullopt when
// it is within all of them.
std::optional<Error> check_operation_limits(const schema::Schema& schema,
                                            const OperationDefinition& op,
                                            const FragmentMap& fragments,
                                            const VariableValues& variables,
                                            const OperationLimits& limits);

}  // namespace pg_gateway::graphql::exec
