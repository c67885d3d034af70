// Row object types: one per table or view (global id, computed columns,
// columns, forward and backward relations, in PostGraphile's field order),
// one per composite type used somewhere, one per RETURNS TABLE function.
#include <algorithm>
#include <map>
#include <set>

#include "core/graphql/schema_builder_internal.hpp"
#include "core/naming/inflection.hpp"

namespace pg_gateway::graphql::build::detail {

using catalog::Class;
using catalog::Column;
using catalog::Constraint;
using catalog::Type;
using schema::EnumValue;
using schema::Field;
using schema::InputValue;
using schema::NamedType;
using schema::TypeRef;

namespace {

// PgIndexBehaviorsPlugin: a backward relation from a table needs an index
// (not partial) with at least as many columns that contains every foreign
// key column, in any position. Views and smart-tag keys need none.
bool backward_relation_indexed(const Class& source, const Constraint& fk, bool smart) {
  if (smart) return true;
  if (source.kind != Class::Kind::kTable && source.kind != Class::Kind::kMaterializedView &&
      source.kind != Class::Kind::kForeignTable)
    return true;
  for (const catalog::Index& idx : source.indexes) {
    if (idx.partial || idx.keys.size() < fk.keys.size()) continue;
    bool all = true;
    for (int16_t k : fk.keys)
      all &= std::find(idx.keys.begin(), idx.keys.end(), k) != idx.keys.end();
    if (all) return true;
  }
  return false;
}

// A backward relation is to one row when a unique key of the referencing
// table lies within the foreign key's columns.
bool backward_relation_unique(const TableInfo& source, const Constraint& fk) {
  for (const Constraint* u : source.uniques) {
    bool within = true;
    for (int16_t k : u->keys)
      within &= std::find(fk.keys.begin(), fk.keys.end(), k) != fk.keys.end();
    if (within) return true;
  }
  return false;
}

// The constraint's own @deprecated, else the related table's.
std::optional<std::string> relation_deprecation(const Constraint& k, const TableInfo& remote) {
  if (auto own = deprecation(k.tags, false)) return own;
  return deprecation(remote.cls->tags, false);
}

FieldPlan relation_plan(FieldPlan::Kind kind, int table, const Constraint* k, bool backward) {
  FieldPlan p;
  p.kind = kind;
  p.table = table;
  p.constraint = k;
  p.local_columns = backward ? k->foreign_keys : k->keys;
  p.remote_columns = backward ? k->keys : k->foreign_keys;
  return p;
}

}  // namespace

void Builder::add_row_types() {
  for (const TableInfo& t : out_.tables) add_table_helper_types(t);
  for (FunctionResource& f : functions_) {
    if (f.returns_record) add_record_type(f);
    add_function_connection_type(f);
  }
  // Composite types met so far get their fields now that functions and
  // connection types exist; later ones are built when first met.
  functions_collected_ = true;
  std::map<Oid, std::string> early = composite_names_;
  for (const auto& [oid, name] : early)
    if (const Type* t = cat_.find_type(oid)) build_composite_type(*t, name);
  for (size_t i = 0; i < out_.tables.size(); ++i) add_table_type(static_cast<int>(i));
}

// "By" + the columns' field names, upper camel, joined with "And".
std::string Builder::by_columns(const TableInfo& t, const std::vector<int16_t>& keys) const {
  std::string out = "By";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out += "And";
    for (const ColumnInfo& c : t.columns)
      if (c.column->num == keys[i]) out += naming::upper_first(c.field_name);
  }
  return out;
}

void Builder::add_table_type(int index) {
  const TableInfo& t = out_.tables[size_t(index)];
  NamedType obj;
  obj.kind = NamedType::Kind::kObject;
  obj.name = t.type_name;
  if (!t.cls->tags.description.empty()) obj.description = t.cls->tags.description;
  ObjectPlan plan;
  plan.type_name = t.type_name;
  plan.table = index;
  if (!t.primary_key.empty()) {
    obj.interfaces.push_back("Node");
    Field id;
    id.name = "id";
    id.type = TypeRef::named("ID").non_null();
    id.description = field_desc(kNodeIdDescription);
    obj.fields.push_back(std::move(id));
    FieldPlan p;
    p.kind = FieldPlan::Kind::kNodeId;
    p.table = index;
    p.local_columns = t.primary_key;
    plan.fields["id"] = p;
  }
  add_computed_fields(obj, plan, t.cls->row_type);
  for (const ColumnInfo& c : t.columns) {
    if (!c.selectable) continue;
    Field f;
    f.name = c.field_name;
    f.type = c.type;
    if (!c.column->tags.description.empty()) f.description = c.column->tags.description;
    f.deprecation_reason = deprecation(c.column->tags, true);
    obj.fields.push_back(std::move(f));
    FieldPlan p;
    p.kind = FieldPlan::Kind::kColumn;
    p.table = index;
    p.column_name = c.column->name;
    p.pg_type = c.column->type;
    p.local_columns = {c.column->num};
    plan.fields[c.field_name] = p;
  }
  add_relations(t, obj, plan);
  out_.schema.add(std::move(obj));
  out_.objects[t.type_name] = std::move(plan);
}

