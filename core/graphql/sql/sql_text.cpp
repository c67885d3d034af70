#include "core/graphql/sql/sql_text.hpp"

namespace pg_gateway::graphql::sql {

using catalog::Oid;

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string qualified(std::string_view schema, std::string_view name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string Params::add(std::optional<std::string> text, Oid type) {
  values_.push_back(std::move(text));
  types_.push_back(type);
  return "$" + std::to_string(values_.size());
}

Oid base_type(const catalog::Catalog& catalog, Oid type) {
  for (int guard = 0; guard < 32; ++guard) {
    const catalog::Type* t = catalog.find_type(type);
    if (!t || t->kind != catalog::Type::Kind::kDomain) return type;
    type = t->base;
  }
  return type;
}

bool is_scalar_output(const catalog::Catalog& catalog, Oid type) {
  type = base_type(catalog, type);
  if (type == oid::kInterval) return false;
  const catalog::Type* t = catalog.find_type(type);
  if (t && t->kind == catalog::Type::Kind::kComposite) return false;
  return true;
}

std::string output_json(const catalog::Catalog& catalog, Oid type, const std::string& expr) {
  type = base_type(catalog, type);
  switch (type) {
    case oid::kInt8:
    case oid::kNumeric:
      return "to_json((" + expr + ")::text)";
    case oid::kTimestamptz:
      return "to_json(to_char(" + expr + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.USTZH:TZM'))";
    case oid::kTimestamp:
      return "to_json(to_char(" + expr + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US'))";
    case oid::kDate:
      return "to_json(to_char(" + expr + ", 'YYYY-MM-DD'))";
    case oid::kTime:
      return "to_json(to_char(date '2000-01-01' + (" + expr + "), 'HH24:MI:SS.US'))";
    case oid::kTimetz:
    case oid::kOid:
      return "to_json((" + expr + ")::text)";
    default:
      break;
  }
  const catalog::Type* t = catalog.find_type(type);
  if (t && t->is_spatial())  // GeoJSON (RFC 7946; a crs member when the SRID is not 4326)
    return "(" + quote_ident(t->schema) + ".st_asgeojson(" + expr + "))::json";
  if (t && t->category == 'A' && t->element) {
    Oid element = base_type(catalog, t->element);
    const catalog::Type* et = catalog.find_type(element);
    bool plain = element == oid::kInt2 || element == oid::kInt4 || element == oid::kFloat4 ||
                 element == oid::kFloat8 || element == oid::kBool || element == oid::kText ||
                 element == oid::kVarchar || element == oid::kUuid || element == oid::kJson ||
                 element == oid::kJsonb || (et && et->kind == catalog::Type::Kind::kEnum);
    if (plain) return "to_json(" + expr + ")";
    // Element by element, in array order; an empty array stays [].
    return "case when (" + expr + ") is null then null else (select coalesce(json_agg(" +
           output_json(catalog, element, "__e.v") + " order by __e.i), '[]'::json) from unnest(" +
           expr + ") with ordinality as __e(v, i)) end";
  }
  // int2/int4/float/bool/text/uuid/json/jsonb/enums: to_json is what PostGraphile sends.
  return "to_json(" + expr + ")";
}

std::string base64_sql(const std::string& text_expr) {
  // encode() wraps lines at 76 characters; Buffer does not.
  return "translate(encode(convert_to(" + text_expr + ", 'UTF8'), 'base64'), E'\\n', '')";
}

}  // namespace pg_gateway::graphql::sql
