#include "core/http/request_document.hpp"

#include <map>

#include "core/http/http_error.hpp"
#include "core/json/json_writer.hpp"
#include "core/util/fault_injection.hpp"

namespace pg_gateway::http {

bool is_json_media_type(std::string_view ct) {
  size_t semi = ct.find(';');
  std::string_view type = ct.substr(0, semi);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  std::string lower = to_lower(type);
  if (lower == "application/json") return true;
  return lower.rfind("application/", 0) == 0 && lower.size() > 17 &&
         lower.compare(lower.size() - 5, 5, "+json") == 0;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int h = hex(in[i + 1]), l = hex(in[i + 2]);
      if (h < 0 || l < 0) return false;
      out.push_back(char(h * 16 + l));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> parse_query_string(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string key, value;
      if (!percent_decode(part.substr(0, eq), key, true) ||
          (eq != std::string_view::npos && !percent_decode(part.substr(eq + 1), value, true)))
        throw HttpError(400, "PGGW400", "malformed percent-encoding in the query string");
      out.emplace_back(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::string build_request_document(const Request& request, bool body_is_json) {
  util::core_fault_point("build_request_document");
  json::Writer w;
  w.begin_object();
  w.key("method").value(request.method_text);
  w.key("path").value(request.path);
  w.key("query_string").value(request.query);
  // Last value wins for a repeated key, as in most web frameworks' simple
  // accessors; the raw query_string keeps every value.
  std::map<std::string, std::string> params;
  for (auto& [k, v] : parse_query_string(request.query)) params[k] = v;
  w.key("query").begin_object();
  for (const auto& [k, v] : params) w.key(k).value(v);
  w.end_object();
  // Repeated header fields are combined with ", " (RFC 9110 5.3).
  std::map<std::string, std::string> headers;
  for (const Header& h : request.headers) {
    auto [it, inserted] = headers.emplace(h.name, h.value);
    if (!inserted) it->second += ", " + h.value;
  }
  w.key("headers").begin_object();
  for (const auto& [k, v] : headers) w.key(k).value(v);
  w.end_object();
  w.key("remote_addr").value(request.remote_addr);
  if (!body_is_json) {
    w.key("body");
    if (request.body.empty())
      w.null();
    else
      w.value(request.body);
  }
  w.end_object();
  return w.take();
}

}  // namespace pg_gateway::http
