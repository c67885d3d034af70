#include "core/graphql/cache/cache_hint.hpp"

#include <vector>

namespace pg_gateway::graphql::cache {

namespace {

constexpr const char* kExpected = "expected maxAge=N, scope=PUBLIC|PRIVATE or inheritMaxAge";

// Separators between keys, as smart-tag values may carry tabs.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Tag values are user text: quote them in messages, cut long ones short and
// keep control characters (and, since the cut may split a UTF-8 sequence,
// non-ASCII bytes) out of the server log.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (out.size() > 40) {
      out += "...";
      break;
    }
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// ASCII-only case folding for scope values (locale-independent).
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = char(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = char(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

// Decimal digits only (no sign, no exponent), at most kMaxMaxAge; the
// bound is checked digit by digit so that no input overflows.
std::optional<int64_t> seconds(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
    if (n > kMaxMaxAge) return std::nullopt;
  }
  return n;
}

}  // namespace

// One pass over the words; each word is key or key=value. Errors name the
// first problem found, in the words' order, so that a message is stable.
ParsedHint parse_cache_hint(std::string_view value) {
  ParsedHint out;
  auto fail = [&](std::string message) {
    out.hint = CacheHint{};
    out.error = std::move(message);
    return out;
  };
  bool seen_max_age = false, seen_scope = false, seen_inherit = false;
  size_t i = 0;
  size_t words = 0;
  while (i < value.size()) {
    while (i < value.size() && is_space(value[i])) ++i;
    size_t j = i;
    while (j < value.size() && !is_space(value[j])) ++j;
    if (j == i) break;
    std::string_view word = value.substr(i, j - i);
    i = j;
    ++words;
    size_t eq = word.find('=');
    std::string_view key = word.substr(0, eq);
    std::optional<std::string_view> val;
    if (eq != std::string_view::npos) val = word.substr(eq + 1);
    if (key == "maxAge") {
      if (seen_max_age) return fail("maxAge given twice");
      seen_max_age = true;
      if (!val) return fail("maxAge needs a value: maxAge=N, N seconds from 0 to 31536000");
      std::optional<int64_t> n = seconds(*val);
      if (!n)
        return fail("maxAge " + quoted(*val) +
                    " is not a whole number of seconds from 0 to 31536000");
      out.hint.max_age = n;
    } else if (key == "scope") {
      if (seen_scope) return fail("scope given twice");
      seen_scope = true;
      if (val && iequals(*val, "PUBLIC")) {
        out.hint.scope = Scope::kPublic;
      } else if (val && iequals(*val, "PRIVATE")) {
        out.hint.scope = Scope::kPrivate;
      } else {
        return fail("scope " + quoted(val.value_or("")) + " is not PUBLIC or PRIVATE");
      }
    } else if (key == "inheritMaxAge") {
      if (seen_inherit) return fail("inheritMaxAge given twice");
      seen_inherit = true;
      if (!val || *val == "true") {
        out.hint.inherit_max_age = true;
      } else if (*val == "false") {
        out.hint.inherit_max_age = false;
      } else {
        return fail("inheritMaxAge " + quoted(*val) + " is not true or false");
      }
    } else {
      return fail("unknown key " + quoted(key) + "; " + kExpected);
    }
  }
  if (words == 0) return fail(std::string("no value; ") + kExpected);
  if (out.hint.max_age && out.hint.inherit_max_age)
    return fail("maxAge and inheritMaxAge cannot be combined");
  return out;
}

// parse_smart_comment() merges a repeated tag's values into one list, so
// "given twice" is a list of more than one value.
std::optional<ParsedHint> cache_hint_of(const catalog::SmartTags& tags) {
  if (!tags.has(kCacheControlTag)) return std::nullopt;
  std::vector<std::string> values = tags.values(kCacheControlTag);
  if (values.size() > 1) {
    ParsedHint twice;
    twice.error = "given more than once; give one @pgCacheControl with every key";
    return twice;
  }
  return parse_cache_hint(values.empty() ? std::string_view() : std::string_view(values[0]));
}

// Lookups for the policy walk; nullptr means no hint (not an empty one).
const CacheHint* CacheHints::type_hint(std::string_view type_name) const {
  auto it = types.find(type_name);
  return it == types.end() ? nullptr : &it->second;
}

const CacheHint* CacheHints::field_hint(std::string_view type_name,
                                        std::string_view field_name) const {
  auto t = fields.find(type_name);
  if (t == fields.end()) return nullptr;
  auto f = t->second.find(field_name);
  return f == t->second.end() ? nullptr : &f->second;
}

}  // namespace pg_gateway::graphql::cache
