// Root fields of Mutation: the action statement that writes (INSERT,
// UPDATE, DELETE, or a VOLATILE function call), and the payload fields
// that read the written row back.
//
// A mutation field runs as two statements in one transaction (the PG zone,
// extension/graphql/graphql_routes.cpp, runs them): the action, which returns the
// row it wrote as one value, then the payload statement, which gets that
// value as $1. Two statements, because a statement does not see its own
// writes: `query { allPosts { totalCount } }` in the payload, a relation of
// the new row, or a computed column that reads the table must see the
// state after the write, as they do in PostGraphile, which also runs them
// after the mutation's own query.
//
// Invariant, as for queries: every value from the request is a $n
// parameter; names come from the catalog, quoted.
#include "core/graphql/sql/compiler.hpp"

namespace pg_gateway::graphql::sql {

using build::FieldPlan;
using catalog::Oid;
using exec::FieldGroup;

namespace {

using Values = std::map<std::string, json::Value, std::less<>>;

// PostGraphile's messages for these two (its own errors: an empty patch is
// shown as it is, a delete that found nothing is masked like a database
// error).
constexpr const char* kEmptyPatch =
    "Attempted to update a record, but no new values were specified.";

const json::Value* member(const json::Value* object, std::string_view name) {
  return object && object->is_object() ? object->find(name) : nullptr;
}

// The action statement's shape: the DML's RETURNING row as the single
// column `v` of a single row. The scalar subquery also fails the statement
// if a key somehow matched two rows, instead of writing both.
std::string returning_row(const std::string& dml) {
  return "with __m(v) as (" + dml + " returning __x) select (select __m.v from __m) as v";
}

}  // namespace

// The column (with its GraphQL field name) of a table, or nullptr.
static const build::ColumnInfo* column_by_field(const build::TableInfo& t, std::string_view field) {
  for (const build::ColumnInfo& c : t.columns)
    if (c.field_name == field) return &c;
  return nullptr;
}

// WHERE conditions on alias __x selecting the row the input names: by a
// unique key's fields, or by the global id. nullopt: the id does not decode
// to a row of this table, and the field is null without running anything
// (PostGraphile's behaviour).
std::optional<std::string> Compiler::key_condition(const FieldPlan& plan,
                                                   const json::Value& input) {
  const build::TableInfo& t = built_.tables[size_t(plan.table)];
  std::string cond;
  auto add = [&](const catalog::Column& c, const json::Value& v) {
    if (!cond.empty()) cond += " and ";
    cond += "__x." + quote_ident(c.name) + " = " + param(v, c.type);
  };
  if (!plan.constraint) {
    // Values past the key are ignored, as PostGraphile ignores them.
    const json::Value* id = member(&input, "id");
    std::optional<NodeKey> key =
        id && id->is_string() ? decode_node_id(id->text(), true) : std::nullopt;
    if (!key || key->table != plan.table) return std::nullopt;
    for (size_t i = 0; i < t.primary_key.size(); ++i)
      add(*t.cls->column(t.primary_key[i]), json::Value::string(key->values[i]));
    return cond;
  }
  for (int16_t key : plan.constraint->keys) {
    const catalog::Column* c = t.cls->column(key);
    const build::ColumnInfo* info = nullptr;
    for (const build::ColumnInfo& ci : t.columns)
      if (ci.column == c) info = &ci;
    const json::Value* v = info ? member(&input, info->field_name) : nullptr;
    if (!c || !v || v->is_null())
      throw CompileError("Missing key field " + (info ? info->field_name : std::string("?")));
    add(*c, *v);
  }
  return cond;
}

std::optional<MutationAction> Compiler::mutation_action(const FieldPlan& plan,
                                                        const FieldGroup& group) {
  current_parent_ = "Mutation";
  Values args = arguments(group, "Mutation");
  auto in = args.find("input");
  if (in == args.end() || !in->second.is_object()) throw CompileError("Missing input");
  const json::Value& input = in->second;
  MutationAction out;
  if (const json::Value* id = member(&input, "clientMutationId"))
    out.client_mutation_id = id->dump();

  if (plan.kind == FieldPlan::Kind::kCustomMutation) {
    Values values;
    for (const json::Value::Member& m : input.members()) values.emplace(m.first, m.second);
    std::string call = call_sql(*plan.function, plan, std::nullopt, values);
    if (plan.table >= 0) {
      // Rows of a table go to the payload statement as values of the row
      // type, so that what the payload reads about them sees the writes.
      std::string row_type = qualified(built_.tables[size_t(plan.table)].cls->schema,
                                       built_.tables[size_t(plan.table)].cls->name);
      if (plan.function->returns_set) {
        out.sql = "select array(select __f from " + call + " as __f) as v";
        out.value_cast = row_type + "[]";
      } else {
        out.sql = "select " + call + " as v";
        out.value_cast = row_type;
      }
      return out;
    }
    // Other values (scalars, arrays, composites, records) have nothing to
    // read back: the JSON of each `result` selection is computed here, in
    // one object keyed by response key (the payload picks its member).
    const schema::NamedType* mutation = built_.schema.find("Mutation");
    const schema::Field* def = mutation ? mutation->field(group.first().name.value) : nullptr;
    std::string payload_type = def ? def->type.name : std::string();
    auto payload_plans = built_.objects.find(payload_type);
    std::vector<std::pair<std::string, std::string>> members;
    for (const FieldGroup& sub :
         exec::collect_subfields(built_.schema, payload_type, group, fragments_, vars_)) {
      if (payload_plans == built_.objects.end()) break;
      auto p = payload_plans->second.fields.find(sub.first().name.value);
      if (p == payload_plans->second.fields.end() ||
          p->second.kind != FieldPlan::Kind::kPayloadResult)
        continue;
      const schema::Field* result = built_.schema.find(payload_type)->field(p->first);
      std::string element_type = result ? result->type.name : std::string();
      // A JWT result is a whole column of the payload: respond() signs it.
      jwt_allowed_ = !built_.jwt_scalar.empty() && !plan.function->returns_set &&
                     element_type == built_.jwt_scalar;
      auto element_json = [&](const std::string& expr) {
        auto object = built_.objects.find(element_type);
        if (object != built_.objects.end() && object->second.table < 0)
          return "case when (" + expr + ") is null then null else " +
                 object_json(element_type, "(" + expr + ")", sub) + " end";
        return value_json(plan.pg_type, expr, sub);
      };
      members.emplace_back(sub.response_key,
                           plan.function->returns_set
                               ? "coalesce(json_agg(" + element_json("__f") + "), '[]'::json)"
                               : element_json("__c.v"));
      jwt_allowed_ = false;
    }
    // A set is aggregated over the function's rows (the count keeps the
    // statement an aggregate when nothing was selected); a single value is
    // computed once in a subquery that OFFSET 0 keeps from being flattened.
    out.sql =
        plan.function->returns_set
            ? "select " + build_object(members) + " as v, count(*) as n from " + call + " as __f"
            : "select " + build_object(members) + " as v from (select " + call +
                  " as v offset 0) as __c";
    out.value_cast = "json";
    out.result_json_in_action = true;
    return out;
  }

  const build::TableInfo& t = built_.tables[size_t(plan.table)];
  std::string table = qualified(t.cls->schema, t.cls->name);
  out.value_cast = table;
  switch (plan.kind) {
    case FieldPlan::Kind::kCreate: {
      std::string columns, values;
      if (const json::Value* row = member(&input, plan.input_field); row && row->is_object()) {
        for (const json::Value::Member& m : row->members()) {
          const build::ColumnInfo* c = column_by_field(t, m.first);
          if (!c) throw CompileError("Unknown field " + m.first);
          if (!columns.empty()) {
            columns += ", ";
            values += ", ";
          }
          columns += quote_ident(c->column->name);
          values += param(m.second, c->column->type);
        }
      }
      out.sql = returning_row("insert into " + table + " as __x " +
                              (columns.empty() ? std::string("default values")
                                               : "(" + columns + ") values (" + values + ")"));
      return out;
    }
    case FieldPlan::Kind::kUpdate: {
      std::string sets;
      if (const json::Value* patch = member(&input, plan.input_field); patch && patch->is_object())
        for (const json::Value::Member& m : patch->members()) {
          const build::ColumnInfo* c = column_by_field(t, m.first);
          if (!c) throw CompileError("Unknown field " + m.first);
          if (!sets.empty()) sets += ", ";
          sets += quote_ident(c->column->name) + " = " + param(m.second, c->column->type);
        }
      // Checked before the key, as PostGraphile does (an unknown id with an
      // empty patch is still this error).
      if (sets.empty()) throw CompileError(kEmptyPatch);
      out.client_mutation_id_needs_row = true;
      std::optional<std::string> where = key_condition(plan, input);
      if (!where) return std::nullopt;
      out.sql = returning_row("update " + table + " as __x set " + sets + " where " + *where);
      return out;
    }
    case FieldPlan::Kind::kDelete: {
      std::optional<std::string> where = key_condition(plan, input);
      if (!where) return std::nullopt;
      out.sql = returning_row("delete from " + table + " as __x where " + *where);
      out.missing_row_error = "No values were deleted in collection '" + resource_name(*t.cls) +
                              "' because no values you can delete were found matching these "
                              "criteria.";
      return out;
    }
    default:
      throw CompileError("Field kind not supported on Mutation");
  }
}

std::string Compiler::payload_field(const std::string& payload_type, const FieldPlan& plan,
                                    const FieldGroup& group, const std::string& value,
                                    const MutationAction& action) {
  current_parent_ = payload_type;
  switch (plan.kind) {
    case FieldPlan::Kind::kPayloadRow: {
      const build::TableInfo& t = built_.tables[size_t(plan.table)];
      return value_json(t.cls->row_type, value, group);
    }
    case FieldPlan::Kind::kPayloadDeletedId:
      return "case when " + value + " is null then null else " +
             node_id_sql(plan.table, "(" + value + ")") + " end";
    case FieldPlan::Kind::kPayloadResult: {
      if (action.result_json_in_action)
        return "(" + value + " -> " + quote_literal(group.response_key) + ")";
      const build::TableInfo& t = built_.tables[size_t(plan.table)];
      if (action.value_cast.size() > 2 &&
          action.value_cast.compare(action.value_cast.size() - 2, 2, "[]") == 0)
        return "(select coalesce(json_agg(" +
               value_json(t.cls->row_type, "(" + value + ")[__i.n]", group) +
               " order by __i.n), '[]'::json) from generate_subscripts(" + value +
               ", 1) as __i(n))";
      return value_json(t.cls->row_type, value, group);
    }
    case FieldPlan::Kind::kPayloadEdge: {
      const build::TableInfo& t = built_.tables[size_t(plan.table)];
      Values args = arguments(group, payload_type);
      std::string order_enum;
      if (const schema::NamedType* p = built_.schema.find(payload_type))
        if (const schema::Field* f = p->field(group.first().name.value))
          for (const schema::InputValue& a : f->args)
            if (a.name == "orderBy") order_enum = a.type.name;
      Source source;
      source.kind = Source::Kind::kTable;
      source.table = plan.table;
      std::string digest;
      auto ob = args.find("orderBy");
      std::vector<OrderTerm> terms =
          order_terms(source, ob == args.end() ? nullptr : &ob->second, order_enum, digest);
      std::string row = "(" + value + ")";
      std::vector<std::pair<std::string, std::string>> members;
      std::string edge_type = t.type_name + "Edge";
      for (const FieldGroup& sub :
           exec::collect_subfields(built_.schema, edge_type, group, fragments_, vars_)) {
        const std::string& name = sub.first().name.value;
        if (name == "__typename")
          members.emplace_back(sub.response_key, "to_json(" + quote_literal(edge_type) + "::text)");
        else if (name == "cursor")
          members.emplace_back(sub.response_key,
                               "to_json(" + base64_sql(cursor_text(terms, digest, row)) + ")");
        else if (name == "node")
          members.emplace_back(sub.response_key, object_json(t.type_name, row, sub));
        else
          throw CompileError("Unknown edge field " + name);
      }
      return "case when " + value + " is null then null else " + build_object(members) + " end";
    }
    default:
      throw CompileError("Field kind not supported on a mutation payload");
  }
}

}  // namespace pg_gateway::graphql::sql
