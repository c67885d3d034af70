#include "core/auth/request_token.hpp"

#include <cctype>

namespace pg_gateway::auth {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::optional<std::string> bearer_token(const std::string* authorization) {
  if (!authorization) return std::nullopt;
  std::string_view v = trim(*authorization);
  size_t space = v.find(' ');
  if (space == std::string_view::npos || !iequals(v.substr(0, space), "bearer"))
    return std::nullopt;
  std::string_view token = trim(v.substr(space + 1));
  if (token.empty()) return std::nullopt;
  return std::string(token);
}

std::optional<std::string> cookie_value(const std::string* cookie_header, std::string_view name) {
  if (!cookie_header || name.empty()) return std::nullopt;
  std::string_view rest = *cookie_header;
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view pair = trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

RequestToken find_token(const std::string* authorization, const std::string* cookie_header,
                        std::string_view cookie_name) {
  RequestToken t;
  if (std::optional<std::string> b = bearer_token(authorization)) {
    t.source = TokenSource::kBearer;
    t.token = std::move(*b);
  } else if (std::optional<std::string> c = cookie_value(cookie_header, cookie_name);
             c && !c->empty()) {
    t.source = TokenSource::kCookie;
    t.token = std::move(*c);
  }
  return t;
}

std::string www_authenticate(std::string_view error, std::string_view description) {
  // quoted-string: no DQUOTE or backslash unescaped, no control characters.
  auto quoted = [](std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::string v = "Bearer realm=\"pg_gateway\"";
  if (!error.empty()) v += ", error=" + quoted(error);
  if (!description.empty()) v += ", error_description=" + quoted(description);
  return v;
}

}  // namespace pg_gateway::auth
