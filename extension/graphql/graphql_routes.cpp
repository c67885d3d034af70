#include "extension/pg/pg_api.hpp"

extern "C" {
#include "utils/resowner.h"
}

#include "extension/graphql/graphql_routes.hpp"

#include <string>
#include <vector>

#include "core/auth/csrf.hpp"
#include "core/auth/jwt_issue.hpp"
#include "core/graphql/http_transport.hpp"
#include "core/http/cors.hpp"
#include "core/util/sha256.hpp"
#include "core/http/http_error.hpp"
#include "extension/auth/settings.hpp"
#include "extension/graphql/settings.hpp"
#include "extension/http/settings.hpp"
#include "extension/workers/settings.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/subtransaction.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/transaction.hpp"
#include "extension/workers/shared_state.hpp"

namespace pg_gateway::graphql_pg {

namespace transport = graphql::transport;
namespace exec = graphql::exec;
using pg::begin_subtransaction;
using pg::end_subtransaction;
using pg::enter_role;
using pg::leave_role;
using pg::SavedUser;
using pg::SubtransactionScope;

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

// pg_gateway.mask_errors: respond() gives the client PostGraphile's opaque
// "An error occurred (logged with hash: '<hash>', id: '<id>')"; this puts
// the real error in the server log under the same hash and id (one
// exec::mask_key serves both).
void log_masked_error(const exec::SqlError& e, const http::Request& request) {
  exec::MaskKey key = exec::mask_key(e);
  pg::log("pg_gateway: masked GraphQL error (hash: '" + key.hash + "', id: '" + key.id + "') in " +
          request.method_text + " " + request.path + ": SQLSTATE " + e.sqlstate + ": " + e.message +
          (e.detail.empty() ? "" : " DETAIL: " + e.detail));
}

std::string setting(const char* value) { return value ? value : ""; }

// The token cookie's attributes: HttpOnly always (scripts never see the
// token), Path=/, SameSite and Secure as configured.
std::string cookie_attributes() {
  static const char* const kSameSite[] = {"Strict", "Lax", "None"};
  int samesite = auth_pg::settings::jwt_cookie_samesite;
  if (samesite < 0 || samesite > 2) samesite = 1;
  return std::string("; Path=/; HttpOnly") +
         (auth_pg::settings::jwt_cookie_secure ? "; Secure" : "") +
         "; SameSite=" + kSameSite[samesite];
}

// Set-Cookie for an issued token, living as long as the token.
std::string token_cookie(const std::string& name, const auth::IssuedToken& t) {
  int64_t max_age = std::max<int64_t>(0, t.expires_at - int64_t(time(nullptr)));
  return name + "=" + t.token + "; Max-Age=" + std::to_string(max_age) + cookie_attributes();
}

// pg_gateway.rate_limit: which client a request is. An authenticated
// request is its token's subject (so one user cannot spread over many
// addresses, nor be throttled by others behind one NAT); else its address:
// the peer's, or behind a proxy the last entry of the configured header.
uint64_t rate_client(const http::Request& request, const auth_pg::Identity& identity) {
  if (identity.authenticated()) {
    json::ParseResult claims = json::parse(identity.claims_json);
    const json::Value* sub = claims.ok() ? claims.value->find("sub") : nullptr;
    if (sub && sub->is_string()) return http::rate_key("sub", sub->text());
    return http::rate_key("token", identity.claims_json);
  }
  std::string header = setting(http_pg::settings::rate_limit_client_header);
  if (!header.empty()) {
    if (const std::string* v = request.header(http::to_lower(header))) {
      std::string_view list = *v;
      size_t comma = list.rfind(',');
      std::string_view last =
          http::trim_ows(comma == std::string_view::npos ? list : list.substr(comma + 1));
      if (!last.empty()) return http::rate_key("ip", last);
    }
  }
  return http::rate_key("ip", request.remote_addr);
}

// A trusted document's text by its hash (gateway.trusted_documents, read
// with the worker's own connection: PUBLIC may not), or nullptr. Throws
// http::HttpError when the installed extension has no such table yet.
const char* trusted_document(const std::string& hash) {
  const char* h = hash.c_str();
  const char* found = pg::call([h]() -> const char* {
    Oid nsp = get_namespace_oid("gateway", true);
    if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("trusted_documents", nsp)))
      return reinterpret_cast<const char*>(-1);
    Oid types[1] = {TEXTOID};
    Datum values[1] = {CStringGetTextDatum(h)};
    int rc = SPI_execute_with_args("SELECT document FROM gateway.trusted_documents WHERE hash = $1",
                                   1, types, values, nullptr, true, 1);
    if (rc != SPI_OK_SELECT) elog(ERROR, "reading gateway.trusted_documents failed");
    return SPI_processed ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : nullptr;
  });
  if (found == reinterpret_cast<const char*>(-1))
    throw http::HttpError(503, "PGGW503",
                          "pg_gateway.trusted_documents needs extension version 0.5.0: run ALTER "
                          "EXTENSION pg_gateway UPDATE");
  return found;
}

}  // namespace

