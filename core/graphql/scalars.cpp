#include "core/graphql/scalars.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <unordered_map>
#include <cctype>

#include "core/graphql/validation/suggestions.hpp"

namespace pg_gateway::graphql::scalars {

namespace {

constexpr double kMaxInt = 2147483647.0;
constexpr double kMinInt = -2147483648.0;

using Status = LeafResult::Status;

LeafResult ok(json::Value v) { return LeafResult{Status::kOk, std::move(v), {}}; }
LeafResult fail(Status status, std::string message) {
  return LeafResult{status, json::Value(), std::move(message)};
}

json::Value js_number(double d) {
  // A literal too large for a double stays as written (JSON has no Infinity).
  return json::Value::number(format_js_number(d));
}

bool is_array_index(std::string_view key) {
  if (key.empty() || key.size() > 10) return false;
  if (key.size() > 1 && key[0] == '0') return false;
  uint64_t n = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n < 4294967295ull;
}

std::string js_kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::kVariable:
      return "Variable";
    case ValueKind::kInt:
      return "IntValue";
    case ValueKind::kFloat:
      return "FloatValue";
    case ValueKind::kString:
      return "StringValue";
    case ValueKind::kBoolean:
      return "BooleanValue";
    case ValueKind::kNull:
      return "NullValue";
    case ValueKind::kEnum:
      return "EnumValue";
    case ValueKind::kList:
      return "ListValue";
    case ValueKind::kObject:
      return "ObjectValue";
  }
  return "";
}

// JavaScript's `"" + value` for what JSON.parse can produce.
std::string js_to_string(const json::Value& v) {
  switch (v.kind()) {
    case json::Value::Kind::kNull:
      return "null";
    case json::Value::Kind::kBool:
      return v.as_bool() ? "true" : "false";
    case json::Value::Kind::kNumber:
      return format_js_number(json_number_value(v.text()));
    case json::Value::Kind::kString:
      return v.text();
    case json::Value::Kind::kArray: {
      // Array.prototype.join: null and undefined items print as "".
      std::string out;
      for (size_t i = 0; i < v.items().size(); ++i) {
        if (i) out += ',';
        if (!v.items()[i].is_null()) out += js_to_string(v.items()[i]);
      }
      return out;
    }
    case json::Value::Kind::kObject:
      return "[object Object]";
  }
  return "";
}

// JavaScript's parseInt(s, 10): optional whitespace and sign, then the
// longest run of digits; NaN (nullopt) when there is none.
std::optional<double> js_parse_int(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                          s[i] == '\f' || s[i] == '\v'))
    ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == start) return std::nullopt;
  double d = json_number_value(std::string(s.substr(start, i - start)));
  return negative ? -d : d;
}

// graphile-build's toInt (intTypeSpec): floors numbers, parseInt()s
// anything else, and throws a plain Error outside the 32-bit range.
LeafResult pg_to_int(std::optional<double> d) {
  if (!d || std::isnan(*d) || *d > kMaxInt || *d < kMinInt)
    return fail(Status::kPlainError, "Invalid integer");
  return ok(js_number(*d));
}

