#include "core/graphql/error.hpp"

namespace pg_gateway::graphql {

void write_error(json::Writer& out, const Error& error) {
  out.begin_object();
  out.key("message").value(error.message);
  if (!error.locations.empty()) {
    out.key("locations").begin_array();
    for (const SourceLocation& l : error.locations) {
      out.begin_object();
      out.key("line").value(static_cast<int64_t>(l.line));
      out.key("column").value(static_cast<int64_t>(l.column));
      out.end_object();
    }
    out.end_array();
  }
  if (!error.path.empty()) {
    out.key("path").begin_array();
    for (const PathSegment& p : error.path) {
      if (const std::string* s = std::get_if<std::string>(&p))
        out.value(*s);
      else
        out.value(std::get<int64_t>(p));
    }
    out.end_array();
  }
  out.key("extensions").begin_object();
  for (const auto& [k, v] : error.extensions) out.key(k).raw(v);
  out.end_object();
  out.end_object();
}

}  // namespace pg_gateway::graphql
