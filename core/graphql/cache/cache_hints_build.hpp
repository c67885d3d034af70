// Resolves the @pgCacheControl tags of a catalog into the hints of the
// schema built from it (BuiltSchema::cache_hints), for the cache policy of
// queries (cache_policy.hpp). Called at the end of build::build_schema().
#pragma once
#include "core/core_zone.hpp"

#include "core/catalog/catalog.hpp"
#include "core/graphql/schema_builder.hpp"

namespace pg_gateway::graphql::cache {

// Type hints: a table's or view's tag, else its schema's, for its object
// type; a composite type's tag, else its schema's; a RETURNS TABLE
// record's function's tag, else its schema's; Connection and Edge types,
// PageInfo and Interval are inheritMaxAge. Field hints: a column's or
// composite attribute's tag; a function's tag, else its schema's, for the
// computed columns and custom queries it backs. A malformed tag is ignored
// and becomes one entry of built.warnings naming the object; never throws
// for any tag text.
void resolve_cache_hints(const catalog::Catalog& catalog, build::BuiltSchema& built);

}  // namespace pg_gateway::graphql::cache
