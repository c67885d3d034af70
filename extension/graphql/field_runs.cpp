// The "run" step of a GraphQL request (graphql_request.hpp): statements that
// each get a transaction or subtransaction of their own.
#include "extension/pg/pg_api.hpp"

#include "core/http/http_error.hpp"
#include "extension/graphql/graphql_request.hpp"
#include "extension/graphql/settings.hpp"
#include "extension/pg/subtransaction.hpp"
#include "extension/workers/settings.hpp"

namespace pg_gateway::graphql_pg {

namespace exec = graphql::exec;

namespace {

// Errors after which running the root fields one by one would not help, or
// would run without the statement_timeout that the failed statement used
// up: cancels and timeouts (57), resources (53), program limits (54),
// system and internal errors (58, XX).
bool worth_retrying_per_field(const std::string& sqlstate) {
  std::string cls = sqlstate.substr(0, 2);
  return cls != "57" && cls != "53" && cls != "54" && cls != "58" && cls != "XX";
}

exec::SqlError to_sql_error(const pg::PgError& e) {
  return {e.sqlstate, e.message, e.detail, e.hint};
}

// A delete that found nothing: an error of the field, raised as a C++
// exception so that run_in_transaction rolls back.
struct MissingRow {
  std::string message;
};

}  // namespace

// A mutation: each root field in its own transaction, in document order
// (GraphQL runs mutation fields serially), so that a failing field rolls
// back only its own writes and the fields before it stay committed, as in
// PostGraphile. In each: the role and the request settings, the action,
// then the payload statement with the action's value as $1 (a separate
// statement, which sees the action's writes). No transaction is open
// between fields, and none across network I/O: the response is sent after
// the last one.
void GraphqlRequest::run_mutation() {
  const size_t plan_capacity = size_t(settings::plan_cache_size);
  std::string activity = request_.method_text + " " + request_.path + " (mutation)";
  pg::TransactionOptions tx;
  tx.read_only = false;
  tx.statement_timeout_ms = workers::settings::statement_timeout_ms;
  tx.activity = activity.c_str();
  const std::vector<exec::MutationStep>& steps = prepared_->mutation_steps();
  step_errors_.assign(steps.size(), std::nullopt);
  for (size_t i = 0; i < steps.size(); ++i) {
    const exec::MutationStep& step = steps[i];
    results_.resize(std::max(results_.size(), step.first_column + step.columns));
    if (pg::cancelled_for_shutdown()) {
      // The server is stopping: what has not started does not start.
      step_errors_[i] =
          exec::SqlError{"57P01", "request cancelled because the server is shutting down", "", ""};
      continue;
    }
    std::vector<std::optional<std::string>> payload_row;
    try {
      pg::run_in_transaction(tx, [&] {
        Oid role = InvalidOid;
        if (routes_.auth_.resolve_role(identity_, routes_.request_role(), &role))
          throw http::HttpError(403, "PGGW403", "the request's role was refused");
        pg::SavedUser saved = pg::enter_role(role);
        routes_.auth_.apply_settings(identity_, request_);
        TextRow action = routes_.plans_.run(step.action, plan_capacity, false);
        std::optional<std::string> value = action.empty() ? std::nullopt : std::move(action[0]);
        if (!value && !step.missing_row_error.empty()) throw MissingRow{step.missing_row_error};
        if (step.payload) {
          exec::SqlStatement payload = *step.payload;
          payload.params[0] = std::move(value);
          payload_row = routes_.plans_.run(payload, plan_capacity, false);
        }
        pg::leave_role(saved);
      });
    } catch (const pg::PgError& e) {
      step_errors_[i] = to_sql_error(e);
      continue;
    } catch (const MissingRow& e) {
      // P0002 no_data_found; masked like a database error, as PostGraphile does.
      step_errors_[i] = exec::SqlError{"P0002", e.message, "", ""};
      continue;
    } catch (const http::HttpError& e) {
      step_errors_[i] = exec::SqlError{"42501", e.what(), "", ""};
      continue;
    }
    for (size_t c = 0; c < step.columns && c < payload_row.size(); ++c)
      results_[step.first_column + c] = {std::move(payload_row[c]), std::nullopt};
  }
}

// The query's one statement failed. Every field gets that error, unless
// there are several fields and the error is worth it: then each runs in its
// own subtransaction of one new transaction, so the others keep their data.
void GraphqlRequest::run_fields_separately() {
  const std::vector<exec::SqlStatement>& fields = prepared_->field_statements();
  results_.assign(std::max<size_t>(fields.size(), 1),
                  exec::FieldResult{std::nullopt, to_sql_error(*statement_error_)});
  if (fields.size() <= 1 || !worth_retrying_per_field(statement_error_->sqlstate)) return;
  const size_t plan_capacity = size_t(settings::plan_cache_size);
  try {
    pg::run_in_transaction(tx_, [&] {
      Oid role = InvalidOid;
      if (routes_.auth_.resolve_role(identity_, routes_.request_role(), &role))
        throw http::HttpError(403, "PGGW403", "role refused");  // it was accepted just now
      for (size_t i = 0; i < fields.size(); ++i) {
        pg::SubtransactionScope scope = pg::begin_subtransaction();
        try {
          pg::SavedUser saved = pg::enter_role(role);
          routes_.auth_.apply_settings(identity_, request_);
          TextRow row = routes_.plans_.run(fields[i], plan_capacity);
          pg::leave_role(saved);
          results_[i] = {row.empty() ? std::nullopt : std::move(row[0]), std::nullopt};
        } catch (const pg::PgError& e) {
          pg::end_subtransaction(scope, false);
          results_[i] = {std::nullopt, to_sql_error(e)};
          continue;
        }
        pg::end_subtransaction(scope, true);
      }
    });
  } catch (const pg::PgError&) {
    // The retry itself failed (the server is shutting down, say): every
    // field keeps the first error.
    results_.assign(fields.size(), {std::nullopt, to_sql_error(*statement_error_)});
  } catch (const http::HttpError&) {
    results_.assign(fields.size(), {std::nullopt, to_sql_error(*statement_error_)});
  }
}

}  // namespace pg_gateway::graphql_pg
