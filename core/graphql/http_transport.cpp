#include "core/graphql/http_transport.hpp"

#include <array>
#include <utility>
#include <variant>
#include <vector>

#include "core/graphql/parser.hpp"
#include "core/http/fields.hpp"
#include "core/http/http_error.hpp"
#include "core/http/request_document.hpp"
#include "core/json/json_writer.hpp"
#include "core/util/utf8.hpp"

namespace pg_gateway::graphql::transport {

namespace {

constexpr std::string_view kApplicationJson = "application/json";
constexpr std::string_view kApplicationGraphQL = "application/graphql";

// grafserv's messages, so that clients and tests written against
// PostGraphile see the same text.
constexpr std::string_view kParsingFailed =
    "Parsing failed, please check that the data you're sending to the server is correct";
constexpr std::string_view kQueryMustBeString = "query must be a string";
constexpr std::string_view kBadDocumentId =
    "documentId must be \"sha256:\" followed by 64 hexadecimal digits";
constexpr std::string_view kOperationNameMustBeString = "operationName, if given, must be a string";
constexpr std::string_view kInvalidVariables = "Invalid variables; expected JSON-encoded object";
constexpr std::string_view kInvalidExtensions = "Invalid extensions; expected JSON-encoded object";
constexpr std::string_view kNotAcceptable =
    "Could not find a supported media type; consider adding 'application/json' or "
    "'application/graphql-response+json' to your Accept header.";

// One media type or media range with its parameters (names lower-cased,
// quoted values unquoted). `q` is the weight of an Accept element.
struct MediaType {
  std::string type;
  std::string subtype;
  std::vector<std::pair<std::string, std::string>> params;
  double q = 1.0;

  const std::string* param(std::string_view name) const {
    for (const auto& [n, v] : params)
      if (n == name) return &v;
    return nullptr;
  }
};

// Splits on `sep` outside quoted strings (RFC 9110 section 5.6.4).
std::vector<std::string_view> split_unquoted(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::string unquote(std::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
  std::string out;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size()) ++i;
    out.push_back(v[i]);
  }
  return out;
}

// Parses `type/subtype *( OWS ";" OWS name=value )`. With `accept_weight`
// the "q" parameter becomes the weight (Accept), otherwise it is an
// ordinary parameter (Content-Type). nullopt for anything malformed.
std::optional<MediaType> parse_media_type(std::string_view text, bool accept_weight) {
  std::vector<std::string_view> parts = split_unquoted(text, ';');
  std::string_view essence = http::trim_ows(parts[0]);
  size_t slash = essence.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  MediaType m;
  std::string_view type = essence.substr(0, slash), subtype = essence.substr(slash + 1);
  if (!http::is_token(type) || !http::is_token(subtype)) return std::nullopt;
  m.type = http::to_lower(type);
  m.subtype = http::to_lower(subtype);
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view p = http::trim_ows(parts[i]);
    if (p.empty()) continue;  // "text/html;" is common enough to tolerate
    size_t eq = p.find('=');
    if (eq == std::string_view::npos || !http::is_token(p.substr(0, eq))) return std::nullopt;
    std::string name = http::to_lower(p.substr(0, eq));
    std::string value = unquote(p.substr(eq + 1));
    if (accept_weight && name == "q") {
      // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
      if (value.empty() || value.size() > 5 || (value[0] != '0' && value[0] != '1'))
        return std::nullopt;
      double q = value[0] - '0', scale = 0.1;
      if (value.size() > 1) {
        if (value[1] != '.') return std::nullopt;
        for (size_t k = 2; k < value.size(); ++k, scale /= 10) {
          if (value[k] < '0' || value[k] > '9') return std::nullopt;
          q += (value[k] - '0') * scale;
        }
      }
      if (q > 1.0) return std::nullopt;
      m.q = q;
      continue;
    }
    m.params.emplace_back(std::move(name), std::move(value));
  }
  return m;
}

bool is_utf8_charset(const std::string& charset) {
  return http::iequals(charset, "utf-8") || http::iequals(charset, "utf8");
}

