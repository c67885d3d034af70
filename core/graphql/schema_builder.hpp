// Builds the GraphQL schema PostGraphile v5 (Amber preset) would serve for a
// catalog: the same type names, field names and order, descriptions,
// scalars and nullability, so that PostGraphile's printed schema and ours
// can be compared text for text (test/graphql_compat/expected/schema.graphql).
//
// Built: scalars (Cursor, Datetime, BigInt, ... and one per domain), enums,
// Interval, Node, PageInfo; for each table or view its object type (global
// `id`, computed columns, columns, forward and backward relations, smart-tag
// constraints included), Connection, Edge, Condition and OrderBy; composite
// types, RETURNS TABLE records and their connections; the Query type (node,
// lookups by unique keys, custom queries, node fetchers, allXs). Fields come
// in PostGraphile's order, which for resources is its registration order
// (schema_builder_order.hpp). Then the Mutation type (create, update,
// delete, custom mutations and their payloads), filtered by the snapshot
// role's privileges as PostGraphile's RBAC plugin does.
#pragma once
#include "core/core_zone.hpp"

#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog/catalog.hpp"
#include "core/graphql/cache/cache_hint.hpp"
#include "core/graphql/type_system.hpp"

namespace pg_gateway::graphql::build {

// What the builder decided for one column; the SQL compiler reads it later.
struct ColumnInfo {
  const catalog::Column* column = nullptr;
  std::string field_name;  // rowId for a column named id
  schema::TypeRef type;
  bool indexed = false;  // may appear in condition / orderBy
  // What PostGraphile offers for it after its type, index, privilege and
  // @behavior rules: an output field, a <X>Condition field, <X>OrderBy values.
  bool selectable = true;
  bool filterable = false;
  bool orderable = false;
};

struct TableInfo {
  const catalog::Class* cls = nullptr;
  std::string type_name;  // Post
  std::string plural;     // Posts (for allPosts)
  std::vector<int16_t> primary_key;
  std::vector<ColumnInfo> columns;
  // Unique keys in PostGraphile's order: the primary key (or @primaryKey),
  // then UNIQUE constraints by name, then @unique smart tags.
  std::vector<const catalog::Constraint*> uniques;
  // Foreign keys: constraints by name, then @foreignKey smart tags.
  std::vector<const catalog::Constraint*> foreign_keys;
  bool is_view = false;  // views and materialized views (no indexes, nullable columns)
};

// ---------------------------------------------------------------------------
// The plan: how every field the builder created maps back to the catalog.
// The SQL compiler (core/graphql/sql) reads only this and the catalog; it
// never re-derives PostGraphile's naming rules.

// One GraphQL argument of a function-backed or key-backed field.
struct ArgPlan {
  std::string name;          // GraphQL argument name (maxLength)
  int position = -1;         // function fields: index among the function's input arguments
  int16_t column = 0;        // lookups: the key column it is compared with
  catalog::Oid pg_type = 0;  // PostgreSQL type the value is cast to
};

struct FieldPlan {
  enum class Kind {
    // Fields of a row object type (table, view, composite, function record):
    kNodeId,              // id: global object id from the primary key
    kColumn,              // a column or composite attribute (column_name)
    kComputed,            // function(row, args...) returning one value (scalar, array, row)
    kComputedConnection,  // SETOF function(row, args...) -> connection
    kForwardRelation,     // this row's foreign key -> one row of `table`
    kBackwardSingle,      // a unique foreign key of `table` pointing here -> one row
    kBackwardConnection,  // a foreign key of `table` pointing here -> connection
    // Fields of Query:
    kQueryRoot,              // query: Query!
    kQueryId,                // id: ID! ("query")
    kNode,                   // node(id: ID!): Node
    kTypedFetcher,           // post(id: ID!): Post, for `table`
    kLookup,                 // postByRowId(rowId:), postBySlug(slug:): by a unique key of `table`
    kCustomQuery,            // function -> one value (scalar, array, row)
    kCustomQueryConnection,  // SETOF function -> connection
    kAllRows,                // allPosts: connection over `table`
    // Fields of Mutation (one root field = one transaction):
    kCreate,          // createPost(input: {post: PostInput}): INSERT into `table`
    kUpdate,          // updatePost / updatePostBy<Key>(input: {..., postPatch}): UPDATE
    kDelete,          // deletePost / deletePostBy<Key>(input: {...}): DELETE
    kCustomMutation,  // a VOLATILE function(input: {args...})
    // Fields of a mutation payload (<X>Payload):
    kPayloadClientMutationId,  // the input's clientMutationId, verbatim
    kPayloadRow,               // post: the row written (or deleted)
    kPayloadDeletedId,         // deletedPostId: the deleted row's global id
    kPayloadResult,            // result: a custom mutation's value
    kPayloadQuery,             // query: Query
    kPayloadEdge,              // postEdge(orderBy:): the row as an edge of `table`
  };
  Kind kind = Kind::kColumn;
  int table = -1;  // index in BuiltSchema::tables of the rows read (relation target, lookup, allXs)
  std::string column_name;                      // kColumn: the attribute's SQL name
  catalog::Oid pg_type = 0;                     // kColumn / kComputed / kCustomQuery: value type
  const catalog::Function* function = nullptr;  // kComputed*, kCustomQuery*
  const catalog::Constraint* constraint = nullptr;  // relations (the FK), lookups (the key)
  std::vector<int16_t> local_columns;   // relations: columns of this row; lookups: key columns
  std::vector<int16_t> remote_columns;  // relations: matching columns of `table`
  std::vector<ArgPlan> args;            // in GraphQL argument order
  std::string connection_type;          // connection fields: e.g. PostConnection
  // kCreate: the input field holding the row (post); kUpdate: the patch
  // (postPatch). kUpdate/kDelete: `constraint` is the unique key the input
  // names, or nullptr for the global `id`. kCustomMutation: `args` are the
  // input object's fields.
  std::string input_field;
};

// A row object type: a table or view (table >= 0), a composite type
// (composite_type != 0) or the record of a RETURNS TABLE / SETOF record
// function (record_function != nullptr), and Query itself.
struct ObjectPlan {
  std::string type_name;
  int table = -1;
  catalog::Oid composite_type = 0;
  const catalog::Function* record_function = nullptr;
  std::map<std::string, FieldPlan, std::less<>> fields;  // by GraphQL field name
};

// A <X>Connection type and what its nodes are.
struct ConnectionPlan {
  std::string type_name;        // PostConnection
  std::string node_type;        // Post
  std::string edge_type;        // PostEdge
  int table = -1;               // rows of a table or view
  catalog::Oid row_type = 0;    // else: composite or scalar element type
  bool natural_cursor = false;  // SETOF function connections: cursor ["natural", n]
};

// One value of an <X>OrderBy enum.
struct OrderByPlan {
  enum class Kind { kNatural, kPrimaryKey, kColumn, kComputed };
  Kind kind = Kind::kNatural;
  bool descending = false;
  int16_t column = 0;                           // kColumn
  const catalog::Function* function = nullptr;  // kComputed: function(row)
};

// One field of an <X>Condition input: equality with a column or computed column.
struct ConditionPlan {
  int16_t column = 0;
  const catalog::Function* function = nullptr;
  catalog::Oid pg_type = 0;
};

struct BuiltSchema {
  schema::Schema schema;
  // PostGraphile's JWT type (BuildOptions::jwt_type): a composite type
  // whose values are served as a signed token, the scalar `jwt_scalar`.
  catalog::Oid jwt_type = 0;
  std::string jwt_scalar;
  std::vector<TableInfo> tables;
  // Constraints PostGraphile takes from smart tags (@primaryKey, @unique,
  // @foreignKey); plans and TableInfo point into it (a deque, so moving the
  // BuiltSchema keeps those pointers valid; do not copy a BuiltSchema).
  std::deque<catalog::Constraint> smart_constraints;
  std::map<std::string, ObjectPlan, std::less<>> objects;          // by type name, incl. "Query"
  std::map<std::string, ConnectionPlan, std::less<>> connections;  // by connection type name
  std::map<std::string, std::map<std::string, OrderByPlan, std::less<>>, std::less<>>
      order_by;  // by enum type name, then value name
  std::map<std::string, std::map<std::string, ConditionPlan, std::less<>>, std::less<>>
      conditions;  // by input type name, then field name
  // @pgCacheControl hints by type and field name (cache/cache_hints_build.hpp).
  cache::CacheHints cache_hints;
  // What the builder ignored and the server should log (malformed tags).
  std::vector<std::string> warnings;

  // The table whose GraphQL type is `type_name` (for node ids), or -1.
  int table_of_type(std::string_view type_name) const;
};

struct BuildOptions {
  // pg_gateway.jwt_type, PostGraphile's pgJwtTypes: "schema.type" (or
  // "type" in public). That composite type becomes a JWT scalar.
  std::string jwt_type;
};

BuiltSchema build_schema(const catalog::Catalog& catalog, const BuildOptions& options = {});

// PostGraphile's wrapDescription(): its own (not users') descriptions are
// kept as they are up to 124 characters a line (less the indentation of
// the position), and longer lines are cut at spaces into pieces of at most
// 80 characters less the indentation, as graphql-js v14 printed them.
enum class DescriptionPosition { kType, kField, kArg };
std::string wrap_description(std::string_view description, DescriptionPosition position);

}  // namespace pg_gateway::graphql::build
