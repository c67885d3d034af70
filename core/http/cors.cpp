#include "core/http/cors.hpp"

#include <stdexcept>

namespace pg_gateway::http {

namespace {

// scheme "://" host [":" port], no path, no trailing slash.
bool looks_like_origin(std::string_view o) {
  size_t p = o.find("://");
  if (p == std::string_view::npos || p == 0) return false;
  std::string_view rest = o.substr(p + 3);
  if (rest.empty() || rest.find('/') != std::string_view::npos) return false;
  for (char c : o)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F)
      return false;
  return true;
}

bool is_token_list(std::string_view v) {
  for (char c : v) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_' || c == ',' || c == ' ' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

CorsPolicy CorsPolicy::parse(std::string_view list) {
  CorsPolicy p;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = trim_ows(list.substr(0, comma));
    if (!item.empty()) {
      if (item == "*") {
        p.any_ = true;
      } else if (looks_like_origin(item)) {
        p.origins_.emplace_back(item);
      } else {
        throw std::invalid_argument("\"" + std::string(item) +
                                    "\" is not an origin like https://app.example.com");
      }
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return p;
}

bool CorsPolicy::allows(std::string_view origin) const { return any_ || names(origin); }

bool CorsPolicy::names(std::string_view origin) const {
  for (const std::string& o : origins_)
    if (iequals(o, origin)) return true;
  return false;
}

bool CorsPolicy::is_preflight(const Request& r) {
  return r.method == Method::kOptions && r.header("origin") &&
         r.header("access-control-request-method");
}

Response CorsPolicy::preflight(const Request& r, MethodSet methods) const {
  const std::string& origin = *r.header("origin");
  const std::string& wanted = *r.header("access-control-request-method");
  Method m = parse_method(wanted);
  if (!enabled() || !allows(origin)) {
    Response resp =
        json_error(403, "PGGW403", "origin is not allowed by pg_gateway.cors_allowed_origins",
                   "origin: " + origin);
    add_vary(resp, "Origin");
    return resp;
  }
  bool method_ok = methods.contains(m) || (m == Method::kHead && methods.contains(Method::kGet));
  if (!method_ok) {
    Response resp = json_error(405, "PGGW405", "method " + wanted + " is not allowed here");
    resp.set_header("Allow", methods.allow_header());
    add_vary(resp, "Origin");
    return resp;
  }
  Response resp(204, "", "");
  resp.set_header("Access-Control-Allow-Origin", any_ ? std::string("*") : origin);
  if (!any_) resp.set_header("Access-Control-Allow-Credentials", "true");
  resp.set_header("Access-Control-Allow-Methods", methods.allow_header());
  const std::string* req_headers = r.header("access-control-request-headers");
  if (req_headers && is_token_list(*req_headers) && !req_headers->empty())
    resp.set_header("Access-Control-Allow-Headers", *req_headers);
  resp.set_header("Access-Control-Max-Age", std::to_string(max_age_seconds));
  add_vary(resp, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  return resp;
}

void CorsPolicy::decorate(const Request& r, Response& resp) const {
  if (!enabled()) return;
  if (!any_) add_vary(resp, "Origin");
  const std::string* origin = r.header("origin");
  if (!origin || !allows(*origin)) return;
  resp.set_header("Access-Control-Allow-Origin", any_ ? std::string("*") : *origin);
  if (!any_) resp.set_header("Access-Control-Allow-Credentials", "true");
  resp.set_header("Access-Control-Expose-Headers", "X-Request-Id");
}

}  // namespace pg_gateway::http
