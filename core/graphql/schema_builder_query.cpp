// The Query root type, its fields in PostGraphile's order: query, id, node,
// row lookups by unique keys, custom queries, node fetchers by global id,
// then allXs; resources in registry order within each group.
#include "core/graphql/schema_builder_internal.hpp"
#include "core/naming/inflection.hpp"

namespace pg_gateway::graphql::build::detail {

using schema::Field;
using schema::InputValue;
using schema::NamedType;
using schema::TypeRef;

// A connection field over a table's rows (allXs, backward relations) with
// PostGraphile's pagination, condition and orderBy arguments.
schema::Field Builder::connection_field(const std::string& name, const TableInfo& target) {
  const std::string& n = target.type_name;
  auto arg = [](const char* a, TypeRef type, const std::string& description) {
    return InputValue{a, arg_desc(description), std::move(type), {}, {}};
  };
  Field f;
  f.name = name;
  f.description = field_desc("Reads and enables pagination through a set of `" + n + "`.");
  f.type = TypeRef::named(n + "Connection").non_null();
  // graphile-build drops an input type without fields, and the argument with it.
  const NamedType* condition = out_.schema.find(n + "Condition");
  bool has_condition = condition && !condition->input_fields.empty();
  f.args = {
      arg("first", TypeRef::named("Int"), "Only read the first `n` values of the set."),
      arg("last", TypeRef::named("Int"), "Only read the last `n` values of the set."),
      arg("offset", TypeRef::named("Int"),
          "Skip the first `n` values from our `after` cursor, an alternative to cursor based "
          "pagination. May not be used with `last`."),
      arg("before", TypeRef::named("Cursor"),
          "Read all values in the set before (above) this cursor."),
      arg("after", TypeRef::named("Cursor"),
          "Read all values in the set after (below) this cursor."),
      arg("condition", TypeRef::named(n + "Condition"),
          "A condition to be used in determining which values should be returned by the "
          "collection."),
      arg("orderBy", TypeRef::named(n + "OrderBy").non_null().list(),
          "The method to use when ordering `" + n + "`."),
  };
  f.args.back().default_value = target.primary_key.empty() ? "[NATURAL]" : "[PRIMARY_KEY_ASC]";
  if (!has_condition) f.args.erase(f.args.end() - 2);
  return f;
}

void Builder::add_query_type() {
  NamedType q;
  q.kind = NamedType::Kind::kObject;
  q.name = "Query";
  q.description =
      type_desc("The root query type which gives access points into the data universe.");
  q.interfaces.push_back("Node");
  ObjectPlan plan;
  plan.type_name = "Query";
  auto simple = [&](const char* name, TypeRef type, const std::string& description,
                    FieldPlan::Kind kind) {
    Field f;
    f.name = name;
    f.type = std::move(type);
    f.description = field_desc(description);
    q.fields.push_back(std::move(f));
    FieldPlan p;
    p.kind = kind;
    plan.fields[name] = p;
  };
  simple("query", TypeRef::named("Query").non_null(),
         "Exposes the root query type nested one level down. This is helpful for Relay 1 which "
         "can only query top level fields if they are in a particular form.",
         FieldPlan::Kind::kQueryRoot);
  simple("id", TypeRef::named("ID").non_null(),
         "The root query type must be a `Node` to work well with Relay 1 mutations. This just "
         "resolves to `query`.",
         FieldPlan::Kind::kQueryId);
  {
    Field node;
    node.name = "node";
    node.type = TypeRef::named("Node");
    node.description = field_desc("Fetches an object given its globally unique `ID`.");
    node.args.push_back(InputValue{
        "id", arg_desc("The globally unique `ID`."), TypeRef::named("ID").non_null(), {}, {}});
    q.fields.push_back(std::move(node));
    FieldPlan p;
    p.kind = FieldPlan::Kind::kNode;
    ArgPlan a;
    a.name = "id";
    p.args.push_back(a);
    plan.fields["node"] = p;
  }

  // Tables in registry order.
  // Tables the role may select from (PgRBACPlugin), in registry order.
  std::vector<int> tables;
  for (const RegistryEntry& e : registry_)
    if (e.cls) {
      int i = table_index(e.cls->oid);
      if (i >= 0 && table_abilities(out_.tables[size_t(i)]).select) tables.push_back(i);
    }

  for (int i : tables) {
    const TableInfo& t = out_.tables[size_t(i)];
    for (const catalog::Constraint* u : t.uniques) {
      Field f;
      f.name = naming::camel_case(t.type_name) + by_columns(t, u->keys);
      f.description = field_desc("Get a single `" + t.type_name + "`.");
      f.type = TypeRef::named(t.type_name);
      f.deprecation_reason = deprecation(t.cls->tags, false);
      FieldPlan p;
      p.kind = FieldPlan::Kind::kLookup;
      p.table = i;
      p.constraint = u;
      p.local_columns = u->keys;
      bool complete = true;
      for (int16_t key : u->keys) {
        const ColumnInfo* column = nullptr;
        for (const ColumnInfo& c : t.columns)
          if (c.column->num == key) column = &c;
        TypeRef type = column ? input_type(column->column->type) : TypeRef{};
        if (type.name.empty()) {
          complete = false;
          break;
        }
        f.args.push_back(InputValue{column->field_name, {}, type.non_null(), {}, {}});
        ArgPlan a;
        a.name = column->field_name;
        a.column = key;
        a.pg_type = column->column->type;
        p.args.push_back(a);
      }
      if (!complete) continue;
      plan.fields[f.name] = std::move(p);
      q.fields.push_back(std::move(f));
    }
  }

  for (const FunctionResource& f : functions_)
    if (f.query_field) add_function_field(f, true, q, plan);

  for (int i : tables) {
    const TableInfo& t = out_.tables[size_t(i)];
    if (t.primary_key.empty()) continue;
    Field f;
    f.name = naming::camel_case(t.type_name);
    f.description =
        field_desc("Reads a single `" + t.type_name + "` using its globally unique `ID`.");
    f.type = TypeRef::named(t.type_name);
    f.deprecation_reason = deprecation(t.cls->tags, false);
    f.args.push_back(
        InputValue{"id",
                   arg_desc("The globally unique `ID` to be used in selecting a single `" +
                            t.type_name + "`."),
                   TypeRef::named("ID").non_null(),
                   {},
                   {}});
    FieldPlan p;
    p.kind = FieldPlan::Kind::kTypedFetcher;
    p.table = i;
    p.local_columns = t.primary_key;
    ArgPlan a;
    a.name = "id";
    p.args.push_back(a);
    plan.fields[f.name] = std::move(p);
    q.fields.push_back(std::move(f));
  }

  for (int i : tables) {
    const TableInfo& t = out_.tables[size_t(i)];
    Field f = connection_field("all" + t.plural, t);
    f.type = TypeRef::named(t.type_name + "Connection");  // nullable at the root
    f.deprecation_reason = deprecation(t.cls->tags, false);
    FieldPlan p;
    p.kind = FieldPlan::Kind::kAllRows;
    p.table = i;
    p.connection_type = t.type_name + "Connection";
    plan.fields[f.name] = std::move(p);
    q.fields.push_back(std::move(f));
  }

  out_.schema.add(std::move(q));
  out_.objects["Query"] = std::move(plan);
}

}  // namespace pg_gateway::graphql::build::detail
