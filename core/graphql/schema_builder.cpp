#include "core/graphql/schema_builder.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/naming/inflection.hpp"

namespace pg_gateway::graphql::build {

using catalog::Catalog;
using catalog::Class;
using catalog::Column;
using catalog::Type;
using schema::EnumValue;
using schema::Field;
using schema::InputValue;
using schema::NamedType;
using schema::TypeRef;

namespace {

// PostgreSQL's built-in type oids (pg_type.dat), stable across versions.
enum : catalog::Oid {
  kBool = 16,
  kChar = 18,
  kName = 19,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kText = 25,
  kOid = 26,
  kJson = 114,
  kFloat4 = 700,
  kFloat8 = 701,
  kBpchar = 1042,
  kVarchar = 1043,
  kDate = 1082,
  kTime = 1083,
  kTimestamp = 1114,
  kTimestamptz = 1184,
  kInterval = 1186,
  kTimetz = 1266,
  kNumeric = 1700,
  kUuid = 2950,
  kJsonb = 3802,
};

// PostGraphile's descriptions, verbatim: they are part of the schema a
// client's tooling sees and of the compatibility contract.
constexpr const char* kNodeIdDescription =
    "A globally unique identifier. Can be used in various places throughout the system to "
    "identify this single value.";

struct ScalarSpec {
  const char* name;
  const char* description;
};

const ScalarSpec kCursor{"Cursor",
                         "A location in a connection that can be used for resuming pagination."};
const ScalarSpec kDatetime{
    "Datetime",
    "A point in time as described by the [ISO 8601](https://en.wikipedia.org/wiki/ISO_8601) and, "
    "if it has a timezone, [RFC 3339](https://datatracker.ietf.org/doc/html/rfc3339) standards. "
    "Input values that do not conform to both ISO 8601 and RFC 3339 may be coerced, which may "
    "lead to unexpected results."};
const ScalarSpec kBigInt{
    "BigInt",
    "A signed eight-byte integer. The upper big integer values are greater than the max value for "
    "a JavaScript number. Therefore all big integers will be output as strings and not numbers."};
const ScalarSpec kBigFloat{
    "BigFloat", "A floating point number that requires more precision than IEEE 754 binary 64"};
const ScalarSpec kJsonScalar{
    "JSON",
    "Represents JSON values as specified by "
    "[ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf)."};
const ScalarSpec kUuidScalar{"UUID",
                             "A universally unique identifier as defined by [RFC "
                             "4122](https://tools.ietf.org/html/rfc4122)."};
const ScalarSpec kDateScalar{"Date", "A calendar date in YYYY-MM-DD format."};
const ScalarSpec kTimeScalar{
    "Time",
    "The exact time of day, does not include the date. May or may not have a timezone offset."};

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

namespace {

std::string type_desc(std::string_view s) {
  return wrap_description(s, DescriptionPosition::kType);
}
std::string field_desc(std::string_view s) {
  return wrap_description(s, DescriptionPosition::kField);
}

class Builder {
 public:
  explicit Builder(const Catalog& cat) : cat_(cat) {}

  BuiltSchema run() {
    add_node_interface();
    for (const Class& cls : cat_.classes) {
      if (!is_exposed(cls)) continue;
      out_.tables.push_back(table_info(cls));
    }
    for (const TableInfo& t : out_.tables) add_table_types(t);
    for (const TableInfo& t : out_.tables) add_relations(t);
    add_page_info();
    add_scalar(kCursor);
    return std::move(out_);
  }

 private:
  static bool is_exposed(const Class& cls) {
    for (const std::string& b : cls.tags.values("behavior"))
      if (b == "-*") return false;
    return cls.kind != Class::Kind::kForeignTable;
  }

  static std::string base_name(const Class& cls) {
    std::string n = cls.tags.value("name");
    return n.empty() ? cls.name : n;
  }

  void add_scalar(const ScalarSpec& spec) {
    if (out_.schema.find(spec.name)) return;
    NamedType t;
    t.kind = NamedType::Kind::kScalar;
    t.name = spec.name;
    t.description = type_desc(spec.description);
    out_.schema.add(std::move(t));
  }