// /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
bool is_uuid(std::string_view s) {
  static constexpr size_t kGroups[] = {8, 4, 4, 4, 12};
  size_t i = 0;
  for (size_t g = 0; g < 5; ++g) {
    if (g > 0 && i < s.size() && s[i] == '-') ++i;
    for (size_t n = 0; n < kGroups[g]; ++n, ++i)
      if (i >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return i == s.size();
}

LeafResult check_uuid(std::string s) {
  if (!is_uuid(s))
    return fail(Status::kError,
                "Invalid UUID, expected 32 hexadecimal characters, optionally with hyphens");
  return ok(json::Value::string(std::move(s)));
}

// GeoJSON: an object whose "type" is a string; PostGIS checks the rest
// (and names what is wrong) when the statement runs.
LeafResult check_geojson(json::Value v) {
  const json::Value* type = v.is_object() ? v.find("type") : nullptr;
  if (!type || !type->is_string())
    return fail(Status::kError,
                "GeoJSON cannot represent a value that is not an object with a "
                "string \"type\" member: " +
                    inspect(v));
  return ok(std::move(v));
}

// graphql-js valueFromASTUntyped; also PostGraphile JSON's parseLiteral
// when `json_numbers` (numbers via parseFloat, enums undefined). A
// variable that is not provided is "undefined": absent from an object,
// null in a list (as JSON.stringify writes them), nullopt at the top.
std::optional<json::Value> untyped(const Value& v, const VariableMap* variables, bool json_codec) {
  switch (v.kind()) {
    case ValueKind::kInt:
      if (json_codec) return js_number(json_number_value(v.as<IntValue>()->raw));
      return js_number(*js_parse_int(v.as<IntValue>()->raw));
    case ValueKind::kFloat:
      return js_number(json_number_value(v.as<FloatValue>()->raw));
    case ValueKind::kString:
      return json::Value::string(v.as<StringValue>()->value);
    case ValueKind::kBoolean:
      return json::Value::boolean(v.as<BooleanValue>()->value);
    case ValueKind::kNull:
      return json::Value::null();
    case ValueKind::kEnum:
      if (json_codec) return std::nullopt;
      return json::Value::string(v.as<EnumValue>()->value);
    case ValueKind::kVariable: {
      if (!variables) return std::nullopt;
      auto it = variables->find(v.as<Variable>()->name.value);
      if (it == variables->end()) return std::nullopt;
      return it->second;
    }
    case ValueKind::kList: {
      std::vector<json::Value> items;
      for (const Value& item : v.as<ListValue>()->values) {
        std::optional<json::Value> x = untyped(item, variables, json_codec);
        items.push_back(x ? std::move(*x) : json::Value::null());
      }
      return json::Value::array(std::move(items));
    }
    case ValueKind::kObject: {
      // Object keys: a repeated name keeps its first position and its last
      // value; a key whose value is undefined stays in place but is not
      // written (JSON.stringify drops it).
      std::vector<std::pair<std::string_view, std::optional<json::Value>>> slots;
      std::unordered_map<std::string_view, size_t> position;
      for (const ObjectField& f : v.as<ObjectValue>()->fields) {
        std::optional<json::Value> x = untyped(f.value, variables, json_codec);
        auto [it, inserted] = position.emplace(f.name.value, slots.size());
        if (inserted)
          slots.emplace_back(f.name.value, std::move(x));
        else
          slots[it->second].second = std::move(x);
      }
      std::vector<json::Value::Member> members;
      for (auto& [name, value] : slots)
        if (value) members.emplace_back(std::string(name), std::move(*value));
      return json::Value::object(std::move(members));
    }
  }
  return std::nullopt;
}

void print_value_to(const Value& v, std::string& out) {
  switch (v.kind()) {
    case ValueKind::kVariable:
      out += '$';
      out += v.as<Variable>()->name.value;
      return;
    case ValueKind::kInt:
      out += v.as<IntValue>()->raw;
      return;
    case ValueKind::kFloat:
      out += v.as<FloatValue>()->raw;
      return;
    case ValueKind::kString: {
      const StringValue& s = *v.as<StringValue>();
      out += s.block ? schema::print_block_string(s.value) : schema::print_string(s.value);
      return;
    }
    case ValueKind::kBoolean:
      out += v.as<BooleanValue>()->value ? "true" : "false";
      return;
    case ValueKind::kNull:
      out += "null";
      return;
    case ValueKind::kEnum:
      out += v.as<EnumValue>()->value;
      return;
    case ValueKind::kList: {
      out += '[';
      bool first = true;
      for (const Value& item : v.as<ListValue>()->values) {
        if (!first) out += ", ";
        first = false;
        print_value_to(item, out);
      }
      out += ']';
      return;
    }
    case ValueKind::kObject: {
      out += '{';
      bool first = true;
      for (const ObjectField& f : v.as<ObjectValue>()->fields) {
        if (!first) out += ", ";
        first = false;
        out += f.name.value;
        out += ": ";
        print_value_to(f.value, out);
      }
      out += '}';
      return;
    }
  }
}

void inspect_to(const json::Value& v, int enclosing, std::string& out) {
  switch (v.kind()) {
    case json::Value::Kind::kString:
      out += js_quote(v.text());
      return;
    case json::Value::Kind::kArray: {
      const auto& items = v.items();
      if (items.empty()) {
        out += "[]";
        return;
      }
      if (enclosing + 1 > 2) {
        out += "[Array]";
        return;
      }
      out += '[';
      size_t shown = std::min<size_t>(items.size(), 10);
      for (size_t i = 0; i < shown; ++i) {
        if (i) out += ", ";
        inspect_to(items[i], enclosing + 1, out);
      }
      size_t remaining = items.size() - shown;
      if (remaining == 1) out += ", ... 1 more item";
      if (remaining > 1) out += ", ... " + std::to_string(remaining) + " more items";
      out += ']';
      return;
    }
    case json::Value::Kind::kObject: {
      auto entries = js_object_entries(v);
      if (entries.empty()) {
        out += "{}";
        return;
      }
      if (enclosing + 1 > 2) {
        out += "[Object]";
        return;
      }
      out += "{ ";
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i) out += ", ";
        out += entries[i].first;
        out += ": ";
        inspect_to(*entries[i].second, enclosing + 1, out);
      }
      out += " }";
      return;
    }
    default:
      out += js_to_string(v);
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// JavaScript renderings

std::string format_js_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  if (value == 0) return "0";
  std::string sign = value < 0 ? "-" : "";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(value), std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));  // "d.ddde+XX", shortest
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos))
    if (c != '.') digits.push_back(c);
  int exponent = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  // ECMAScript Number::toString: k digits, value = digits * 10^(n - k).
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) return sign + digits + std::string(static_cast<size_t>(n - k), '0');
  if (0 < n && n <= 21)
    return sign + digits.substr(0, static_cast<size_t>(n)) + "." +
           digits.substr(static_cast<size_t>(n));
  if (-6 < n && n <= 0) return sign + "0." + std::string(static_cast<size_t>(-n), '0') + digits;
  std::string out = sign + digits.substr(0, 1);
  if (k > 1) out += "." + digits.substr(1);
  int e = n - 1;
  return out + "e" + (e >= 0 ? "+" : "-") + std::to_string(std::abs(e));
}

