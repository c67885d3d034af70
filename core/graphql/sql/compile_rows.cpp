// Row objects: a table's or composite's fields, relations, computed
// columns, global ids, and the Query fields that return one row.
#include "core/graphql/execution/values.hpp"
#include "core/graphql/sql/compiler.hpp"
#include "core/util/base64.hpp"

namespace pg_gateway::graphql::sql {

using build::FieldPlan;
using catalog::Oid;
using exec::FieldGroup;

std::map<std::string, json::Value, std::less<>> Compiler::arguments(const FieldGroup& group,
                                                                    std::string_view parent_type) {
  std::map<std::string, json::Value, std::less<>> out;
  const schema::NamedType* parent = built_.schema.find(parent_type);
  const schema::Field* def = parent ? parent->field(group.first().name.value) : nullptr;
  if (!def) throw CompileError("Unknown field " + group.first().name.value);
  if (auto error = exec::coerce_argument_values(built_.schema, *def, group.first(), vars_, out))
    throw CompileError(error->message);
  return out;
}

// A row object: json_build_object of the selected fields, in response-key
// order, over the row expression `row` (a table alias or a composite value).
std::string Compiler::object_json(const std::string& type_name, const std::string& row,
                                  const FieldGroup& group) {
  std::vector<std::pair<std::string, std::string>> members;
  auto plans = built_.objects.find(type_name);
  for (const FieldGroup& sub :
       exec::collect_subfields(built_.schema, type_name, group, fragments_, vars_)) {
    const std::string& name = sub.first().name.value;
    if (name == "__typename") {
      members.emplace_back(sub.response_key, "to_json(" + quote_literal(type_name) + "::text)");
      continue;
    }
    if (plans == built_.objects.end()) throw CompileError("No plan for type " + type_name);
    auto it = plans->second.fields.find(name);
    if (it == plans->second.fields.end())
      throw CompileError("No plan for field " + type_name + "." + name);
    members.emplace_back(sub.response_key, row_field(type_name, it->second, row, sub));
  }
  return build_object(members);
}

// The JSON of a value of `type`: scalars directly, Interval and composite
// values as objects with the group's selection.
std::string Compiler::value_json(Oid type, const std::string& expr, const FieldGroup& group) {
  Oid base = base_type(cat_, type);
  if (built_.jwt_type && base == built_.jwt_type) return jwt_row_json(expr);
  if (base == oid::kInterval) return interval_json(expr, group);
  const catalog::Type* t = cat_.find_type(base);
  if (t && t->kind == catalog::Type::Kind::kComposite) {
    if (const catalog::Class* cls = cat_.class_of_row_type(base)) {
      // A table's row type used as a value (a computed column returning a row).
      for (size_t i = 0; i < built_.tables.size(); ++i)
        if (built_.tables[i].cls == cls) {
          std::string a = alias(cls->name);
          return "(select " + object_json(built_.tables[i].type_name, "(" + a + ".v)", group) +
                 " from (select (" + expr + ") as v) as " + a + " where not (" + a + ".v is null))";
        }
    }
    return composite_json(base, expr, group);
  }
  return output_json(cat_, type, expr);
}

// The JWT type's value as its attributes, by SQL name, each as its
// GraphQL JSON (PostGraphile signs what its codec decoded: a bigint is a
// string there too).
std::string Compiler::jwt_row_json(const std::string& expr) {
  if (!jwt_allowed_)
    throw CompileError(built_.jwt_scalar +
                       " values are issued only by root fields and mutation results");
  const catalog::Type* t = cat_.find_type(built_.jwt_type);
  std::vector<std::pair<std::string, std::string>> members;
  for (const catalog::Column& a : t->attributes) {
    if (a.num < 1) continue;
    std::string value = "(" + expr + ")." + quote_ident(a.name);
    members.emplace_back(a.name, is_scalar_output(cat_, a.type) ? output_json(cat_, a.type, value)
                                                                : "to_json(" + value + ")");
  }
  return "case when (" + expr + ") is null then null else " + build_object(members) + " end";
}

std::string Compiler::interval_json(const std::string& expr, const FieldGroup& group) {
  std::vector<std::pair<std::string, std::string>> members;
  for (const FieldGroup& sub :
       exec::collect_subfields(built_.schema, "Interval", group, fragments_, vars_)) {
    const std::string& name = sub.first().name.value;
    std::string v;
    if (name == "__typename")
      v = "to_json('Interval'::text)";
    else if (name == "seconds")
      v = "to_json(extract(second from " + expr + ")::float8)";
    else if (name == "minutes" || name == "hours" || name == "days" || name == "months" ||
             name == "years")
      v = "to_json(extract(" + name.substr(0, name.size() - 1) + " from " + expr + ")::int)";
    else
      throw CompileError("Unknown Interval field " + name);
    members.emplace_back(sub.response_key, v);
  }
  return "case when (" + expr + ") is null then null else " + build_object(members) + " end";
}

std::string Compiler::composite_json(Oid type, const std::string& expr, const FieldGroup& group) {
  // The composite's GraphQL type is the one the schema gave the field.
  std::string type_name;
  for (const auto& [name, plan] : built_.objects)
    if (plan.composite_type == type) type_name = name;
  if (type_name.empty())
    throw CompileError("No GraphQL type for composite type " + std::to_string(type));
  return "case when (" + expr + ") is null then null else " +
         object_json(type_name, "(" + expr + ")", group) + " end";
}

// The global object id: base64 of ["Type", ...primary key values].
std::string Compiler::node_id_sql(int table, const std::string& row) {
  const build::TableInfo& t = built_.tables[size_t(table)];
  std::string text = quote_literal("[" + json::Value::string(t.type_name).dump());
  for (int16_t k : t.primary_key) {
    const catalog::Column* c = t.cls->column(k);
    text +=
        " || ',' || (" + output_json(cat_, c->type, row + "." + quote_ident(c->name)) + ")::text";
  }
  text += " || ']'";
  return "to_json(" + base64_sql(text) + ")";
}

// A single row of `table` matching `conditions` (written against `a`).
std::string Compiler::single_row(int table, const std::string& conditions, const std::string& a,
                                 const FieldGroup& group) {
  const build::TableInfo& t = built_.tables[size_t(table)];
  note_table(table);
  return "(select " + object_json(t.type_name, a, group) + " from " +
         qualified(t.cls->schema, t.cls->name) + " as " + a +
         (conditions.empty() ? "" : " where " + conditions) + " limit 1)";
}

// A call of a function-backed field: the row (computed columns) first,
// then the GraphQL arguments by position; trailing omitted arguments fall
// back to the function's defaults, omitted ones before a given one are
// passed by name so defaults still apply.
std::string Compiler::function_call(const catalog::Function& fn, const FieldPlan& plan,
                                    const std::optional<std::string>& row_arg,
                                    const FieldGroup& group) {
  std::string parent = plan.kind == FieldPlan::Kind::kCustomQuery ||
                               plan.kind == FieldPlan::Kind::kCustomQueryConnection
                           ? "Query"
                           : "";
  // Arguments belong to the field on its parent type; the plan knows the field.
  std::map<std::string, json::Value, std::less<>> values;
  if (!plan.args.empty()) values = arguments(group, parent.empty() ? current_parent_ : parent);
  return call_sql(fn, plan, row_arg, values);
}

// The call itself, with the argument values by GraphQL name (a field's
// arguments, or a custom mutation's input fields).
std::string Compiler::call_sql(const catalog::Function& fn, const FieldPlan& plan,
                               const std::optional<std::string>& row_arg,
                               const std::map<std::string, json::Value, std::less<>>& values) {
  std::map<int, std::string> given;
  if (row_arg) given[0] = *row_arg;
  for (const build::ArgPlan& a : plan.args) {
    auto v = values.find(a.name);
    if (v == values.end()) continue;
    given[a.position] = param(v->second, a.pg_type);
  }
  std::vector<const catalog::Argument*> inputs;
  for (const catalog::Argument& a : fn.arguments)
    if (a.mode == 'i' || a.mode == 'b' || a.mode == 'v') inputs.push_back(&a);
  int first_default = fn.input_count - fn.default_count;
  note_function(fn);
  std::string call = qualified(fn.schema, fn.name) + "(";
  bool named = false, any = false;
  for (int p = 0; p < static_cast<int>(inputs.size()); ++p) {
    auto g = given.find(p);
    if (g == given.end()) {
      if (p >= first_default) {
        named = true;  // leave it to the default; later ones must be named
        continue;
      }
      // No default: PostGraphile passes null.
      if (any) call += ", ";
      any = true;
      if (named) call += quote_ident(inputs[size_t(p)]->name) + " => ";
      call += params_.add(std::nullopt, inputs[size_t(p)]->type);
      continue;
    }
    if (any) call += ", ";
    any = true;
    if (named) call += quote_ident(inputs[size_t(p)]->name) + " => ";
    call += g->second;
  }
  return call + ")";
}

// One field of a row object.
std::string Compiler::row_field(const std::string& type_name, const FieldPlan& plan,
                                const std::string& row, const FieldGroup& group) {
  std::string saved_parent = current_parent_;
  current_parent_ = type_name;
  struct Restore {
    std::string& ref;
    std::string value;
    ~Restore() { ref = value; }
  } restore{current_parent_, saved_parent};

  switch (plan.kind) {
    case FieldPlan::Kind::kNodeId:
      return node_id_sql(built_.objects.at(type_name).table, row);
    case FieldPlan::Kind::kColumn:
      return value_json(plan.pg_type, row + "." + quote_ident(plan.column_name), group);
    case FieldPlan::Kind::kComputed:
      return value_json(plan.pg_type, function_call(*plan.function, plan, row, group), group);
    case FieldPlan::Kind::kForwardRelation:
    case FieldPlan::Kind::kBackwardSingle: {
      const build::TableInfo& target = built_.tables[size_t(plan.table)];
      const catalog::Class& here = *built_.tables[size_t(built_.objects.at(type_name).table)].cls;
      std::string a = alias(target.cls->name);
      std::string cond;
      for (size_t i = 0; i < plan.local_columns.size(); ++i) {
        if (i) cond += " and ";
        cond += a + "." + quote_ident(target.cls->column(plan.remote_columns[i])->name) + " = " +
                row + "." + quote_ident(here.column(plan.local_columns[i])->name);
      }
      return single_row(plan.table, cond, a, group);
    }
    case FieldPlan::Kind::kBackwardConnection: {
      const build::TableInfo& target = built_.tables[size_t(plan.table)];
      const catalog::Class& here = *built_.tables[size_t(built_.objects.at(type_name).table)].cls;
      Source source;
      source.kind = Source::Kind::kTable;
      source.table = plan.table;
      source.relation = qualified(target.cls->schema, target.cls->name);
      for (size_t i = 0; i < plan.local_columns.size(); ++i)
        source.equal.emplace_back(
            target.cls->column(plan.remote_columns[i])->name,
            row + "." + quote_ident(here.column(plan.local_columns[i])->name));
      return connection_json(built_.connections.at(plan.connection_type), source, group);
    }
    case FieldPlan::Kind::kComputedConnection: {
      Source source;
      source.kind = Source::Kind::kFunction;
      source.table = built_.connections.at(plan.connection_type).table;
      source.relation = function_call(*plan.function, plan, row, group);
      return connection_json(built_.connections.at(plan.connection_type), source, group);
    }
    default:
      throw CompileError("Field kind not supported on a row type");
  }
}

// A global id: base64 of ["Type", ...primary key values]. nullopt when it
// does not decode, names no table with a primary key, has too few values
// (or, unless `extra_values_ok`, too many), or a value is not valid input
// for its key column, so that a forged id is null rather than a SQL error.
std::optional<Compiler::NodeKey> Compiler::decode_node_id(std::string_view id,
                                                          bool extra_values_ok) const {
  auto decoded = util::base64_decode(id);
  if (!decoded) return std::nullopt;
  json::ParseResult parsed = json::parse(*decoded);
  if (!parsed.ok() || !parsed.value->is_array() || parsed.value->items().empty())
    return std::nullopt;
  const std::vector<json::Value>& items = parsed.value->items();
  if (!items[0].is_string()) return std::nullopt;
  NodeKey key;
  key.table = built_.table_of_type(items[0].text());
  if (key.table < 0) return std::nullopt;
  const build::TableInfo& t = built_.tables[size_t(key.table)];
  size_t wanted = t.primary_key.size() + 1;
  if (t.primary_key.empty() || items.size() < wanted || (!extra_values_ok && items.size() > wanted))
    return std::nullopt;
  for (size_t i = 0; i < t.primary_key.size(); ++i) {
    const json::Value& v = items[i + 1];
    const catalog::Column* c = t.cls->column(t.primary_key[i]);
    if ((!v.is_number() && !v.is_string()) || !valid_key_text(c->type, v.text()))
      return std::nullopt;
    key.values.push_back(v.text());
  }
  return key;
}

// node(id:) and the typed fetchers: decode the id here (an id that does not
// decode, names another type, or has the wrong number of values is null,
// as in PostGraphile), then read that one row by its primary key.
std::optional<std::string> Compiler::fetch_by_node_id(const FieldGroup& group, int only_table) {
  auto args = arguments(group, "Query");
  auto id = args.find("id");
  if (id == args.end() || !id->second.is_string()) return std::nullopt;
  std::optional<NodeKey> key = decode_node_id(id->second.text(), false);
  if (!key || (only_table >= 0 && key->table != only_table)) return std::nullopt;
  const build::TableInfo& t = built_.tables[size_t(key->table)];
  std::string a = alias(t.cls->name);
  std::string cond;
  for (size_t i = 0; i < t.primary_key.size(); ++i) {
    const catalog::Column* c = t.cls->column(t.primary_key[i]);
    if (i) cond += " and ";
    cond += a + "." + quote_ident(c->name) + " = " + params_.add(key->values[i], c->type);
  }
  return single_row(key->table, cond, a, group);
}

}  // namespace pg_gateway::graphql::sql
