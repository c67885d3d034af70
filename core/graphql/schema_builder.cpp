#include "core/graphql/schema_builder.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "core/catalog/privileges.hpp"
#include "core/graphql/cache/cache_hints_build.hpp"
#include "core/graphql/schema_builder_internal.hpp"
#include "core/naming/inflection.hpp"

namespace pg_gateway::graphql::build {

namespace {

// Position -> indentation as graphile-build counts it.
size_t indentation_of(DescriptionPosition p) {
  switch (p) {
    case DescriptionPosition::kType:
      return 0;
    case DescriptionPosition::kField:
      return 2;
    case DescriptionPosition::kArg:
      return 4;
  }
  return 0;
}

// UTF-8 -> code units as JavaScript counts them (one per BMP code point).
std::vector<std::string> js_units(std::string_view s) {
  std::vector<std::string> units;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units.emplace_back(s.substr(i, n));
    if (n == 4) units.emplace_back();  // a surrogate pair is two units
    i += n;
  }
  return units;
}

// graphql-js v14 breakLine(): split on the regex
// ((?: |^).{15,maxLen-40}(?= |$)) and rebuild lines from the pieces.
std::vector<std::string> break_line(const std::vector<std::string>& line, size_t max_len) {
  size_t max_chunk = max_len - 40;
  struct Match {
    size_t start, end;
  };
  std::vector<Match> matches;
  size_t pos = 0;
  while (pos < line.size()) {
    bool found = false;
    for (size_t i = pos; i < line.size() && !found; ++i) {
      size_t body;  // index after the optional leading space
      if (line[i] == " ") {
        body = i + 1;
      } else if (i == 0) {
        body = 0;
      } else {
        continue;
      }
      size_t avail = line.size() - body;
      for (size_t k = std::min(max_chunk, avail); k >= 15; --k) {
        size_t after = body + k;
        if (after == line.size() || line[after] == " ") {
          matches.push_back({i, after});
          pos = after;
          found = true;
          break;
        }
        if (k == 15) break;
      }
    }
    if (!found) break;
  }
  auto join = [&](size_t a, size_t b) {
    std::string out;
    for (size_t i = a; i < b; ++i) out += line[i];
    return out;
  };
  if (matches.size() < 2) return {join(0, line.size())};
  // parts: [pre, m1, between1, m2, between2, ..., mk, post]
  std::vector<std::string> sublines;
  sublines.push_back(join(0, matches[0].start) + join(matches[0].start, matches[0].end) +
                     join(matches[0].end, matches[1].start));
  for (size_t m = 1; m < matches.size(); ++m) {
    size_t next = m + 1 < matches.size() ? matches[m + 1].start : line.size();
    // parts[i].slice(1): the match without its leading space.
    sublines.push_back(join(matches[m].start + 1, matches[m].end) + join(matches[m].end, next));
  }
  return sublines;
}

}  // namespace

