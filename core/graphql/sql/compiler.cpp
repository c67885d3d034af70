// The root of the compiler: one data-backed field of Query.
#include "core/graphql/sql/compiler.hpp"

namespace pg_gateway::graphql::sql {

using build::FieldPlan;
using exec::FieldGroup;

std::optional<std::string> Compiler::root_field(const FieldPlan& plan, const FieldGroup& group) {
  current_parent_ = "Query";
  switch (plan.kind) {
    case FieldPlan::Kind::kNode:
      return fetch_by_node_id(group, -1);
    case FieldPlan::Kind::kTypedFetcher:
      return fetch_by_node_id(group, plan.table);
    case FieldPlan::Kind::kLookup: {
      auto args = arguments(group, "Query");
      const build::TableInfo& t = built_.tables[size_t(plan.table)];
      std::string a = alias(t.cls->name);
      std::string cond;
      for (const build::ArgPlan& arg : plan.args) {
        const catalog::Column* c = t.cls->column(arg.column);
        auto v = args.find(arg.name);
        if (!c || v == args.end()) throw CompileError("Missing key argument " + arg.name);
        if (!cond.empty()) cond += " and ";
        cond += a + "." + quote_ident(c->name) +
                (v->second.is_null() ? std::string(" is null") : " = " + param(v->second, c->type));
      }
      return single_row(plan.table, cond, a, group);
    }
    case FieldPlan::Kind::kCustomQuery:
      return value_json(plan.pg_type, function_call(*plan.function, plan, std::nullopt, group),
                        group);
    case FieldPlan::Kind::kCustomQueryConnection: {
      const build::ConnectionPlan& conn = built_.connections.at(plan.connection_type);
      Source source;
      source.kind = Source::Kind::kFunction;
      source.table = conn.table;
      source.relation = function_call(*plan.function, plan, std::nullopt, group);
      return connection_json(conn, source, group);
    }
    case FieldPlan::Kind::kAllRows: {
      const build::ConnectionPlan& conn = built_.connections.at(plan.connection_type);
      const build::TableInfo& t = built_.tables[size_t(plan.table)];
      Source source;
      source.kind = Source::Kind::kTable;
      source.table = plan.table;
      source.relation = qualified(t.cls->schema, t.cls->name);
      return connection_json(conn, source, group);
    }
    default:
      throw CompileError("Field kind not supported on Query");
  }
}

// Every place that names a table in a FROM or calls a function calls one
// of these, so the read set is complete by construction.
void Compiler::note_table(int table) const {
  if (reads_ && table >= 0 && size_t(table) < built_.tables.size())
    reads_->add_relation(cat_, *built_.tables[size_t(table)].cls);
}

void Compiler::note_function(const catalog::Function& fn) const {
  if (reads_) reads_->add_function(fn);
}

}  // namespace pg_gateway::graphql::sql
