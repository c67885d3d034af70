// Where a request's JWT comes from, and how a refusal is told to the
// client (RFC 6750): the Authorization header's Bearer credentials, or a
// cookie when pg_gateway.jwt_cookie names one.
#pragma once
#include "core/core_zone.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg_gateway::auth {

enum class TokenSource { kNone, kBearer, kCookie };

struct RequestToken {
  TokenSource source = TokenSource::kNone;
  std::string token;
};

// The token of "Authorization: Bearer <token>" (scheme case-insensitive,
// RFC 9110 section 11.1). Other schemes (Basic, say, for a proxy in front)
// are not ours and are ignored.
std::optional<std::string> bearer_token(const std::string* authorization);

// Every cookie of a Cookie header (RFC 6265 section 4.2.1: "a=1; b=2"; a
// quoted value loses its quotes), in order.
std::vector<std::pair<std::string, std::string>> parse_cookies(const std::string* cookie_header);

// The value of cookie `name` in a Cookie header (RFC 6265 section 4.2.1:
// "a=1; b=2"; a quoted value loses its quotes). The first one wins.
std::optional<std::string> cookie_value(const std::string* cookie_header, std::string_view name);

// A Bearer header wins over the cookie: an API client that sends one means
// it, even from a browser that also holds the cookie.
RequestToken find_token(const std::string* authorization, const std::string* cookie_header,
                        std::string_view cookie_name);

// The WWW-Authenticate value for a refused token (RFC 6750 section 3):
// Bearer realm="pg_gateway", error="invalid_token", error_description="...".
std::string www_authenticate(std::string_view error, std::string_view description);

}  // namespace pg_gateway::auth
