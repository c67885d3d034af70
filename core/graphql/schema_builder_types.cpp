// GraphQL types for PostgreSQL types: PostGraphile's scalars (built-in
// and per domain), enums, Interval, ranges, and the shared Node, PageInfo
// and Cursor; plus the filter/order behaviors a column gets from its type.
#include <map>
#include <set>

#include "core/graphql/schema_builder_internal.hpp"
#include "core/naming/inflection.hpp"

namespace pg_gateway::graphql::build::detail {

using catalog::Class;
using catalog::Type;
using schema::EnumValue;
using schema::Field;
using schema::InputValue;
using schema::NamedType;
using schema::TypeRef;

namespace {

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
// Not PostGraphile's: PostGraphile 5 has no PostGIS support (its v4 plugin,
// @graphile/postgis, had this scalar for the same values).
const ScalarSpec kGeoJsonScalar{
    "GeoJSON",
    "A PostGIS geometry or geography value as a GeoJSON object "
    "([RFC 7946](https://tools.ietf.org/html/rfc7946)); coordinates are WGS 84 unless the object "
    "has a `crs` member naming another spatial reference system."};
const ScalarSpec kDateScalar{"Date", "A calendar date in YYYY-MM-DD format."};
const ScalarSpec kTimeScalar{
    "Time",
    "The exact time of day, does not include the date. May or may not have a timezone offset."};

}  // namespace

void Builder::add_scalar(const char* name, const char* description) {
  if (out_.schema.find(name)) return;
  NamedType t;
  t.kind = NamedType::Kind::kScalar;
  t.name = name;
  t.description = type_desc(description);
  out_.schema.add(std::move(t));
}

void Builder::add_node_interface() {
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

void Builder::add_interval() {
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

void Builder::add_page_info() {
  NamedType p;
  p.kind = NamedType::Kind::kObject;
  p.name = "PageInfo";
  p.description = type_desc("Information about pagination in a connection.");
  auto f = [](const char* name, TypeRef type, const char* description) {
    Field x;
    x.name = name;
    x.type = std::move(type);
    x.description = field_desc(description);
    return x;
  };
  p.fields = {
      f("hasNextPage", TypeRef::named("Boolean").non_null(),
        "When paginating forwards, are there more items?"),
      f("hasPreviousPage", TypeRef::named("Boolean").non_null(),
        "When paginating backwards, are there more items?"),
      f("startCursor", TypeRef::named("Cursor"),
        "When paginating backwards, the cursor to continue."),
      f("endCursor", TypeRef::named("Cursor"), "When paginating forwards, the cursor to continue."),
  };
  out_.schema.add(std::move(p));
}

// The GraphQL output type of a PostgreSQL type, registering the named types
// it needs. An empty name means PostGraphile has no type for it (the column
// or function is left out).
TypeRef Builder::output_type(Oid oid) {
  switch (oid) {
    case kInt2:
    case kInt4:
      return TypeRef::named("Int");
    case kInt8:
      add_scalar(kBigInt.name, kBigInt.description);
      return TypeRef::named("BigInt");
    case kNumeric:
      add_scalar(kBigFloat.name, kBigFloat.description);
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
      add_scalar(kUuidScalar.name, kUuidScalar.description);
      return TypeRef::named("UUID");
    case kJson:
    case kJsonb:
      add_scalar(kJsonScalar.name, kJsonScalar.description);
      return TypeRef::named("JSON");
    case kTimestamp:
    case kTimestamptz:
      add_scalar(kDatetime.name, kDatetime.description);
      return TypeRef::named("Datetime");
    case kDate:
      add_scalar(kDateScalar.name, kDateScalar.description);
      return TypeRef::named("Date");
    case kTime:
    case kTimetz:
      add_scalar(kTimeScalar.name, kTimeScalar.description);
      return TypeRef::named("Time");
    case kInterval:
      add_interval();
      return TypeRef::named("Interval");
    default:
      break;
  }
  const Type* t = cat_.find_type(oid);
  if (!t) return TypeRef{};
  if (t->is_spatial()) {
    add_scalar(kGeoJsonScalar.name, kGeoJsonScalar.description);
    return TypeRef::named(kGeoJsonScalar.name);
  }
  if (t->category == 'A' && t->element) {
    TypeRef inner = output_type(t->element);
    return inner.name.empty() ? TypeRef{} : inner.list();
  }
  if (t->schema == "pg_catalog") {
    // The other built-in scalars of graphile-build(-pg), by type name.
    static const std::map<std::string_view, std::pair<const char*, const char*>> kBuiltins = {
        {"money", {"Float", nullptr}},
        {"xml", {"XML", "An XML document"}},
        {"jsonpath", {"JSONPath", "A string representing an SQL/JSONPath expression"}},
        {"bit", {"BitString", "A string representing a series of binary bits"}},
        {"varbit", {"BitString", "A string representing a series of binary bits"}},
        {"inet", {"InternetAddress", "An IPv4 or IPv6 host address, and optionally its subnet."}},
        {"cidr", {"CidrAddress", "An IPv4 or IPv6 CIDR address."}},
        {"macaddr", {"MacAddress", "A 6-byte MAC address."}},
        {"macaddr8", {"MacAddress8", "An 8-byte MAC address."}},
        {"bytea", {"Base64EncodedBinary", "Binary data encoded using Base64"}},
        {"oid", {"Oid", "PostgreSQL identifier for a database entity"}},
        {"tsvector",
         {"TSVector",
          "A PostgreSQL full-text search document (`tsvector`). See "
          "https://www.postgresql.org/docs/current/datatype-textsearch.html"}},
        {"tsquery",
         {"TSQuery",
          "A PostgreSQL full-text search query (`tsquery`). See "
          "https://www.postgresql.org/docs/current/datatype-textsearch.html"}},
        {"regproc", {"RegProc", "A builtin object identifier type for a function name"}},
        {"regprocedure",
         {"RegProcedure", "A builtin object identifier type for a function with argument types"}},
        {"regoper", {"RegOper", "A builtin object identifier type for an operator"}},
        {"regoperator",
         {"RegOperator", "A builtin object identifier type for an operator with argument types"}},
        {"regclass", {"RegClass", "A builtin object identifier type for a relation name"}},
        {"regtype", {"RegType", "A builtin object identifier type for a data type name"}},
        {"regrole", {"RegRole", "A builtin object identifier type for a role name"}},
        {"regnamespace", {"RegNamespace", "A builtin object identifier type for a namespace name"}},
        {"regconfig",
         {"RegConfig", "A builtin object identifier type for a text search configuration"}},
        {"regdictionary",
         {"RegDictionary", "A builtin object identifier type for a text search dictionary"}},
    };
    auto builtin = kBuiltins.find(t->name);
    if (builtin != kBuiltins.end()) {
      auto [name, description] = builtin->second;
      if (description) add_scalar(name, description);
      return TypeRef::named(name);
    }
  }
  if (t->kind == Type::Kind::kEnum) return enum_type(*t);
  if (t->kind == Type::Kind::kDomain) return domain_type(*t);
  if (t->kind == Type::Kind::kRange) return range_type(*t, false);
  if (t->kind == Type::Kind::kComposite && t->oid == out_.jwt_type) {
    // PgJWTPlugin: the JWT type is a scalar holding the signed token.
    add_scalar(out_.jwt_scalar.c_str(),
               "A JSON Web Token defined by [RFC 7519](https://tools.ietf.org/html/rfc7519) which "
               "securely represents claims between two parties.");
    return TypeRef::named(out_.jwt_scalar);
  }
  if (t->kind == Type::Kind::kComposite) {
    if (const TableInfo* table = table_for(t->class_oid)) return TypeRef::named(table->type_name);
    for (const Class& cls : cat_.classes)
      if (cls.oid == t->class_oid) return TypeRef{};  // a table hidden by @behavior -*
    return composite_type(*t);
  }
  return TypeRef{};  // ranges, PostGIS, ...: not yet
}

// Input types are the output types for scalars, enums and lists of them;
// rows and intervals have input object types of their own.
TypeRef Builder::input_type(Oid oid) {
  if (oid == kInterval) return interval_input_type();
  const Type* t = cat_.find_type(oid);
  if (t && t->kind == Type::Kind::kComposite) return row_input_type(oid);
  if (t && t->kind == Type::Kind::kRange) return range_type(*t, true);
  if (t && t->category == 'A' && t->element) {
    TypeRef inner = input_type(t->element);
    return inner.name.empty() ? TypeRef{} : inner.list();
  }
  return output_type(oid);
}

// <X>Range / <X>RangeBound (and their inputs) for a built-in range, X the
// GraphQL type of its elements; datetime ranges with and without time zone
// share DatetimeRange.
TypeRef Builder::range_type(const Type& t, bool input) {
  Oid subtype = builtin_range_subtype(t.oid);
  TypeRef element = subtype ? output_type(subtype) : TypeRef{};
  if (element.name.empty()) return TypeRef{};
  std::string range = element.name + "Range", bound = element.name + "RangeBound";
  auto make = [&](const std::string& name, const std::string& bound_name, bool as_input) {
    if (out_.schema.find(name)) return;
    NamedType b;
    b.kind = as_input ? NamedType::Kind::kInputObject : NamedType::Kind::kObject;
    b.name = bound_name;
    b.description = type_desc(
        "The value at one end of a range. A range can either include this value, or not.");
    NamedType r;
    r.kind = b.kind;
    r.name = name;
    r.description = type_desc("A range of `" + element.name + "`.");
    if (as_input) {
      b.input_fields = {
          InputValue{"value",
                     field_desc("The value at one end of our range."),
                     input_type(subtype).non_null(),
                     {},
                     {}},
          InputValue{"inclusive",
                     field_desc("Whether or not the value of this bound is included in the range."),
                     TypeRef::named("Boolean").non_null(),
                     {},
                     {}}};
      r.input_fields = {InputValue{"start",
                                   field_desc("The starting bound of our range."),
                                   TypeRef::named(bound_name),
                                   {},
                                   {}},
                        InputValue{"end",
                                   field_desc("The ending bound of our range."),
                                   TypeRef::named(bound_name),
                                   {},
                                   {}}};
    } else {
      Field value, inclusive, start, end;
      value.name = "value";
      value.description = field_desc("The value at one end of our range.");
      value.type = element.non_null();
      inclusive.name = "inclusive";
      inclusive.description =
          field_desc("Whether or not the value of this bound is included in the range.");
      inclusive.type = TypeRef::named("Boolean").non_null();
      b.fields = {value, inclusive};
      start.name = "start";
      start.description = field_desc("The starting bound of our range.");
      start.type = TypeRef::named(bound_name);
      end.name = "end";
      end.description = field_desc("The ending bound of our range.");
      end.type = TypeRef::named(bound_name);
      r.fields = {start, end};
    }
    out_.schema.add(std::move(b));
    out_.schema.add(std::move(r));
  };
  make(range, bound, false);
  if (!input) return TypeRef::named(range);
  make(range + "Input", bound + "Input", true);
  return TypeRef::named(range + "Input");
}

// The @dataplan/pg codec name of a type: built-in codecs are named after
// the pg_catalog type; others camel-case their name, prefixed with their
// schema unless it is one the schema is built from (typeCodecName).
std::string Builder::codec_name(const Type& t) const {
  bool builtin = t.schema == "pg_catalog" && t.kind == Type::Kind::kBase;
  if (builtin) return t.name;
  bool exposed = false;
  for (const Class& c : cat_.classes) exposed |= c.schema == t.schema;
  for (const catalog::Function& f : cat_.functions) exposed |= f.schema == t.schema;
  return naming::camel_case(exposed ? t.name : t.schema + "_" + t.name);
}

TypeRef Builder::enum_type(const Type& t) {
  std::string name =
      naming::upper_camel_case(t.tags.value("name").empty() ? codec_name(t) : t.tags.value("name"));
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

TypeRef Builder::domain_type(const Type& t) {
  // A domain over a scalar is a scalar of its own, named after it.
  TypeRef base = output_type(t.base);
  if (base.name.empty() || !base.wrappers.empty()) return base;
  std::string name =
      naming::upper_camel_case(t.tags.value("name").empty() ? codec_name(t) : t.tags.value("name"));
  if (!out_.schema.find(name)) {
    NamedType s;
    s.kind = NamedType::Kind::kScalar;
    s.name = name;
    // No description: PostGraphile v5 does not use a domain's comment
    // for its scalar (test/graphql_compat: app.email is commented).
    // Input coerces as the base type's scalar does (Email as String).
    const NamedType* base_type = out_.schema.find(base.name);
    if (base_type && base_type->kind == NamedType::Kind::kScalar)
      s.coerce_as = base_type->coerce_as.empty() ? base.name : base_type->coerce_as;
    else if (schema::is_specified_scalar(base.name))
      s.coerce_as = base.name;
    out_.schema.add(std::move(s));
  }
  return TypeRef::named(name);
}

// The attribute behaviors PgAttributesPlugin infers from a column's type
// (walking arrays, ranges and domains down to the base type).
void Builder::type_behaviors(Oid oid, Behavior& b) const {
  const Type* t = cat_.find_type(oid);
  if (t && t->category == 'A' && t->element) {
    b.add("-condition:attribute:filterBy -attribute:orderBy");
    type_behaviors(t->element, b);
    return;
  }
  if (t && t->kind == Type::Kind::kRange) {
    b.add("-condition:attribute:filterBy -attribute:orderBy");
    return;
  }
  if (t && t->kind == Type::Kind::kDomain) {
    type_behaviors(t->base, b);
    return;
  }
  if (t && t->kind == Type::Kind::kComposite) {
    b.add("-condition:attribute:filterBy -attribute:orderBy");
    return;
  }
  if (t && t->kind == Type::Kind::kEnum) {
    b.add("-attribute:orderBy");
    return;
  }
  if (t && t->is_spatial()) {  // no btree order or equality worth offering
    b.add("-condition:attribute:filterBy -attribute:orderBy");
    return;
  }
  std::string_view name = t ? std::string_view(t->name) : std::string_view();
  if (name == "tsvector" || name == "tsquery") {
    b.add("-attribute:base -attribute:select -attribute:insert -attribute:update");
    b.add("-condition:attribute:filterBy -attribute:orderBy");
  }
  // @dataplan/pg codecs without natural equality / ordering.
  static const std::set<std::string_view> kNoEquality = {
      "json", "jsonb", "jsonpath", "xml",    "tsvector", "tsquery", "line",
      "lseg", "box",   "polygon",  "circle", "bytea",    "unknown", "void"};
  static const std::set<std::string_view> kNoOrdering = {
      "json",    "jsonb",        "jsonpath",  "xml",          "tsvector", "tsquery",
      "line",    "lseg",         "box",       "polygon",      "circle",   "bytea",
      "unknown", "void",         "point",     "path",         "bit",      "varbit",
      "regproc", "regprocedure", "regoper",   "regoperator",  "regclass", "regtype",
      "regrole", "regnamespace", "regconfig", "regdictionary"};
  if (t && t->schema == "pg_catalog") {
    if (kNoEquality.count(name)) b.add("-attribute:filterBy");
    if (kNoOrdering.count(name)) b.add("-attribute:orderBy");
  }
}

void Builder::add_cursor() { add_scalar(kCursor.name, kCursor.description); }

}  // namespace pg_gateway::graphql::build::detail
