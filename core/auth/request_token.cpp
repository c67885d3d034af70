#include "core/auth/request_token.hpp"

#include "core/http/message.hpp"

namespace pg_gateway::auth {

using http::iequals;
using http::trim_ows;

std::optional<std::string> bearer_token(const std::string* authorization) {
  if (!authorization) return std::nullopt;
  std::string_view v = trim_ows(*authorization);
  size_t space = v.find(' ');
  if (space == std::string_view::npos || !iequals(v.substr(0, space), "bearer"))
    return std::nullopt;
  std::string_view token = trim_ows(v.substr(space + 1));
  if (token.empty()) return std::nullopt;
  return std::string(token);
}

std::vector<std::pair<std::string, std::string>> parse_cookies(const std::string* cookie_header) {
  std::vector<std::pair<std::string, std::string>> cookies;
  if (!cookie_header) return cookies;
  std::string_view rest = *cookie_header;
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view pair = trim_ows(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = trim_ows(pair.substr(0, eq));
    if (name.empty()) continue;
    std::string_view value = trim_ows(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    cookies.emplace_back(std::string(name), std::string(value));
  }
  return cookies;
}

std::optional<std::string> cookie_value(const std::string* cookie_header, std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (auto& [n, value] : parse_cookies(cookie_header))
    if (n == name) return std::move(value);
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
