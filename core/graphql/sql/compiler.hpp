// The GraphQL -> SQL compiler: turns one root field of Query, with all its
// nested selections, into ONE json-typed SQL expression (correlated scalar
// subqueries, json_build_object / json_agg), so that a whole operation is a
// single SELECT of one column per root field.
//
// PostGraphile's observable behaviour is the contract: the JSON each field
// produces (core/graphql/sql/sql_text.hpp output_json), global ids, cursors
// (base64 of [digest, ...order values], the digest computed from the ORDER
// BY expressions as PostGraphile writes them), pagination flags and errors.
//
// Invariant: every value from the request (arguments, variables, ids,
// cursor contents) enters the SQL as a $n parameter; identifiers come from
// the catalog and are always quoted.
#pragma once
#include "core/core_zone.hpp"

#include <optional>
#include <stdexcept>
#include <string>

#include "core/catalog/catalog.hpp"
#include "core/graphql/execution/collect_fields.hpp"
#include "core/graphql/schema_builder.hpp"
#include "core/graphql/sql/sql_text.hpp"

namespace pg_gateway::graphql::sql {

// A field error found while compiling (an undecodable cursor, a negative
// `first`...). `internal` marks the errors PostGraphile raises as plain
// JavaScript errors, which it masks like database errors.
struct CompileError : std::runtime_error {
  CompileError(const std::string& message, bool internal_error = false)
      : std::runtime_error(message), internal(internal_error) {}
  bool internal;
};

class Compiler {
 public:
  Compiler(const build::BuiltSchema& built, const catalog::Catalog& catalog,
           const exec::FragmentMap& fragments, const exec::VariableValues& variables,
           Params& params)
      : built_(built), cat_(catalog), fragments_(fragments), vars_(variables), params_(params) {}

  // A json expression for a data-backed field of Query (node, typed
  // fetchers, lookups, custom queries, allXs). nullopt: the value is null
  // without asking the database (an id that does not decode). Throws
  // CompileError.
  std::optional<std::string> root_field(const build::FieldPlan& plan,
                                        const exec::FieldGroup& group);

 private:
  // Where a connection's rows come from.
  struct Source {
    enum class Kind { kTable, kFunction };
    Kind kind = Kind::kTable;
    int table = -1;        // the rows' table, when they are table rows
    std::string relation;  // a table's qualified name, or a function call
    std::vector<std::pair<std::string, std::string>> equal;  // (column, parent expression)
  };
  // A Source placed in a FROM clause under a fresh alias.
  struct Instance {
    std::string from;    // FROM item
    std::string row;     // the row (or scalar) expression
    std::string rownum;  // function sources: 1-based position in the function's output
    std::vector<std::string> where;
  };
  // One ORDER BY term.
  struct OrderTerm {
    std::string column;                           // a column of the row ...
    const catalog::Function* function = nullptr;  // ... or function(row)
    catalog::Oid type = 0;
    bool descending = false;
    bool nullable = true;  // the value can be NULL (cursor conditions differ)
  };

  Instance instantiate(const Source& source, const std::string& resource);
  std::string term_sql(const OrderTerm& term, const std::string& row) const;
  std::vector<OrderTerm> order_terms(const Source& source, const json::Value* order_by,
                                     const std::string& enum_type, std::string& digest);
  std::vector<std::string> condition_sql(const json::Value* condition,
                                         const std::string& input_type, const std::string& row,
                                         int table);
  std::string cursor_condition(const std::vector<OrderTerm>& terms, const std::string& row,
                               const std::string& rownum, const std::vector<json::Value>& values,
                               bool after);

  std::string object_json(const std::string& type_name, const std::string& row,
                          const exec::FieldGroup& group);
  std::string row_field(const std::string& type_name, const build::FieldPlan& plan,
                        const std::string& row, const exec::FieldGroup& group);
  std::string value_json(catalog::Oid type, const std::string& expr, const exec::FieldGroup& group);
  std::string interval_json(const std::string& expr, const exec::FieldGroup& group);
  std::string composite_json(catalog::Oid type, const std::string& expr,
                             const exec::FieldGroup& group);
  std::string single_row(int table, const std::string& where_alias_conditions,
                         const std::string& alias, const exec::FieldGroup& group);
  std::string connection_json(const build::ConnectionPlan& conn, const Source& source,
                              const exec::FieldGroup& group);
  std::string function_call(const catalog::Function& fn, const build::FieldPlan& plan,
                            const std::optional<std::string>& row_arg,
                            const exec::FieldGroup& group);
  std::string node_id_sql(int table, const std::string& row);
  std::optional<std::string> fetch_by_node_id(const exec::FieldGroup& group, int only_table);

  std::map<std::string, json::Value, std::less<>> arguments(const exec::FieldGroup& group,
                                                            std::string_view parent_type);
  std::string param(const json::Value& value, catalog::Oid type);
  std::string alias(std::string_view base);

  const build::BuiltSchema& built_;
  const catalog::Catalog& cat_;
  const exec::FragmentMap& fragments_;
  const exec::VariableValues& vars_;
  Params& params_;
  int alias_counter_ = 0;
  std::string current_parent_ = "Query";  // the type whose field is being compiled
};

// json_build_object over (key, json expression) pairs; splits past
// PostgreSQL's 100-argument limit while keeping key order.
std::string build_object(const std::vector<std::pair<std::string, std::string>>& members);

// PostgreSQL's text input for a coerced GraphQL input value of `type`:
// numbers and strings as written, booleans, JSON values serialized, arrays
// as array literals, Interval input objects as interval text. nullopt for
// null. Throws CompileError for values that cannot be that type.
// Whether `text` (from a decoded node id or cursor) is valid input for the
// key type, so that a forged id gives null instead of a SQL error.
bool valid_key_text(catalog::Oid type, std::string_view text);

std::optional<std::string> input_text(const catalog::Catalog& catalog, const json::Value& value,
                                      catalog::Oid type);

}  // namespace pg_gateway::graphql::sql
