// HTTP header fields as plain values, and the RFC 9110 helpers that read
// them: the leaf of core/http that needs nothing else of it. The messages
// (message.hpp), the parser, and the jobs' and webhooks' header lists
// (core/jobs, core/signing) share it.
#pragma once
#include "core/core_zone.hpp"

#include <string>
#include <string_view>

namespace pg_gateway::http {

struct Header {
  std::string name;  // lower-cased on parse
  std::string value;
};

// An RFC 9110 token (section 5.6.2): a method or a header field name, one
// or more tchar. The one check the parser, GraphQL's media-type parameters
// and the job tasks' header names share.
bool is_token(std::string_view s);

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
// Strips optional whitespace (SP and HTAB, RFC 9110 5.6.3) from both ends.
std::string_view trim_ows(std::string_view s);

}  // namespace pg_gateway::http