// pg_gateway.anonymous_role as a role OID, checked per request because the
// role can be dropped or altered at any time. Statements never run as the
// workers' own (superuser) connection: while the setting is empty, requests
// that need data are refused with 503 and the reason.
Oid GraphqlRoutes::request_role() {
  const char* name = auth_pg::settings::anonymous_role ? auth_pg::settings::anonymous_role : "";
  if (!*name) {
    if (!warned_no_role_)
      pg::log_warning(
          "pg_gateway: pg_gateway.anonymous_role is not set, so GraphQL requests that read data "
          "are refused",
          "set pg_gateway.anonymous_role to a role with just the privileges the API needs");
    warned_no_role_ = true;
    throw http::HttpError(503, "PGGW503",
                          "pg_gateway.anonymous_role is not set: GraphQL requests need a role to "
                          "run as (never the workers' superuser connection)");
  }
  Oid role = pg::call([name] { return get_role_oid(name, true); });
  if (!OidIsValid(role))
    throw http::HttpError(
        500, "PGGW500",
        "pg_gateway.anonymous_role names a role that does not exist: " + std::string(name));
  if (pg::call([role] { return superuser_arg(role); }))
    throw http::HttpError(500, "PGGW500",
                          "pg_gateway.anonymous_role names a superuser; pg_gateway never runs "
                          "GraphQL requests as one");
  return role;
}

bool GraphqlRoutes::is_graphql(const http::Request& request) const {
  return graphql_pg::settings::graphql_path && graphql_pg::settings::graphql_path[0] &&
         request.path == graphql_pg::settings::graphql_path;
}

// pg_gateway.logout_path, served while there is a token cookie to clear.
bool GraphqlRoutes::is_logout(const http::Request& request) const {
  return !setting(auth_pg::settings::jwt_cookie).empty() &&
         !setting(auth_pg::settings::logout_path).empty() &&
         request.path == auth_pg::settings::logout_path && !is_graphql(request);
}

std::optional<http::MethodSet> GraphqlRoutes::methods_for(const http::Request& request) {
  if (is_graphql(request)) return http::MethodSet{http::Method::kGet, http::Method::kPost};
  if (is_logout(request)) return http::MethodSet{http::Method::kPost};
  return fallback_ ? fallback_->methods_for(request) : std::nullopt;
}

// Logging out of a cookie session: the cookie is replaced by an expired
// one. Nothing else is needed (tokens are not stored server-side), and it
// is answered without touching the database.
http::Response GraphqlRoutes::logout() {
  http::Response r(204, "", "");
  r.set_header("Set-Cookie",
               setting(auth_pg::settings::jwt_cookie) + "=; Max-Age=0" + cookie_attributes());
  r.set_header("Cache-Control", "no-store");
  return r;
}

