// The Mutation root type and its input and payload types, in PostGraphile's
// order: custom mutations (VOLATILE functions), then create, update and
// delete per table in registry order, with the plans the SQL compiler runs
// them by (core/graphql/sql/compile_mutations.cpp).
//
// What is offered follows the snapshot role's privileges (PgRBACPlugin:
// INSERT/UPDATE/DELETE on the table or on some column, column-level
// INSERT/UPDATE for the fields of <X>Input / <X>Patch, EXECUTE on
// functions), pg_relation_is_updatable() for views, and @behavior tags.
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

const char* const kInputArgDescription =
    "The exclusive input argument for this mutation. An object type, make sure to see "
    "documentation for this object\u2019s fields.";
const char* const kInputClientMutationId =
    "An arbitrary string value with no semantic meaning. Will be included in the payload "
    "verbatim. May be used to track mutations by the client.";
const char* const kPayloadClientMutationId =
    "The exact same `clientMutationId` that was provided in the mutation input, unchanged and "
    "unused. May be used by a client to track mutations.";

InputValue input_field(std::string name, std::optional<std::string> description, TypeRef type) {
  return InputValue{std::move(name), std::move(description), std::move(type), {}, {}};
}

Field output_field(std::string name, std::optional<std::string> description, TypeRef type) {
  Field f;
  f.name = std::move(name);
  f.description = std::move(description);
  f.type = std::move(type);
  return f;
}

std::optional<std::string> description_of(const catalog::SmartTags& tags) {
  if (tags.description.empty()) return std::nullopt;
  return tags.description;
}

// The `input: <X>Input!` argument every mutation field takes.
InputValue input_argument(const std::string& type) {
  return input_field("input", std::string(kInputArgDescription), TypeRef::named(type).non_null());
}

// clientMutationId, <X>, query: the start of every payload.
NamedType payload_type(const std::string& name, const std::string& description) {
  NamedType p;
  p.kind = NamedType::Kind::kObject;
  p.name = name;
  p.description = description;
  p.fields.push_back(output_field("clientMutationId", field_desc(kPayloadClientMutationId),
                                  TypeRef::named("String")));
  return p;
}

void add_query_field(NamedType& payload) {
  payload.fields.push_back(output_field(
      "query", "Our root query field type. Allows us to run any query from our mutation payload.",
      TypeRef::named("Query")));
}

FieldPlan payload_field(FieldPlan::Kind kind, int table = -1) {
  FieldPlan p;
  p.kind = kind;
  p.table = table;
  return p;
}

// The plan of a payload: clientMutationId and query always; the row field,
// deleted id, result and edge where the type has them.
ObjectPlan payload_plan(const NamedType& payload, int table) {
  ObjectPlan plan;
  plan.type_name = payload.name;
  plan.table = table;
  plan.fields["clientMutationId"] = payload_field(FieldPlan::Kind::kPayloadClientMutationId);
  plan.fields["query"] = payload_field(FieldPlan::Kind::kPayloadQuery);
  return plan;
}

NamedType mutation_input_type(const std::string& name, const std::string& description) {
  NamedType in;
  in.kind = NamedType::Kind::kInputObject;
  in.name = name;
  in.description = description;
  in.input_fields.push_back(input_field("clientMutationId", field_desc(kInputClientMutationId),
                                        TypeRef::named("String")));
  return in;
}

}  // namespace

// resource:select/insert/update/delete of a table after the updatable mask
// (views), the RBAC privileges and its @behavior tags.
Builder::Abilities Builder::table_abilities(const TableInfo& t) const {
  catalog::Privileges table = catalog::class_privileges(cat_, *t.cls);
  bool select = table.select, insert = table.insert, update = table.update;
  for (const catalog::Column& c : t.cls->columns) {
    catalog::Privileges p = catalog::column_privileges(cat_, *t.cls, c);
    select |= p.select;
    insert |= p.insert;
    update |= p.update;
  }
  Behavior b;
  b.add("resource:select resource:insert resource:update resource:delete insert update delete");
  int mask = t.cls->updatable_mask;
  if (mask >= 0) {
    if (!(mask & (1 << 3))) b.add("-resource:insert");
    if (!(mask & (1 << 2))) b.add("-resource:update");
    if (!(mask & (1 << 4))) b.add("-resource:delete");
  }
  if (!select) b.add("-select");
  if (!insert) b.add("-insert");
  if (!update) b.add("-update");
  if (!table.del) b.add("-delete");
  for (const std::string& tag : t.cls->tags.values("behavior")) b.add(tag);
  Abilities a;
  a.select = b.matches("resource:select");
  a.insert = b.matches("resource:insert");
  a.update = b.matches("resource:update");
  a.del = b.matches("resource:delete");
  return a;
}

