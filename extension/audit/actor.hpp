// Who made a change, for the audit trigger: the database roles, and what
// the settings of the current transaction say about the pg_gateway request
// or job it belongs to. The HTTP workers set request.* for every request
// (extension/auth/request_auth.cpp: request.jwt.claims, request.id,
// request.method, request.path, request.client_addr;
// extension/graphql/graphql_request.cpp: request.graphql_operation) and the
// job workers job.id and job.task for a job's SQL task
// (extension/jobs/job_runner.cpp). A plain SQL session can set the same
// settings (set_config(..., true)), as PostgREST users set request.jwt.claims.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pg_gateway::audit_pg {

struct Actor {
  std::string session_role;  // session_user
  std::string acting_role;   // current_user
  std::optional<std::string> jwt_sub;
  std::optional<std::string> jwt_role;    // at pg_gateway.jwt_role_claim
  std::optional<std::string> jwt_claims;  // JSON object of pg_gateway.audit_claims
  std::optional<std::string> request_id;
  std::optional<std::string> request_method;
  std::optional<std::string> request_path;
  std::optional<std::string> graphql_operation;
  std::optional<std::string> client_addr;  // a valid IPv4/IPv6 address, else nullopt
  std::optional<int64_t> job_id;
  std::optional<std::string> job_task;
};

// The actor of a change made now. Never throws for what the settings hold:
// a malformed value (claims that are not JSON, a job id that is not a
// number) is recorded as NULL, since refusing it would refuse the change.
Actor current_actor();

}  // namespace pg_gateway::audit_pg
