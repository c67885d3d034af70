// The schema builder's working parts, shared by its translation units
// (schema_builder*.cpp); not part of its interface.
//
//   schema_builder.cpp            tables: columns, keys, helper types (Connection, ...)
//   schema_builder_types.cpp      scalars, enums, domains, ranges, Interval, Node, PageInfo
//   schema_builder_rows.cpp       row object types: tables, views, composites, records
//   schema_builder_functions.cpp  which functions become fields, and their arguments
//   schema_builder_query.cpp      the Query root type
//   schema_builder_mutation.cpp   the Mutation root type, its inputs and payloads
//   schema_builder_order.cpp      the order PostGraphile registers resources in
#pragma once
#include "core/core_zone.hpp"

#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog/catalog.hpp"
#include "core/graphql/schema_builder.hpp"
#include "core/graphql/schema_builder_order.hpp"
#include "core/graphql/type_system.hpp"

namespace pg_gateway::graphql::build::detail {

using catalog::Oid;

// PostgreSQL's built-in type oids (pg_type.dat), stable across versions.
enum : Oid {
  kBool = 16,
  kChar = 18,
  kName = 19,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kText = 25,
  kOid = 26,
  kJson = 114,
  kFloat4 = 700,
  kFloat8 = 701,
  kBpchar = 1042,
  kVarchar = 1043,
  kDate = 1082,
  kTime = 1083,
  kTimestamp = 1114,
  kTimestamptz = 1184,
  kInterval = 1186,
  kTimetz = 1266,
  kNumeric = 1700,
  kRecord = 2249,
  kVoid = 2278,
  kUuid = 2950,
  kJsonb = 3802,
};

std::string type_desc(std::string_view s);
std::string field_desc(std::string_view s);
std::string arg_desc(std::string_view s);

// PostGraphile's global-id description, used on Node, row types and Query.
extern const char* const kNodeIdDescription;

// graphile-build's behavior strings ("+orderBy -queryField typeField:*"),
// matched the way its stringMatches() does: the last spec whose scope is a
// suffix of the filter's scope decides.
class Behavior {
 public:
  void add(std::string_view specs) {
    size_t i = 0;
    while (i < specs.size()) {
      while (i < specs.size() && std::isspace(static_cast<unsigned char>(specs[i]))) ++i;
      size_t j = i;
      while (j < specs.size() && !std::isspace(static_cast<unsigned char>(specs[j]))) ++j;
      if (j > i) {
        std::string_view fragment = specs.substr(i, j - i);
        bool positive = true;
        if (fragment[0] == '+' || fragment[0] == '-') {
          positive = fragment[0] == '+';
          fragment.remove_prefix(1);
        }
        specs_.push_back({positive, scope(fragment)});
      }
      i = j;
    }
  }

  bool matches(std::string_view filter) const {
    std::vector<std::string> want = scope(filter);
    for (auto it = specs_.rbegin(); it != specs_.rend(); ++it) {
      const std::vector<std::string>& have = it->second;
      if (have.size() > want.size()) continue;
      size_t skip = want.size() - have.size();
      bool ok = true;
      for (size_t k = 0; k < have.size() && ok; ++k)
        ok = have[k] == "*" || have[k] == want[skip + k];
      if (ok) return it->first;
    }
    return false;
  }

 private:
  static std::vector<std::string> scope(std::string_view s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
      size_t p = s.find(':', start);
      out.emplace_back(s.substr(start, p == std::string_view::npos ? p : p - start));
      if (p == std::string_view::npos) break;
      start = p + 1;
    }
    return out;
  }

  std::vector<std::pair<bool, std::vector<std::string>>> specs_;
};

// A @deprecated tag as PostGraphile turns it into a deprecation reason:
// values joined by new lines; a valueless tag gives "true" on columns
// (String(true)) and " " on tables and functions (tagToString()).
inline std::optional<std::string> deprecation(const catalog::SmartTags& tags, bool column) {
  if (!tags.has("deprecated")) return std::nullopt;
  std::vector<std::string> values = tags.values("deprecated");
  if (values.empty()) return std::string(column ? "true" : " ");
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "\n" : "") + values[i];
  return out;
}

// One input parameter of a function resource, as PostGraphile sees it.
struct FunctionParam {
  std::string name;  // SQL name, may be empty
  Oid type = 0;
  int position = 0;       // index among the function's input arguments
  bool optional = false;  // has a default
  bool not_null = false;  // STRICT and required: GraphQL non-null
};

