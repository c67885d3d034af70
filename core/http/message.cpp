#include "core/http/message.hpp"

#include "core/json/json_writer.hpp"

namespace pg_gateway::http {

namespace {
constexpr Method kAllMethods[] = {Method::kGet,   Method::kHead,   Method::kPost,   Method::kPut,
                                  Method::kPatch, Method::kDelete, Method::kOptions};
}

std::string MethodSet::allow_header() const {
  MethodSet effective = *this;
  if (effective.contains(Method::kGet)) effective.add(Method::kHead);
  effective.add(Method::kOptions);
  std::string out;
  for (Method m : kAllMethods) {
    if (!effective.contains(m)) continue;
    if (!out.empty()) out.append(", ");
    out.append(method_name(m));
  }
  return out;
}

Method parse_method(std::string_view t) {
  // Methods are case-sensitive (RFC 9110 section 9.1).
  if (t == "GET") return Method::kGet;
  if (t == "HEAD") return Method::kHead;
  if (t == "POST") return Method::kPost;
  if (t == "PUT") return Method::kPut;
  if (t == "PATCH") return Method::kPatch;
  if (t == "DELETE") return Method::kDelete;
  if (t == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      break;
  }
  return "OTHER";
}

void add_vary(Response& resp, std::string_view value) {
  const std::string* existing = resp.find_header("Vary");
  std::string vary = existing ? *existing : std::string();
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view token = trim_ows(value.substr(0, comma));
    bool present = false;
    std::string_view rest = vary;
    while (!rest.empty() && !present) {
      size_t c2 = rest.find(',');
      present = iequals(trim_ows(rest.substr(0, c2)), token);
      rest = c2 == std::string_view::npos ? std::string_view() : rest.substr(c2 + 1);
    }
    if (!token.empty() && !present) {
      if (!vary.empty()) vary += ", ";
      vary += token;
    }
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  resp.set_header("Vary", vary);
}

const std::string* Request::header(std::string_view lower_name) const {
  for (const Header& h : headers)
    if (h.name == lower_name) return &h.value;
  return nullptr;
}

Response::Response(int s, std::string content_type, std::string b) : status(s), body(std::move(b)) {
  headers.reserve(6);  // content type, request id, cache/CORS headers: no regrowth
  if (!content_type.empty()) headers.push_back({"Content-Type", std::move(content_type)});
}

void Response::set_header(std::string name, std::string value) {
  for (Header& h : headers) {
    if (iequals(h.name, name)) {
      h.value = std::move(value);
      return;
    }
  }
  headers.push_back({std::move(name), std::move(value)});
}

const std::string* Response::find_header(std::string_view name) const {
  for (const Header& h : headers)
    if (iequals(h.name, name)) return &h.value;
  return nullptr;
}

Response json_error(int status, std::string_view code, std::string_view message,
                    std::string_view detail, std::string_view hint) {
  json::Writer w;
  w.begin_object().key("code").value(code).key("message").value(message);
  w.key("detail");
  detail.empty() ? w.null() : w.value(detail);
  w.key("hint");
  hint.empty() ? w.null() : w.value(hint);
  w.end_object();
  return Response(status, "application/json; charset=utf-8", w.take());
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return status < 400 ? "OK" : (status < 500 ? "Client Error" : "Server Error");
  }
}

}  // namespace pg_gateway::http
