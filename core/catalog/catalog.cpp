#include "core/catalog/catalog.hpp"

#include <charconv>

#include "core/json/json_value.hpp"

namespace pg_gateway::catalog {

namespace {

using json::Value;

[[noreturn]] void bad(const std::string& what) {
  throw ReflectionError("unexpected catalog snapshot: " + what);
}

const Value& member(const Value& obj, std::string_view key) {
  const Value* v = obj.find(key);
  if (!v) bad("missing \"" + std::string(key) + "\"");
  return *v;
}

int64_t integer(const Value& v, std::string_view what) {
  // oids arrive as numbers or as strings, depending on the cast.
  if (v.is_number()) {
    if (auto n = v.as_int64()) return *n;
  } else if (v.is_string()) {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(v.text().data(), v.text().data() + v.text().size(), n);
    if (ec == std::errc() && p == v.text().data() + v.text().size()) return n;
  }
  bad(std::string(what) + " is not an integer");
}

int64_t integer_or(const Value& obj, std::string_view key, int64_t fallback) {
  const Value* v = obj.find(key);
  return (!v || v->is_null()) ? fallback : integer(*v, key);
}

std::string text_or_empty(const Value& obj, std::string_view key) {
  const Value* v = obj.find(key);
  if (!v || v->is_null()) return {};
  if (!v->is_string()) bad("\"" + std::string(key) + "\" is not a string");
  return v->text();
}

bool flag(const Value& obj, std::string_view key) {
  const Value* v = obj.find(key);
  return v && v->is_bool() && v->as_bool();
}

char letter(const Value& obj, std::string_view key, char fallback) {
  std::string s = text_or_empty(obj, key);
  return s.empty() ? fallback : s[0];
}

const std::vector<Value>& array_of(const Value& obj, std::string_view key) {
  static const std::vector<Value> kEmpty;
  const Value* v = obj.find(key);
  if (!v || v->is_null()) return kEmpty;
  if (!v->is_array()) bad("\"" + std::string(key) + "\" is not an array");
  return v->items();
}

std::vector<int16_t> small_ints(const Value& obj, std::string_view key) {
  std::vector<int16_t> out;
  for (const Value& v : array_of(obj, key)) out.push_back(int16_t(integer(v, key)));
  return out;
}

// An aclitem[] as text[]; nullopt for NULL (the object's default ACL).
std::optional<std::vector<std::string>> acl_of(const Value& obj) {
  const Value* v = obj.find("acl");
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_array()) bad("\"acl\" is not an array");
  std::vector<std::string> out;
  for (const Value& item : v->items()) {
    if (!item.is_string()) bad("acl item is not a string");
    out.push_back(item.text());
  }
  return out;
}

Column read_column(const Value& v) {
  Column c;
  c.num = int16_t(integer(member(v, "num"), "num"));
  c.name = text_or_empty(v, "name");
  c.type = Oid(integer(member(v, "type"), "type"));
  c.typmod = int32_t(integer_or(v, "typmod", -1));
  c.not_null = flag(v, "not_null");
  c.has_default = flag(v, "has_default");
  c.generated = !text_or_empty(v, "generated").empty();
  c.identity = letter(v, "identity", 0);
  c.tags = parse_smart_comment(text_or_empty(v, "comment"));
  c.acl = acl_of(v);
  return c;
}

}  // namespace

const Column* Class::column(int16_t num) const {
  for (const Column& c : columns)
    if (c.num == num) return &c;
  return nullptr;
}

const Column* Class::column(std::string_view n) const {
  for (const Column& c : columns)
    if (c.name == n) return &c;
  return nullptr;
}

const Constraint* Class::primary_key() const {
  for (const Constraint& k : constraints)
    if (k.kind == Constraint::Kind::kPrimaryKey) return &k;
  return nullptr;
}

const Class* Catalog::find_class(Oid oid) const {
  auto it = class_by_oid_.find(oid);
  return it == class_by_oid_.end() ? nullptr : &classes[it->second];
}

const Type* Catalog::find_type(Oid oid) const {
  auto it = type_by_oid_.find(oid);
  return it == type_by_oid_.end() ? nullptr : &types[it->second];
}

// A linear scan: snapshots list a handful of schemas.
const Namespace* Catalog::find_schema(std::string_view name) const {
  for (const Namespace& n : schemas)
    if (n.name == name) return &n;
  return nullptr;
}

const Class* Catalog::class_of_row_type(Oid type_oid) const {
  auto it = class_by_row_type_.find(type_oid);
  return it == class_by_row_type_.end() ? nullptr : &classes[it->second];
}

void Catalog::index() {
  class_by_oid_.clear();
  class_by_row_type_.clear();
  type_by_oid_.clear();
  for (size_t i = 0; i < classes.size(); ++i) {
    class_by_oid_[classes[i].oid] = i;
    if (classes[i].row_type) class_by_row_type_[classes[i].row_type] = i;
  }
  for (size_t i = 0; i < types.size(); ++i) type_by_oid_[types[i].oid] = i;
}