// A function PostGraphile exposes, with what it becomes.
struct FunctionResource {
  const catalog::Function* function = nullptr;
  std::string name;  // resource name: @name or the SQL name
  std::vector<FunctionParam> params;
  bool is_mutation = false;
  bool returns_set = false;
  bool returns_record = false;  // RETURNS TABLE or several OUT parameters
  Oid return_type = 0;          // the element type for arrays
  bool returns_array = false;
  int row_table = -1;        // index in tables when it returns rows of a table/view
  Oid row_type = 0;          // composite type it returns (table row types too)
  bool computed = false;     // "typeField": a field of its first parameter's row type
  bool query_field = false;  // a field of Query
  bool mutation_field = false;
  bool order_by = false;    // computed column usable in <X>OrderBy
  bool filter_by = false;   // computed column usable in <X>Condition
  bool connection = false;  // SETOF: offered as a connection
  std::string description;
  std::string record_type;  // records: <Name>Record
};

class Builder {
 public:
  Builder(const catalog::Catalog& cat, const BuildOptions& options);
  BuiltSchema run();

 private:
  // schema_builder.cpp
  void add_scalar(const char* name, const char* description);
  void add_node_interface();
  void add_interval();
  void add_page_info();
  void add_cursor();
  schema::TypeRef output_type(Oid oid);
  schema::TypeRef input_type(Oid oid);
  std::string codec_name(const catalog::Type& t) const;
  schema::TypeRef enum_type(const catalog::Type& t);
  schema::TypeRef range_type(const catalog::Type& t, bool input);
  schema::TypeRef domain_type(const catalog::Type& t);
  TableInfo table_info(const catalog::Class& cls);
  static std::string attribute_name(const catalog::Column& col);
  void type_behaviors(Oid oid, Behavior& b) const;
  void apply_column_behaviors(TableInfo& t) const;
  std::vector<int16_t> smart_key_columns(const catalog::Class& cls, std::string_view raw);
  const catalog::Constraint* add_smart_constraint(catalog::Constraint k);
  void add_smart_foreign_keys();
  void add_table_helper_types(const TableInfo& t);
  void add_connection_types(const std::string& node_type, const std::string& connection,
                            const std::string& edge, bool nullable_nodes);
  int table_index(Oid class_oid) const;
  const TableInfo* table_for(Oid class_oid) const;

  // schema_builder_rows.cpp
  void add_row_types();
  void add_table_type(int table);
  schema::TypeRef composite_type(const catalog::Type& t);
  void build_composite_type(const catalog::Type& t, const std::string& name);
  void add_record_type(FunctionResource& f);
  void add_computed_fields(schema::NamedType& obj, ObjectPlan& plan, Oid row_type);
  void add_computed_order_and_condition(const TableInfo& t);
  void add_relations(const TableInfo& t, schema::NamedType& obj, ObjectPlan& plan);
  schema::Field connection_field(const std::string& name, const TableInfo& target);
  std::string by_columns(const TableInfo& t, const std::vector<int16_t>& keys) const;

  // schema_builder_functions.cpp
  void collect_function_resources();
  bool classify(FunctionResource& r);
  void add_function_connection_type(FunctionResource& f);
  std::string computed_field_name(const FunctionResource& f) const;
  std::vector<schema::InputValue> function_args(const FunctionResource& f, size_t offset,
                                                std::vector<ArgPlan>* plans, bool* ok);
  schema::TypeRef function_return_type(const FunctionResource& f);
  std::string function_connection_type(const FunctionResource& f) const;
  std::vector<schema::InputValue> function_connection_args();
  bool add_function_field(const FunctionResource& f, bool root, schema::NamedType& obj,
                          ObjectPlan& plan);

  // schema_builder_query.cpp
  void add_query_type();

  // schema_builder_mutation.cpp
  struct Abilities {
    bool select = true, insert = true, update = true, del = true;
  };
  Abilities table_abilities(const TableInfo& t) const;
  bool column_insertable(const TableInfo& t, const ColumnInfo& c) const;
  bool column_updatable(const TableInfo& t, const ColumnInfo& c) const;
  schema::TypeRef interval_input_type();
  schema::TypeRef row_input_type(Oid row_type);
  std::string table_patch_type(const TableInfo& t);
  void add_mutation_type();
  void add_custom_mutation(const FunctionResource& f, schema::NamedType& mutation);
  void add_create_mutation(const TableInfo& t, schema::NamedType& mutation);
  void add_update_delete_mutations(const TableInfo& t, bool update, schema::NamedType& mutation);
  void add_payload_edge(const TableInfo& t, schema::NamedType& payload);

  const catalog::Catalog& cat_;
  BuiltSchema out_;
  std::vector<RegistryEntry> registry_;
  std::vector<FunctionResource> functions_;     // in registry order
  std::map<Oid, std::string> composite_names_;  // composite type oid -> object type name
  bool functions_collected_ = false;
  std::set<std::string> empty_inputs_;  // input types without fields: dropped
};

}  // namespace pg_gateway::graphql::build::detail
