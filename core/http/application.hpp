// What happens to one parsed request before any route code runs: request
// id, method checks, routing (404/405 with Allow), OPTIONS and CORS, HEAD,
// and the conversion of any exception into a JSON error response. Routes
// are plain functions; the PostgreSQL zone registers the ones that need the
// database, so later features (GraphQL, webhooks, metrics) are new routes,
// not changes to the worker.
#pragma once
#include "core/core_zone.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/http/cors.hpp"
#include "core/http/http_error.hpp"
#include "core/http/message.hpp"
#include "core/http/server.hpp"
#include "core/util/request_id.hpp"

namespace pg_gateway::http {

using RouteHandler = std::function<Response(Request&)>;

struct Route {
  std::string path;
  MethodSet methods;
  RouteHandler handler;
};

// Routes known only at request time (GraphQL at its configured path, the
// session cookie's logout, SQL routes from the database); may throw
// HttpError, for instance 503 while the target database is unavailable.
class DynamicRoutes {
 public:
  virtual ~DynamicRoutes() = default;
  // Methods registered at this path, or nullopt when nothing is there.
  virtual std::optional<MethodSet> methods_for(const Request& request) = 0;
  virtual Response invoke(Request& request) = 0;
};

enum class LogLevel { kDebug, kLog, kWarning };
using LogSink = std::function<void(LogLevel, const std::string&)>;

class Application : public RequestHandler {
 public:
  // Static routes win; then each of `dynamic`, in order, is asked for the
  // path and the first that has it serves the request.
  Application(std::vector<Route> routes, std::vector<DynamicRoutes*> dynamic, LogSink log);

  void set_cors(CorsPolicy cors) { cors_ = std::move(cors); }
  Response handle(Request& request) override;
  void decorate_server_response(Response& response) override;

 private:
  Response dispatch(Request& request);
  const Route* find(std::string_view path) const;

  std::vector<Route> routes_;
  std::vector<DynamicRoutes*> dynamic_;
  LogSink log_;
  CorsPolicy cors_;
  util::RequestIdGenerator ids_;
};

}  // namespace pg_gateway::http
