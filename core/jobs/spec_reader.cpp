#include "core/jobs/spec_reader.hpp"

#include <cmath>

#include "core/http/fields.hpp"

namespace pg_gateway::jobs::detail {

namespace {

constexpr size_t kMaxQuotedLength = 64;

}  // namespace

std::string_view json_type_name(const json::Value& v) {
  switch (v.kind()) {
    case json::Value::Kind::kNull:
      return "null";
    case json::Value::Kind::kBool:
      return "a boolean";
    case json::Value::Kind::kNumber:
      return "a number";
    case json::Value::Kind::kString:
      return "a string";
    case json::Value::Kind::kArray:
      return "an array";
    case json::Value::Kind::kObject:
      return "an object";
  }
  return "a value";
}

/* Error messages end up in a table column and in logs; a key taken from the
 * payload is cut at 64 bytes and its control characters replaced, so it can
 * neither flood nor break the line it is shown on. Non-ASCII is kept (the
 * payload came through a UTF-8 validating JSON parser), but cutting must not
 * split a character: continuation bytes at the cut are dropped. */
std::string quote_for_message(std::string_view text) {
  bool cut = text.size() > kMaxQuotedLength;
  if (cut) {
    text = text.substr(0, kMaxQuotedLength);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80)
      text.remove_suffix(1);
    if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.remove_suffix(1);
  }
  std::string out = "\"";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? '?' : c;
  }
  out += cut ? "...\"" : "\"";
  return out;
}

ObjectReader::ObjectReader(const json::Value& object, std::string path)
    : object_(object), path_(std::move(path)) {}

std::string ObjectReader::path_of(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

void ObjectReader::fail(std::string_view key, std::string_view problem) const {
  throw SpecError("\"" + path_of(key) + "\" " + std::string(problem));
}

void ObjectReader::reject_unknown_keys(std::initializer_list<std::string_view> allowed) const {
  for (const json::Value::Member& m : object_.members()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || m.first == a;
    if (known) continue;
    std::string list;
    for (std::string_view a : allowed) {
      if (!list.empty()) list += ", ";
      list += a;
    }
    std::string where = path_.empty() ? "" : " in \"" + path_ + "\"";
    throw SpecError("unknown key " + quote_for_message(m.first) + where +
                    " (expected one of: " + list + ")");
  }
}

const json::Value* ObjectReader::find(std::string_view key) const {
  const json::Value* v = object_.find(key);
  if (v == nullptr || v->is_null()) return nullptr;
  return v;
}

std::optional<std::string> ObjectReader::optional_string(std::string_view key,
                                                         size_t max_bytes) const {
  const json::Value* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) fail(key, "must be a string, not " + std::string(json_type_name(*v)));
  if (v->text().size() > max_bytes)
    fail(key, "is too long (at most " + std::to_string(max_bytes) + " bytes)");
  return v->text();
}

std::string ObjectReader::required_string(std::string_view key, size_t max_bytes) const {
  std::optional<std::string> s = optional_string(key, max_bytes);
  if (!s) fail(key, "is required");
  return std::move(*s);
}

/* JSON numbers keep their source text. An integer literal is read exactly;
 * otherwise the double value must be integral, and the bounds are checked
 * on the double before converting, so 1e300 is refused rather than
 * converted with undefined behaviour. */
std::optional<int64_t> ObjectReader::optional_integer(std::string_view key, int64_t min,
                                                      int64_t max) const {
  const json::Value* v = find(key);
  if (v == nullptr) return std::nullopt;
  std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  if (!v->is_number())
    fail(key, "must be an integer " + range + ", not " + std::string(json_type_name(*v)));
  std::optional<int64_t> n = v->as_int64();
  if (!n) {
    std::optional<double> d = v->as_double();
    if (!d || !std::isfinite(*d) || std::floor(*d) != *d || std::fabs(*d) >= 9.0e18 ||
        *d < double(min) || *d > double(max))
      fail(key, "must be an integer " + range);
    n = static_cast<int64_t>(*d);
  }
  if (*n < min || *n > max)
    fail(key, "must be an integer " + range + " (got " + std::to_string(*n) + ")");
  return n;
}

/* Names are checked before values, and duplicates ignoring case are refused
 * outright: which of "content-type" and "Content-Type" a server would see is
 * not something a payload author should have to guess. */
std::vector<http::Header> read_headers(const ObjectReader& reader, std::string_view key,
                                       const HeaderRules& rules) {
  std::vector<http::Header> out;
  const json::Value* v = reader.find(key);
  if (v == nullptr) return out;
  if (!v->is_object())
    reader.fail(key, "must be an object of header names to string values, not " +
                         std::string(json_type_name(*v)));
  if (v->members().size() > rules.max_count)
    reader.fail(key, "has too many headers (at most " + std::to_string(rules.max_count) + ")");
  for (const json::Value::Member& m : v->members()) {
    const std::string& name = m.first;
    std::string where = "header " + quote_for_message(name);
    if (name.size() > rules.max_name_length || !http::is_token(name))
      reader.fail(key, "has an invalid " + where +
                           " (names are letters, digits and !#$%&'*+-.^_`|~, at most " +
                           std::to_string(rules.max_name_length) + " characters)");
    std::string lower = http::to_lower(name);
    if (std::string why = rules.refusal(lower); !why.empty())
      reader.fail(key, "must not set " + where + ": " + why);
    for (const http::Header& seen : out)
      if (http::iequals(seen.name, name))
        reader.fail(key, "sets " + where + " twice (names ignore case)");
    if (!m.second.is_string())
      reader.fail(key, "has " + where + " whose value is " + std::string(json_type_name(m.second)) +
                           ", not a string");
    const std::string& value = m.second.text();
    if (value.size() > rules.max_value_bytes)
      reader.fail(
          key, "has " + where + " longer than " + std::to_string(rules.max_value_bytes) + " bytes");
    for (char c : value) {
      unsigned char u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7F)
        reader.fail(key, "has " + where +
                             " whose value contains a line break or another "
                             "control character");
    }
    out.push_back({name, value});
  }
  return out;
}

}  // namespace pg_gateway::jobs::detail
