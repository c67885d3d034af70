// The http task's payload, and what the worker sends for it.
#include "core/jobs/task_specs.hpp"

#include "core/jobs/spec_reader.hpp"

namespace pg_gateway::jobs {

namespace {

using detail::ObjectReader;
using detail::SpecError;

constexpr std::string_view kHttpPrefix = "invalid http task payload: ";

struct ParsedUrl {
  std::string scheme;
  std::string host;
  uint16_t port = 0;
};

bool is_reg_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool is_ipv6_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

/* A deliberately narrow reading of RFC 3986 for absolute http(s) URLs, so
 * that what we validate is what libcurl will connect to: printable ASCII
 * only (anything else must be percent-encoded: no spaces, no raw UTF-8 that
 * libcurl and a proxy might read differently), an authority without
 * userinfo (credentials in a URL end up in logs and in last_error; the
 * Authorization header is the place for them), a reg-name host or a
 * bracketed IPv6 literal without zone id, and a decimal port 1..65535. The
 * path, query and fragment are passed through. */
ParsedUrl parse_url(const ObjectReader& reader, const std::string& url) {
  if (url.empty()) reader.fail("url", "must not be empty");
  for (char c : url) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F)
      reader.fail("url",
                  "must not contain spaces, control characters or non-ASCII characters "
                  "(percent-encode them)");
  }
  ParsedUrl out;
  size_t colon = url.find("://");
  if (colon == std::string::npos) reader.fail("url", "must be an absolute http:// or https:// URL");
  out.scheme = http::to_lower(url.substr(0, colon));
  if (out.scheme != "http" && out.scheme != "https")
    reader.fail("url",
                "must use the http or https scheme, not " + detail::quote_for_message(out.scheme));
  std::string_view rest = std::string_view(url).substr(colon + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos)
    reader.fail("url",
                "must not contain credentials (user:password@); send an "
                "Authorization header "
                "instead");
  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) reader.fail("url", "has an IPv6 address without its ']'");
    host = authority.substr(1, close - 1);
    if (host.empty()) reader.fail("url", "has an empty IPv6 address");
    for (char c : host)
      if (!is_ipv6_char(c)) reader.fail("url", "has an invalid IPv6 address");
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') reader.fail("url", "has characters after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) reader.fail("url", "has an empty port");
    }
  } else {
    size_t port_colon = authority.find(':');
    host = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) {
      port_text = authority.substr(port_colon + 1);
      if (port_text.empty()) reader.fail("url", "has an empty port");
    }
    if (host.empty()) reader.fail("url", "has no host");
    for (char c : host)
      if (!is_reg_name_char(c))
        reader.fail("url", "has a host with characters other than letters, digits and -._~");
  }
  out.host = http::to_lower(host);
  if (port_text.empty()) {
    out.port = out.scheme == "https" ? 443 : 80;
  } else {
    unsigned port = 0;
    bool ok = port_text.size() <= 5;
    for (char c : port_text) {
      ok = ok && c >= '0' && c <= '9';
      if (ok) port = port * 10 + unsigned(c - '0');
    }
    if (!ok || port == 0 || port > 65535) reader.fail("url", "has a port that is not 1..65535");
    out.port = static_cast<uint16_t>(port);
  }
  return out;
}

HttpMethod parse_method(const ObjectReader& reader, const std::string& text) {
  std::string upper;
  for (char c : text) upper += (c >= 'a' && c <= 'z') ? char(c - 32) : c;
  for (HttpMethod m : {HttpMethod::kGet, HttpMethod::kPost, HttpMethod::kPut, HttpMethod::kPatch,
                       HttpMethod::kDelete, HttpMethod::kHead})
    if (upper == http_method_name(m)) return m;
  reader.fail("method", "must be one of GET, POST, PUT, PATCH, DELETE, HEAD (got " +
                            detail::quote_for_message(text) + ")");
}

/* Headers that describe the connection or the message framing belong to
 * libcurl: a payload that set Content-Length or Transfer-Encoding could
 * desynchronise the request from its body (request smuggling through a
 * proxy), and Host would let one URL be validated while another virtual host
 * is addressed. The hop-by-hop headers of RFC 9110 7.6.1 go with them. */
std::string http_header_refusal(std::string_view lower) {
  for (std::string_view framing : {"host", "content-length", "transfer-encoding", "connection",
                                   "keep-alive", "proxy-connection", "te", "trailer", "upgrade"})
    if (lower == framing) return "libcurl sets it from the URL and body";
  return "";
}

std::string signed_header_refusal(std::string_view lower) {
  std::string why = http_header_refusal(lower);
  if (!why.empty()) return why;
  if (lower == signing::kWebhookIdHeader || lower == signing::kWebhookTimestampHeader ||
      lower == signing::kWebhookSignatureHeader)
    return "\"sign\" produces it";
  return "";
}