// How specifically `range` names `format` (3: type/subtype, 2: type/*,
// 1: */*), or 0 when it does not match it.
int match_specificity(const MediaType& range, ResponseFormat format) {
  if (const std::string* cs = range.param("charset"); cs && !is_utf8_charset(*cs)) return 0;
  std::string_view subtype =
      format == ResponseFormat::kJson ? std::string_view("json") : "graphql-response+json";
  if (range.type == "*") return range.subtype == "*" ? 1 : 0;
  if (range.type != "application") return 0;
  if (range.subtype == "*") return 2;
  return range.subtype == subtype ? 3 : 0;
}

struct Preference {
  double q = 0;
  int specificity = 0;  // 0: no range matched
};

Preference preference(const std::vector<MediaType>& ranges, ResponseFormat format) {
  Preference best;
  for (const MediaType& r : ranges) {
    int s = match_specificity(r, format);
    if (s == 0) continue;
    // The most specific range decides (RFC 9110: "application/json;q=0,
    // */*" excludes application/json); equally specific ones: the heavier.
    if (s > best.specificity || (s == best.specificity && r.q > best.q)) best = {r.q, s};
  }
  return best;
}

void write_error_object(json::Writer& w, std::string_view message, std::optional<int> status) {
  w.begin_object().key("message").value(message).key("extensions").begin_object();
  if (status) w.key("statusCode").value(int64_t(*status));
  w.end_object().end_object();
}

Incoming rejected(Incoming in, int status, std::string_view message) {
  in.rejection = http_error(status, message);
  return in;
}