// attribute:insert / attribute:update of a column: its own or the table's
// privilege, not GENERATED ALWAYS AS IDENTITY, not switched off by a tag.
bool Builder::column_insertable(const TableInfo& t, const ColumnInfo& c) const {
  Behavior b;
  b.add("insert");
  type_behaviors(c.column->type, b);
  if (c.column->identity == 'a') b.add("-attribute:insert");
  if (!catalog::column_privileges(cat_, *t.cls, *c.column).insert &&
      !catalog::class_privileges(cat_, *t.cls).insert)
    b.add("-insert");
  for (const std::string& tag : c.column->tags.values("behavior")) b.add(tag);
  return b.matches("attribute:insert");
}

bool Builder::column_updatable(const TableInfo& t, const ColumnInfo& c) const {
  Behavior b;
  b.add("update");
  type_behaviors(c.column->type, b);
  if (c.column->identity == 'a') b.add("-attribute:update");
  if (!catalog::column_privileges(cat_, *t.cls, *c.column).update &&
      !catalog::class_privileges(cat_, *t.cls).update)
    b.add("-update");
  for (const std::string& tag : c.column->tags.values("behavior")) b.add(tag);
  return b.matches("attribute:update");
}

TypeRef Builder::interval_input_type() {
  if (!out_.schema.find("IntervalInput")) {
    add_interval();
    NamedType in;
    in.kind = NamedType::Kind::kInputObject;
    in.name = "IntervalInput";
    const NamedType* interval = out_.schema.find("Interval");
    in.description = interval->description;
    for (const Field& f : interval->fields)
      in.input_fields.push_back(input_field(f.name, f.description, f.type));
    out_.schema.add(std::move(in));
  }
  return TypeRef::named("IntervalInput");
}

// <X>Input: the insertable columns of a table (required when NOT NULL
// without a default), or every attribute of a composite type.
TypeRef Builder::row_input_type(Oid row_type) {
  const Type* t = cat_.find_type(row_type);
  if (!t) return TypeRef{};
  TypeRef output = output_type(row_type);
  if (output.name.empty()) return TypeRef{};
  std::string name = output.name + "Input";
  if (out_.schema.find(name)) return TypeRef::named(name);
  if (empty_inputs_.count(name)) return TypeRef{};
  NamedType in;
  in.kind = NamedType::Kind::kInputObject;
  in.name = name;
  in.description = "An input for mutations affecting `" + output.name + "`";
  if (const TableInfo* table = table_for(t->class_oid)) {
    for (const ColumnInfo& c : table->columns) {
      if (!column_insertable(*table, c)) continue;
      TypeRef type = input_type(c.column->type);
      if (type.name.empty()) continue;
      bool required = c.type.is_non_null() && !c.column->has_default && !c.column->generated;
      in.input_fields.push_back(input_field(c.field_name, description_of(c.column->tags),
                                            required ? type.non_null() : type));
    }
  } else {
    for (const catalog::Column& a : t->attributes) {
      if (a.num < 1) continue;
      TypeRef type = input_type(a.type);
      if (type.name.empty()) continue;
      std::string field = a.tags.value("name").empty() ? a.name : a.tags.value("name");
      const Type* at = cat_.find_type(a.type);
      bool not_null = a.not_null || (at && at->kind == Type::Kind::kDomain && at->not_null);
      in.input_fields.push_back(input_field(naming::camel_case(field), description_of(a.tags),
                                            not_null ? type.non_null() : type));
    }
  }
  // graphile-build drops input types without fields, and what needs them.
  if (in.input_fields.empty()) {
    empty_inputs_.insert(name);
    return TypeRef{};
  }
  out_.schema.add(std::move(in));
  return TypeRef::named(name);
}

// <X>Patch: the updatable columns, all optional; empty when none is.
std::string Builder::table_patch_type(const TableInfo& t) {
  std::string name = t.type_name + "Patch";
  if (out_.schema.find(name)) return name;
  if (empty_inputs_.count(name)) return {};
  NamedType patch;
  patch.kind = NamedType::Kind::kInputObject;
  patch.name = name;
  patch.description =
      "Represents an update to a `" + t.type_name + "`. Fields that are set will be updated.";
  for (const ColumnInfo& c : t.columns) {
    if (!column_updatable(t, c)) continue;
    TypeRef type = input_type(c.column->type);
    if (type.name.empty()) continue;
    patch.input_fields.push_back(input_field(c.field_name, description_of(c.column->tags), type));
  }
  if (patch.input_fields.empty()) {
    empty_inputs_.insert(name);
    return {};
  }
  out_.schema.add(std::move(patch));
  return name;
}

