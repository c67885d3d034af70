// A GraphQL error as the response carries it (GraphQL spec 7.1.2): a
// message, the source locations it is about, and for field errors the
// response path. Request errors (syntax, validation, variable coercion)
// have no path; field errors have one.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/json/json_writer.hpp"

namespace pg_gateway::graphql {

struct SourceLocation {
  size_t line = 0;
  size_t column = 0;
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

// A response key (field alias or name) or a list index.
using PathSegment = std::variant<std::string, int64_t>;

struct Error {
  std::string message;
  std::vector<SourceLocation> locations;
  std::vector<PathSegment> path;
  // Members of the "extensions" object, already serialized: {key, JSON text}.
  std::vector<std::pair<std::string, std::string>> extensions;
};

// Writes one error object: {"message", "locations"?, "path"?, "extensions"?}.
void write_error(json::Writer& out, const Error& error);

}  // namespace pg_gateway::graphql