// Checks the optional parameters' JSON types, shared by POST bodies and GET
// query strings. Returns the grafserv message of the first problem.
std::optional<std::string_view> check_optional_params(const json::Value* operation_name,
                                                      const json::Value* variables,
                                                      const json::Value* extensions, Params& out) {
  if (operation_name && !operation_name->is_null()) {
    if (!operation_name->is_string()) return kOperationNameMustBeString;
    out.operation_name = operation_name->text();
  }
  if (variables && !variables->is_null()) {
    if (!variables->is_object()) return kInvalidVariables;
    out.variables = *variables;
  }
  if (extensions && !extensions->is_null()) {
    if (!extensions->is_object()) return kInvalidExtensions;
    out.extensions = *extensions;
  }
  return std::nullopt;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = util::valid_utf8_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// {"query": ..., "operationName": ..., "variables": {...}, "extensions": {...}}
Incoming read_json_body(Incoming in, std::string_view body) {
  json::ParseResult parsed = json::parse(body);
  if (!parsed.ok()) return rejected(std::move(in), 400, kParsingFailed);
  const json::Value& v = *parsed.value;
  // grafserv answers "No body" for every falsy JSON value.
  bool falsy = v.is_null() || (v.is_bool() && !v.as_bool()) ||
               (v.is_number() && v.as_double().value_or(1) == 0) ||
               (v.is_string() && v.text().empty());
  if (falsy) return rejected(std::move(in), 400, "No body");
  if (!v.is_object()) return rejected(std::move(in), 400, "Invalid body; expected object");
  const json::Value* query = v.find("query");
  if (!query || query->is_null()) {
    // No document: a trusted document's id instead (its own id field, or
    // Apollo's persisted query extension).
    const json::Value* id = v.find("documentId");
    std::optional<std::string> hash;
    if (id && id->is_string()) {
      hash = parse_document_id(id->text());
      if (!hash) return rejected(std::move(in), 400, kBadDocumentId);
    } else if (const json::Value* ext = v.find("extensions"); ext && ext->is_object()) {
      const json::Value* pq = ext->find("persistedQuery");
      const json::Value* sha = pq && pq->is_object() ? pq->find("sha256Hash") : nullptr;
      if (sha && sha->is_string()) {
        hash = parse_document_id(sha->text());
        if (!hash) return rejected(std::move(in), 400, kBadDocumentId);
      }
    }
    if (!hash) return rejected(std::move(in), 400, kQueryMustBeString);
    in.params.document_id = std::move(hash);
  } else if (!query->is_string()) {
    return rejected(std::move(in), 400, kQueryMustBeString);
  } else {
    in.params.query = query->text();
  }
  if (auto problem = check_optional_params(v.find("operationName"), v.find("variables"),
                                           v.find("extensions"), in.params))
    return rejected(std::move(in), 400, *problem);
  return in;
}

// ?query=...&operationName=...&variables=<JSON>&extensions=<JSON>
Incoming read_query_string(Incoming in, std::string_view query_string) {
  std::vector<std::pair<std::string, std::string>> pairs;
  try {
    pairs = http::parse_query_string(query_string);
  } catch (const http::HttpError&) {
    return rejected(std::move(in), 400, kParsingFailed);
  }
  // A parameter given twice is ambiguous (which one would a cache or a
  // proxy log have looked at?); grafserv's query-string parser turns it
  // into a list, which fails the type checks below, and so does this.
  struct Slot {
    std::string_view name;
    std::string_view duplicate_message;
    const std::string* value = nullptr;
    bool duplicate = false;
  };
  std::array<Slot, 5> slots{{{"query", kQueryMustBeString},
                             {"operationName", kOperationNameMustBeString},
                             {"variables", kInvalidVariables},
                             {"extensions", kInvalidExtensions},
                             {"documentId", kBadDocumentId}}};
  for (const auto& [key, value] : pairs) {
    for (Slot& s : slots) {
      if (key != s.name) continue;
      s.duplicate = s.duplicate || s.value != nullptr;
      s.value = &value;
    }
  }
  for (const Slot& s : slots)
    if (s.duplicate) return rejected(std::move(in), 400, s.duplicate_message);
  if (!slots[0].value && slots[4].value) {
    in.params.document_id = parse_document_id(*slots[4].value);
    if (!in.params.document_id) return rejected(std::move(in), 400, kBadDocumentId);
  } else if (!slots[0].value) {
    return rejected(std::move(in), 400, kQueryMustBeString);
  } else {
    in.params.query = *slots[0].value;
  }
  // An empty field (an HTML form left blank) counts as absent.
  json::Value operation_name, variables, extensions;
  if (slots[1].value && !slots[1].value->empty())
    operation_name = json::Value::string(*slots[1].value);
  for (auto [slot, target] : {std::pair{&slots[2], &variables}, {&slots[3], &extensions}}) {
    if (!slot->value || slot->value->empty()) continue;
    json::ParseResult parsed = json::parse(*slot->value);
    if (!parsed.ok()) return rejected(std::move(in), 400, kParsingFailed);
    *target = std::move(*parsed.value);
  }
  if (auto problem = check_optional_params(&operation_name, &variables, &extensions, in.params))
    return rejected(std::move(in), 400, *problem);
  return in;
}

}  // namespace