http::Response GraphqlRoutes::invoke(http::Request& request) {
  if (is_graphql(request)) {
    http::Response r = serve(request);
    if (r.status != 429) http::add_rate_headers(r, rate_decision_, rate_);
    return r;
  }
  if (is_logout(request)) return logout();
  if (!fallback_) throw http::HttpError(404, "PGGW404", "no route for " + request.path);
  return fallback_->invoke(request);
}

http::Response GraphqlRoutes::serve(http::Request& request) {
  if (!status_.connected) return transport::http_error(503, status_.unavailable_message);
  transport::Incoming in = transport::read_request(request);
  if (in.rejection) return std::move(*in.rejection);
  if (in.over_get) {
    std::optional<graphql::OperationType> op =
        transport::requested_operation(in.params.query, in.params.operation_name);
    if (op && !transport::allowed_over_get(in, *op))
      return transport::get_requires_query(in.format);
  }

  // Who the request runs as: a bad token is refused here, before any
  // transaction.
  auth_pg::Identity identity;
  try {
    if (std::optional<auth_pg::Refusal> refused = auth_.identify(request, &identity))
      return refusal_response(*refused);
  } catch (const http::HttpError& e) {
    return transport::http_error(e.status, e.what());
  }

  // pg_gateway.rate_limit, before any transaction: a refused request costs
  // the database nothing.
  http::RatePolicy rate;
  http::RateDecision rate_decision;
  rate_ = http::RatePolicy{};
  if (http_pg::settings::rate_limit > 0) {
    rate.per_second = http_pg::settings::rate_limit / 60.0;
    rate.burst = http_pg::settings::rate_limit_burst > 0 ? http_pg::settings::rate_limit_burst
                                                         : http_pg::settings::rate_limit;
    rate_decision = shared::take_rate_token(rate_client(request, identity), rate);
    if (!rate_decision.allowed) {
      http::Response r =
          transport::http_error(429, "Too many requests: this client may make " +
                                         std::to_string(http_pg::settings::rate_limit) +
                                         " per minute (pg_gateway.rate_limit); retry after " +
                                         std::to_string(rate_decision.retry_after) + " s");
      http::add_rate_headers(r, rate_decision, rate);
      return r;
    }
  }
  rate_ = rate;  // invoke() adds the headers to whatever this answers
  rate_decision_ = rate_decision;

  exec::RequestOptions options;
  options.mask_errors = graphql_pg::settings::mask_errors;
  options.max_document_bytes = size_t(graphql_pg::settings::max_document_size);
  options.allow_introspection =
      graphql_pg::settings::introspection == 0 ||
      (graphql_pg::settings::introspection == 1 && identity.authenticated());
  options.limits.max_depth = graphql_pg::settings::max_query_depth;
  options.limits.max_aliases = graphql_pg::settings::max_aliases;
  options.limits.max_root_fields = graphql_pg::settings::max_root_fields;
  options.limits.max_cost = graphql_pg::settings::max_query_cost;
  options.limits.default_page = graphql_pg::settings::default_page_size;
  options.limits.max_page = graphql_pg::settings::max_page_size;
  // Tokens issued by a pg_gateway.jwt_type function (PostGraphile's
  // pgJwtTypes), signed when the response is written; the last one also
  // goes into the cookie.
  std::optional<auth::IssuedToken> issued;
  options.issue_jwt = [this, &issued](const json::Value& row) {
    std::optional<std::string> secret = auth_.signing_secret();
    if (!secret)
      throw std::runtime_error(
          "tokens cannot be issued: pg_gateway.jwt_secret holds no HMAC secret to sign them with");
    auth::IssueOptions o;
    o.now = int64_t(time(nullptr));
    std::string audience = setting(auth_pg::settings::jwt_audience);
    if (!audience.empty()) o.audience = audience.substr(0, audience.find(','));
    while (!o.audience.empty() && o.audience.back() == ' ') o.audience.pop_back();
    if (!setting(auth_pg::settings::jwt_issuer).empty()) o.issuer = auth_pg::settings::jwt_issuer;
    issued = auth::issue_hs256(row, *secret, o);
    return issued->token;
  };
  const size_t plan_capacity = size_t(graphql_pg::settings::plan_cache_size);
  std::string activity = request.method_text + " " + request.path;
  request::TransactionOptions tx;
  tx.read_only = true;  // queries; a mutation's fields get transactions of their own
  tx.statement_timeout_ms = workers::settings::statement_timeout_ms;
  tx.activity = activity.c_str();

  std::shared_ptr<const exec::ServedSchema> schema;
  std::optional<exec::PreparedRequest> prepared;
  std::vector<exec::FieldResult> results;
  std::optional<pg::PgError> statement_error;
  std::optional<auth_pg::Refusal> refused;
  std::optional<std::string> untrusted;  // why a trusted-documents request may not run
  bool running_statement = false;
  try {
    request::run_in_transaction(tx, [&] {
      // With pg_gateway.role_schemas, the schema is the request's role's:
      // the role is resolved (and a refused one answered) first. Without a
      // token and without an anonymous role there is no role yet; such a
      // request gets the default schema, and 503 if it needs data.
      Oid role = InvalidOid;
      std::string schema_role;
      bool role_known =
          graphql_pg::settings::role_schemas &&
          (identity.authenticated() || !setting(auth_pg::settings::anonymous_role).empty());
      if (role_known) {
        refused = auth_.resolve_role(identity, request_role(), &role);
        if (refused) return;
        schema_role =
            identity.role.empty() ? setting(auth_pg::settings::anonymous_role) : identity.role;
      }
      bool rebuilt = false;
      schema = schemas_.current(status_.database, schema_role, rebuilt);
      if (rebuilt) plans_.clear();
      std::optional<std::string_view> operation_name;
      if (in.params.operation_name) operation_name = *in.params.operation_name;
      // pg_gateway.trusted_documents: a document named by its hash comes
      // from the table ('allow', 'only'); with 'only', a document sent in
      // full runs only if the table has it too.
      std::string document = in.params.query;
      if (in.params.document_id || graphql_pg::settings::trusted_documents == 2) {
        if (graphql_pg::settings::trusted_documents == 0) {
          untrusted = "documentId needs pg_gateway.trusted_documents = allow or only";
          return;
        }
        std::string hash =
            in.params.document_id ? *in.params.document_id : util::sha256_hex(in.params.query);
        const char* text = trusted_document(hash);
        if (!text) {
          untrusted = in.params.document_id
                          ? "PersistedQueryNotFound: no trusted document has the id sha256:" + hash
                          : std::string(
                                "this document is not a trusted document "
                                "(pg_gateway.trusted_documents = only): send the "
                                "documentId of one in gateway.trusted_documents");
          return;
        }
        document = text;
      }
      prepared = exec::prepare(*schema, document, &in.params.variables, operation_name, options);
      if (prepared->is_request_error()) return;
      if (!transport::allowed_over_get(in, prepared->operation_type())) return;
      const exec::SqlStatement* statement = prepared->statement();
      if (!statement && prepared->mutation_steps().empty()) return;
      if (!role_known) refused = auth_.resolve_role(identity, request_role(), &role);
      if (refused || !statement) return;  // mutations run below, a transaction per field
      running_statement = true;
      SavedUser saved = enter_role(role);
      auth_.apply_settings(identity, request);
      TextRow row = plans_.run(*statement, plan_capacity);
      leave_role(saved);
      results.reserve(row.size());
      for (std::optional<std::string>& column : row) results.push_back({std::move(column), {}});
    });
  } catch (const pg::PgError& e) {
    if (!running_statement)
      return transport::http_error(503, "could not build the GraphQL schema: " + e.message);
    statement_error = e;
  } catch (const http::HttpError& e) {
    return transport::http_error(e.status, e.what());  // the extension is not installed
  }

  if (refused) return refusal_response(*refused);
  if (untrusted) return transport::http_error(400, *untrusted);
  if (!prepared) return transport::http_error(500, "the request was not prepared");
  if (prepared->is_request_error())
    return with_auth_headers(
        transport::graphql_response(in.format, true, prepared->respond({}, options)), identity);
  if (!transport::allowed_over_get(in, prepared->operation_type()))
    return transport::get_requires_query(in.format);

  if (!prepared->mutation_steps().empty()) {
    if (identity.source == auth::TokenSource::kCookie) {
      http::CorsPolicy cors;
      try {
        cors = http::CorsPolicy::parse(setting(http_pg::settings::cors_allowed_origins));
      } catch (const std::invalid_argument&) {
        // The check hook refuses such a setting; nothing is allowed then.
      }
      if (std::optional<std::string> refused =
              auth::csrf_refusal(request, cors, setting(auth_pg::settings::csrf_header))) {
        pg::log("pg_gateway: refused a cookie-authenticated mutation: " + *refused);
        return transport::http_error(403, *refused);
      }
    }
    std::vector<std::optional<exec::SqlError>> step_errors;
    run_mutation(*prepared, identity, request, results, step_errors);
    if (options.mask_errors)
      for (const std::optional<exec::SqlError>& e : step_errors)
        if (e) log_masked_error(*e, request);
    http::Response r =
        with_auth_headers(transport::graphql_response(
                              in.format, false, prepared->respond(results, options, step_errors)),
                          identity);
    r.close = request::cancelled_for_shutdown();
    return with_token_cookie(std::move(r), issued);
  }

  if (statement_error) {
    if (statement_error->sqlstate == "57014" && request::cancelled_for_shutdown()) {
      http::Response r =
          transport::http_error(503, "request cancelled because the server is shutting down");
      r.close = true;
      return r;
    }
    const std::vector<exec::SqlStatement>& fields = prepared->field_statements();
    results.assign(std::max<size_t>(fields.size(), 1),
                   exec::FieldResult{std::nullopt, to_sql_error(*statement_error)});
    if (fields.size() > 1 && worth_retrying_per_field(statement_error->sqlstate)) {
      // Which field failed? Each in its own subtransaction of one new
      // transaction, so the others keep their data.
      try {
        request::run_in_transaction(tx, [&] {
          Oid role = InvalidOid;
          if (auth_.resolve_role(identity, request_role(), &role))
            throw http::HttpError(403, "PGGW403", "role refused");  // it was accepted just now
          for (size_t i = 0; i < fields.size(); ++i) {
            SubtransactionScope scope = begin_subtransaction();
            try {
              SavedUser saved = enter_role(role);
              auth_.apply_settings(identity, request);
              TextRow row = plans_.run(fields[i], plan_capacity);
              leave_role(saved);
              results[i] = {row.empty() ? std::nullopt : std::move(row[0]), std::nullopt};
            } catch (const pg::PgError& e) {
              end_subtransaction(scope, false);
              results[i] = {std::nullopt, to_sql_error(e)};
              continue;
            }
            end_subtransaction(scope, true);
          }
        });
      } catch (const pg::PgError&) {
        // The retry itself failed (the server is shutting down, say): every
        // field keeps the first error.
        results.assign(fields.size(), {std::nullopt, to_sql_error(*statement_error)});
      } catch (const http::HttpError&) {
        results.assign(fields.size(), {std::nullopt, to_sql_error(*statement_error)});
      }
    }
  }
  if (options.mask_errors)
    for (const exec::FieldResult& r : results)
      if (r.error) log_masked_error(*r.error, request);
  return with_token_cookie(
      with_auth_headers(
          transport::graphql_response(in.format, false, prepared->respond(results, options)),
          identity),
      issued);
}

