// An error with a definite HTTP status, thrown by route code and turned
// into a JSON error response by http::Application.
#pragma once
#include "core/core_zone.hpp"

#include <stdexcept>
#include <string>

namespace pg_gateway::http {

class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message, std::string detail = {},
            std::string hint = {})
      : std::runtime_error(message),
        status(status),
        code(std::move(code)),
        detail(std::move(detail)),
        hint(std::move(hint)) {}
  int status;
  std::string code;
  std::string detail;
  std::string hint;
};

}  // namespace pg_gateway::http