std::string wrap_description(std::string_view description, DescriptionPosition position) {
  size_t max_len = 120 - indentation_of(position);
  std::string out;
  size_t start = 0;
  while (true) {
    size_t nl = description.find('\n', start);
    std::string_view line =
        description.substr(start, nl == std::string_view::npos ? nl : nl - start);
    std::vector<std::string> units = js_units(line);
    if (!out.empty() || start > 0) out += "\n";
    if (units.size() < max_len + 5) {
      out += line;
    } else {
      std::vector<std::string> parts = break_line(units, max_len);
      for (size_t i = 0; i < parts.size(); ++i) out += (i ? "\n" : "") + parts[i];
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

int BuiltSchema::table_of_type(std::string_view type_name) const {
  for (size_t i = 0; i < tables.size(); ++i)
    if (tables[i].type_name == type_name) return static_cast<int>(i);
  return -1;
}

BuiltSchema build_schema(const catalog::Catalog& catalog, const BuildOptions& options) {
  return detail::Builder(catalog, options).run();
}

namespace detail {

using catalog::Class;
using catalog::Column;
using catalog::Constraint;
using catalog::Type;
using schema::EnumValue;
using schema::Field;
using schema::InputValue;
using schema::NamedType;
using schema::TypeRef;

// PostGraphile's descriptions, verbatim: they are part of the schema a
// client's tooling sees and of the compatibility contract.
const char* const kNodeIdDescription =
    "A globally unique identifier. Can be used in various places throughout the system to "
    "identify this single value.";

std::string type_desc(std::string_view s) {
  return wrap_description(s, DescriptionPosition::kType);
}
std::string field_desc(std::string_view s) {
  return wrap_description(s, DescriptionPosition::kField);
}
std::string arg_desc(std::string_view s) { return wrap_description(s, DescriptionPosition::kArg); }

namespace {

bool hidden_by_behavior(const catalog::SmartTags& tags) {
  for (const std::string& b : tags.values("behavior"))
    if (b == "-*") return true;
  return false;
}

std::string base_name(const Class& cls) {
  std::string n = cls.tags.value("name");
  return n.empty() ? cls.name : n;
}

// A smart-tag identifier: quoted keeps its case, bare is folded to lower
// case (PgFakeConstraintsPlugin's removeQuotes).
std::string sql_identifier(std::string_view s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  if (b == std::string_view::npos) return {};
  s = s.substr(b, e - b + 1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
    return std::string(s.substr(1, s.size() - 2));
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.emplace_back(s.substr(start, p == std::string_view::npos ? p : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

// "cols|@tag ..." -> the part before the first '|'.
std::string constraint_spec(std::string_view raw) {
  return std::string(raw.substr(0, raw.find('|')));
}

bool can_have_indexes(const Class& cls) {
  return cls.kind == Class::Kind::kTable || cls.kind == Class::Kind::kMaterializedView ||
         cls.kind == Class::Kind::kForeignTable;
}

}  // namespace

// The JWT type named by the options, if the catalog has it: "schema.name",
// or "name" in public, as PostGraphile's parseDatabaseIdentifier reads it.
Builder::Builder(const catalog::Catalog& cat, const BuildOptions& options) : cat_(cat) {
  std::string_view spec = options.jwt_type;
  if (spec.empty()) return;
  size_t dot = spec.find('.');
  std::string schema = dot == std::string_view::npos ? "public" : std::string(spec.substr(0, dot));
  std::string name(dot == std::string_view::npos ? spec : spec.substr(dot + 1));
  auto unquote = [](std::string& s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  };
  unquote(schema);
  unquote(name);
  for (const catalog::Type& t : cat_.types)
    if (t.kind == catalog::Type::Kind::kComposite && t.schema == schema && t.name == name) {
      out_.jwt_type = t.oid;
      out_.jwt_scalar = naming::upper_camel_case(naming::singularize(naming::camel_case(name)));
    }
}

BuiltSchema Builder::run() {
  add_node_interface();
  for (const Class& cls : cat_.classes) {
    if (hidden_by_behavior(cls.tags)) continue;
    out_.tables.push_back(table_info(cls));
  }
  add_smart_foreign_keys();
  registry_ = registry_order(cat_);
  collect_function_resources();
  add_row_types();
  add_query_type();
  add_mutation_type();
  add_page_info();
  add_cursor();
  cache::resolve_cache_hints(cat_, out_);
  return std::move(out_);
}

int Builder::table_index(Oid class_oid) const {
  for (size_t i = 0; i < out_.tables.size(); ++i)
    if (out_.tables[i].cls->oid == class_oid) return static_cast<int>(i);
  return -1;
}

const TableInfo* Builder::table_for(Oid class_oid) const {
  int i = table_index(class_oid);
  return i < 0 ? nullptr : &out_.tables[size_t(i)];
}

// A smart-tag unique key (@primaryKey or @unique "a,b|@tags"): the columns
// by their exact names; empty when one is unknown.
std::vector<int16_t> Builder::smart_key_columns(const Class& cls, std::string_view raw) {
  std::vector<int16_t> keys;
  for (const std::string& name : split(constraint_spec(raw), ',')) {
    const Column* c = cls.column(name);
    if (!c) return {};
    keys.push_back(c->num);
  }
  return keys;
}

const Constraint* Builder::add_smart_constraint(Constraint k) {
  out_.smart_constraints.push_back(std::move(k));
  return &out_.smart_constraints.back();
}

TableInfo Builder::table_info(const Class& cls) {
  TableInfo t;
  t.cls = &cls;
  std::string singular = naming::singularize(base_name(cls));
  t.type_name = naming::upper_camel_case(singular);
  t.plural = naming::upper_camel_case(naming::pluralize(singular));
  t.is_view = cls.kind == Class::Kind::kView || cls.kind == Class::Kind::kMaterializedView;

  // Unique keys: PgTablesPlugin puts the primary key first, then the other
  // UNIQUE constraints in introspection order (by name), smart tags last.
  const Constraint* pk = nullptr;
  std::vector<const Constraint*> others;
  for (const Constraint& k : cls.constraints) {
    if (k.kind == Constraint::Kind::kForeignKey) {
      t.foreign_keys.push_back(&k);
      continue;
    }
    bool attributes_only = !k.keys.empty();
    for (int16_t key : k.keys) attributes_only &= key > 0;
    if (!attributes_only) continue;
    if (k.kind == Constraint::Kind::kPrimaryKey && !pk) {
      pk = &k;
    } else {
      others.push_back(&k);
    }
  }
  if (cls.tags.has("primaryKey")) {
    Constraint k;
    k.kind = Constraint::Kind::kPrimaryKey;
    k.name = "@primaryKey";
    k.keys = smart_key_columns(cls, cls.tags.value("primaryKey"));
    if (!k.keys.empty()) {
      const Constraint* smart = add_smart_constraint(std::move(k));
      if (!pk) {
        pk = smart;
      } else {
        others.push_back(smart);
      }
    }
  }
  for (const std::string& spec : cls.tags.values("unique")) {
    Constraint k;
    k.kind = Constraint::Kind::kUnique;
    k.name = "@unique";
    k.keys = smart_key_columns(cls, spec);
    if (!k.keys.empty()) others.push_back(add_smart_constraint(std::move(k)));
  }
  if (pk) {
    t.uniques.push_back(pk);
    t.primary_key = pk->keys;
  }
  t.uniques.insert(t.uniques.end(), others.begin(), others.end());

  // PgIndexBehaviorsPlugin: on tables (not views), only columns some
  // non-partial index contains may be filtered and ordered by.
  std::set<int16_t> indexed;
  for (const catalog::Index& idx : cls.indexes)
    if (!idx.partial)
      for (int16_t k : idx.keys)
        if (k > 0) indexed.insert(k);
  for (const Column& col : cls.columns) {
    if (hidden_by_behavior(col.tags)) continue;
    TypeRef type = output_type(col.type);
    if (type.name.empty()) continue;  // no GraphQL type for it (yet)
    bool in_pk =
        std::find(t.primary_key.begin(), t.primary_key.end(), col.num) != t.primary_key.end();
    const Type* ct = cat_.find_type(col.type);
    bool domain_not_null = ct && ct->kind == Type::Kind::kDomain && ct->not_null;
    bool non_null = col.not_null || domain_not_null || (in_pk && cls.tags.has("primaryKey"));
    ColumnInfo ci;
    ci.column = &col;
    ci.field_name = naming::camel_case(attribute_name(col));
    ci.type = non_null ? type.non_null() : type;
    ci.indexed = !can_have_indexes(cls) || indexed.count(col.num) > 0;
    t.columns.push_back(std::move(ci));
  }
  apply_column_behaviors(t);
  return t;
}

// Condition/orderBy/select decisions per column: type rules, the index
// rule (PgIndexBehaviorsPlugin), column privileges (PgRBACPlugin) and
// @behavior tags, combined as graphile-build's behavior strings are.
void Builder::apply_column_behaviors(TableInfo& t) const {
  catalog::Privileges table = catalog::class_privileges(cat_, *t.cls);
  size_t selectable = 0;
  std::vector<bool> can_select;
  for (const ColumnInfo& c : t.columns) {
    bool s = table.select || catalog::column_privileges(cat_, *t.cls, *c.column).select;
    can_select.push_back(s);
    selectable += s ? 1 : 0;
  }
  for (size_t i = 0; i < t.columns.size(); ++i) {
    ColumnInfo& c = t.columns[i];
    Behavior b;
    b.add("select base update insert filterBy orderBy");
    type_behaviors(c.column->type, b);
    if (!c.indexed && !c.column->tags.has("isIndexed")) b.add("-filterBy -orderBy");
    // Only when a sibling is selectable: else all sit behind a function.
    if (!can_select[i] && selectable > 0) b.add("-select -filterBy -orderBy");
    for (const std::string& tag : c.column->tags.values("behavior")) b.add(tag);
    c.selectable = b.matches("attribute:select");
    c.filterable = b.matches("condition:attribute:filterBy");
    c.orderable = b.matches("attribute:orderBy");
  }
}

// _attributeName(): @name or the SQL name, "id" (any case) renamed row_id
// so that it cannot clash with the global `id`. Field names camel-case it,
// OrderBy values constant-case it.
std::string Builder::attribute_name(const Column& col) {
  std::string name = col.tags.value("name").empty() ? col.name : col.tags.value("name");
  std::string lower = name;
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return lower == "id" ? "row_id" : name;
}

// @foreignKey (cols) references [schema.]table [(cols)] on a table or view.
void Builder::add_smart_foreign_keys() {
  for (TableInfo& t : out_.tables) {
    for (const std::string& raw : t.cls->tags.values("foreignKey")) {
      std::string spec = constraint_spec(raw);
      // ^\(([^()]+)\) references ([^().]+)(?:\.([^().]+))?(?:\s*\(([^()]+)\))?$ (case-insensitive)
      size_t open = spec.find('('), close = spec.find(')');
      if (open != 0 || close == std::string::npos) continue;
      std::string local = spec.substr(1, close - 1);
      std::string rest = spec.substr(close + 1);
      std::string lower = rest;
      for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      const std::string kw = " references ";
      if (lower.rfind(kw, 0) != 0) continue;
      rest = rest.substr(kw.size());
      std::string target = rest, remote;
      size_t paren = rest.find('(');
      if (paren != std::string::npos) {
        size_t end = rest.find(')', paren);
        if (end == std::string::npos) continue;
        target = rest.substr(0, paren);
        remote = rest.substr(paren + 1, end - paren - 1);
      }
      std::vector<std::string> parts = split(target, '.');
      std::string schema = parts.size() == 2 ? sql_identifier(parts[0]) : t.cls->schema;
      std::string table = sql_identifier(parts.back());
      const Class* foreign = nullptr;
      for (const Class& c : cat_.classes)
        if (c.schema == schema && c.name == table) foreign = &c;
      if (!foreign) continue;
      Constraint k;
      k.kind = Constraint::Kind::kForeignKey;
      k.name = "@foreignKey";
      k.foreign_class = foreign->oid;
      for (const std::string& n : split(local, ','))
        if (const Column* c = t.cls->column(sql_identifier(n))) k.keys.push_back(c->num);
      if (remote.empty()) {
        if (const TableInfo* ft = table_for(foreign->oid)) k.foreign_keys = ft->primary_key;
      } else {
        for (const std::string& n : split(remote, ','))
          if (const Column* c = foreign->column(sql_identifier(n)))
            k.foreign_keys.push_back(c->num);
      }
      if (k.keys.empty() || k.keys.size() != k.foreign_keys.size()) continue;
      k.tags = catalog::parse_smart_comment(
          raw.find('|') == std::string::npos ? std::string() : raw.substr(raw.find('|') + 1));
      t.foreign_keys.push_back(add_smart_constraint(std::move(k)));
    }
  }
}

// <X>Connection and <X>Edge for a node type.
void Builder::add_connection_types(const std::string& n, const std::string& connection,
                                   const std::string& edge, bool /*nullable_nodes*/) {
  if (out_.schema.find(connection)) return;
  NamedType conn;
  conn.kind = NamedType::Kind::kObject;
  conn.name = connection;
  conn.description = type_desc("A connection to a list of `" + n + "` values.");
  auto f = [](std::string name, std::string description, TypeRef type) {
    Field x;
    x.name = std::move(name);
    x.description = std::move(description);
    x.type = std::move(type);
    return x;
  };
  conn.fields = {
      f("nodes", field_desc("A list of `" + n + "` objects."), TypeRef::named(n).list().non_null()),
      f("edges",
        field_desc("A list of edges which contains the `" + n +
                   "` and cursor to aid in pagination."),
        TypeRef::named(edge).list().non_null()),
      f("pageInfo", field_desc("Information to aid in pagination."),
        TypeRef::named("PageInfo").non_null()),
      f("totalCount",
        field_desc("The count of *all* `" + n + "` you could get from the connection."),
        TypeRef::named("Int").non_null()),
  };
  out_.schema.add(std::move(conn));

  NamedType e;
  e.kind = NamedType::Kind::kObject;
  e.name = edge;
  e.description = type_desc("A `" + n + "` edge in the connection.");
  e.fields = {
      f("cursor", field_desc("A cursor for use in pagination."), TypeRef::named("Cursor")),
      f("node", field_desc("The `" + n + "` at the end of the edge."), TypeRef::named(n)),
  };
  out_.schema.add(std::move(e));
}

// Connection, Edge, Condition and OrderBy of a table or view; computed
// columns add their values to Condition and OrderBy later.
void Builder::add_table_helper_types(const TableInfo& t) {
  const std::string& n = t.type_name;
  add_connection_types(n, n + "Connection", n + "Edge", true);
  ConnectionPlan cp;
  cp.type_name = n + "Connection";
  cp.node_type = n;
  cp.edge_type = n + "Edge";
  cp.table = table_index(t.cls->oid);
  out_.connections[cp.type_name] = cp;

  NamedType cond;
  cond.kind = NamedType::Kind::kInputObject;
  cond.name = n + "Condition";
  cond.description = type_desc("A condition to be used against `" + n +
                               "` object types. All fields are tested for equality and combined "
                               "with a logical \u2018and.\u2019");
  auto& conditions = out_.conditions[cond.name];
  for (const ColumnInfo& c : t.columns) {
    if (!c.filterable) continue;
    TypeRef type = input_type(c.column->type);
    if (type.name.empty()) continue;
    cond.input_fields.push_back(InputValue{
        c.field_name,
        field_desc("Checks for equality with the object\u2019s `" + c.field_name + "` field."),
        type,
        {},
        {}});
    ConditionPlan plan;
    plan.column = c.column->num;
    plan.pg_type = c.column->type;
    conditions[c.field_name] = plan;
  }
  out_.schema.add(std::move(cond));

  NamedType order;
  order.kind = NamedType::Kind::kEnum;
  order.name = n + "OrderBy";
  order.description = type_desc("Methods to use when ordering `" + n + "`.");
  auto& values = out_.order_by[order.name];
  order.values.push_back(EnumValue{"NATURAL", {}, {}});
  values["NATURAL"] = OrderByPlan{};
  // Computed columns' values go here (after NATURAL, before the primary
  // key): see add_computed_order_and_condition().
  if (!t.primary_key.empty()) {
    for (bool desc : {false, true}) {
      std::string v = desc ? "PRIMARY_KEY_DESC" : "PRIMARY_KEY_ASC";
      order.values.push_back(EnumValue{v, {}, {}});
      OrderByPlan p;
      p.kind = OrderByPlan::Kind::kPrimaryKey;
      p.descending = desc;
      values[v] = p;
    }
  }
  for (const ColumnInfo& c : t.columns) {
    // Enum values sort by declaration, not label: PostGraphile offers no
    // ordering on them.
    if (!c.orderable) continue;
    std::string base = attribute_name(*c.column);
    for (bool desc : {false, true}) {
      std::string v = naming::constant_case(base + (desc ? "-desc" : "-asc"));
      order.values.push_back(EnumValue{v, {}, {}});
      OrderByPlan p;
      p.kind = OrderByPlan::Kind::kColumn;
      p.descending = desc;
      p.column = c.column->num;
      values[v] = p;
    }
  }
  out_.schema.add(std::move(order));
  add_computed_order_and_condition(t);
}

}  // namespace detail

}  // namespace pg_gateway::graphql::build
