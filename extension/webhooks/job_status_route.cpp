// GET /jobs/{id}: where a webhook's job stands, for the sender that was
// answered 202 (or anyone with the right): status, attempts, result.
//
// It needs a token (Authorization: Bearer or the session cookie, verified
// as for GraphQL) whose role pg_gateway may use (the same checks as a
// GraphQL request: no superuser, no BYPASSRLS, a role the authenticator
// may become), and that role must be a member of the job_role of the
// webhook source that created the job, or may SELECT gateway.jobs. Any
// other case answers 404, as for a job that does not exist, so that job
// ids cannot be probed.
#include "extension/webhooks/webhook_routes.hpp"

#include "core/json/json_writer.hpp"
#include "extension/http/error_response.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/spi.hpp"
#include "extension/pg/transaction.hpp"
#include "extension/workers/settings.hpp"

namespace pg_gateway::webhooks_pg {

http::Response WebhookRoutes::job_status(http::Request& request, int64_t job_id) {
  auth_pg::Identity identity;
  if (std::optional<auth_pg::Refusal> refused = auth_.identify(request, &identity)) {
    http::Response r = http::json_error(refused->status, "unauthorized", refused->message);
    if (!refused->www_authenticate.empty())
      r.set_header("WWW-Authenticate", refused->www_authenticate);
    return r;
  }
  if (!identity.authenticated()) {
    http::Response r = http::json_error(401, "unauthorized", "a token is needed to read a job");
    r.set_header("WWW-Authenticate", "Bearer");
    return r;
  }
  request.annotations.role = identity.role;
  request.annotations.jwt_sub = identity.subject;
  std::optional<auth_pg::Refusal> refused;
  std::vector<pg::TextRow> rows;
  pg::TransactionOptions opts;
  opts.read_only = true;
  opts.statement_timeout_ms = workers::settings::statement_timeout_ms;
  opts.activity = "pg_gateway: job status";
  try {
    pg::run_in_transaction(opts, [&] {
      Oid role = InvalidOid;
      refused = auth_.resolve_role(identity, InvalidOid, &role);
      if (refused) return;
      rows = pg::query_text(
          "SELECT j.id, j.task_identifier, j.status, j.attempts, j.max_attempts, "
          "j.result::text, j.created_at, j.run_at, j.completed_at, d.id, d.source "
          "FROM gateway.jobs j "
          "LEFT JOIN gateway.webhook_deliveries d ON d.job_id = j.id "
          "LEFT JOIN gateway.webhook_sources s ON s.name = d.source "
          "WHERE j.id = $1::bigint AND (has_table_privilege($2::oid, 'gateway.jobs', 'SELECT') "
          "  OR (s.job_role IS NOT NULL AND pg_has_role($2::oid, s.job_role, 'MEMBER'))) "
          "ORDER BY d.id LIMIT 1",
          {std::to_string(job_id), std::to_string(role)});
    });
  } catch (const pg::PgError& e) {
    if (e.sqlstate == "42P01") return http::json_error(404, "not_found", "no such job");
    return http_pg::response_for_pg_error(e, request);
  }
  if (refused) return http::json_error(refused->status, "forbidden", refused->message);
  if (rows.empty()) return http::json_error(404, "not_found", "no such job");
  const pg::TextRow& r = rows[0];
  auto text = [](std::string& out, const std::optional<std::string>& v) {
    if (v)
      json::append_quoted(out, *v);
    else
      out += "null";
  };
  std::string body = "{\"id\":" + r[0].value_or("0") + ",\"task\":";
  text(body, r[1]);
  body += ",\"status\":";
  text(body, r[2]);
  body += ",\"attempts\":" + r[3].value_or("0") + ",\"max_attempts\":" + r[4].value_or("0") +
          ",\"result\":" + r[5].value_or("null") + ",\"created_at\":";
  text(body, r[6]);
  body += ",\"run_at\":";
  text(body, r[7]);
  body += ",\"completed_at\":";
  text(body, r[8]);
  body += ",\"delivery_id\":" + r[9].value_or("null") + ",\"source\":";
  text(body, r[10]);
  body += "}";
  http::Response response(200, "application/json", std::move(body));
  response.set_header("Cache-Control", "no-store");
  return response;
}

}  // namespace pg_gateway::webhooks_pg