// A composite type (not a table's row type) as an object type, made when
// something first uses it.
TypeRef Builder::composite_type(const Type& t) {
  auto known = composite_names_.find(t.oid);
  if (known != composite_names_.end()) return TypeRef::named(known->second);
  std::string base = t.tags.value("name").empty() ? t.name : t.tags.value("name");
  std::string name = naming::upper_camel_case(naming::singularize(naming::camel_case(base)));
  composite_names_[t.oid] = name;
  // Columns of tables meet composite types before the functions are known;
  // those are (re)built with their computed fields by add_row_types().
  if (functions_collected_) build_composite_type(t, name);
  return TypeRef::named(name);
}

void Builder::build_composite_type(const Type& t, const std::string& name) {
  NamedType obj;
  obj.kind = NamedType::Kind::kObject;
  obj.name = name;
  if (!t.tags.description.empty()) obj.description = t.tags.description;
  ObjectPlan plan;
  plan.type_name = name;
  plan.composite_type = t.oid;
  add_computed_fields(obj, plan, t.oid);
  for (const Column& a : t.attributes) {
    if (a.num < 1) continue;
    TypeRef type = output_type(a.type);
    if (type.name.empty()) continue;
    const Type* at = cat_.find_type(a.type);
    bool not_null = a.not_null || (at && at->kind == Type::Kind::kDomain && at->not_null);
    Field f;
    std::string field = a.tags.value("name").empty() ? a.name : a.tags.value("name");
    f.name = naming::camel_case(field);
    f.type = not_null ? type.non_null() : type;
    if (!a.tags.description.empty()) f.description = a.tags.description;
    obj.fields.push_back(f);
    FieldPlan p;
    p.kind = FieldPlan::Kind::kColumn;
    p.column_name = a.name;
    p.pg_type = a.type;
    p.local_columns = {a.num};
    plan.fields[f.name] = p;
  }
  out_.schema.add(std::move(obj));
  out_.objects[name] = std::move(plan);
}

// <Name>Record: the row of a RETURNS TABLE / several-OUT-parameters function.
void Builder::add_record_type(FunctionResource& f) {
  f.record_type = naming::upper_camel_case(f.name + "-record");
  NamedType obj;
  obj.kind = NamedType::Kind::kObject;
  obj.name = f.record_type;
  ObjectPlan plan;
  plan.type_name = f.record_type;
  plan.record_function = f.function;
  const auto& args = f.function->arguments;
  for (size_t i = 0; i < args.size(); ++i) {
    char m = args[i].mode;
    if (m != 'o' && m != 'b' && m != 't') continue;
    TypeRef type = output_type(args[i].type);
    if (type.name.empty()) continue;
    std::string column = args[i].name.empty() ? "column" + std::to_string(i + 1) : args[i].name;
    Field field;
    field.name = naming::camel_case(column);
    field.type = type;
    obj.fields.push_back(field);
    FieldPlan p;
    p.kind = FieldPlan::Kind::kColumn;
    p.column_name = column;
    p.pg_type = args[i].type;
    plan.fields[field.name] = p;
  }
  out_.schema.add(std::move(obj));
  out_.objects[f.record_type] = std::move(plan);
}

// Computed columns of a row type, in registry order; the ones tagged
// +orderBy / +filterBy also extend the table's OrderBy and Condition.
void Builder::add_computed_fields(NamedType& obj, ObjectPlan& plan, Oid row_type) {
  for (const FunctionResource& f : functions_) {
    if (!f.computed || f.params.empty() || f.params[0].type != row_type) continue;
    add_function_field(f, false, obj, plan);
  }
}