double json_number_value(const std::string& text) {
  double d = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), d);
  if (res.ec == std::errc()) return d;
  // Out of range: strtod gives the JavaScript answer (+-Infinity or +-0).
  return std::strtod(text.c_str(), nullptr);
}

std::string js_quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out.push_back(ch);
        }
    }
  }
  return out + "\"";
}

std::vector<std::pair<std::string_view, const json::Value*>> js_object_entries(
    const json::Value& object) {
  std::vector<std::pair<std::string_view, const json::Value*>> entries;
  std::unordered_map<std::string_view, size_t> position;  // linear in hostile key counts
  for (const json::Value::Member& member : object.members()) {
    auto [it, inserted] = position.emplace(member.first, entries.size());
    if (inserted)
      entries.emplace_back(member.first, &member.second);
    else
      entries[it->second].second = &member.second;
  }
  std::stable_partition(entries.begin(), entries.end(),
                        [](const auto& e) { return is_array_index(e.first); });
  auto index_end = std::find_if(entries.begin(), entries.end(),
                                [](const auto& e) { return !is_array_index(e.first); });
  std::sort(entries.begin(), index_end, [](const auto& a, const auto& b) {
    return a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first;
  });
  return entries;
}

std::string inspect(const json::Value& value) {
  std::string out;
  inspect_to(value, 0, out);
  return out;
}

std::string print_value(const Value& literal) {
  std::string out;
  print_value_to(literal, out);
  return out;
}

// ---------------------------------------------------------------------------
// Scalar codecs

ScalarCodec codec_for(std::string_view scalar_name, std::string_view base_name) {
  static const std::map<std::string, Codec, std::less<>> kKnown = {
      {"Int", Codec::kInt},
      {"Float", Codec::kFloat},
      {"String", Codec::kString},
      {"Boolean", Codec::kBoolean},
      {"ID", Codec::kId},
      {"UUID", Codec::kPgUuid},
      {"JSON", Codec::kPgJson},
      {"GeoJSON", Codec::kGeoJson},
      {"Oid", Codec::kPgInt},
      {"BigInt", Codec::kPgString},
      {"BigFloat", Codec::kPgString},
      {"Datetime", Codec::kPgString},
      {"Date", Codec::kPgString},
      {"Time", Codec::kPgString},
      {"Cursor", Codec::kPgString},
      {"XML", Codec::kPgString},
      {"BitString", Codec::kPgString},
      {"JSONPath", Codec::kPgString},
      {"InternetAddress", Codec::kPgString},
      {"TSVector", Codec::kPgString},
      {"TSQuery", Codec::kPgString},
      {"RegProc", Codec::kPgString},
      {"RegProcedure", Codec::kPgString},
      {"RegOper", Codec::kPgString},
      {"RegOperator", Codec::kPgString},
      {"RegClass", Codec::kPgString},
      {"RegType", Codec::kPgString},
      {"RegRole", Codec::kPgString},
      {"RegNamespace", Codec::kPgString},
      {"RegConfig", Codec::kPgString},
      {"RegDictionary", Codec::kPgString},
      {"CidrAddress", Codec::kPgString},
      {"MacAddress", Codec::kPgString},
      {"MacAddress8", Codec::kPgString},
  };
  // A domain copies its base scalar's codec, messages and all.
  std::string_view behaves_as = base_name.empty() ? scalar_name : base_name;
  auto it = kKnown.find(behaves_as);
  if (it == kKnown.end()) return ScalarCodec{Codec::kCustom, std::string(scalar_name)};
  return ScalarCodec{it->second, std::string(behaves_as)};
}

