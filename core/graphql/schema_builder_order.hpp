// The order in which PostGraphile registers its resources (tables, views and
// functions), which decides the order of many fields it prints: computed
// columns on a row type, row lookups, custom queries, node fetchers and
// allXs on Query, and the CRUD fields on Mutation.
//
// That order is not alphabetical nor by oid: graphile-build-pg starts one
// asynchronous chain per class and per function during its gather phase,
// and each chain adds its resource to the registry when it finishes. Which
// chain finishes first depends on how many promise hops it takes (one per
// column, more for the first column of each new type, more for unique
// constraints, ...), i.e. on JavaScript's microtask queue. registry_order()
// replays those chains hop for hop on a small FIFO job queue (the same
// semantics as V8's: `await` of a settled promise resumes one job later, an
// async function that returns a promise settles two jobs after it, and so on),
// so the order follows from the catalog the way PostGraphile's does.
#pragma once
#include "core/core_zone.hpp"

#include <vector>

#include "core/catalog/catalog.hpp"

namespace pg_gateway::graphql::build {

struct RegistryEntry {
  const catalog::Class* cls = nullptr;          // a table, view, ... resource
  const catalog::Function* function = nullptr;  // or a function resource
};

// Every resource PostGraphile 5.1 would register for the catalog, in its
// registration order. Functions it cannot represent (overloaded names,
// variadic or anonymous-record functions, types without a codec) are not
// in the list; tables are listed even when smart tags hide them.
std::vector<RegistryEntry> registry_order(const catalog::Catalog& catalog);

// The element type of PostgreSQL's built-in range types (int4range -> int4,
// ...), 0 for others: the snapshot has no pg_range, so user-defined ranges
// get no GraphQL type.
catalog::Oid builtin_range_subtype(catalog::Oid range);

}  // namespace pg_gateway::graphql::build
