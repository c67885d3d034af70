#include "core/auth/csrf.hpp"

#include "core/http/message.hpp"

namespace pg_gateway::auth {

namespace {

// The host[:port] of an origin ("https://app.example.com:8443"), or "".
std::string origin_host(std::string_view origin) {
  size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return {};
  return http::to_lower(origin.substr(scheme + 3));
}

}  // namespace

std::optional<std::string> csrf_refusal(const http::Request& request, const http::CorsPolicy& cors,
                                        std::string_view custom_header) {
  if (!custom_header.empty())
    if (const std::string* v = request.header(http::to_lower(custom_header)); v && !v->empty())
      return std::nullopt;
  if (const std::string* site = request.header("sec-fetch-site")) {
    std::string s = http::to_lower(*site);
    if (s == "same-origin" || s == "none") return std::nullopt;
  }
  const std::string* origin = request.header("origin");
  if (origin && *origin != "null") {
    const std::string* host = request.header("host");
    if (host && !host->empty() && origin_host(*origin) == http::to_lower(*host))
      return std::nullopt;
    if (cors.names(*origin)) return std::nullopt;
    return "cross-site request refused: the token cookie does not authorize a mutation sent from "
           "origin " +
           *origin + " (allow it in pg_gateway.cors_allowed_origins)";
  }
  return std::string(
             "cross-site request refused: a mutation authenticated by the token cookie must show "
             "where "
             "it comes from (an Origin or Sec-Fetch-Site header") +
         (custom_header.empty() ? std::string(")")
                                : ", or the " + std::string(custom_header) + " header)");
}

}  // namespace pg_gateway::auth
