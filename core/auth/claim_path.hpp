// Where the role (or another value) sits in a JWT's claims, written as
// PostgREST's jwt-role-claim-key and Hasura's claims_namespace_path write
// it (a JSONPath subset):
//
//   role                     a top-level claim
//   .role   $.role           the same
//   $.app.role               nested objects
//   $["https://hasura.io/jwt/claims"]["x-hasura-default-role"]   quoted keys
//   $.roles[0]               an array element
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_value.hpp"

namespace pg_gateway::auth {

class ClaimPath {
 public:
  // Throws std::invalid_argument saying what is wrong and where.
  static ClaimPath parse(std::string_view text);

  // The value at the path, or nullptr when some step is missing.
  const json::Value* find(const json::Value& claims) const;

  // The path as it was given, for messages.
  const std::string& text() const { return text_; }

 private:
  struct Step {
    std::string key;              // an object member ...
    std::optional<size_t> index;  // ... or an array element
  };
  std::string text_;
  std::vector<Step> steps_;
};

}  // namespace pg_gateway::auth