std::vector<signing::WebhookSecret> read_secrets(const ObjectReader& sign) {
  const json::Value* v = sign.find("secret");
  if (v == nullptr) sign.fail("secret", "is required");
  std::vector<const json::Value*> items;
  if (v->is_string()) {
    items.push_back(v);
  } else if (v->is_array()) {
    if (v->items().empty() || v->items().size() > kMaxSigningSecrets)
      sign.fail("secret", "must list 1 to " + std::to_string(kMaxSigningSecrets) + " secrets");
    for (const json::Value& item : v->items()) items.push_back(&item);
  } else {
    sign.fail("secret", "must be a string or an array of strings, not " +
                            std::string(detail::json_type_name(*v)));
  }
  std::vector<signing::WebhookSecret> secrets;
  for (const json::Value* item : items) {
    if (!item->is_string()) sign.fail("secret", "must contain only strings");
    signing::ParsedWebhookSecret parsed = signing::parse_webhook_secret(item->text());
    if (!parsed.ok()) sign.fail("secret", "is not usable: " + parsed.error);
    secrets.push_back(std::move(*parsed.secret));
  }
  return secrets;
}

HttpTaskSigning read_signing(const ObjectReader& payload, std::string_view job_id) {
  const json::Value* v = payload.find("sign");
  if (!v->is_object())
    payload.fail("sign", "must be an object {\"secret\": ..., \"id\": ...}, not " +
                             std::string(detail::json_type_name(*v)));
  ObjectReader sign(*v, "sign");
  sign.reject_unknown_keys({"secret", "id"});
  HttpTaskSigning out;
  out.secrets = read_secrets(sign);
  std::optional<std::string> id = sign.optional_string("id", 256);
  if (id) {
    if (!signing::is_valid_webhook_message_id(*id))
      sign.fail("id", "must be 1 to 256 visible ASCII characters without '.' or spaces");
    out.message_id = std::move(*id);
  } else {
    if (!signing::is_valid_webhook_message_id(job_id))
      sign.fail("id", "is required (the job id cannot serve as a message id)");
    out.message_id = std::string(job_id);
  }
  return out;
}

bool has_header(const std::vector<http::Header>& headers, std::string_view name) {
  for (const http::Header& h : headers)
    if (http::iequals(h.name, name)) return true;
  return false;
}

HttpTaskSpec read_http_task(const json::Value& payload, std::string_view job_id) {
  if (!payload.is_object())
    throw SpecError("the payload must be a JSON object, not " +
                    std::string(detail::json_type_name(payload)));
  ObjectReader r(payload, "");
  r.reject_unknown_keys(
      {"url", "method", "headers", "body", "timeout_ms", "max_response_bytes", "sign"});
  HttpTaskSpec spec;
  spec.url = r.required_string("url", kMaxUrlLength);
  ParsedUrl url = parse_url(r, spec.url);
  spec.scheme = std::move(url.scheme);
  spec.host = std::move(url.host);
  spec.port = url.port;

  bool signing = r.find("sign") != nullptr;
  detail::HeaderRules rules{kMaxHttpHeaders, kMaxHeaderNameLength, kMaxHeaderValueLength,
                            signing ? signed_header_refusal : http_header_refusal};
  spec.headers = detail::read_headers(r, "headers", rules);

  std::string content_type;
  if (const json::Value* body = r.find("body")) {
    if (body->is_string()) {
      spec.body = body->text();
      content_type = "text/plain; charset=utf-8";
    } else {
      spec.body = body->dump();
      content_type = "application/json";
    }
    if (spec.body->size() > kMaxHttpBodyBytes)
      r.fail("body", "is larger than " + std::to_string(kMaxHttpBodyBytes) + " bytes");
    if (!has_header(spec.headers, "content-type"))
      spec.headers.push_back({"Content-Type", content_type});
  }

  std::optional<std::string> method = r.optional_string("method", 16);
  spec.method =
      method ? parse_method(r, *method) : (spec.body ? HttpMethod::kPost : HttpMethod::kGet);
  if (spec.method == HttpMethod::kHead && spec.body)
    r.fail("body", "cannot be sent with method HEAD");

  spec.timeout_ms =
      r.optional_integer("timeout_ms", 1, kMaxTaskTimeoutMs).value_or(kDefaultHttpTimeoutMs);
  spec.max_response_bytes =
      static_cast<size_t>(r.optional_integer("max_response_bytes", 0, kMaxResponseBytesLimit)
                              .value_or(kDefaultMaxResponseBytes));
  if (signing) spec.sign = read_signing(r, job_id);
  return spec;
}

}  // namespace