// <x>Edge(orderBy): on payloads of rows of a table with a primary key.
void Builder::add_payload_edge(const TableInfo& t, NamedType& payload) {
  if (t.primary_key.empty()) return;
  const std::string& n = t.type_name;
  Field edge = output_field(naming::camel_case(n + "Edge"),
                            field_desc("An edge for our `" + n + "`. May be used by Relay 1."),
                            TypeRef::named(n + "Edge"));
  InputValue order =
      input_field("orderBy", arg_desc("The method to use when ordering `" + n + "`."),
                  TypeRef::named(n + "OrderBy").non_null().list().non_null());
  order.default_value = "[PRIMARY_KEY_ASC]";
  edge.args.push_back(std::move(order));
  edge.deprecation_reason = deprecation(t.cls->tags, false);
  out_.objects[payload.name].fields[edge.name] =
      payload_field(FieldPlan::Kind::kPayloadEdge, table_index(t.cls->oid));
  payload.fields.push_back(std::move(edge));
}

void Builder::add_mutation_type() {
  NamedType mutation;
  mutation.kind = NamedType::Kind::kObject;
  mutation.name = "Mutation";
  mutation.description =
      "The root mutation type which contains root level fields which mutate data.";
  out_.objects["Mutation"].type_name = "Mutation";
  for (const FunctionResource& f : functions_)
    if (f.mutation_field) add_custom_mutation(f, mutation);
  std::vector<const TableInfo*> tables;
  for (const RegistryEntry& e : registry_)
    if (e.cls)
      if (const TableInfo* t = table_for(e.cls->oid)) tables.push_back(t);
  for (const TableInfo* t : tables)
    if (table_abilities(*t).insert) add_create_mutation(*t, mutation);
  for (const TableInfo* t : tables)
    if (table_abilities(*t).update && !t->uniques.empty())
      add_update_delete_mutations(*t, true, mutation);
  for (const TableInfo* t : tables)
    if (table_abilities(*t).del && !t->uniques.empty())
      add_update_delete_mutations(*t, false, mutation);
  if (mutation.fields.empty()) {  // graphql-js: no empty root types
    out_.objects.erase("Mutation");
    return;
  }
  out_.schema.add(std::move(mutation));
  out_.schema.mutation_type = "Mutation";
}

// A VOLATILE function: <name>(input: <Name>Input!): <Name>Payload.
void Builder::add_custom_mutation(const FunctionResource& f, NamedType& mutation) {
  std::string field = naming::camel_case(f.name);
  std::string type = naming::upper_camel_case(f.name);
  NamedType input =
      mutation_input_type(type + "Input", "All input for the `" + field + "` mutation.");
  FieldPlan plan;
  plan.kind = FieldPlan::Kind::kCustomMutation;
  plan.function = f.function;
  plan.table = f.row_table;
  plan.pg_type = f.return_type;
  bool ok = true;
  for (InputValue& a : function_args(f, 0, &plan.args, &ok))
    input.input_fields.push_back(std::move(a));
  if (!ok) return;
  NamedType payload = payload_type(type + "Payload", "The output of our `" + field + "` mutation.");
  out_.objects[payload.name] = payload_plan(payload, f.row_table);
  TypeRef result = function_return_type(f);
  if (!result.name.empty()) {
    if (f.returns_set) result = result.list();
    if (f.function->tags.has("notNull")) result = result.non_null();
    std::string result_field = f.function->tags.value("resultFieldName");
    if (result_field.empty()) result_field = "result";
    out_.objects[payload.name].fields[result_field] =
        payload_field(FieldPlan::Kind::kPayloadResult, f.row_table);
    payload.fields.push_back(output_field(result_field, std::nullopt, result));
  }
  add_query_field(payload);
  if (!f.returns_set && !f.returns_array && f.row_table >= 0)
    add_payload_edge(out_.tables[size_t(f.row_table)], payload);
  Field m = output_field(field, description_of(f.function->tags), TypeRef::named(payload.name));
  m.args.push_back(input_argument(input.name));
  m.deprecation_reason = deprecation(f.function->tags, false);
  out_.objects["Mutation"].fields[m.name] = std::move(plan);
  out_.schema.add(std::move(input));
  out_.schema.add(std::move(payload));
  mutation.fields.push_back(std::move(m));
}

