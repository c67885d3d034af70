#include "core/http/application.hpp"

namespace pg_gateway::http {

Application::Application(std::vector<Route> routes, std::vector<DynamicRoutes*> dynamic,
                         LogSink log)
    : routes_(std::move(routes)), dynamic_(std::move(dynamic)), log_(std::move(log)) {}

const Route* Application::find(std::string_view path) const {
  for (const Route& r : routes_)
    if (r.path == path) return &r;
  return nullptr;
}

void Application::decorate_server_response(Response& response) {
  if (!response.find_header("X-Request-Id")) response.set_header("X-Request-Id", ids_.next());
}

Response Application::handle(Request& request) {
  const std::string* incoming = request.header("x-request-id");
  std::string request_id =
      incoming && util::is_acceptable_request_id(*incoming) ? *incoming : ids_.next();
  request.id = request_id;
  Response resp;
  try {
    resp = dispatch(request);
  } catch (const HttpError& e) {
    resp = json_error(e.status, e.code, e.what(), e.detail, e.hint);
  } catch (const std::exception& e) {
    // A bug or resource exhaustion in C++ code: the client gets a 500 with
    // the request id, the server log gets the detail.
    if (log_)
      log_(LogLevel::kWarning, "request " + request_id + " (" + request.method_text + " " +
                                   request.path + ") failed: " + e.what());
    resp = json_error(500, "PGGW500", "internal error", {},
                      "the server log has the details under request id " + request_id);
  }
  resp.set_header("X-Request-Id", request_id);
  cors_.decorate(request, resp);
  return resp;
}

Response Application::dispatch(Request& request) {
  if (request.method == Method::kOther) {
    Response r =
        json_error(501, "PGGW501", "method " + request.method_text + " is not implemented");
    r.set_header("Allow", MethodSet{Method::kGet, Method::kPost, Method::kPut, Method::kPatch,
                                    Method::kDelete}
                              .allow_header());
    return r;
  }
  if (request.path == "*") {  // OPTIONS * : what the server supports at all
    Response r(204, "", "");
    r.set_header("Allow", MethodSet{Method::kGet, Method::kPost, Method::kPut, Method::kPatch,
                                    Method::kDelete}
                              .allow_header());
    return r;
  }

  const Route* route = find(request.path);
  DynamicRoutes* owner = nullptr;  // the dynamic routes that have the path
  MethodSet methods;
  if (route) {
    methods = route->methods;
  } else {
    for (DynamicRoutes* d : dynamic_) {
      if (std::optional<MethodSet> found = d->methods_for(request)) {
        owner = d;
        methods = *found;
        break;
      }
    }
    if (!owner) throw HttpError(404, "PGGW404", "no route for " + request.path);
  }

  if (request.method == Method::kOptions) {
    if (CorsPolicy::is_preflight(request)) return cors_.preflight(request, methods);
    Response r(204, "", "");
    r.set_header("Allow", methods.allow_header());
    return r;
  }
  bool allowed = methods.contains(request.method) ||
                 (request.method == Method::kHead && methods.contains(Method::kGet));
  if (!allowed) {
    Response r = json_error(
        405, "PGGW405", "method " + request.method_text + " is not allowed for " + request.path);
    r.set_header("Allow", methods.allow_header());
    return r;
  }
  return route ? route->handler(request) : owner->invoke(request);
}

}  // namespace pg_gateway::http
