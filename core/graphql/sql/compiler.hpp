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
#include "core/graphql/cache/read_set.hpp"
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

// What a root field of Mutation runs first (core/graphql/sql/compile_mutations.cpp).
struct MutationAction {
  // One row, one column `v`: the row written (a value of the table's row
  // type, NULL when no row matched), the rows a function returned (an
  // array of them), or a function's result already as JSON.
  std::string sql;
  // What the payload statement casts its $1 (the action's `v`) to.
  std::string value_cast;
  bool result_json_in_action = false;             // v is {response key: result JSON}
  std::optional<std::string> client_mutation_id;  // the input's, as JSON text
  // PostGraphile carries clientMutationId on an update's row: when no row
  // was updated, it is null too.
  bool client_mutation_id_needs_row = false;
  // Non-empty: a NULL `v` fails the field with this message (a delete that
  // found nothing, as in PostGraphile).
  std::string missing_row_error;
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

  // Whether a value of the JWT type may be compiled (as its attributes'
  // JSON, which respond() signs): only where it is a whole response column,
  // a root field or a custom mutation's result, never nested inside an
  // object, where it would be sent unsigned.
  void allow_jwt_value(bool allow) { jwt_allowed_ = allow; }

  // Records every relation the compiled SQL reads and every function it
  // calls into `reads` (nullptr: nothing is recorded), for response caching.
  void record_reads(cache::ReadSet* reads) { reads_ = reads; }

  // pg_gateway.default_page_size (rows of a connection given neither
  // first nor last; 0: all) and max_page_size (the largest first/last; 0:
  // no limit).
  void set_page_limits(int64_t default_page, int64_t max_page) {
    default_page_ = default_page;
    max_page_ = max_page;
  }

  // The action of a root field of Mutation. nullopt: the field is null
  // without running anything (an id that does not decode to a row of the
  // table, as in PostGraphile). Throws CompileError (an empty patch...).
  std::optional<MutationAction> mutation_action(const build::FieldPlan& plan,
                                                const exec::FieldGroup& group);
  // A json expression for one field of a mutation payload (the row, the
  // deleted id, the result, the edge) over `value`, the action's value as
  // the payload statement sees it (already cast to action.value_cast).
  std::string payload_field(const std::string& payload_type, const build::FieldPlan& plan,
                            const exec::FieldGroup& group, const std::string& value,
                            const MutationAction& action);

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
  std::string cursor_text(const std::vector<OrderTerm>& terms, const std::string& digest,
                          const std::string& row);
  std::string cursor_condition(const std::vector<OrderTerm>& terms, const std::string& row,
                               const std::string& rownum, const std::vector<json::Value>& values,
                               bool after);

  std::string object_json(const std::string& type_name, const std::string& row,
                          const exec::FieldGroup& group);
  std::string row_field(const std::string& type_name, const build::FieldPlan& plan,
                        const std::string& row, const exec::FieldGroup& group);
  std::string value_json(catalog::Oid type, const std::string& expr, const exec::FieldGroup& group);
  std::string interval_json(const std::string& expr, const exec::FieldGroup& group);
  std::string jwt_row_json(const std::string& expr);
  std::string composite_json(catalog::Oid type, const std::string& expr,
                             const exec::FieldGroup& group);
  std::string single_row(int table, const std::string& where_alias_conditions,
                         const std::string& alias, const exec::FieldGroup& group);
  std::string connection_json(const build::ConnectionPlan& conn, const Source& source,
                              const exec::FieldGroup& group);
  std::string function_call(const catalog::Function& fn, const build::FieldPlan& plan,
                            const std::optional<std::string>& row_arg,
                            const exec::FieldGroup& group);
  std::string call_sql(const catalog::Function& fn, const build::FieldPlan& plan,
                       const std::optional<std::string>& row_arg,
                       const std::map<std::string, json::Value, std::less<>>& values);
  std::optional<std::string> key_condition(const build::FieldPlan& plan, const json::Value& input);
  std::string node_id_sql(int table, const std::string& row);
  // The table and primary key values (as text) a global id names.
  struct NodeKey {
    int table = -1;
    std::vector<std::string> values;
  };
  std::optional<NodeKey> decode_node_id(std::string_view id, bool extra_values_ok) const;
  std::optional<std::string> fetch_by_node_id(const exec::FieldGroup& group, int only_table);

  std::map<std::string, json::Value, std::less<>> arguments(const exec::FieldGroup& group,
                                                            std::string_view parent_type);
  std::string param(const json::Value& value, catalog::Oid type);
  std::string alias(std::string_view base);
  // The read set's bookkeeping (no-ops unless record_reads() was given one);
  // const because term_sql() is.
  void note_table(int table) const;
  void note_function(const catalog::Function& fn) const;

  const build::BuiltSchema& built_;
  const catalog::Catalog& cat_;
  const exec::FragmentMap& fragments_;
  const exec::VariableValues& vars_;
  Params& params_;
  cache::ReadSet* reads_ = nullptr;
  int alias_counter_ = 0;
  bool jwt_allowed_ = false;
  int64_t default_page_ = 0;
  int64_t max_page_ = 0;
  std::string current_parent_ = "Query";  // the type whose field is being compiled
};

// The name PostGraphile gives a table's resource (its @name, or its name).
std::string resource_name(const catalog::Class& cls);

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
std::string record_text(const catalog::Catalog& catalog, const catalog::Type& type,
                        const json::Value& object);

}  // namespace pg_gateway::graphql::sql
