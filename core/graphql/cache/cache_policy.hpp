// The cache policy of one query: how long its response may be cached and
// by whom, from the @pgCacheControl hints (cache_hint.hpp) of the fields it
// selects, with Apollo Server's @cacheControl rules:
//
//   - a field returning an object type (or a list of them) starts from that
//     type's hint; a field hint overrides it (its maxAge or inheritMaxAge,
//     its scope);
//   - a root field, or a field returning an object type, with no maxAge
//     and not inheritMaxAge gets the default max age;
//   - scalars without a hint, and inheritMaxAge hints, add no maxAge;
//   - the policy is the smallest maxAge contributed, and PRIVATE when any
//     contributing hint is PRIVATE (a scope-only hint on a scalar too).
//
// Connections count as their node type (allPosts as Post); their Connection
// and Edge types, PageInfo and Interval inherit. A field returning an interface or a
// union (node(id:)) contributes the default max age and the hint of every
// object type it could return, since the row's type is not known before
// the statement runs; fields selected through fragments on those types
// apply as usual. __schema and __type get the default max age; __typename
// contributes nothing.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include "core/graphql/ast.hpp"
#include "core/graphql/cache/cache_hint.hpp"
#include "core/graphql/execution/variables.hpp"
#include "core/graphql/schema_builder.hpp"

namespace pg_gateway::graphql::cache {

struct CachePolicy {
  // nullopt: nothing asked for a max age (the response is not cacheable).
  std::optional<int64_t> max_age;
  Scope scope = Scope::kPublic;
  // Some relation the statement reads has row level security: the response
  // depends on who asks even when the hints say PUBLIC.
  bool reads_row_security = false;

  bool operator==(const CachePolicy&) const = default;
};

// The policy of a query operation's root selection set (on the Query type),
// after validation and variable coercion. An @skip/@include that cannot be
// coerced gives max age 0. Never throws for any document.
CachePolicy compute_cache_policy(const build::BuiltSchema& built,
                                 const SelectionSet& root_selection,
                                 const exec::FragmentMap& fragments,
                                 const exec::VariableValues& variables, int64_t default_max_age);

// {"version":1,"maxAge":N,"scope":"PUBLIC"} (maxAge 0 when none), the
// shape of Apollo's cacheControl response extension.
std::string cache_control_json(const CachePolicy& policy);

}  // namespace pg_gateway::graphql::cache