  void add_node_interface() {
    NamedType node;
    node.kind = NamedType::Kind::kInterface;
    node.name = "Node";
    node.description = type_desc("An object with a globally unique `ID`.");
    Field id;
    id.name = "id";
    id.type = TypeRef::named("ID").non_null();
    id.description = field_desc(kNodeIdDescription);
    node.fields.push_back(std::move(id));
    out_.schema.add(std::move(node));
  }

  void add_interval() {
    if (out_.schema.find("Interval")) return;
    NamedType t;
    t.kind = NamedType::Kind::kObject;
    t.name = "Interval";
    t.description = type_desc(
        "An interval of time that has passed where the smallest distinct unit is a second.");
    auto f = [](const char* name, const char* type, const char* description) {
      Field x;
      x.name = name;
      x.type = TypeRef::named(type);
      x.description = field_desc(description);
      return x;
    };
    t.fields = {
        f("seconds", "Float",
          "A quantity of seconds. This is the only non-integer field, as all the other fields will "
          "dump their overflow into a smaller unit of time. Intervals don\u2019t have a smaller "
          "unit than seconds."),
        f("minutes", "Int", "A quantity of minutes."),
        f("hours", "Int", "A quantity of hours."),
        f("days", "Int", "A quantity of days."),
        f("months", "Int", "A quantity of months."),
        f("years", "Int", "A quantity of years."),
    };
    out_.schema.add(std::move(t));
  }

  // The GraphQL output type of a PostgreSQL type, registering the named
  // types it needs. Empty name: no GraphQL type (the column is left out).
  TypeRef output_type(catalog::Oid oid) {
    switch (oid) {
      case kInt2:
      case kInt4:
        return TypeRef::named("Int");
      case kInt8:
        add_scalar(kBigInt);
        return TypeRef::named("BigInt");
      case kNumeric:
        add_scalar(kBigFloat);
        return TypeRef::named("BigFloat");
      case kFloat4:
      case kFloat8:
        return TypeRef::named("Float");
      case kText:
      case kVarchar:
      case kBpchar:
      case kName:
      case kChar:
        return TypeRef::named("String");
      case kBool:
        return TypeRef::named("Boolean");
      case kUuid:
        add_scalar(kUuidScalar);
        return TypeRef::named("UUID");
      case kJson:
      case kJsonb:
        add_scalar(kJsonScalar);
        return TypeRef::named("JSON");
      case kTimestamp:
      case kTimestamptz:
        add_scalar(kDatetime);
        return TypeRef::named("Datetime");
      case kDate:
        add_scalar(kDateScalar);
        return TypeRef::named("Date");
      case kTime:
      case kTimetz:
        add_scalar(kTimeScalar);
        return TypeRef::named("Time");
      case kInterval:
        add_interval();
        return TypeRef::named("Interval");
      default:
        break;
    }
    const Type* t = cat_.find_type(oid);
    if (!t) return TypeRef{};
    if (t->category == 'A' && t->element) {
      TypeRef inner = output_type(t->element);
      return inner.name.empty() ? TypeRef{} : inner.list();
    }
    if (t->kind == Type::Kind::kEnum) return enum_type(*t);
    if (t->kind == Type::Kind::kDomain) return domain_type(*t);
    return TypeRef{};  // composites, ranges, PostGIS ...: later
  }

  TypeRef enum_type(const Type& t) {
    std::string name =
        naming::upper_camel_case(t.tags.value("name").empty() ? t.name : t.tags.value("name"));
    if (!out_.schema.find(name)) {
      NamedType e;
      e.kind = NamedType::Kind::kEnum;
      e.name = name;
      if (!t.tags.description.empty()) e.description = t.tags.description;
      for (const std::string& label : t.enum_labels) e.values.push_back(EnumValue{label, {}, {}});
      out_.schema.add(std::move(e));
    }
    return TypeRef::named(name);
  }

  TypeRef domain_type(const Type& t) {
    // A domain over a scalar is a scalar of its own, named after it.
    TypeRef base = output_type(t.base);
    if (base.name.empty() || !base.wrappers.empty()) return base;
    std::string name = naming::upper_camel_case(t.name);
    if (!out_.schema.find(name)) {
      NamedType s;
      s.kind = NamedType::Kind::kScalar;
      s.name = name;
      if (!t.tags.description.empty()) s.description = t.tags.description;
      out_.schema.add(std::move(s));
    }
    return TypeRef::named(name);
  }