std::string_view http_method_name(HttpMethod m) {
  switch (m) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kPost:
      return "POST";
    case HttpMethod::kPut:
      return "PUT";
    case HttpMethod::kPatch:
      return "PATCH";
    case HttpMethod::kDelete:
      return "DELETE";
    case HttpMethod::kHead:
      return "HEAD";
  }
  return "GET";
}

TaskSpecResult<HttpTaskSpec> parse_http_task(const json::Value& payload, std::string_view job_id) {
  TaskSpecResult<HttpTaskSpec> out;
  try {
    out.spec = read_http_task(payload, job_id);
  } catch (const SpecError& e) {
    out.error = std::string(kHttpPrefix) + e.what();
  }
  return out;
}

TaskSpecResult<HttpTaskSpec> parse_http_task(std::string_view payload_json,
                                             std::string_view job_id) {
  if (payload_json.size() > kMaxTaskPayloadBytes)
    return {std::nullopt, std::string(kHttpPrefix) + "the payload is larger than " +
                              std::to_string(kMaxTaskPayloadBytes) + " bytes"};
  json::ParseResult parsed = json::parse(payload_json);
  if (!parsed.ok())
    return {std::nullopt,
            std::string(kHttpPrefix) + "the payload is not valid JSON: " + parsed.error};
  return parse_http_task(*parsed.value, job_id);
}

std::vector<http::Header> http_request_headers(const HttpTaskSpec& spec, int64_t now_unix_seconds) {
  std::vector<http::Header> out = spec.headers;
  if (spec.sign) {
    std::vector<http::Header> signed_headers =
        signing::webhook_headers(spec.sign->secrets, spec.sign->message_id, now_unix_seconds,
                                 spec.body.value_or(std::string()));
    for (http::Header& h : signed_headers) out.push_back(std::move(h));
  }
  return out;
}

std::string curl_header_line(const http::Header& header) {
  if (header.value.empty()) return header.name + ";";
  return header.name + ": " + header.value;
}

namespace {

/* Transport failures say nothing about the request's validity, so they are
 * retried: a receiver being deployed, a DNS hiccup or an expired certificate
 * being renewed are all fixed by waiting, and max_attempts bounds the cost.
 * Only a request that cannot work anywhere fails at once. */
AttemptVerdict classify_transport(TransportError error) {
  using O = AttemptOutcome;
  switch (error) {
    case TransportError::kTimeout:
      return {O::kRetry, "timed out, will retry"};
    case TransportError::kResolve:
      return {O::kRetry, "could not resolve the host, will retry"};
    case TransportError::kConnect:
      return {O::kRetry, "could not connect, will retry"};
    case TransportError::kTls:
      return {O::kRetry, "TLS handshake or certificate verification failed, will retry"};
    case TransportError::kSendReceive:
      return {O::kRetry, "the connection failed during the transfer, will retry"};
    case TransportError::kInvalidRequest:
      return {O::kPermanentFailure,
              "the request cannot be made (invalid URL, unsupported "
              "protocol or refused login), not retrying"};
    case TransportError::kOther:
    case TransportError::kNone:
      break;
  }
  return {O::kRetry, "transfer failed, will retry"};
}

}  // namespace

AttemptVerdict classify_http_attempt(TransportError error, int status) {
  using O = AttemptOutcome;
  if (error != TransportError::kNone) return classify_transport(error);
  std::string code = "HTTP " + std::to_string(status);
  if (status >= 200 && status <= 399) return {O::kSuccess, code};
  if (status == 408 || status == 425 || status == 429)
    return {O::kRetry, code + ": the server asked to try again later, will retry"};
  if (status >= 500 && status <= 599) return {O::kRetry, code + ": server error, will retry"};
  if (status >= 400 && status <= 499)
    return {O::kPermanentFailure, code + ": client error, not retrying"};
  return {O::kPermanentFailure, code + ": not a final HTTP status, not retrying"};
}

AttemptVerdict classify_smtp_attempt(TransportError error, int reply_code) {
  using O = AttemptOutcome;
  if (error != TransportError::kNone) return classify_transport(error);
  std::string code = "SMTP " + std::to_string(reply_code);
  if (reply_code >= 200 && reply_code <= 399) return {O::kSuccess, code};
  if (reply_code >= 400 && reply_code <= 499)
    return {O::kRetry, code + ": transient failure, will retry"};
  if (reply_code >= 500 && reply_code <= 599)
    return {O::kPermanentFailure, code + ": permanent failure, not retrying"};
  return {O::kRetry, code + ": unexpected reply, will retry"};
}

}  // namespace pg_gateway::jobs