ScalarCodec codec_of(const schema::NamedType& scalar) {
  return codec_for(scalar.name, scalar.coerce_as);
}

LeafResult parse_value(const ScalarCodec& codec, const json::Value& input) {
  const std::string& name = codec.name;
  switch (codec.codec) {
    case Codec::kInt: {
      double d = input.is_number() ? json_number_value(input.text()) : NAN;
      if (!input.is_number() || !std::isfinite(d) || std::trunc(d) != d)
        return fail(Status::kError, "Int cannot represent non-integer value: " + inspect(input));
      if (d > kMaxInt || d < kMinInt)
        return fail(Status::kError,
                    "Int cannot represent non 32-bit signed integer value: " + format_js_number(d));
      return ok(js_number(d));
    }
    case Codec::kFloat: {
      double d = input.is_number() ? json_number_value(input.text()) : NAN;
      if (!input.is_number() || !std::isfinite(d))
        return fail(Status::kError, "Float cannot represent non numeric value: " + inspect(input));
      return ok(js_number(d));
    }
    case Codec::kString:
      if (!input.is_string())
        return fail(Status::kError,
                    "String cannot represent a non string value: " + inspect(input));
      return ok(input);
    case Codec::kBoolean:
      if (!input.is_bool())
        return fail(Status::kError,
                    "Boolean cannot represent a non boolean value: " + inspect(input));
      return ok(input);
    case Codec::kId: {
      if (input.is_string()) return ok(input);
      if (input.is_number()) {
        double d = json_number_value(input.text());
        if (std::isfinite(d) && std::trunc(d) == d)
          return ok(json::Value::string(format_js_number(d)));
      }
      return fail(Status::kError, "ID cannot represent value: " + inspect(input));
    }
    case Codec::kPgString:
      return ok(json::Value::string(js_to_string(input)));
    case Codec::kPgUuid:
      return check_uuid(js_to_string(input));
    case Codec::kPgInt:
      if (input.is_number()) return pg_to_int(std::floor(json_number_value(input.text())));
      return pg_to_int(js_parse_int(js_to_string(input)));
    case Codec::kGeoJson:
      return check_geojson(input);
    case Codec::kPgJson:
    case Codec::kCustom:
      return ok(input);
  }
  return fail(Status::kUndefined, name);
}