// Computed columns tagged +orderBy / +filterBy extend the table's OrderBy
// (after NATURAL) and Condition (after the columns).
void Builder::add_computed_order_and_condition(const TableInfo& t) {
  Oid row_type = t.cls->row_type;
  const NamedType* order_type = out_.schema.find(t.type_name + "OrderBy");
  const NamedType* cond_type = out_.schema.find(t.type_name + "Condition");
  if (!order_type || !cond_type) return;
  NamedType order_copy = *order_type, cond_copy = *cond_type;
  NamedType* order = &order_copy;
  NamedType* cond = &cond_copy;
  size_t at = 1;  // after NATURAL
  for (const FunctionResource& f : functions_) {
    if (!f.computed || f.params.empty() || f.params[0].type != row_type) continue;
    std::string field = computed_field_name(f);
    if (f.order_by) {
      std::string base = naming::constant_case(field);
      for (bool desc : {false, true}) {
        std::string v = base + (desc ? "_DESC" : "_ASC");
        order->values.insert(order->values.begin() + long(at++), EnumValue{v, {}, {}});
        OrderByPlan p;
        p.kind = OrderByPlan::Kind::kComputed;
        p.descending = desc;
        p.function = f.function;
        out_.order_by[order->name][v] = p;
      }
    }
    if (f.filter_by) {
      TypeRef type = input_type(f.return_type);
      if (type.name.empty()) continue;
      cond->input_fields.push_back(InputValue{
          field,
          field_desc("Checks for equality with the object\u2019s `" + field + "` field."),
          type,
          {},
          {}});
      ConditionPlan p;
      p.function = f.function;
      p.pg_type = f.return_type;
      out_.conditions[cond->name][field] = p;
    }
  }
  out_.schema.add(std::move(order_copy));
  out_.schema.add(std::move(cond_copy));
}

// Forward relations (this table's foreign keys, in constraint order), then
// backward relations (foreign keys pointing here: real ones by referencing
// table oid and constraint name, then smart-tag ones), as PostGraphile's
// introspection lists them.
void Builder::add_relations(const TableInfo& t, NamedType& obj, ObjectPlan& plan) {
  for (const Constraint* k : t.foreign_keys) {
    int target_index = table_index(k->foreign_class);
    if (target_index < 0 || !table_abilities(out_.tables[size_t(target_index)]).select) continue;
    const TableInfo& target = out_.tables[size_t(target_index)];
    Field f;
    f.name = naming::camel_case(target.type_name) + by_columns(t, k->keys);
    std::string description = k->tags.value("forwardDescription");
    if (description.empty()) description = k->tags.description;
    f.description = description.empty()
                        ? field_desc("Reads a single `" + target.type_name +
                                     "` that is related to this `" + t.type_name + "`.")
                        : description;
    f.type = TypeRef::named(target.type_name);
    f.deprecation_reason = relation_deprecation(*k, target);
    plan.fields[f.name] =
        relation_plan(FieldPlan::Kind::kForwardRelation, target_index, k, /*backward=*/false);
    obj.fields.push_back(std::move(f));
  }
  struct Backward {
    int source;
    const Constraint* k;
    bool smart;
  };
  std::vector<Backward> real, smart;
  for (size_t s = 0; s < out_.tables.size(); ++s)
    for (const Constraint* k : out_.tables[s].foreign_keys) {
      if (k->foreign_class != t.cls->oid) continue;
      bool is_smart = k->name == "@foreignKey";
      (is_smart ? smart : real).push_back(Backward{static_cast<int>(s), k, is_smart});
    }
  std::stable_sort(real.begin(), real.end(), [this](const Backward& a, const Backward& b) {
    const Class* ca = out_.tables[size_t(a.source)].cls;
    const Class* cb = out_.tables[size_t(b.source)].cls;
    if (ca->oid != cb->oid) return ca->oid < cb->oid;
    return a.k->name < b.k->name;
  });
  real.insert(real.end(), smart.begin(), smart.end());
  for (const Backward& b : real) {
    const TableInfo& source = out_.tables[size_t(b.source)];
    if (!backward_relation_indexed(*source.cls, *b.k, b.smart)) continue;
    if (!table_abilities(source).select) continue;
    std::string by = by_columns(source, b.k->keys);
    std::string description = b.k->tags.value("backwardDescription");
    if (backward_relation_unique(source, *b.k)) {
      Field f;
      f.name = naming::camel_case(source.type_name) + by;
      f.description = description.empty()
                          ? field_desc("Reads a single `" + source.type_name +
                                       "` that is related to this `" + t.type_name + "`.")
                          : description;
      f.type = TypeRef::named(source.type_name);
      f.deprecation_reason = relation_deprecation(*b.k, source);
      plan.fields[f.name] =
          relation_plan(FieldPlan::Kind::kBackwardSingle, b.source, b.k, /*backward=*/true);
      obj.fields.push_back(std::move(f));
    } else {
      Field f = connection_field(naming::camel_case(source.plural) + by, source);
      if (!description.empty()) f.description = description;
      f.deprecation_reason = relation_deprecation(*b.k, source);
      FieldPlan p =
          relation_plan(FieldPlan::Kind::kBackwardConnection, b.source, b.k, /*backward=*/true);
      p.connection_type = source.type_name + "Connection";
      plan.fields[f.name] = p;
      obj.fields.push_back(std::move(f));
    }
  }
}

}  // namespace pg_gateway::graphql::build::detail
