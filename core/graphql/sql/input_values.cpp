// Request values -> PostgreSQL text input, and small SQL builders shared by
// the compiler's files.
#include <cmath>

#include "core/graphql/sql/compiler.hpp"
#include "core/naming/inflection.hpp"

namespace pg_gateway::graphql::sql {

using catalog::Oid;

namespace {

// One element of an array literal: NULL bare, everything else double-quoted
// with backslash and quote escaped (array_in's rules).
void append_array_element(std::string& out, const std::optional<std::string>& text) {
  if (!text) {
    out += "NULL";
    return;
  }
  out += '"';
  for (char c : *text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// PostGraphile's IntervalInput {seconds, minutes, hours, days, months, years}
// as interval text; every part optional.
std::string interval_text(const json::Value& object) {
  std::string out;
  static constexpr std::pair<const char*, const char*> kParts[] = {
      {"years", "years"}, {"months", "months"},   {"days", "days"},
      {"hours", "hours"}, {"minutes", "minutes"}, {"seconds", "seconds"}};
  for (const auto& [field, unit] : kParts) {
    const json::Value* v = object.find(field);
    if (!v || v->is_null()) continue;
    if (!v->is_number()) throw CompileError("Invalid interval value");
    if (!out.empty()) out += ' ';
    out += v->text();
    out += ' ';
    out += unit;
  }
  return out.empty() ? "0 seconds" : out;
}

}  // namespace

// A composite input object (AddressInput) as a record literal: the
// attributes in order, each double-quoted (quotes and backslashes escaped
// as record_in reads them), an absent or null field empty (NULL). The
// fields are named as the builder named the input type's: the camelCase
// of the attribute's @name or name.
std::string record_text(const catalog::Catalog& catalog, const catalog::Type& type,
                        const json::Value& object) {
  std::string out = "(";
  bool first = true;
  for (const catalog::Column& a : type.attributes) {
    if (a.num < 1) continue;
    if (!first) out += ',';
    first = false;
    std::string field = a.tags.value("name").empty() ? a.name : a.tags.value("name");
    const json::Value* v = object.find(naming::camel_case(field));
    std::optional<std::string> text = v ? input_text(catalog, *v, a.type) : std::nullopt;
    if (!text) continue;
    out += '"';
    for (char c : *text) {
      if (c == '"' || c == '\\') out += c;  // doubled
      out += c;
    }
    out += '"';
  }
  return out + ")";
}

std::optional<std::string> input_text(const catalog::Catalog& catalog, const json::Value& value,
                                      Oid type) {
  if (value.is_null()) return std::nullopt;
  Oid base = base_type(catalog, type);
  if (base == oid::kJson || base == oid::kJsonb) {
    // The JSON scalar carries any JSON value; PostgreSQL gets its text.
    return value.dump();
  }
  if (base == oid::kInterval && value.is_object()) return interval_text(value);
  const catalog::Type* t = catalog.find_type(base);
  if (t && t->kind == catalog::Type::Kind::kComposite && value.is_object())
    return record_text(catalog, *t, value);
  if (t && t->category == 'A' && t->element) {
    if (!value.is_array()) {
      // Input coercion wraps a single value into a list; be as lenient here.
      std::string out = "{";
      append_array_element(out, input_text(catalog, value, t->element));
      return out + "}";
    }
    std::string out = "{";
    bool first = true;
    for (const json::Value& item : value.items()) {
      if (!first) out += ',';
      first = false;
      append_array_element(out, input_text(catalog, item, t->element));
    }
    return out + "}";
  }
  switch (value.kind()) {
    case json::Value::Kind::kBool:
      return std::string(value.as_bool() ? "true" : "false");
    case json::Value::Kind::kNumber:
    case json::Value::Kind::kString:
      return value.text();
    default:
      throw CompileError("Cannot use a " + std::string(value.is_array() ? "list" : "object") +
                         " value where PostgreSQL expects a scalar");
  }
}

std::string build_object(const std::vector<std::pair<std::string, std::string>>& members) {
  // json_build_object takes at most 100 arguments (50 members). Larger
  // objects are built in chunks and spliced as text, which keeps key order
  // (jsonb || would sort the keys).
  constexpr size_t kChunk = 50;
  auto chunk_sql = [&](size_t from, size_t to) {
    std::string out = "json_build_object(";
    for (size_t i = from; i < to; ++i) {
      if (i > from) out += ", ";
      out += quote_literal(members[i].first) + "::text, " + members[i].second;
    }
    return out + ")";
  };
  if (members.size() <= kChunk) return chunk_sql(0, members.size());
  std::string out = "(";
  for (size_t from = 0; from < members.size(); from += kChunk) {
    size_t to = std::min(members.size(), from + kChunk);
    std::string piece = "(" + chunk_sql(from, to) + ")::text";
    // First chunk keeps its "{", last its "}", the ones between lose both.
    bool first = from == 0, last = to == members.size();
    if (!first) out += " || ',' || ";
    if (first && !last)
      out += "left(" + piece + ", -1)";
    else if (!first && last)
      out += "substr(" + piece + ", 2)";
    else if (!first && !last)
      out += "substr(left(" + piece + ", -1), 2)";
    else
      out += piece;
  }
  return out + ")::json";
}

std::string Compiler::param(const json::Value& value, Oid type) {
  const catalog::Type* t = cat_.find_type(base_type(cat_, type));
  if (t && t->is_spatial()) {
    // GeoJSON in, through PostGIS's parser (SRID 4326 unless the object
    // names another crs); the domain cast keeps a domain's checks.
    std::string geojson = params_.add(input_text(cat_, value, oid::kJson), oid::kText);
    std::string geom = quote_ident(t->schema) + ".st_geomfromgeojson(" + geojson + ")";
    if (t->is_geography()) geom = "(" + geom + ")::" + qualified(t->schema, t->name);
    if (t->oid != type) {
      const catalog::Type* domain = cat_.find_type(type);
      if (domain) geom = "(" + geom + ")::" + qualified(domain->schema, domain->name);
    }
    return geom;
  }
  return params_.add(input_text(cat_, value, type), type);
}

std::string Compiler::alias(std::string_view base) {
  std::string clean;
  for (char c : base) clean += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (clean.size() > 40) clean.resize(40);
  return quote_ident("__" + clean + "_" + std::to_string(++alias_counter_) + "__");
}

}  // namespace pg_gateway::graphql::sql

namespace pg_gateway::graphql::sql {

bool valid_key_text(Oid type, std::string_view text) {
  auto integer_in = [&](long double lo, long double hi) {
    size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
    if (i == text.size() || text.size() - i > 19) return false;
    for (size_t k = i; k < text.size(); ++k)
      if (text[k] < '0' || text[k] > '9') return false;
    long double v = std::stold(std::string(text));
    return v >= lo && v <= hi;
  };
  switch (type) {
    case oid::kInt2:
      return integer_in(-32768.0L, 32767.0L);
    case oid::kInt4:
      return integer_in(-2147483648.0L, 2147483647.0L);
    case oid::kInt8:
      return integer_in(-9223372036854775808.0L, 9223372036854775807.0L);
    case oid::kUuid: {
      size_t hex = 0;
      for (char c : text) {
        if (std::isxdigit(static_cast<unsigned char>(c)))
          ++hex;
        else if (c != '-')
          return false;
      }
      return hex == 32;
    }
    default:
      // Text-like keys take anything; other types are rare as keys and a
      // bad value there surfaces as a field error rather than a crash.
      return text.find('\0') == std::string_view::npos;
  }
}

}  // namespace pg_gateway::graphql::sql
