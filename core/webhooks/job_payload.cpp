#include "core/webhooks/job_payload.hpp"

#include <map>
#include <vector>

#include "core/json/json_value.hpp"
#include "core/json/json_writer.hpp"
#include "core/util/base64.hpp"
#include "core/util/utf8.hpp"
#include "core/webhooks/twilio_verifier.hpp"

namespace pg_gateway::webhooks {

namespace {

// Valid UTF-8 and no NUL: what a jsonb string can hold.
bool storable_text(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '\0') return false;
    size_t n = util::valid_utf8_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// A form becomes an object in field order; a field given several times
// becomes an array of its values in order (checkboxes, a[]=1&a[]=2), so
// no value is silently dropped.
JobPayload form_payload(std::string_view body) {
  auto fields = decode_form(body);
  if (!fields) return {.json = {}, .error = "the form body has a malformed %-escape"};
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> values;
  for (auto& [name, value] : *fields) {
    if (!storable_text(name) || !storable_text(value))
      return {.json = {}, .error = "a form field is not UTF-8 text"};
    auto [it, inserted] = values.try_emplace(name);
    if (inserted) order.push_back(name);
    it->second.push_back(std::move(value));
  }
  std::string out = "{";
  for (const std::string& name : order) {
    if (out.size() > 1) out += ',';
    json::append_quoted(out, name);
    out += ':';
    const std::vector<std::string>& v = values[name];
    if (v.size() == 1) {
      json::append_quoted(out, v[0]);
      continue;
    }
    out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ',';
      json::append_quoted(out, v[i]);
    }
    out += ']';
  }
  out += '}';
  return {.json = std::move(out), .error = {}};
}

}  // namespace

std::string media_type(std::string_view content_type) {
  size_t semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  std::string out(t);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

bool is_json_media_type(std::string_view media) {
  return media == "application/json" ||
         (media.size() > 5 && media.substr(media.size() - 5) == "+json");
}

JobPayload job_payload(std::string_view body, std::string_view content_type) {
  std::string media = media_type(content_type);
  if (is_json_media_type(media)) {
    json::ParseResult parsed = json::parse(body);
    if (!parsed.ok())
      return {.json = {},
              .error = "the body is not valid JSON: " + parsed.error + " at byte " +
                       std::to_string(parsed.error_offset)};
    return {.json = parsed.value->dump(), .error = {}};
  }
  if (media == "application/x-www-form-urlencoded") return form_payload(body);
  std::string out = "{";
  if (storable_text(body)) {
    json::append_quoted(out.append("\"body\":"), body);
  } else {
    json::append_quoted(out.append("\"body_base64\":"), util::base64_encode(body));
  }
  out += '}';
  return {.json = std::move(out), .error = {}};
}

}  // namespace pg_gateway::webhooks