  bool is_enum(catalog::Oid oid) const {
    const Type* t = cat_.find_type(oid);
    return t && t->kind == Type::Kind::kEnum;
  }

  static std::vector<int16_t> view_primary_key(const Class& cls) {
    std::vector<int16_t> keys;
    std::string spec = cls.tags.value("primaryKey");
    std::stringstream ss(spec);
    std::string part;
    while (std::getline(ss, part, ',')) {
      size_t b = part.find_first_not_of(" \t"), e = part.find_last_not_of(" \t");
      if (b == std::string::npos) continue;
      if (const Column* c = cls.column(part.substr(b, e - b + 1))) keys.push_back(c->num);
    }
    return keys;
  }

  TableInfo table_info(const Class& cls) {
    TableInfo t;
    t.cls = &cls;
    std::string singular = naming::singularize(base_name(cls));
    t.type_name = naming::upper_camel_case(singular);
    t.plural = naming::upper_camel_case(naming::pluralize(singular));
    bool is_view = cls.kind == Class::Kind::kView || cls.kind == Class::Kind::kMaterializedView;
    if (const catalog::Constraint* pk = cls.primary_key()) t.primary_key = pk->keys;
    if (t.primary_key.empty() && is_view) t.primary_key = view_primary_key(cls);
    std::set<int16_t> indexed;
    for (const catalog::Index& idx : cls.indexes)
      if (!idx.partial)
        for (int16_t k : idx.keys)
          if (k > 0) indexed.insert(k);
    for (const Column& col : cls.columns) {
      for (const std::string& b : col.tags.values("behavior"))
        if (b == "-*") goto next_column;
      {
        TypeRef type = output_type(col.type);
        if (type.name.empty()) continue;  // no GraphQL type for it (yet)
        bool in_pk = false;
        for (int16_t k : t.primary_key) in_pk |= k == col.num;
        bool non_null = is_view ? in_pk : col.not_null;
        ColumnInfo ci;
        ci.column = &col;
        std::string name = col.tags.value("name").empty() ? col.name : col.tags.value("name");
        ci.field_name = name == "id" ? "rowId" : naming::camel_case(name);
        ci.type = non_null ? type.non_null() : type;
        ci.indexed = is_view || indexed.count(col.num) > 0;
        t.columns.push_back(std::move(ci));
      }
    next_column:;
    }
    return t;
  }

