// Builds the GraphQL schema PostGraphile v5 (Amber preset) would serve for a
// catalog: the same type names, field names and order, descriptions,
// scalars and nullability, so that PostGraphile's printed schema and ours
// can be compared text for text (test/graphql_compat/expected/schema.graphql).
//
// Built so far: scalars (Cursor, Datetime, BigInt, ... and one per domain),
// enums, Interval, Node, PageInfo, and for each table or view its object
// type (global `id`, columns, forward and backward relations), Connection,
// Edge, Condition and OrderBy. Still to come: computed columns, smart-tag
// relations (@foreignKey), the Query root fields, custom queries and
// mutations.
#pragma once
#include "core/core_zone.hpp"

#include <string>
#include <vector>

#include "core/catalog/catalog.hpp"
#include "core/graphql/type_system.hpp"

namespace pg_gateway::graphql::build {

// What the builder decided for one column; the SQL compiler reads it later.
struct ColumnInfo {
  const catalog::Column* column = nullptr;
  std::string field_name;  // rowId for a column named id
  schema::TypeRef type;
  bool indexed = false;  // may appear in condition / orderBy
};

struct TableInfo {
  const catalog::Class* cls = nullptr;
  std::string type_name;  // Post
  std::string plural;     // Posts (for allPosts)
  std::vector<int16_t> primary_key;
  std::vector<ColumnInfo> columns;
};

struct BuiltSchema {
  schema::Schema schema;
  std::vector<TableInfo> tables;
};

BuiltSchema build_schema(const catalog::Catalog& catalog);

// PostGraphile's wrapDescription(): its own (not users') descriptions are
// kept as they are up to 124 characters a line (less the indentation of
// the position), and longer lines are cut at spaces into pieces of at most
// 80 characters less the indentation, as graphql-js v14 printed them.
enum class DescriptionPosition { kType, kField, kArg };
std::string wrap_description(std::string_view description, DescriptionPosition position);

}  // namespace pg_gateway::graphql::build
