// Cross-site request forgery defence for cookie-authenticated writes.
//
// A browser attaches the token cookie (pg_gateway.jwt_cookie) to requests
// that other sites make it send, such as a form POST. SameSite=Lax keeps it
// off most of them, but not off same-site subdomains or older browsers, so
// a mutation that is authenticated by the cookie must also show that a page
// we trust sent it (OWASP's "verifying origin with standard headers" and
// "custom request header" defences):
//
//   - Sec-Fetch-Site: same-origin or none (Fetch Metadata), or
//   - an Origin that is the server's own (its host is the Host header) or
//     one named in pg_gateway.cors_allowed_origins ("*" does not count), or
//   - the header named by pg_gateway.csrf_header, which a cross-site page
//     cannot send without a CORS preflight we would refuse.
//
// Requests authenticated by an Authorization header are not affected: a
// browser never adds that header on its own.
#pragma once
#include "core/core_zone.hpp"

#include <optional>
#include <string>
#include <string_view>

#include "core/http/cors.hpp"
#include "core/http/message.hpp"

namespace pg_gateway::auth {

// nullopt when the request may go on; else why it is refused (for a 403).
std::optional<std::string> csrf_refusal(const http::Request& request, const http::CorsPolicy& cors,
                                        std::string_view custom_header);

}  // namespace pg_gateway::auth