  void add_table_types(const TableInfo& t) {
    NamedType obj;
    obj.kind = NamedType::Kind::kObject;
    obj.name = t.type_name;
    if (!t.cls->tags.description.empty()) obj.description = t.cls->tags.description;
    if (!t.primary_key.empty()) {
      obj.interfaces.push_back("Node");
      Field id;
      id.name = "id";
      id.type = TypeRef::named("ID").non_null();
      id.description = field_desc(kNodeIdDescription);
      obj.fields.push_back(std::move(id));
    }
    for (const ColumnInfo& c : t.columns) {
      Field f;
      f.name = c.field_name;
      f.type = c.type;
      if (!c.column->tags.description.empty()) f.description = c.column->tags.description;
      if (c.column->tags.has("deprecated")) {
        std::string reason = c.column->tags.value("deprecated");
        f.deprecation_reason = reason.empty() ? "No longer supported" : reason;
      }
      obj.fields.push_back(std::move(f));
    }
    out_.schema.add(std::move(obj));

    const std::string& n = t.type_name;
    NamedType conn;
    conn.kind = NamedType::Kind::kObject;
    conn.name = n + "Connection";
    conn.description = type_desc("A connection to a list of `" + n + "` values.");
    conn.fields = {
        Field{
            "nodes", "A list of `" + n + "` objects.", {}, TypeRef::named(n).list().non_null(), {}},
        Field{"edges",
              field_desc("A list of edges which contains the `" + n +
                         "` and cursor to aid in pagination."),
              {},
              TypeRef::named(n + "Edge").list().non_null(),
              {}},
        Field{"pageInfo",
              "Information to aid in pagination.",
              {},
              TypeRef::named("PageInfo").non_null(),
              {}},
        Field{"totalCount",
              "The count of *all* `" + n + "` you could get from the connection.",
              {},
              TypeRef::named("Int").non_null(),
              {}},
    };
    out_.schema.add(std::move(conn));

    NamedType edge;
    edge.kind = NamedType::Kind::kObject;
    edge.name = n + "Edge";
    edge.description = type_desc("A `" + n + "` edge in the connection.");
    edge.fields = {
        Field{"cursor",
              field_desc("A cursor for use in pagination."),
              {},
              TypeRef::named("Cursor"),
              {}},
        Field{"node",
              field_desc("The `" + n + "` at the end of the edge."),
              {},
              TypeRef::named(n),
              {}},
    };
    out_.schema.add(std::move(edge));

    NamedType cond;
    cond.kind = NamedType::Kind::kInputObject;
    cond.name = n + "Condition";
    cond.description = type_desc("A condition to be used against `" + n +
                                 "` object types. All fields are tested for equality and combined "
                                 "with a logical \u2018and.\u2019");
    for (const ColumnInfo& c : t.columns) {
      if (!c.indexed) continue;
      TypeRef type = c.type;
      if (type.is_non_null()) type.wrappers.erase(type.wrappers.begin());
      cond.input_fields.push_back(
          InputValue{c.field_name,
                     "Checks for equality with the object\u2019s `" + c.field_name + "` field.",
                     type,
                     {},
                     {}});
    }
    out_.schema.add(std::move(cond));

    NamedType order;
    order.kind = NamedType::Kind::kEnum;
    order.name = n + "OrderBy";
    order.description = type_desc("Methods to use when ordering `" + n + "`.");
    order.values.push_back(EnumValue{"NATURAL", {}, {}});
    if (!t.primary_key.empty()) {
      order.values.push_back(EnumValue{"PRIMARY_KEY_ASC", {}, {}});
      order.values.push_back(EnumValue{"PRIMARY_KEY_DESC", {}, {}});
    }
    for (const ColumnInfo& c : t.columns) {
      // Enum values sort by declaration, not label: PostGraphile offers no
      // ordering on them.
      if (!c.indexed || is_enum(c.column->type)) continue;
      std::string base = naming::constant_case(c.field_name);
      order.values.push_back(EnumValue{base + "_ASC", {}, {}});
      order.values.push_back(EnumValue{base + "_DESC", {}, {}});
    }
    out_.schema.add(std::move(order));
  }

  const TableInfo* table_for(catalog::Oid class_oid) const {
    for (const TableInfo& t : out_.tables)
      if (t.cls->oid == class_oid) return &t;
    return nullptr;
  }

  // "By" + the FK columns' field names, upper camel, joined with "And".
  static std::string by_columns(const TableInfo& t, const std::vector<int16_t>& keys) {
    std::string out = "By";
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i) out += "And";
      for (const ColumnInfo& c : t.columns)
        if (c.column->num == keys[i]) out += naming::upper_first(c.field_name);
    }
    return out;
  }

  // An index whose leading columns are exactly the FK columns (any order).
  static bool keys_indexed(const Class& cls, const std::vector<int16_t>& keys) {
    std::set<int16_t> want(keys.begin(), keys.end());
    for (const catalog::Index& idx : cls.indexes) {
      if (idx.partial || idx.keys.size() < keys.size()) continue;
      std::set<int16_t> lead(idx.keys.begin(), idx.keys.begin() + long(keys.size()));
      if (lead == want) return true;
    }
    return false;
  }

  static bool keys_unique(const Class& cls, const std::vector<int16_t>& keys) {
    std::set<int16_t> want(keys.begin(), keys.end());
    for (const catalog::Constraint& k : cls.constraints) {
      if (k.kind == catalog::Constraint::Kind::kForeignKey) continue;
      if (std::set<int16_t>(k.keys.begin(), k.keys.end()) == want) return true;
    }
    return false;
  }