LeafResult parse_literal(const ScalarCodec& codec, const Value& literal,
                         const VariableMap* variables) {
  const ValueKind kind = literal.kind();
  const std::string& name = codec.name;
  switch (codec.codec) {
    case Codec::kInt: {
      if (kind != ValueKind::kInt)
        return fail(Status::kErrorAtNode,
                    "Int cannot represent non-integer value: " + print_value(literal));
      const std::string& raw = literal.as<IntValue>()->raw;
      double d = *js_parse_int(raw);
      if (d > kMaxInt || d < kMinInt)
        return fail(Status::kErrorAtNode,
                    "Int cannot represent non 32-bit signed integer value: " + raw);
      return ok(js_number(d));
    }
    case Codec::kFloat: {
      if (kind != ValueKind::kInt && kind != ValueKind::kFloat)
        return fail(Status::kErrorAtNode,
                    "Float cannot represent non numeric value: " + print_value(literal));
      const std::string& raw =
          kind == ValueKind::kInt ? literal.as<IntValue>()->raw : literal.as<FloatValue>()->raw;
      double d = json_number_value(raw);
      return ok(std::isfinite(d) ? js_number(d) : json::Value::number(raw));
    }
    case Codec::kString:
      if (kind != ValueKind::kString)
        return fail(Status::kErrorAtNode,
                    "String cannot represent a non string value: " + print_value(literal));
      return ok(json::Value::string(literal.as<StringValue>()->value));
    case Codec::kBoolean:
      if (kind != ValueKind::kBoolean)
        return fail(Status::kErrorAtNode,
                    "Boolean cannot represent a non boolean value: " + print_value(literal));
      return ok(json::Value::boolean(literal.as<BooleanValue>()->value));
    case Codec::kId:
      if (kind == ValueKind::kString)
        return ok(json::Value::string(literal.as<StringValue>()->value));
      if (kind == ValueKind::kInt) return ok(json::Value::string(literal.as<IntValue>()->raw));
      return fail(Status::kErrorAtNode, "ID cannot represent a non-string and non-integer value: " +
                                            print_value(literal));
    case Codec::kPgString:
      if (kind != ValueKind::kString)
        return fail(Status::kError,
                    name + " can only parse string values (kind='" + js_kind_name(kind) + "')");
      return ok(json::Value::string(literal.as<StringValue>()->value));
    case Codec::kPgUuid:
      if (kind != ValueKind::kString)
        return fail(Status::kError,
                    name + " can only parse string values (kind = '" + js_kind_name(kind) + "')");
      return check_uuid(literal.as<StringValue>()->value);
    case Codec::kPgInt:
      if (kind == ValueKind::kString)
        return pg_to_int(js_parse_int(literal.as<StringValue>()->value));
      if (kind == ValueKind::kInt) return pg_to_int(js_parse_int(literal.as<IntValue>()->raw));
      return fail(Status::kError, name + " can only parse string/integer values (kind='" +
                                      js_kind_name(kind) + "')");
    case Codec::kPgJson:
    case Codec::kGeoJson:
    case Codec::kCustom: {
      std::optional<json::Value> v = untyped(literal, variables, codec.codec != Codec::kCustom);
      if (!v) return fail(Status::kUndefined, {});
      if (codec.codec == Codec::kGeoJson) return check_geojson(*v);
      return ok(std::move(*v));
    }
  }
  return fail(Status::kUndefined, {});
}

namespace {

std::string enum_suggestions(const schema::NamedType& enum_type, std::string_view input,
                             bool hide) {
  if (hide) return "";
  std::vector<std::string_view> names;
  names.reserve(enum_type.values.size());
  for (const schema::EnumValue& v : enum_type.values) names.push_back(v.name);
  return validation::did_you_mean(validation::suggestion_list(input, names), "the enum value");
}

bool has_enum_value(const schema::NamedType& enum_type, std::string_view name) {
  for (const schema::EnumValue& v : enum_type.values)
    if (v.name == name) return true;
  return false;
}

}  // namespace

LeafResult parse_enum_value(const schema::NamedType& enum_type, const json::Value& input,
                            bool hide_suggestions) {
  if (!input.is_string()) {
    std::string shown = inspect(input);
    return fail(Status::kError, "Enum \"" + enum_type.name +
                                    "\" cannot represent non-string value: " + shown + "." +
                                    enum_suggestions(enum_type, shown, hide_suggestions));
  }
  if (!has_enum_value(enum_type, input.text()))
    return fail(Status::kError, "Value \"" + input.text() + "\" does not exist in \"" +
                                    enum_type.name + "\" enum." +
                                    enum_suggestions(enum_type, input.text(), hide_suggestions));
  return ok(input);
}

LeafResult parse_enum_literal(const schema::NamedType& enum_type, const Value& literal,
                              bool hide_suggestions) {
  std::string shown = print_value(literal);
  if (literal.kind() != ValueKind::kEnum)
    return fail(Status::kErrorAtNode, "Enum \"" + enum_type.name +
                                          "\" cannot represent non-enum value: " + shown + "." +
                                          enum_suggestions(enum_type, shown, hide_suggestions));
  if (!has_enum_value(enum_type, literal.as<EnumValue>()->value))
    return fail(Status::kErrorAtNode, "Value \"" + shown + "\" does not exist in \"" +
                                          enum_type.name + "\" enum." +
                                          enum_suggestions(enum_type, shown, hide_suggestions));
  return ok(json::Value::string(literal.as<EnumValue>()->value));
}

}  // namespace pg_gateway::graphql::scalars
