// The JSON document a SQL route handler receives:
//   {"method": "POST", "path": "/orders", "query_string": "a=1",
//    "query": {"a": "1"}, "headers": {"content-type": "..."},
//    "remote_addr": "127.0.0.1", "body": "<text>" | <json> }
// A JSON request body is not spliced into this text: it travels as a
// separate SQL parameter and is parsed by PostgreSQL (so a crafted body
// cannot add keys to the document).
#pragma once
#include "core/core_zone.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/http/message.hpp"

namespace pg_gateway::http {

// application/json or application/<x>+json (parameters ignored).
bool is_json_media_type(std::string_view content_type);

// Decodes %XX and '+' (form encoding) in a query component. Returns false
// for a malformed escape; invalid UTF-8 is replaced when serialized.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

// Splits a query string into decoded pairs; throws HttpError (400) on a
// malformed escape.
std::vector<std::pair<std::string, std::string>> parse_query_string(std::string_view query);

// Builds the document; when the body is JSON it is left out (`body` is
// added in SQL from the second parameter), otherwise it is a JSON string.
std::string build_request_document(const Request& request, bool body_is_json);

}  // namespace pg_gateway::http
