// What a webhook's job receives as its payload, derived from the raw body
// and its content type. The task sees the provider's document itself, not
// an envelope: a JSON body is its parsed value; a form post is an object
// of its fields; any other text is {"body": text}; bytes that are not
// UTF-8 text (or that hold NUL, which jsonb cannot store) are
// {"body_base64": ...}. gateway.webhook_payload() and the HTTP worker use
// this one function, so a replayed delivery gets the same payload as the
// original.
#pragma once
#include "core/core_zone.hpp"

#include <string>
#include <string_view>

namespace pg_gateway::webhooks {

struct JobPayload {
  std::string json;   // set on success: compact JSON text
  std::string error;  // set on failure: why the body cannot be a payload (400)
  bool ok() const { return error.empty(); }
};

// The media type in lower case without parameters ("application/json").
std::string media_type(std::string_view content_type);

// JSON media types: application/json and any "+json" suffix.
bool is_json_media_type(std::string_view media);

// A JSON body that does not parse, a form body with a malformed escape or
// a field that is not UTF-8 is an error (the client's mistake, not lost
// data: nothing is written for it).
JobPayload job_payload(std::string_view body, std::string_view content_type);

}  // namespace pg_gateway::webhooks
