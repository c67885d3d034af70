// Functions as fields: which ones PostGraphile exposes and where (computed
// columns on a row type, custom queries on Query, custom mutations), their
// arguments, return types and connection types.
#include <cctype>
#include <string>

#include "core/catalog/privileges.hpp"
#include "core/graphql/schema_builder_internal.hpp"
#include "core/naming/inflection.hpp"

namespace pg_gateway::graphql::build::detail {

using catalog::Type;
using schema::Field;
using schema::InputValue;
using schema::NamedType;
using schema::TypeRef;

namespace {

bool out_mode(char m) { return m == 'o' || m == 'b' || m == 't'; }

}  // namespace

void Builder::collect_function_resources() {
  for (const RegistryEntry& e : registry_) {
    if (!e.function) continue;
    FunctionResource r;
    r.function = e.function;
    if (classify(r)) functions_.push_back(std::move(r));
  }
}

// PostGraphile's view of a function resource: its parameters, what it
// returns, and (from defaultProcSourceBehavior, the inferred behaviors of
// the order/condition plugins and the @behavior tags) where it appears.
bool Builder::classify(FunctionResource& r) {
  const catalog::Function& f = *r.function;
  r.name = f.tags.value("name").empty() ? f.name : f.tags.value("name");
  r.description = f.tags.description;
  r.is_mutation = f.is_mutation();
  r.returns_set = f.returns_set;
  size_t outs = 0;
  for (const catalog::Argument& a : f.arguments) outs += out_mode(a.mode) ? 1 : 0;
  r.returns_record = outs > 1;
  r.return_type = f.return_type;
  if (!r.returns_record) {
    const Type* rt = cat_.find_type(f.return_type);
    if (rt && rt->category == 'A' && rt->element) {
      r.returns_array = true;
      rt = cat_.find_type(rt->element);
    }
    if (rt && rt->kind == Type::Kind::kComposite) {
      r.row_type = rt->oid;
      r.row_table = table_index(rt->class_oid);
    }
  }
  int input = 0;
  int required = f.input_count - f.default_count;
  for (const catalog::Argument& a : f.arguments) {
    if (a.mode != 'i' && a.mode != 'b') continue;
    FunctionParam p;
    p.name = a.name;
    p.type = a.type;
    p.position = input;
    p.optional = input >= required;
    p.not_null = f.strict && !p.optional;
    r.params.push_back(p);
    ++input;
  }

  // defaultProcSourceBehavior()
  bool first_is_row = false, first_table_like = false;
  if (!r.params.empty()) {
    const Type* t = cat_.find_type(r.params[0].type);
    first_is_row = t && t->kind == Type::Kind::kComposite;
    if (first_is_row)
      for (const catalog::Class& cls : cat_.classes) first_table_like |= cls.oid == t->class_oid;
  }
  Behavior b;
  b.add("connection -list -resource:connection:backwards -filter -order -array");
  b.add(!r.is_mutation && (!first_is_row || !first_table_like) ? "queryField" : "-queryField");
  b.add(r.is_mutation ? "mutationField" : "-mutationField");
  b.add(!r.is_mutation && first_is_row ? "typeField" : "-typeField");
  if (r.returns_set && r.returns_array) b.add("-connection -list array");
  // isSimpleScalarComputedColumnLike(): a scalar from a row, other
  // arguments optional.
  bool simple =
      !r.returns_record && !r.returns_set && !r.returns_array && r.row_type == 0 && first_is_row;
  for (size_t i = 1; i < r.params.size(); ++i) simple &= r.params[i].optional;
  if (simple) b.add("-orderBy -condition:proc:filterBy");
  // PgRBACPlugin: a function the role may not EXECUTE is nowhere.
  if (!catalog::function_privileges(cat_, f).execute)
    b.add("-queryField -mutationField -typeField -orderBy -filterBy");
  for (const std::string& tag : f.tags.values("behavior")) b.add(tag);

  r.query_field = b.matches("queryField");
  r.mutation_field = b.matches("mutationField");
  r.computed = b.matches("typeField");
  r.order_by = simple && b.matches("proc:orderBy");
  r.filter_by = simple && b.matches("condition:proc:filterBy");
  r.connection = b.matches("resource:connection");
  return true;
}

// computedAttributeField(): the SQL name without the "<table>_" prefix.
std::string Builder::computed_field_name(const FunctionResource& f) const {
  std::string explicit_name = f.function->tags.value("fieldName");
  if (!explicit_name.empty()) return explicit_name;
  const std::string& name = f.function->name;
  std::string prefix;
  if (!f.params.empty())
    if (const Type* t = cat_.find_type(f.params[0].type)) prefix = t->name + "_";
  if (!prefix.empty() && name.rfind(prefix, 0) == 0)
    return naming::camel_case(name.substr(prefix.size()));
  return naming::camel_case(name);
}

// The connection type of a SETOF function: its own <Name>Connection for
// scalars and records, else the row type's connection.
std::string Builder::function_connection_type(const FunctionResource& f) const {
  if (f.returns_record || f.row_type == 0) return naming::upper_camel_case(f.name) + "Connection";
  if (f.row_table >= 0) return out_.tables[size_t(f.row_table)].type_name + "Connection";
  auto it = composite_names_.find(f.row_type);
  return it == composite_names_.end() ? std::string() : it->second + "Connection";
}

void Builder::add_function_connection_type(FunctionResource& f) {
  if (!f.returns_set || f.returns_array || f.is_mutation) return;
  TypeRef node = function_return_type(f);
  if (node.name.empty()) return;
  std::string connection = function_connection_type(f);
  std::string edge =
      connection.substr(0, connection.size() - std::string("Connection").size()) + "Edge";
  if (f.row_table >= 0) return;  // the table's own connection type
  add_connection_types(node.name, connection, edge, true);
  ConnectionPlan cp;
  cp.type_name = connection;
  cp.node_type = node.name;
  cp.edge_type = edge;
  cp.row_type = f.returns_record ? 0 : f.return_type;
  cp.natural_cursor = true;
  out_.connections[connection] = cp;
}

// The GraphQL type of what the function returns (one value, one row or
// one element of a set); empty when PostGraphile has none.
TypeRef Builder::function_return_type(const FunctionResource& f) {
  if (f.returns_record) return f.record_type.empty() ? TypeRef{} : TypeRef::named(f.record_type);
  if (f.return_type == kVoid) return TypeRef{};
  // A domain over an array is a list, which has no name for a connection
  // type: SETOF such a domain gets no field.
  if (const Type* t = f.returns_set ? cat_.find_type(f.return_type) : nullptr) {
    const Type* base = t->kind == Type::Kind::kDomain ? cat_.find_type(t->base) : nullptr;
    if (base && base->category == 'A') return TypeRef{};
  }
  if (f.returns_array) {
    const Type* t = cat_.find_type(f.return_type);
    TypeRef inner = t ? output_type(t->element) : TypeRef{};
    return inner.name.empty() ? inner : inner.list();
  }
  return output_type(f.return_type);
}

// pgGetArgDetailsFromParameters(): the function's arguments after `offset`
// (1 skips a computed column's row). Empty name: an argument has no type.
std::vector<InputValue> Builder::function_args(const FunctionResource& f, size_t offset,
                                               std::vector<ArgPlan>* plans, bool* ok) {
  std::vector<InputValue> args;
  *ok = true;
  for (size_t i = offset; i < f.params.size(); ++i) {
    const FunctionParam& p = f.params[i];
    std::string name =
        naming::camel_case(p.name.empty() ? "arg" + std::to_string(i - offset) : p.name);
    TypeRef type = input_type(p.type);
    if (type.name.empty()) {
      *ok = false;
      return {};
    }
    if (p.not_null) type = type.non_null();
    args.push_back(InputValue{name, {}, type, {}, {}});
    ArgPlan a;
    a.name = name;
    a.position = p.position;
    a.pg_type = p.type;
    plans->push_back(a);
  }
  return args;
}

// first/offset/after: function connections cannot page backwards.
std::vector<InputValue> Builder::function_connection_args() {
  return {
      InputValue{"first",
                 arg_desc("Only read the first `n` values of the set."),
                 TypeRef::named("Int"),
                 {},
                 {}},
      InputValue{"offset",
                 arg_desc("Skip the first `n` values from our `after` cursor, an alternative to "
                          "cursor based pagination. May not be used with `last`."),
                 TypeRef::named("Int"),
                 {},
                 {}},
      InputValue{"after",
                 arg_desc("Read all values in the set after (below) this cursor."),
                 TypeRef::named("Cursor"),
                 {},
                 {}},
  };
}

// Adds the field of a function to Query (root) or to its row type.
bool Builder::add_function_field(const FunctionResource& f, bool root, NamedType& obj,
                                 ObjectPlan& plan) {
  FieldPlan p;
  p.function = f.function;
  p.table = f.row_table;
  p.pg_type = f.return_type;
  bool ok = true;
  std::vector<InputValue> args = function_args(f, root ? 0 : 1, &p.args, &ok);
  if (!ok) return false;
  Field field;
  field.name = root ? naming::camel_case(f.name) : computed_field_name(f);
  field.deprecation_reason = deprecation(f.function->tags, false);
  TypeRef type = function_return_type(f);
  if (type.name.empty()) return false;
  if (f.returns_set) {
    if (f.returns_array || !f.connection) return false;  // arrays and lists: not offered
    std::string connection = function_connection_type(f);
    if (connection.empty() || !out_.schema.find(connection)) return false;
    // tableType(codec): for scalars the codec's name, singular.
    std::string set_of = type.name;
    if (!f.returns_record && f.row_type == 0)
      if (const Type* t = cat_.find_type(f.return_type))
        set_of = naming::upper_camel_case(naming::singularize(codec_name(*t)));
    field.description = f.description.empty()
                            ? "Reads and enables pagination through a set of `" + set_of + "`."
                            : f.description;
    field.type = root ? TypeRef::named(connection) : TypeRef::named(connection).non_null();
    field.args = std::move(args);
    for (InputValue& a : function_connection_args()) field.args.push_back(std::move(a));
    p.kind = root ? FieldPlan::Kind::kCustomQueryConnection : FieldPlan::Kind::kComputedConnection;
    p.connection_type = connection;
  } else {
    if (!f.description.empty()) field.description = f.description;
    field.type = f.function->tags.has("notNull") ? type.non_null() : type;
    field.args = std::move(args);
    p.kind = root ? FieldPlan::Kind::kCustomQuery : FieldPlan::Kind::kComputed;
  }
  plan.fields[field.name] = std::move(p);
  obj.fields.push_back(std::move(field));
  return true;
}

}  // namespace pg_gateway::graphql::build::detail
