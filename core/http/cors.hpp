// CORS (Fetch standard): which origins may call us, preflight answers, and
// the headers added to ordinary responses.
#pragma once
#include "core/core_zone.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "core/http/message.hpp"

namespace pg_gateway::http {

class CorsPolicy {
 public:
  // `list` is pg_gateway.cors_allowed_origins: empty (CORS off), "*", or a
  // comma-separated list of exact origins such as "https://app.example.com".
  // Throws std::invalid_argument for an entry that is not an origin.
  static CorsPolicy parse(std::string_view list);

  bool enabled() const { return any_ || !origins_.empty(); }
  bool allows(std::string_view origin) const;
  // Whether the list names this origin itself ("*" does not count): what
  // may send cookie-authenticated writes (core/auth/csrf.hpp).
  bool names(std::string_view origin) const;

  // A request is a preflight when it is OPTIONS with Origin and
  // Access-Control-Request-Method.
  static bool is_preflight(const Request& r);
  // Answers a preflight for a resource that supports `methods`.
  Response preflight(const Request& r, MethodSet methods) const;
  // Adds Access-Control-Allow-Origin (and Vary) to a normal response.
  void decorate(const Request& r, Response& resp) const;

  int max_age_seconds = 600;

 private:
  bool any_ = false;
  std::vector<std::string> origins_;
};

}  // namespace pg_gateway::http