  Field connection_field(const std::string& name, const TableInfo& target) {
    const std::string& n = target.type_name;
    auto arg = [](const char* a, TypeRef type, std::string description) {
      return InputValue{
          a, wrap_description(description, DescriptionPosition::kArg), std::move(type), {}, {}};
    };
    Field f;
    f.name = name;
    f.description = field_desc("Reads and enables pagination through a set of `" + n + "`.");
    f.type = TypeRef::named(n + "Connection").non_null();
    f.args = {
        arg("first", TypeRef::named("Int"), "Only read the first `n` values of the set."),
        arg("last", TypeRef::named("Int"), "Only read the last `n` values of the set."),
        arg("offset", TypeRef::named("Int"),
            "Skip the first `n` values from our `after` cursor, an alternative to cursor based "
            "pagination. May not be used with `last`."),
        arg("before", TypeRef::named("Cursor"),
            "Read all values in the set before (above) this cursor."),
        arg("after", TypeRef::named("Cursor"),
            "Read all values in the set after (below) this cursor."),
        arg("condition", TypeRef::named(n + "Condition"),
            "A condition to be used in determining which values should be returned by the "
            "collection."),
        arg("orderBy", TypeRef::named(n + "OrderBy").non_null().list(),
            "The method to use when ordering `" + n + "`."),
    };
    f.args.back().default_value = target.primary_key.empty() ? "[NATURAL]" : "[PRIMARY_KEY_ASC]";
    return f;
  }

  // Forward relations (this table's foreign keys), in constraint name
  // order, then backward relations (foreign keys pointing here, from
  // tables in creation order) where an index makes them cheap to follow.
  void add_relations(const TableInfo& t) {
    NamedType obj = *out_.schema.find(t.type_name);
    for (const catalog::Constraint& k : t.cls->constraints) {
      if (k.kind != catalog::Constraint::Kind::kForeignKey) continue;
      const TableInfo* target = table_for(k.foreign_class);
      if (!target) continue;
      Field f;
      f.name = naming::camel_case(target->type_name) + by_columns(t, k.keys);
      f.description = field_desc("Reads a single `" + target->type_name +
                                 "` that is related to this `" + t.type_name + "`.");
      f.type = TypeRef::named(target->type_name);
      obj.fields.push_back(std::move(f));
    }
    std::vector<const TableInfo*> sources;
    for (const TableInfo& s : out_.tables) sources.push_back(&s);
    std::sort(sources.begin(), sources.end(),
              [](const TableInfo* a, const TableInfo* b) { return a->cls->oid < b->cls->oid; });
    for (const TableInfo* source : sources) {
      for (const catalog::Constraint& k : source->cls->constraints) {
        if (k.kind != catalog::Constraint::Kind::kForeignKey || k.foreign_class != t.cls->oid)
          continue;
        if (!keys_indexed(*source->cls, k.keys)) continue;
        std::string by = by_columns(*source, k.keys);
        if (keys_unique(*source->cls, k.keys)) {
          Field f;
          f.name = naming::camel_case(source->type_name) + by;
          f.description = field_desc("Reads a single `" + source->type_name +
                                     "` that is related to this `" + t.type_name + "`.");
          f.type = TypeRef::named(source->type_name);
          obj.fields.push_back(std::move(f));
        } else {
          obj.fields.push_back(connection_field(naming::camel_case(source->plural) + by, *source));
        }
      }
    }
    out_.schema.add(std::move(obj));
  }

  void add_page_info() {
    NamedType p;
    p.kind = NamedType::Kind::kObject;
    p.name = "PageInfo";
    p.description = type_desc("Information about pagination in a connection.");
    p.fields = {
        Field{"hasNextPage",
              field_desc("When paginating forwards, are there more items?"),
              {},
              TypeRef::named("Boolean").non_null(),
              {}},
        Field{"hasPreviousPage",
              field_desc("When paginating backwards, are there more items?"),
              {},
              TypeRef::named("Boolean").non_null(),
              {}},
        Field{"startCursor",
              field_desc("When paginating backwards, the cursor to continue."),
              {},
              TypeRef::named("Cursor"),
              {}},
        Field{"endCursor",
              field_desc("When paginating forwards, the cursor to continue."),
              {},
              TypeRef::named("Cursor"),
              {}},
    };
    out_.schema.add(std::move(p));
  }

  const Catalog& cat_;
  BuiltSchema out_;
};

}  // namespace

BuiltSchema build_schema(const Catalog& catalog) { return Builder(catalog).run(); }

}  // namespace pg_gateway::graphql::build

namespace pg_gateway::graphql::build {

int BuiltSchema::table_of_type(std::string_view type_name) const {
  for (size_t i = 0; i < tables.size(); ++i)
    if (tables[i].type_name == type_name) return static_cast<int>(i);
  return -1;
}

}  // namespace pg_gateway::graphql::build
