// SQL routes: HTTP paths that a database owner maps to SQL functions with
// gateway.register_route(). The handler receives the request as jsonb
// (see core/http/request_document.hpp) and returns jsonb; it runs in the
// request's transaction (read-only for GET), as the role the route names,
// never as a superuser. It may set the status with
//   set_config('response.status', '201', true).
//
// A request may carry a JWT (Authorization: Bearer, or the session cookie):
// it is verified as for GraphQL (401 when it is not valid), but it does not
// choose the role; its claims reach the handler (and the audit trigger) as
// request.jwt.claims and jwt.claims.<name>. A cookie-authenticated write is
// refused (403) unless it passes the same CSRF check as a GraphQL mutation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/http/application.hpp"
#include "extension/auth/request_auth.hpp"
#include "extension/pg/pg_api.hpp"
#include "extension/workers/worker_status.hpp"

namespace pg_gateway::routes {

class SqlRoutes : public http::DynamicRoutes {
 public:
  explicit SqlRoutes(const WorkerStatus& status) : status_(status) {}
  std::optional<http::MethodSet> methods_for(const http::Request& request) override;
  http::Response invoke(http::Request& request) override;

 private:
  struct Entry {
    http::Method method;
    Oid handler;
    Oid run_as;
  };
  void require_database() const;
  std::string checked_handler(const Entry& entry, bool read_only,
                              const std::string* json_body) const;

  const WorkerStatus& status_;
  auth_pg::RequestAuthenticator auth_;
  // The lookup made by methods_for() for the request now being served.
  const http::Request* looked_up_for_ = nullptr;
  std::vector<Entry> entries_;
};

}  // namespace pg_gateway::routes