Catalog from_reflection_json(std::string_view json_text) {
  json::ParseLimits limits;
  limits.max_depth = 16;
  json::ParseResult parsed = json::parse(json_text, limits);
  if (!parsed.ok()) bad("invalid JSON: " + parsed.error);
  const Value& root = *parsed.value;
  if (!root.is_object()) bad("not an object");

  Catalog cat;
  cat.server_version_num = int(integer_or(root, "server_version_num", 0));
  cat.current_user = text_or_empty(root, "current_user");
  for (const Value& v : array_of(root, "roles")) {
    Role r;
    r.name = text_or_empty(v, "name");
    r.superuser = flag(v, "superuser");
    for (const Value& m : array_of(v, "member_of")) {
      if (!m.is_string()) bad("role membership is not a string");
      r.member_of.push_back(m.text());
    }
    cat.roles.push_back(std::move(r));
  }
  cat.has_cache_facts = root.find("schemas") != nullptr;
  for (const Value& v : array_of(root, "schemas")) {
    Namespace n;
    n.name = text_or_empty(v, "name");
    n.tags = parse_smart_comment(text_or_empty(v, "comment"));
    cat.schemas.push_back(std::move(n));
  }
  for (const Value& v : array_of(root, "classes")) {
    Class c;
    c.oid = Oid(integer(member(v, "oid"), "oid"));
    c.schema = text_or_empty(v, "schema");
    c.name = text_or_empty(v, "name");
    c.kind = Class::Kind(letter(v, "kind", 'r'));
    c.row_type = Oid(integer_or(v, "type", 0));
    c.tags = parse_smart_comment(text_or_empty(v, "comment"));
    c.owner = text_or_empty(v, "owner");
    c.acl = acl_of(v);
    c.updatable_mask = int(integer_or(v, "updatable_mask", -1));
    c.row_security = flag(v, "row_security");
    for (const Value& r : array_of(v, "reads")) c.reads.push_back(Oid(integer(r, "reads")));
    c.opaque_reads = flag(v, "opaque_reads");
    for (const Value& col : array_of(v, "columns")) c.columns.push_back(read_column(col));
    for (const Value& k : array_of(v, "constraints")) {
      Constraint con;
      con.kind = Constraint::Kind(letter(k, "type", 'p'));
      con.name = text_or_empty(k, "name");
      con.keys = small_ints(k, "keys");
      con.foreign_class = Oid(integer_or(k, "foreign_class", 0));
      con.foreign_keys = small_ints(k, "foreign_keys");
      con.tags = parse_smart_comment(text_or_empty(k, "comment"));
      c.constraints.push_back(std::move(con));
    }
    for (const Value& i : array_of(v, "indexes")) {
      Index idx;
      idx.keys = small_ints(i, "keys");
      idx.unique = flag(i, "unique");
      idx.primary = flag(i, "primary");
      idx.partial = flag(i, "partial");
      c.indexes.push_back(std::move(idx));
    }
    cat.classes.push_back(std::move(c));
  }
  for (const Value& v : array_of(root, "types")) {
    Type t;
    t.oid = Oid(integer(member(v, "oid"), "oid"));
    t.schema = text_or_empty(v, "schema");
    t.name = text_or_empty(v, "name");
    t.kind = Type::Kind(letter(v, "type", 'b'));
    t.category = letter(v, "category", 'U');
    t.element = Oid(integer_or(v, "element", 0));
    t.array = Oid(integer_or(v, "array", 0));
    t.base = Oid(integer_or(v, "base", 0));
    t.class_oid = Oid(integer_or(v, "class", 0));
    t.not_null = flag(v, "not_null");
    for (const Value& l : array_of(v, "enum_labels")) {
      if (!l.is_string()) bad("enum label is not a string");
      t.enum_labels.push_back(l.text());
    }
    for (const Value& a : array_of(v, "attributes")) t.attributes.push_back(read_column(a));
    t.tags = parse_smart_comment(text_or_empty(v, "comment"));
    cat.types.push_back(std::move(t));
  }
  for (const Value& v : array_of(root, "procs")) {
    Function f;
    f.oid = Oid(integer(member(v, "oid"), "oid"));
    f.schema = text_or_empty(v, "schema");
    f.name = text_or_empty(v, "name");
    const auto& types = array_of(v, "arg_types");
    const auto& modes = array_of(v, "arg_modes");
    const auto& names = array_of(v, "arg_names");
    for (size_t i = 0; i < types.size(); ++i) {
      Argument a;
      a.type = Oid(integer(types[i], "arg_types"));
      if (i < modes.size() && modes[i].is_string() && !modes[i].text().empty())
        a.mode = modes[i].text()[0];
      if (i < names.size() && names[i].is_string()) a.name = names[i].text();
      f.arguments.push_back(std::move(a));
    }
    f.input_count = int(integer_or(v, "arg_count", 0));
    f.default_count = int(integer_or(v, "default_count", 0));
    f.return_type = Oid(integer(member(v, "return_type"), "return_type"));
    f.returns_set = flag(v, "returns_set");
    f.volatility = letter(v, "volatility", 'v');
    f.strict = flag(v, "strict");
    f.security_definer = flag(v, "security_definer");
    f.tags = parse_smart_comment(text_or_empty(v, "comment"));
    f.owner = text_or_empty(v, "owner");
    f.acl = acl_of(v);
    cat.functions.push_back(std::move(f));
  }
  cat.index();
  return cat;
}

}  // namespace pg_gateway::catalog