std::optional<std::string> parse_document_id(std::string_view id) {
  if (id.substr(0, 7) == "sha256:") id.remove_prefix(7);
  if (id.size() != 64) return std::nullopt;
  std::string out(id);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = char(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return out;
}

std::string_view content_type(ResponseFormat format) {
  return format == ResponseFormat::kJson ? "application/json; charset=utf-8"
                                         : "application/graphql-response+json; charset=utf-8";
}

std::optional<ResponseFormat> negotiate(const std::string* accept) {
  if (!accept || http::trim_ows(*accept).empty()) return ResponseFormat::kGraphQLResponseJson;
  std::vector<MediaType> ranges;
  for (std::string_view element : split_unquoted(*accept, ',')) {
    if (http::trim_ows(element).empty()) continue;
    // A malformed element is ignored rather than failing the whole header.
    if (auto m = parse_media_type(element, true)) ranges.push_back(std::move(*m));
  }
  Preference gr = preference(ranges, ResponseFormat::kGraphQLResponseJson);
  Preference js = preference(ranges, ResponseFormat::kJson);
  bool gr_ok = gr.specificity > 0 && gr.q > 0, js_ok = js.specificity > 0 && js.q > 0;
  if (!gr_ok && !js_ok) return std::nullopt;
  if (!js_ok) return ResponseFormat::kGraphQLResponseJson;
  if (!gr_ok) return ResponseFormat::kJson;
  if (gr.q != js.q)
    return gr.q > js.q ? ResponseFormat::kGraphQLResponseJson : ResponseFormat::kJson;
  // Equal weights: graphql-response+json when the client named it,
  // application/json when it named only application/json or wildcards.
  return gr.specificity == 3 ? ResponseFormat::kGraphQLResponseJson : ResponseFormat::kJson;
}

Incoming read_request(const http::Request& request) {
  Incoming in;
  std::optional<ResponseFormat> format = negotiate(request.header("accept"));
  if (!format) {
    json::Writer w;
    w.begin_object().key("errors").begin_array();
    write_error_object(w, kNotAcceptable, std::nullopt);
    w.end_array().end_object();
    in.rejection = http::Response(406, std::string(content_type(ResponseFormat::kJson)), w.take());
    in.rejection->set_header("Vary", "Accept");
    return in;
  }
  in.format = *format;
  if (request.method == http::Method::kGet || request.method == http::Method::kHead) {
    in.over_get = true;
    return read_query_string(std::move(in), request.query);
  }

  const std::string* content_type_header = request.header("content-type");
  if (!content_type_header || http::trim_ows(*content_type_header).empty())
    return rejected(std::move(in), 400, "Could not determine the Content-Type of the request");
  std::optional<MediaType> media = parse_media_type(*content_type_header, false);
  if (!media)
    return rejected(
        std::move(in), 415,
        "Media type '" + std::string(http::trim_ows(*content_type_header)) + "' is not allowed");
  std::string essence = media->type + "/" + media->subtype;
  if (essence != kApplicationJson && essence != kApplicationGraphQL)
    return rejected(std::move(in), 415, "Media type '" + essence + "' is not allowed");
  if (const std::string* cs = media->param("charset"); cs && !is_utf8_charset(*cs))
    return rejected(std::move(in), 415,
                    "Charset '" + *cs + "' is not supported; send the request in utf-8");
  if (essence == kApplicationGraphQL) {
    // The body is the document itself (grafserv: no variables this way).
    if (!valid_utf8(request.body)) return rejected(std::move(in), 400, kParsingFailed);
    in.params.query = request.body;
    return in;
  }
  return read_json_body(std::move(in), request.body);
}

std::optional<OperationType> requested_operation(std::string_view query,
                                                 const std::optional<std::string>& operation_name) {
  ParseResult parsed = parse_document(query);
  if (!parsed.ok()) return std::nullopt;
  std::optional<OperationType> found;
  int operations = 0;
  for (const Definition& d : parsed.document.definitions) {
    const auto* op = std::get_if<OperationDefinition>(&d.node);
    if (!op) continue;
    ++operations;
    if (operation_name) {
      if (op->name && op->name->value == *operation_name) return op->operation;
    } else {
      found = op->operation;
    }
  }
  if (operation_name || operations != 1) return std::nullopt;
  return found;
}

bool allowed_over_get(const Incoming& incoming, OperationType operation) {
  return !incoming.over_get || operation == OperationType::kQuery;
}

http::Response get_requires_query(ResponseFormat format) {
  json::Writer w;
  w.begin_object().key("errors").begin_array();
  write_error_object(w, "Only queries may take place over non-POST requests.", std::nullopt);
  w.end_array().end_object();
  http::Response r(405, std::string(content_type(format)), w.take());
  r.set_header("Allow", "POST");
  r.set_header("Vary", "Accept");
  return r;
}

http::Response graphql_response(ResponseFormat format, bool request_error, std::string body) {
  int status = request_error && format == ResponseFormat::kGraphQLResponseJson ? 400 : 200;
  http::Response r(status, std::string(content_type(format)), std::move(body));
  r.set_header("Vary", "Accept");
  return r;
}

http::Response http_error(int status, std::string_view message) {
  json::Writer w;
  w.begin_object().key("errors").begin_array();
  write_error_object(w, message, status);
  w.end_array().end_object();
  return http::Response(status, std::string(content_type(ResponseFormat::kJson)), w.take());
}

}  // namespace pg_gateway::graphql::transport