void Builder::add_create_mutation(const TableInfo& t, NamedType& mutation) {
  const std::string& n = t.type_name;
  std::string table_field = naming::camel_case(n);
  TypeRef row_input = row_input_type(t.cls->row_type);
  NamedType input =
      mutation_input_type("Create" + n + "Input", "All input for the create `" + n + "` mutation.");
  if (!row_input.name.empty())  // no insertable column: only clientMutationId
    input.input_fields.push_back(
        input_field(table_field, field_desc("The `" + n + "` to be created by this mutation."),
                    row_input.non_null()));
  NamedType payload =
      payload_type("Create" + n + "Payload", "The output of our create `" + n + "` mutation.");
  int table = table_index(t.cls->oid);
  out_.objects[payload.name] = payload_plan(payload, table);
  out_.objects[payload.name].fields[table_field] =
      payload_field(FieldPlan::Kind::kPayloadRow, table);
  payload.fields.push_back(output_field(
      table_field, "The `" + n + "` that was created by this mutation.", TypeRef::named(n)));
  payload.fields.back().deprecation_reason = deprecation(t.cls->tags, false);
  add_query_field(payload);
  add_payload_edge(t, payload);
  Field m =
      output_field("create" + n, "Creates a single `" + n + "`.", TypeRef::named(payload.name));
  m.deprecation_reason = deprecation(t.cls->tags, false);
  m.args.push_back(input_argument(input.name));
  FieldPlan plan;
  plan.kind = FieldPlan::Kind::kCreate;
  plan.table = table;
  if (!row_input.name.empty()) plan.input_field = table_field;
  out_.objects["Mutation"].fields[m.name] = std::move(plan);
  out_.schema.add(std::move(input));
  out_.schema.add(std::move(payload));
  mutation.fields.push_back(std::move(m));
}

// update<X> / update<X>By<Keys> (or delete...): by global id when there is
// a primary key, then by each unique key.
void Builder::add_update_delete_mutations(const TableInfo& t, bool update, NamedType& mutation) {
  const std::string& n = t.type_name;
  std::string verb = update ? "update" : "delete";
  std::string Verb = update ? "Update" : "Delete";
  std::string table_field = naming::camel_case(n);
  std::string patch;
  if (update) {
    patch = table_patch_type(t);
    if (patch.empty()) return;  // nothing may be updated
  }

  NamedType payload = payload_type(
      Verb + n + "Payload", type_desc("The output of our " + verb + " `" + n + "` mutation."));
  int table = table_index(t.cls->oid);
  ObjectPlan& payload_plans = out_.objects[payload.name] = payload_plan(payload, table);
  payload_plans.fields[table_field] = payload_field(FieldPlan::Kind::kPayloadRow, table);
  payload.fields.push_back(output_field(
      table_field, field_desc("The `" + n + "` that was " + verb + "d by this mutation."),
      TypeRef::named(n)));
  if (!update && !t.primary_key.empty()) {
    payload_plans.fields["deleted" + n + "Id"] =
        payload_field(FieldPlan::Kind::kPayloadDeletedId, table);
    payload.fields.push_back(
        output_field("deleted" + n + "Id", std::nullopt, TypeRef::named("ID")));
  }
  add_query_field(payload);
  add_payload_edge(t, payload);
  std::string payload_name = payload.name;
  out_.schema.add(std::move(payload));

  auto add = [&](const std::string& field, NamedType input, const std::string& description,
                 const catalog::Constraint* key) {
    FieldPlan plan;
    plan.kind = update ? FieldPlan::Kind::kUpdate : FieldPlan::Kind::kDelete;
    plan.table = table;
    plan.constraint = key;
    if (update) {
      plan.input_field = naming::camel_case(n + "Patch");
      input.input_fields.push_back(
          input_field(plan.input_field,
                      field_desc("An object where the defined keys will be set on the `" + n +
                                 "` being updated."),
                      TypeRef::named(patch).non_null()));
    }
    out_.objects["Mutation"].fields[field] = std::move(plan);
    Field m = output_field(field, description, TypeRef::named(payload_name));
    m.deprecation_reason = deprecation(t.cls->tags, false);
    m.args.push_back(input_argument(input.name));
    out_.schema.add(std::move(input));
    mutation.fields.push_back(std::move(m));
  };
  std::string tail = update ? " and a patch." : ".";
  if (!t.primary_key.empty()) {
    std::string field = verb + n;
    NamedType input = mutation_input_type(naming::upper_camel_case(field) + "Input",
                                          type_desc("All input for the `" + field + "` mutation."));
    input.input_fields.push_back(
        input_field("id",
                    field_desc("The globally unique `ID` which will identify a single `" + n +
                               "` to be " + verb + "d."),
                    TypeRef::named("ID").non_null()));
    add(field, std::move(input),
        Verb + "s a single `" + n + "` using its globally unique id" + tail, nullptr);
  }
  for (const catalog::Constraint* u : t.uniques) {
    std::string field = verb + n + by_columns(t, u->keys);
    NamedType input = mutation_input_type(naming::upper_camel_case(field) + "Input",
                                          type_desc("All input for the `" + field + "` mutation."));
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
      input.input_fields.push_back(
          input_field(column->field_name, description_of(column->column->tags), type.non_null()));
    }
    if (!complete) continue;
    add(field, std::move(input), Verb + "s a single `" + n + "` using a unique key" + tail, u);
  }
}

}  // namespace pg_gateway::graphql::build::detail
