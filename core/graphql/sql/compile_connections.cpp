// Connections: allXs, backward relations, SETOF functions. One connection
// is one scalar subquery: an inner SELECT fetches the page (plus one row to
// tell whether there is more) with each row's node JSON and cursor already
// built, and an outer aggregate assembles nodes, edges, pageInfo and
// totalCount in the order the client asked for them.
#include <functional>

#include "core/graphql/sql/compiler.hpp"
#include "core/util/base64.hpp"
#include "core/util/sha256.hpp"

namespace pg_gateway::graphql::sql {

using catalog::Oid;
using exec::FieldGroup;

namespace {

constexpr const char* kInvalidCursor =
    "Invalid cursor, please enter a cursor from a previous request, or null.";

std::optional<int64_t> int_arg(const std::map<std::string, json::Value, std::less<>>& args,
                               const char* name) {
  auto it = args.find(name);
  if (it == args.end() || it->second.is_null()) return std::nullopt;
  return it->second.as_int64();
}

}  // namespace

std::string resource_name(const catalog::Class& cls) {
  std::string n = cls.tags.value("name");
  return n.empty() ? cls.name : n;
}

// A row's cursor as JSON text: [digest, ...its values of the order terms].
std::string Compiler::cursor_text(const std::vector<OrderTerm>& terms, const std::string& digest,
                                  const std::string& row) {
  std::string text = quote_literal("[" + json::Value::string(digest).dump());
  for (const OrderTerm& term : terms)
    text += " || ',' || coalesce((" + output_json(cat_, term.type, term_sql(term, row)) +
            ")::text, 'null')";
  return text + " || ']'";
}

Compiler::Instance Compiler::instantiate(const Source& source, const std::string& resource) {
  Instance in;
  std::string a = alias(resource);
  if (source.kind == Source::Kind::kTable) {
    note_table(source.table);
    in.from = source.relation + " as " + a;
    in.row = a;
  } else {
    std::string f = alias("f");
    in.from = "(select " + f + " as r, row_number() over () as n from " + source.relation + " as " +
              f + ") as " + a;
    in.row = "(" + a + ".r)";
    in.rownum = a + ".n";
  }
  for (const auto& [column, parent] : source.equal)
    in.where.push_back(in.row + "." + quote_ident(column) + " = " + parent);
  return in;
}

std::string Compiler::term_sql(const OrderTerm& term, const std::string& row) const {
  if (term.function) {
    note_function(*term.function);
    return qualified(term.function->schema, term.function->name) + "(" + row + ")";
  }
  return row + "." + quote_ident(term.column);
}

// The ORDER BY of a table connection: the orderBy values in order, then the
// primary key unless the terms already cover a unique key (PostGraphile's
// rule, which keeps cursors unique). `digest` gets PostGraphile's cursor
// prefix: the first ten hex digits of the SHA-256 of the JSON array of the
// term expressions as PostGraphile writes them (alias __<resource>__).
std::vector<Compiler::OrderTerm> Compiler::order_terms(const Source& source,
                                                       const json::Value* order_by,
                                                       const std::string& enum_type,
                                                       std::string& digest) {
  std::vector<OrderTerm> terms;
  const build::TableInfo& t = built_.tables[size_t(source.table)];
  auto pk_terms = [&](bool desc) {
    for (int16_t k : t.primary_key) {
      const catalog::Column* c = t.cls->column(k);
      terms.push_back(OrderTerm{c->name, nullptr, c->type, desc, !c->not_null});
    }
  };
  auto values = built_.order_by.find(enum_type);
  std::vector<json::Value> chosen;
  if (order_by && order_by->is_array())
    chosen = order_by->items();
  else if (order_by && order_by->is_string())
    chosen.push_back(*order_by);
  for (const json::Value& v : chosen) {
    if (!v.is_string() || values == built_.order_by.end()) continue;
    auto p = values->second.find(v.text());
    if (p == values->second.end()) throw CompileError("Unknown orderBy value " + v.text());
    const build::OrderByPlan& plan = p->second;
    switch (plan.kind) {
      case build::OrderByPlan::Kind::kNatural:
        break;
      case build::OrderByPlan::Kind::kPrimaryKey:
        pk_terms(plan.descending);
        break;
      case build::OrderByPlan::Kind::kColumn: {
        const catalog::Column* c = t.cls->column(plan.column);
        terms.push_back(OrderTerm{c->name, nullptr, c->type, plan.descending, !c->not_null});
        break;
      }
      case build::OrderByPlan::Kind::kComputed:
        terms.push_back(
            OrderTerm{"", plan.function, plan.function->return_type, plan.descending, true});
        break;
    }
  }
  // PostGraphile (@dataplan/pg makeOrderUniqueIfPossible) appends the
  // primary key, in the direction of the first term, unless an orderBy
  // value already made the order unique: PRIMARY_KEY_*, or a column that
  // alone is a unique key.
  bool unique = false;
  for (const json::Value& v : chosen) {
    if (!v.is_string() || values == built_.order_by.end()) continue;
    auto p = values->second.find(v.text());
    if (p == values->second.end()) continue;
    if (p->second.kind == build::OrderByPlan::Kind::kPrimaryKey) unique = true;
    if (p->second.kind == build::OrderByPlan::Kind::kColumn)
      for (const catalog::Constraint* k : t.uniques)
        unique |= k->keys.size() == 1 && k->keys[0] == p->second.column;
  }
  if (!unique && !t.primary_key.empty()) pk_terms(!terms.empty() && terms[0].descending);
  std::string canonical = "__" + resource_name(*t.cls) + "__";
  json::Value expressions = json::Value::array();
  for (const OrderTerm& term : terms)
    expressions.items().push_back(json::Value::string(term_sql(term, canonical)));
  digest = util::sha256_hex(expressions.dump()).substr(0, 10);
  return terms;
}

// condition: {field: value}: equality, and an explicit null means IS NULL.
std::vector<std::string> Compiler::condition_sql(const json::Value* condition,
                                                 const std::string& input_type,
                                                 const std::string& row, int table) {
  std::vector<std::string> out;
  if (!condition || !condition->is_object()) return out;
  auto fields = built_.conditions.find(input_type);
  if (fields == built_.conditions.end()) return out;
  for (const auto& [name, value] : condition->members()) {
    auto p = fields->second.find(name);
    if (p == fields->second.end()) continue;
    const build::ConditionPlan& plan = p->second;
    std::string expr;
    if (plan.function) {
      note_function(*plan.function);
      expr = qualified(plan.function->schema, plan.function->name) + "(" + row + ")";
    } else {
      const catalog::Column* c =
          table >= 0 ? built_.tables[size_t(table)].cls->column(plan.column) : nullptr;
      if (!c) continue;
      expr = row + "." + quote_ident(c->name);
    }
    if (value.is_null())
      out.push_back(expr + " is null");
    else
      out.push_back(expr + " = " + param(value, plan.pg_type));
  }
  return out;
}

// Rows after (or before) the cursor position, written exactly as
// PostGraphile's @dataplan/pg writes the condition, because its answers are
// the contract, quirks included: a nullable term compares with `>`/`<`
// plus one "one side is null" case chosen by the default null placement,
// so (for example) after a non-null cursor value in ascending order the
// rows whose value is NULL are not returned, and after a NULL cursor value
// every non-null row is. Several non-nullable terms in one direction become
// a row comparison, as in PostGraphile.
std::string Compiler::cursor_condition(const std::vector<OrderTerm>& terms, const std::string& row,
                                       const std::string& rownum,
                                       const std::vector<json::Value>& values, bool after) {
  if (!rownum.empty()) {
    // A natural cursor: the row's position in the function's output.
    std::string n = params_.add(values[0].text(), oid::kInt8);
    return rownum + (after ? " > " : " < ") + n;
  }
  if (terms.empty()) return "true";
  std::vector<std::string> expr, value;
  for (size_t i = 0; i < terms.size(); ++i) {
    expr.push_back(term_sql(terms[i], row));
    const json::Value& v = values[i];
    if (!v.is_null() && !v.is_string() && !v.is_number()) throw CompileError(kInvalidCursor);
    value.push_back(params_.add(v.is_null() ? std::nullopt : std::optional<std::string>(v.text()),
                                terms[i].type));
  }
  bool tuple = terms.size() > 1;
  for (const OrderTerm& t : terms)
    tuple = tuple && !t.nullable && t.descending == terms[0].descending;
  if (tuple) {
    bool gt = terms[0].descending != after;
    std::string lhs, rhs;
    for (size_t i = 0; i < terms.size(); ++i) {
      lhs += (i ? ", " : "") + expr[i];
      rhs += (i ? ", " : "") + value[i];
    }
    return "((" + lhs + ") " + (gt ? ">" : "<") + " (" + rhs + "))";
  }
  std::function<std::string(size_t)> condition = [&](size_t i) {
    const OrderTerm& t = terms[i];
    bool gt = t.descending != after;  // ASC after, or DESC before
    bool nulls_first = t.descending;  // PostgreSQL's default placement
    std::string fragment = expr[i] + (gt ? " > " : " < ") + value[i];
    if (t.nullable) {
      bool a_null = (nulls_first && after) || (!nulls_first && !after);
      std::string one_null = a_null ? expr[i] + " is null and " + value[i] + " is not null"
                                    : expr[i] + " is not null and " + value[i] + " is null";
      fragment = "((" + fragment + ") or (" + one_null + "))";
    }
    if (i + 1 < terms.size()) {
      std::string equals = expr[i] + (t.nullable ? " is not distinct from " : " = ") + value[i];
      fragment = "(" + fragment + ") or (" + equals + " and (" + condition(i + 1) + "))";
    }
    return fragment;
  };
  return "(" + condition(0) + ")";
}

std::string Compiler::connection_json(const build::ConnectionPlan& conn, const Source& source,
                                      const FieldGroup& group) {
  const std::string parent = current_parent_;
  const schema::NamedType* parent_type = built_.schema.find(parent);
  const schema::Field* def = parent_type ? parent_type->field(group.first().name.value) : nullptr;
  if (!def) throw CompileError("Unknown connection field");
  auto args = arguments(group, parent);
  std::optional<int64_t> first = int_arg(args, "first"), last = int_arg(args, "last"),
                         offset = int_arg(args, "offset");
  if ((args.count("first") && !args.at("first").is_null() && !first) || (first && *first < 0))
    throw CompileError("Invalid 'first': expected a non-negative integer", true);
  if ((args.count("last") && !args.at("last").is_null() && !last) || (last && *last < 0))
    throw CompileError("Invalid 'last': expected a non-negative integer", true);
  if (offset && *offset < 0)
    throw CompileError("Invalid 'offset': expected a non-negative integer", true);
  if (offset && last) throw CompileError("Cannot use 'offset' with 'last'");
  // pg_gateway.max_page_size / default_page_size (not PostGraphile's: off by default).
  for (auto [name, value] : {std::pair{"first", first}, std::pair{"last", last}})
    if (max_page_ > 0 && value && *value > max_page_)
      throw CompileError(std::string("'") + name + "' of " + std::to_string(*value) +
                         " exceeds the largest page size, " + std::to_string(max_page_) +
                         " (pg_gateway.max_page_size)");
  if (!first && !last && default_page_ > 0) first = default_page_;

  std::string order_enum, condition_type;
  for (const schema::InputValue& a : def->args) {
    if (a.name == "orderBy") order_enum = a.type.name;
    if (a.name == "condition") condition_type = a.type.name;
  }

  bool natural = source.kind == Source::Kind::kFunction;
  std::string digest = "natural";
  std::vector<OrderTerm> terms;
  if (!natural && source.table >= 0) {
    auto ob = args.find("orderBy");
    terms = order_terms(source, ob == args.end() ? nullptr : &ob->second, order_enum, digest);
  }
  std::string resource = source.table >= 0 ? resource_name(*built_.tables[size_t(source.table)].cls)
                                           : std::string("f");

  // Cursors given by the client, checked against this ordering.
  auto decode = [&](const char* which) -> std::optional<std::vector<json::Value>> {
    auto it = args.find(which);
    if (it == args.end() || it->second.is_null()) return std::nullopt;
    auto bytes = util::base64_decode(it->second.text());
    if (!bytes) throw CompileError(kInvalidCursor);
    json::ParseResult parsed = json::parse(*bytes);
    if (!parsed.ok() || !parsed.value->is_array() || parsed.value->items().empty() ||
        !parsed.value->items()[0].is_string())
      throw CompileError(kInvalidCursor);
    std::vector<json::Value> items = parsed.value->items();
    if (items[0].text() != digest)
      throw CompileError(std::string("Invalid '") + which +
                         "' cursor - a cursor is only valid within a specific ordering, if you "
                         "change the order then you'll need different cursors.");
    items.erase(items.begin());
    size_t expected = natural ? 1 : terms.size();
    if (items.size() != expected) throw CompileError(kInvalidCursor);
    if (natural && !items[0].as_int64()) throw CompileError(kInvalidCursor);
    return items;
  };
  auto after = decode("after");
  auto before = decode("before");

  Instance in = instantiate(source, resource);
  std::vector<std::string> where = in.where;
  for (std::string& c : condition_sql(args.count("condition") ? &args.at("condition") : nullptr,
                                      condition_type, in.row, source.table))
    where.push_back(std::move(c));
  std::vector<std::string> base_where = where;  // for totalCount: no cursors
  if (after) where.push_back(cursor_condition(terms, in.row, in.rownum, *after, true));
  if (before) where.push_back(cursor_condition(terms, in.row, in.rownum, *before, false));

  // Fetch direction: backwards only for `last` without `first`.
  bool backward = last && !first;
  auto order_sql = [&](bool reverse) {
    std::string out;
    if (natural) return in.rownum + (reverse ? " desc" : "");
    for (size_t i = 0; i < terms.size(); ++i) {
      if (i) out += ", ";
      bool desc = terms[i].descending != reverse;
      out += term_sql(terms[i], in.row) + (desc ? " desc" : " asc");
    }
    return out;
  };
  std::string fetch_order = order_sql(backward);

  // What the client selected on the connection decides the inner columns.
  std::string node_type = conn.node_type;
  auto node_json = [&](const FieldGroup& g) {
    if (conn.table >= 0) return object_json(built_.tables[size_t(conn.table)].type_name, in.row, g);
    if (built_.objects.count(node_type)) return object_json(node_type, in.row, g);
    return value_json(conn.row_type, in.row, g);
  };
  std::string cursor_text;
  if (natural) {
    cursor_text = "'[\"natural\",' || " + in.rownum + "::text || ']'";
  } else {
    cursor_text = this->cursor_text(terms, digest, in.row);
  }

  // Page sizes are literals, not parameters: a kept plan of "limit $n"
  // is costed for an unknown limit (a tenth of the rows) while each custom
  // plan knows the page is 10 rows, so PostgreSQL's plan cache found the
  // custom plans cheaper and replanned every request. With the number in
  // the text the generic plan is as cheap as a custom one and is kept
  // (one kept plan per page size in use; they are few).
  auto int_literal = [](int64_t v) { return std::to_string(v); };
  std::string p_first = first ? int_literal(*first) : "", p_last = last ? int_literal(*last) : "",
              p_offset = offset ? int_literal(*offset) : "";

  std::vector<std::string> inner_columns;
  std::vector<std::pair<std::string, std::string>> members;
  bool need_cursor = false;
  std::string in_page = "true";
  // The row numbers count from the first row after the cursors, before
  // the offset, so the page is numbers offset+1 .. offset+first.
  if (first && !last) in_page = "__r.__i <= " + p_first + (offset ? " + " + p_offset : "");
  if (backward) in_page = "__r.__i <= " + p_last;
  std::string out_order = backward ? "__r.__i desc" : "__r.__i";
  std::string out_order_rev = backward ? "__r.__i" : "__r.__i desc";
  auto agg = [&](const std::string& value) {
    return "coalesce(json_agg(" + value + " order by " + out_order + ") filter (where " + in_page +
           "), '[]'::json)";
  };
  auto add_node_column = [&](const FieldGroup& g) {
    inner_columns.push_back(node_json(g) + " as n" + std::to_string(inner_columns.size()));
    return "__r.n" + std::to_string(inner_columns.size() - 1);
  };

  bool needs_rows = false;  // some member reads the page
  // The row past the page is fetched only to answer hasNextPage (forward)
  // or hasPreviousPage (backward); without them, building its node would
  // be wasted work.
  bool needs_row_past_page = false;
  for (const FieldGroup& sub :
       exec::collect_subfields(built_.schema, conn.type_name, group, fragments_, vars_)) {
    const std::string& name = sub.first().name.value;
    if (name == "__typename") {
      members.emplace_back(sub.response_key,
                           "to_json(" + quote_literal(conn.type_name) + "::text)");
    } else if (name == "totalCount") {
      Instance c = instantiate(source, resource);
      std::vector<std::string> cw = c.where;
      for (std::string& x : condition_sql(args.count("condition") ? &args.at("condition") : nullptr,
                                          condition_type, c.row, source.table))
        cw.push_back(std::move(x));
      std::string w;
      for (size_t i = 0; i < cw.size(); ++i) w += (i ? " and " : " where ") + cw[i];
      members.emplace_back(sub.response_key,
                           "to_json((select count(*) from " + c.from + w + ")::int)");
    } else if (name == "nodes") {
      needs_rows = true;
      members.emplace_back(sub.response_key, agg(add_node_column(sub)));
    } else if (name == "edges") {
      needs_rows = true;
      std::vector<std::pair<std::string, std::string>> edge_members;
      for (const FieldGroup& e :
           exec::collect_subfields(built_.schema, conn.edge_type, sub, fragments_, vars_)) {
        const std::string& en = e.first().name.value;
        if (en == "__typename") {
          edge_members.emplace_back(e.response_key,
                                    "to_json(" + quote_literal(conn.edge_type) + "::text)");
        } else if (en == "cursor") {
          need_cursor = true;
          edge_members.emplace_back(e.response_key, "to_json(__r.c)");
        } else if (en == "node") {
          edge_members.emplace_back(e.response_key, add_node_column(e));
        } else {
          throw CompileError("Unknown edge field " + en);
        }
      }
      members.emplace_back(sub.response_key, agg(build_object(edge_members)));
    } else if (name == "pageInfo") {
      needs_rows = true;
      std::vector<std::pair<std::string, std::string>> info;
      for (const FieldGroup& p :
           exec::collect_subfields(built_.schema, "PageInfo", sub, fragments_, vars_)) {
        const std::string& pn = p.first().name.value;
        std::string v;
        if (pn == "__typename") {
          v = "to_json('PageInfo'::text)";
        } else if (pn == "hasNextPage") {
          v = (first && !last && *first > 0) ? "to_json(count(*) > " + p_first + ")"
                                             : std::string("to_json(false)");
          needs_row_past_page |= first && !last && *first > 0;
        } else if (pn == "hasPreviousPage") {
          needs_row_past_page |= backward;
          if (backward)
            v = "to_json(count(*) > " + p_last + ")";
          else
            v = (offset && *offset > 0 && !(first && last)) ? "to_json(true)" : "to_json(false)";
        } else if (pn == "startCursor" || pn == "endCursor") {
          need_cursor = true;
          v = "to_json((array_agg(__r.c order by " +
              (pn == "startCursor" ? out_order : out_order_rev) + ") filter (where " + in_page +
              "))[1])";
        } else {
          throw CompileError("Unknown PageInfo field " + pn);
        }
        info.emplace_back(p.response_key, v);
      }
      members.emplace_back(sub.response_key, build_object(info));
    } else {
      throw CompileError("Unknown connection field " + name);
    }
  }
  if (need_cursor) inner_columns.push_back(base64_sql(cursor_text) + " as c");
  inner_columns.push_back("row_number() over (" +
                          (fetch_order.empty() ? std::string() : "order by " + fetch_order) +
                          ") as __i");

  std::string inner = "select ";
  for (size_t i = 0; i < inner_columns.size(); ++i) inner += (i ? ", " : "") + inner_columns[i];
  inner += " from " + in.from;
  for (size_t i = 0; i < where.size(); ++i) inner += (i ? " and " : " where ") + where[i];
  if (!fetch_order.empty()) inner += " order by " + fetch_order;
  if (first && last) {
    inner += " limit " + p_first;
    if (offset) inner += " offset " + p_offset;
    inner = "select * from (" + inner + ") as __w order by __i desc limit " + p_last;
  } else if (first) {
    inner += " limit " + p_first + (needs_row_past_page ? " + 1" : "");
    if (offset) inner += " offset " + p_offset;
  } else if (last) {
    inner += " limit " + p_last + (needs_row_past_page ? " + 1" : "");
  } else if (offset) {
    inner += " offset " + p_offset;
  }
  // GROUP BY (): exactly one row, even when no member aggregates the page.
  if (!needs_rows) return "(select " + build_object(members) + ")";
  return "(select " + build_object(members) + " from (" + inner + ") as __r group by ())";
}

}  // namespace pg_gateway::graphql::sql
