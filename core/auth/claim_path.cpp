#include "core/auth/claim_path.hpp"

#include <cctype>
#include <stdexcept>

namespace pg_gateway::auth {

namespace {

[[noreturn]] void bad(std::string_view text, size_t at, const std::string& what) {
  throw std::invalid_argument("invalid claim path \"" + std::string(text) + "\" at character " +
                              std::to_string(at + 1) + ": " + what);
}

bool name_char(char c) { return c != '.' && c != '[' && c != ']' && c != '"' && c != '\''; }

}  // namespace

ClaimPath ClaimPath::parse(std::string_view text) {
  ClaimPath p;
  p.text_ = std::string(text);
  size_t i = 0;
  if (text.empty()) bad(text, 0, "empty");
  if (text[0] == '$') {
    i = 1;
  } else if (text[0] != '.') {
    // A bare first name: "role" means ".role".
    size_t start = i;
    while (i < text.size() && name_char(text[i])) ++i;
    p.steps_.push_back({std::string(text.substr(start, i - start)), std::nullopt});
  }
  while (i < text.size()) {
    char c = text[i];
    if (c == '.') {
      size_t start = ++i;
      while (i < text.size() && name_char(text[i])) ++i;
      if (i == start) bad(text, start, "a name must follow \".\"");
      p.steps_.push_back({std::string(text.substr(start, i - start)), std::nullopt});
    } else if (c == '[') {
      ++i;
      if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
        char quote = text[i++];
        std::string key;
        while (i < text.size() && text[i] != quote) {
          if (text[i] == '\\' && i + 1 < text.size()) ++i;
          key += text[i++];
        }
        if (i >= text.size()) bad(text, i, "unterminated quoted name");
        ++i;  // the quote
        p.steps_.push_back({std::move(key), std::nullopt});
      } else {
        size_t start = i;
        size_t index = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
          if (index > 1000000) bad(text, start, "array index too large");
          index = index * 10 + size_t(text[i++] - '0');
        }
        if (i == start) bad(text, start, "expected a quoted name or an array index");
        p.steps_.push_back({std::string(), index});
      }
      if (i >= text.size() || text[i] != ']') bad(text, i, "expected \"]\"");
      ++i;
    } else {
      bad(text, i, "expected \".\" or \"[\"");
    }
  }
  if (p.steps_.empty()) bad(text, 0, "the path names no claim");
  return p;
}

const json::Value* ClaimPath::find(const json::Value& claims) const {
  const json::Value* v = &claims;
  for (const Step& s : steps_) {
    if (s.index) {
      if (!v->is_array() || *s.index >= v->items().size()) return nullptr;
      v = &v->items()[*s.index];
    } else {
      v = v->find(s.key);
      if (!v) return nullptr;
    }
  }
  return v;
}

}  // namespace pg_gateway::auth
