#include "core/graphql/cache/cache_hints_build.hpp"

#include <map>
#include <unordered_map>
#include <utility>

namespace pg_gateway::graphql::cache {

namespace {

using catalog::Oid;

// How a warning names a relation: as the DDL that tags it would
// (COMMENT ON VIEW ...), so the user finds the comment to fix.
std::string class_kind(catalog::Class::Kind kind) {
  switch (kind) {
    case catalog::Class::Kind::kView:
      return "view";
    case catalog::Class::Kind::kMaterializedView:
      return "materialized view";
    case catalog::Class::Kind::kForeignTable:
      return "foreign table";
    default:
      return "table";
  }
}

// Every tag of the catalog parsed once, so that each malformed one is one
// warning however many fields it would have applied to.
class TagHints {
 public:
  TagHints(const catalog::Catalog& cat, std::vector<std::string>& warnings) : warnings_(warnings) {
    for (const catalog::Namespace& n : cat.schemas)
      if (auto h = parse(n.tags, "schema " + n.name)) schemas_[n.name] = *h;
    for (const catalog::Class& c : cat.classes) {
      std::string name = c.schema + "." + c.name;
      if (auto h = parse(c.tags, class_kind(c.kind) + " " + name)) classes_[c.oid] = *h;
      for (const catalog::Column& col : c.columns)
        if (auto h = parse(col.tags, "column " + name + "." + col.name))
          columns_[{c.row_type ? c.row_type : c.oid, col.name}] = *h;
    }
    for (const catalog::Type& t : cat.types) {
      // A table's row type carries the table's tags, reported above.
      if (t.kind != catalog::Type::Kind::kComposite || cat.find_class(t.class_oid)) continue;
      std::string name = t.schema + "." + t.name;
      if (auto h = parse(t.tags, "type " + name)) types_[t.oid] = *h;
      for (const catalog::Column& a : t.attributes)
        if (auto h = parse(a.tags, "attribute " + name + "." + a.name))
          columns_[{t.oid, a.name}] = *h;
    }
    for (const catalog::Function& f : cat.functions)
      if (auto h = parse(f.tags, "function " + f.schema + "." + f.name)) functions_[f.oid] = *h;
  }

  // Each lookup falls back to the object's schema, except columns: a
  // column without a tag inherits its row's hint at query time instead.
  const CacheHint* schema(const std::string& name) const { return find(schemas_, name); }
  const CacheHint* cls(const catalog::Class& c) const {
    const CacheHint* h = find(classes_, c.oid);
    return h ? h : schema(c.schema);
  }
  const CacheHint* type(const catalog::Type& t) const {
    const CacheHint* h = find(types_, t.oid);
    return h ? h : schema(t.schema);
  }
  const CacheHint* function(const catalog::Function& f) const {
    const CacheHint* h = find(functions_, f.oid);
    return h ? h : schema(f.schema);
  }
  // A column of a table (by its row type) or an attribute of a composite.
  const CacheHint* column(Oid row_type, const std::string& name) const {
    auto it = columns_.find({row_type, name});
    return it == columns_.end() ? nullptr : &it->second;
  }

 private:
  template <typename Map, typename Key>
  static const CacheHint* find(const Map& m, const Key& k) {
    auto it = m.find(k);
    return it == m.end() ? nullptr : &it->second;
  }

  // A malformed tag is a warning and no hint, never an exception: a typo
  // in a comment must not take the API down.
  std::optional<CacheHint> parse(const catalog::SmartTags& tags, const std::string& what) {
    std::optional<ParsedHint> p = cache_hint_of(tags);
    if (!p) return std::nullopt;
    if (!p->ok()) {
      warnings_.push_back("@pgCacheControl on " + what + ": " + p->error);
      return std::nullopt;
    }
    return p->hint;
  }

  std::vector<std::string>& warnings_;
  std::map<std::string, CacheHint> schemas_;
  std::unordered_map<Oid, CacheHint> classes_;
  std::unordered_map<Oid, CacheHint> types_;
  std::unordered_map<Oid, CacheHint> functions_;
  std::map<std::pair<Oid, std::string>, CacheHint> columns_;
};

// The fields whose value a function computes, whose hint is the function's.
bool function_backed(build::FieldPlan::Kind kind) {
  using K = build::FieldPlan::Kind;
  return kind == K::kComputed || kind == K::kComputedConnection || kind == K::kCustomQuery ||
         kind == K::kCustomQueryConnection;
}

}  // namespace

// Walks the plan rather than the catalog: only what became a GraphQL type
// or field gets a hint, under the name clients select.
void resolve_cache_hints(const catalog::Catalog& cat, build::BuiltSchema& built) {
  TagHints tags(cat, built.warnings);
  CacheHints& out = built.cache_hints;
  for (const auto& [type_name, plan] : built.objects) {
    Oid row_type = 0;
    const CacheHint* type_hint = nullptr;
    if (plan.table >= 0 && size_t(plan.table) < built.tables.size()) {
      const catalog::Class& cls = *built.tables[size_t(plan.table)].cls;
      type_hint = tags.cls(cls);
      row_type = cls.row_type ? cls.row_type : cls.oid;
    } else if (plan.composite_type) {
      if (const catalog::Type* t = cat.find_type(plan.composite_type)) {
        type_hint = tags.type(*t);
        row_type = t->oid;
      }
    } else if (plan.record_function) {
      // A RETURNS TABLE record exists for its function alone: the
      // function's hint covers its rows too, else they would take the
      // default below a function-backed connection the tag was meant for.
      type_hint = tags.function(*plan.record_function);
    }
    if (type_hint) out.types[type_name] = *type_hint;
    for (const auto& [field_name, field] : plan.fields) {
      const CacheHint* h = nullptr;
      if (field.kind == build::FieldPlan::Kind::kColumn && row_type)
        h = tags.column(row_type, field.column_name);
      else if (function_backed(field.kind) && field.function)
        h = tags.function(*field.function);
      if (h) out.fields[type_name][field_name] = *h;
    }
  }
  // Structural types: their values are parts of the parent's.
  CacheHint inherit;
  inherit.inherit_max_age = true;
  for (const auto& [name, conn] : built.connections) {
    out.types[conn.type_name] = inherit;
    if (!conn.edge_type.empty()) out.types[conn.edge_type] = inherit;
  }
  out.types["PageInfo"] = inherit;
  // PostGraphile's Interval is an object type only to spell out its parts:
  // a value, like a scalar.
  out.types["Interval"] = inherit;
}

}  // namespace pg_gateway::graphql::cache
