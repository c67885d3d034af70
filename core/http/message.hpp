// HTTP/1.1 request and response values shared by the parser, the server
// loop and the route handlers. Plain data: no sockets, no PostgreSQL.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/fields.hpp"

namespace pg_gateway::http {

enum class Method : uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

// A set of methods, used for route tables and the Allow header.
class MethodSet {
 public:
  constexpr MethodSet() = default;
  constexpr MethodSet(std::initializer_list<Method> ms) {
    for (Method m : ms) add(m);
  }
  constexpr void add(Method m) { bits_ |= bit(m); }
  constexpr bool contains(Method m) const { return (bits_ & bit(m)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  // "GET, HEAD, OPTIONS" style list; HEAD is implied by GET, OPTIONS always.
  std::string allow_header() const;

 private:
  static constexpr uint16_t bit(Method m) { return uint16_t(1u << static_cast<unsigned>(m)); }
  uint16_t bits_ = 0;
};

Method parse_method(std::string_view token);
std::string_view method_name(Method m);

// What the routes learn about a request that the request log records
// (extension/request_log/): filled as authentication and parsing find
// them, empty when a route never got that far (a 401 has no role).
struct RequestAnnotations {
  std::string role;            // the database role it ran (or would run) as
  std::string jwt_sub;         // the verified token's "sub" claim
  std::string operation_name;  // GraphQL: the operation it runs (request.graphql_operation in SQL)
  std::string document_hash;   // GraphQL: sha256 hex of the query, or the trusted document's id
};

struct Request {
  Method method = Method::kOther;
  std::string method_text;
  std::string target;  // as received
  std::string path;    // target up to '?', origin-form
  std::string query;   // after '?', without it
  int version_minor = 1;
  std::vector<Header> headers;
  std::string body;
  bool keep_alive = true;
  bool expect_continue = false;
  std::string remote_addr;
  // The X-Request-Id the response carries (the client's, when acceptable,
  // or a generated one): set by Application::handle before any route runs,
  // so that routes can hand it to SQL (request.id) and the request log.
  std::string id;
  RequestAnnotations annotations;

  // First header with that (lower-case) name, or nullptr.
  const std::string* header(std::string_view lower_name) const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;  // names in canonical case as sent
  std::string body;
  bool close = false;  // send Connection: close and close after writing
  // Nonzero from RequestHandler::handle(): "no answer yet". The server parks
  // the connection under this ticket until HttpServer::resume() gives the
  // real response (or the connection goes away: on_deferred_abandoned).
  // Chosen by the handler, unique per process among parked requests; the
  // rest of this Response is ignored. Must be 0 in a response given to
  // resume() (one that is not becomes a 500).
  uint64_t defer_ticket = 0;

  Response() = default;
  Response(int s, std::string content_type, std::string b);
  void set_header(std::string name, std::string value);
  const std::string* find_header(std::string_view name) const;  // case-insensitive
};

// A JSON error body {"code":..,"message":..} with the right content type.
Response json_error(int status, std::string_view code, std::string_view message,
                    std::string_view detail = {}, std::string_view hint = {});

std::string_view reason_phrase(int status);

// Adds each comma-separated token of `value` to the response's Vary
// header, unless it is there already (case-insensitively).
void add_vary(Response& resp, std::string_view value);

}  // namespace pg_gateway::http