// A response that issued a token sets it as the cookie, when one is named;
// such a response is never cached.
http::Response GraphqlRoutes::with_token_cookie(http::Response r,
                                                const std::optional<auth::IssuedToken>& issued) {
  if (!issued) return r;
  r.set_header("Cache-Control", "private, no-store");
  std::string name = setting(auth_pg::settings::jwt_cookie);
  if (!name.empty()) r.set_header("Set-Cookie", token_cookie(name, *issued));
  return r;
}

// A mutation: each root field in its own transaction, in document order
// (GraphQL runs mutation fields serially), so that a failing field rolls
// back only its own writes and the fields before it stay committed, as in
// PostGraphile. In each: the role and the request settings, the action,
// then the payload statement with the action's value as $1 (a separate
// statement, which sees the action's writes). No transaction is open
// between fields, and none across network I/O: the response is sent after
// the last one.
void GraphqlRoutes::run_mutation(const exec::PreparedRequest& prepared,
                                 const auth_pg::Identity& identity, const http::Request& request,
                                 std::vector<exec::FieldResult>& results,
                                 std::vector<std::optional<exec::SqlError>>& step_errors) {
  // A delete that found nothing: an error of the field, raised as a C++
  // exception so that run_in_transaction rolls back.
  struct MissingRow {
    std::string message;
  };
  const size_t plan_capacity = size_t(graphql_pg::settings::plan_cache_size);
  std::string activity = request.method_text + " " + request.path + " (mutation)";
  request::TransactionOptions tx;
  tx.read_only = false;
  tx.statement_timeout_ms = workers::settings::statement_timeout_ms;
  tx.activity = activity.c_str();
  const std::vector<exec::MutationStep>& steps = prepared.mutation_steps();
  step_errors.assign(steps.size(), std::nullopt);
  for (size_t i = 0; i < steps.size(); ++i) {
    const exec::MutationStep& step = steps[i];
    results.resize(std::max(results.size(), step.first_column + step.columns));
    if (request::cancelled_for_shutdown()) {
      // The server is stopping: what has not started does not start.
      step_errors[i] =
          exec::SqlError{"57P01", "request cancelled because the server is shutting down", "", ""};
      continue;
    }
    std::vector<std::optional<std::string>> payload_row;
    try {
      request::run_in_transaction(tx, [&] {
        Oid role = InvalidOid;
        if (auth_.resolve_role(identity, request_role(), &role))
          throw http::HttpError(403, "PGGW403", "the request's role was refused");
        SavedUser saved = enter_role(role);
        auth_.apply_settings(identity, request);
        TextRow action = plans_.run(step.action, plan_capacity, false);
        std::optional<std::string> value = action.empty() ? std::nullopt : std::move(action[0]);
        if (!value && !step.missing_row_error.empty()) throw MissingRow{step.missing_row_error};
        if (step.payload) {
          exec::SqlStatement payload = *step.payload;
          payload.params[0] = std::move(value);
          payload_row = plans_.run(payload, plan_capacity, false);
        }
        leave_role(saved);
      });
    } catch (const pg::PgError& e) {
      step_errors[i] = to_sql_error(e);
      continue;
    } catch (const MissingRow& e) {
      // P0002 no_data_found; masked like a database error, as PostGraphile does.
      step_errors[i] = exec::SqlError{"P0002", e.message, "", ""};
      continue;
    } catch (const http::HttpError& e) {
      step_errors[i] = exec::SqlError{"42501", e.what(), "", ""};
      continue;
    }
    for (size_t c = 0; c < step.columns && c < payload_row.size(); ++c)
      results[step.first_column + c] = {std::move(payload_row[c]), std::nullopt};
  }
}

// 401 with WWW-Authenticate (RFC 6750), or 403; a GraphQL error body.
http::Response GraphqlRoutes::refusal_response(const auth_pg::Refusal& refused) {
  http::Response r = transport::http_error(refused.status, refused.message);
  if (!refused.www_authenticate.empty()) r.set_header("WWW-Authenticate", refused.www_authenticate);
  return r;
}

// A response computed for one caller's token must not be cached for
// another: shared caches keep out, and caches that do store key on the
// credentials.
http::Response GraphqlRoutes::with_auth_headers(http::Response r,
                                                const auth_pg::Identity& identity) {
  if (!identity.authenticated()) return r;
  r.set_header("Cache-Control", "private, no-store");
  http::add_vary(r, "Authorization, Cookie");
  return r;
}

}  // namespace pg_gateway::graphql_pg
