#include "extension/pg/pg_api.hpp"

#include "extension/graphql/graphql_request.hpp"

#include <ctime>

#include <algorithm>

#include "core/auth/csrf.hpp"
#include "core/http/conditional.hpp"
#include "core/http/fields.hpp"
#include "core/http/cors.hpp"
#include "core/http/http_error.hpp"
#include "core/util/sha256.hpp"
#include "extension/auth/session_routes.hpp"
#include "extension/auth/settings.hpp"
#include "extension/cache/response_cache.hpp"
#include "extension/cache/settings.hpp"
#include "extension/graphql/settings.hpp"
#include "extension/graphql/trusted_documents.hpp"
#include "extension/http/access_log.hpp"
#include "extension/http/rate_limit.hpp"
#include "extension/metrics/recorder.hpp"
#include "extension/http/settings.hpp"
#include "extension/pg/catalog.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/settings.hpp"
#include "extension/pg/subtransaction.hpp"
#include "extension/request_log/settings.hpp"
#include "extension/workers/settings.hpp"

namespace pg_gateway::graphql_pg {

namespace transport = graphql::transport;
namespace exec = graphql::exec;
using pg::settings::text;

namespace {

// pg_gateway.mask_errors: the client gets PostGraphile's opaque "An error
// occurred (logged with hash: '<hash>', id: '<id>')"; this puts the real
// error in the server log under the same hash and id (one exec::mask_key
// serves both), with its SQLSTATE and DETAIL as the log line's own.
void log_masked_error(const exec::SqlError& e, const http::Request& request) {
  exec::MaskKey key = exec::mask_key(e);
  pg::log(pg::LogEntry{"pg_gateway: masked GraphQL error (hash: '" + key.hash + "', id: '" +
                           key.id + "') in " + request.method_text + " " + request.path + ": " +
                           e.message,
                       e.detail, e.hint, pg::sqlstate_code(e.sqlstate)});
}

// pg_gateway.rate_limit: which client a request is. An authenticated
// request is its token's subject (so one user cannot spread over many
// addresses, nor be throttled by others behind one NAT); else its address.
uint64_t rate_client(const http::Request& request, const auth_pg::Identity& identity) {
  if (identity.authenticated()) {
    json::ParseResult claims = json::parse(identity.claims_json);
    const json::Value* sub = claims.ok() ? claims.value->find("sub") : nullptr;
    if (sub && sub->is_string()) return http::rate_key("sub", sub->text());
    return http::rate_key("token", identity.claims_json);
  }
  return http_pg::rate_client_address(request);
}

int64_t now_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// 401 with WWW-Authenticate (RFC 6750), or 403; a GraphQL error body.
http::Response refusal_response(const auth_pg::Refusal& refused) {
  http::Response r = transport::http_error(refused.status, refused.message);
  if (!refused.www_authenticate.empty()) r.set_header("WWW-Authenticate", refused.www_authenticate);
  return r;
}

}  // namespace

// Every response after the rate limit's step carries its headers (a 429
// has them already).
http::Response GraphqlRequest::answer() {
  http::Response r = run_steps();
  if (r.status != 429) http::add_rate_headers(r, rate_decision_, rate_);
  return r;
}

http::Response GraphqlRequest::run_steps() {
  if (!routes_.status_.connected)
    return transport::http_error(503, routes_.status_.unavailable_message);
  if (Stop s = read()) return std::move(*s);
  annotate_document();
  Stop refused = identify();
  if (refused) return std::move(*refused);
  annotate_identity();
  if (Stop s = limit()) return std::move(*s);
  configure();
  if (Stop s = answer_without_transaction()) return std::move(*s);
  before_ = caching::read_versions_before();  // before the transaction's snapshot
  if (Stop s = prepare()) return std::move(*s);
  return prepared_->mutation_steps().empty() ? answer_query() : answer_mutation();
}

// The transport: a refused request (bad JSON, wrong content type) and an
// operation that GET may not run end here.
GraphqlRequest::Stop GraphqlRequest::read() {
  in_ = transport::read_request(request_);
  if (in_.rejection) return std::move(*in_.rejection);
  if (in_.over_get) {
    std::optional<graphql::OperationType> op =
        transport::requested_operation(in_.params.query, in_.params.operation_name);
    if (op && !transport::allowed_over_get(in_, *op))
      return transport::get_requires_query(in_.format);
  }
  return std::nullopt;
}

// For the request log: the operation asked for and the document's hash
// (a trusted document's id as sent; else the SHA-256 of the query text,
// computed only while the request log is on). The access log wants the
// operation only.
void GraphqlRequest::annotate_document() {
  const bool request_log =
      request_log_pg::settings::mode != int(request_log_pg::settings::Mode::kOff);
  if (!request_log && !http_pg::access_log::enabled()) return;
  http::RequestAnnotations& a = request_.annotations;
  if (in_.params.operation_name) a.operation_name = *in_.params.operation_name;
  if (!request_log) return;
  if (in_.params.document_id)
    a.document_hash = *in_.params.document_id;
  else if (!in_.params.query.empty())
    a.document_hash = util::sha256_hex(in_.params.query);
}

// For the request log: the token's subject, and the role the request runs
// as (the token's, else pg_gateway.anonymous_role); nothing for a request
// whose token was refused (401): it is not called for those.
void GraphqlRequest::annotate_identity() {
  http::RequestAnnotations& a = request_.annotations;
  a.jwt_sub = identity_.subject;
  a.role = identity_.role.empty() ? text(auth_pg::settings::anonymous_role) : identity_.role;
}

// Who the request runs as: a bad token is refused before any transaction.
GraphqlRequest::Stop GraphqlRequest::identify() {
  try {
    if (std::optional<auth_pg::Refusal> refused = routes_.auth_.identify(request_, &identity_))
      return refusal_response(*refused);
  } catch (const http::HttpError& e) {
    return transport::http_error(e.status, e.what());
  }
  return std::nullopt;
}

// pg_gateway.rate_limit, before any transaction: a refused request costs
// the database nothing.
GraphqlRequest::Stop GraphqlRequest::limit() {
  std::optional<http::RatePolicy> policy = http_pg::rate_policy();
  if (!policy) return std::nullopt;
  http::RateDecision decision = http_pg::take_rate_token(rate_client(request_, identity_), *policy);
  if (!decision.allowed) {
    metrics_pg::count_rate_limit_refusal();
    http::Response r =
        transport::http_error(429, "Too many requests: this client may make " +
                                       std::to_string(http_pg::settings::rate_limit) +
                                       " per minute (pg_gateway.rate_limit); retry after " +
                                       std::to_string(decision.retry_after) + " s");
    http::add_rate_headers(r, decision, *policy);
    return r;
  }
  rate_ = *policy;  // answer() adds the headers to whatever the request gets
  rate_decision_ = decision;
  return std::nullopt;
}

// The options of this request, from the settings as they are now.
void GraphqlRequest::configure() {
  namespace s = settings;
  options_.mask_errors = s::mask_errors;
  options_.max_document_bytes = size_t(s::max_document_size);
  options_.allow_introspection =
      s::introspection == 0 || (s::introspection == 1 && identity_.authenticated());
  options_.limits.max_depth = s::max_query_depth;
  options_.limits.max_aliases = s::max_aliases;
  options_.limits.max_root_fields = s::max_root_fields;
  options_.limits.max_cost = s::max_query_cost;
  options_.limits.default_page = s::default_page_size;
  options_.limits.max_page = s::max_page_size;
  options_.cache_default_max_age = cache_pg::settings::cache_default_max_age;
  options_.issue_jwt = [this](const json::Value& row) { return issue_token(row); };
  activity_ = request_.method_text + " " + request_.path;
  tx_.read_only = true;  // queries; a mutation's fields get transactions of their own
  tx_.statement_timeout_ms = workers::settings::statement_timeout_ms;
  tx_.activity = activity_.c_str();
}

// A login mutation's token, signed with pg_gateway.jwt_secret's HMAC secret.
std::string GraphqlRequest::issue_token(const json::Value& row) {
  std::optional<std::string> secret = routes_.auth_.signing_secret();
  if (!secret)
    throw std::runtime_error(
        "tokens cannot be issued: pg_gateway.jwt_secret holds no HMAC secret to sign them with");
  auth::IssueOptions o;
  o.now = int64_t(time(nullptr));
  o.issued_at = auth_pg::settings::jwt_issue_iat;
  std::string audience = text(auth_pg::settings::jwt_audience);
  if (!audience.empty()) o.audience = audience.substr(0, audience.find(','));
  while (!o.audience.empty() && o.audience.back() == ' ') o.audience.pop_back();
  if (!text(auth_pg::settings::jwt_issuer).empty()) o.issuer = auth_pg::settings::jwt_issuer;
  issued_ = auth::issue_hs256(row, *secret, o);
  return issued_->token;
}

// The read-only transaction; then what it found that ends the request.
GraphqlRequest::Stop GraphqlRequest::prepare() {
  try {
    pg::run_in_transaction(tx_, [this] { prepare_in_transaction(); });
  } catch (const pg::PgError& e) {
    if (!running_statement_)
      return transport::http_error(503, "could not build the GraphQL schema: " + e.message);
    statement_error_ = e;
  } catch (const http::HttpError& e) {
    return transport::http_error(e.status, e.what());  // the extension is not installed
  }
  if (refused_) return refusal_response(*refused_);
  if (untrusted_) return transport::http_error(400, *untrusted_);
  if (!prepared_) return transport::http_error(500, "the request was not prepared");
  if (prepared_->is_request_error())
    return graphql_response(true, prepared_->respond({}, options_));
  if (!transport::allowed_over_get(in_, prepared_->operation_type()))
    return transport::get_requires_query(in_.format);
  return std::nullopt;
}

// Inside the transaction. With pg_gateway.role_schemas, the schema is the
// request's role's: the role is resolved (and a refused one answered)
// first. Without a token and without an anonymous role there is no role
// yet; such a request gets the default schema, and 503 if it needs data.
void GraphqlRequest::prepare_in_transaction() {
  auth_pg::RequestAuthenticator& auth = routes_.auth_;
  std::string schema_role;
  role_known_ = settings::role_schemas &&
                (identity_.authenticated() || !text(auth_pg::settings::anonymous_role).empty());
  if (role_known_) {
    refused_ = auth.resolve_role(identity_, routes_.request_role(), &role_);
    if (refused_) return;
    schema_role = identity_.role.empty() ? text(auth_pg::settings::anonymous_role) : identity_.role;
  }
  bool rebuilt = false;
  schema_ = routes_.schemas_.current(routes_.status_.database, schema_role, rebuilt);
  if (rebuilt) routes_.plans_.clear();
  std::optional<std::string_view> operation_name;
  if (in_.params.operation_name) operation_name = *in_.params.operation_name;
  std::optional<std::string> document = trusted_documents::document_for(in_.params, &untrusted_);
  if (untrusted_) return;
  prepared_ = exec::prepare(*schema_, document ? *document : in_.params.query,
                            &in_.params.variables, operation_name, options_);
  if (prepared_->is_request_error()) return;
  // The operation that runs, named in the document even when the request
  // did not name it: the audit trail's and the request log's.
  request_.annotations.operation_name = prepared_->operation_name();
  if (!transport::allowed_over_get(in_, prepared_->operation_type())) return;
  if (prepared_->operation_type() == graphql::OperationType::kQuery) decide_caching();
  const exec::SqlStatement* statement = prepared_->statement();
  if (!statement && prepared_->mutation_steps().empty()) {
    not_modified_ = not_modified_in_transaction();
    return;
  }
  if (!role_known_) refused_ = auth.resolve_role(identity_, routes_.request_role(), &role_);
  if (refused_ || !statement) return;  // mutations run later, a transaction per field
  running_statement_ = true;
  pg::SavedUser saved = pg::enter_role(role_);
  auth.apply_settings(identity_, request_);
  // After the pre-request function, which may refuse the request.
  if (not_modified_in_transaction()) {
    not_modified_ = true;
    pg::leave_role(saved);
    return;
  }
  TextRow row = routes_.plans_.run(*statement, size_t(settings::plan_cache_size));
  pg::leave_role(saved);
  results_.reserve(row.size());
  for (std::optional<std::string>& column : row) results_.push_back({std::move(column), {}});
}

// A cookie-authenticated mutation must not be forged by another site.
GraphqlRequest::Stop GraphqlRequest::refuse_forged_mutation() {
  if (identity_.source != auth::TokenSource::kCookie) return std::nullopt;
  http::CorsPolicy cors;
  try {
    cors = http::CorsPolicy::parse(text(http_pg::settings::cors_allowed_origins));
  } catch (const std::invalid_argument&) {
    // The check hook refuses such a setting; nothing is allowed then.
  }
  std::optional<std::string> refused =
      auth::csrf_refusal(request_, cors, text(auth_pg::settings::csrf_header));
  if (!refused) return std::nullopt;
  pg::log("pg_gateway: refused a cookie-authenticated mutation: " + *refused);
  return transport::http_error(403, *refused);
}

http::Response GraphqlRequest::answer_mutation() {
  if (Stop s = refuse_forged_mutation()) return std::move(*s);
  run_mutation();
  if (options_.mask_errors)
    for (const std::optional<exec::SqlError>& e : step_errors_)
      if (e) log_masked_error(*e, request_);
  http::Response r = graphql_response(false, prepared_->respond(results_, options_, step_errors_));
  r.close = pg::cancelled_for_shutdown();
  return auth_pg::with_token_cookie(std::move(r), issued_);
}

http::Response GraphqlRequest::answer_query() {
  if (not_modified_) {
    ++routes_.cache_stats_.not_modified;
    routes_.memo_.remember(key_, {reads_, max_age_, cache_headers(true, false)});
    return caching::not_modified(cache_headers(true, true));
  }
  if (statement_error_) {
    if (statement_error_->sqlstate == "57014" && pg::cancelled_for_shutdown()) {
      http::Response r =
          transport::http_error(503, "request cancelled because the server is shutting down");
      r.close = true;
      return r;
    }
    run_fields_separately();
  }
  log_masked_errors();
  std::string body = prepared_->respond(results_, options_);
  // Field errors (written first), or a token in the data: never cached.
  bool cacheable = max_age_ > 0 && body.rfind("{\"errors\"", 0) != 0 && !issued_;
  if (cache_pg::settings::cache_control_extension && !body.empty() && body.back() == '}') {
    body.insert(body.size() - 1, ",\"extensions\":{\"cacheControl\":{\"version\":1,\"maxAge\":" +
                                     std::to_string(cacheable ? max_age_ : 0) + ",\"scope\":\"" +
                                     (private_ ? "PRIVATE" : "PUBLIC") + "\"}}");
  }
  http::Response r = transport::graphql_response(in_.format, false, std::move(body));
  caching::apply(r, cache_headers(cacheable, true));
  if (cacheable && validator_ && validator_->valid) {
    routes_.memo_.remember(key_, {reads_, max_age_, cache_headers(true, false)});
    store_in_shared_cache(r);
  }
  return auth_pg::with_token_cookie(std::move(r), issued_);
}

http::Response GraphqlRequest::graphql_response(bool request_error, std::string body) const {
  http::Response r = transport::graphql_response(in_.format, request_error, std::move(body));
  caching::apply(r, cache_headers(false, false));
  return r;
}

// HTTP caching without a transaction: an If-None-Match this worker has
// seen the validator of (RevalidationMemo), then the shared response
// cache. Not while pg_gateway.pre_request is set: that function must run
// for every request, and only a transaction can run it.
GraphqlRequest::Stop GraphqlRequest::answer_without_transaction() {
  if (!text(auth_pg::settings::pre_request).empty()) return std::nullopt;
  const std::string* inm = caching::if_none_match(request_);
  bool shared = !identity_.authenticated() && cache_pg::response_cache::enabled() &&
                !caching::request_directives(request_).no_cache;
  if (!inm && !shared) return std::nullopt;
  ensure_key();
  if (inm) {
    if (std::optional<http::Response> r =
            routes_.memo_.revalidate(key_, *inm, int64_t(time(nullptr)))) {
      ++routes_.cache_stats_.not_modified;
      return r;
    }
  }
  if (!shared) return std::nullopt;
  return answer_from_shared_cache(inm);
}

// A shared cache hit is sent as stored, with its Age; 304 when the
// request's If-None-Match names its ETag.
GraphqlRequest::Stop GraphqlRequest::answer_from_shared_cache(const std::string* inm) {
  namespace rc = cache_pg::response_cache;
  int64_t now = now_ms();
  rc::Lookup found = rc::lookup(key_, now);
  ResponseCacheStats& stats = routes_.cache_stats_;
  if (found.outcome != rc::Outcome::kHit || !found.response) {
    ++stats.misses;
    if (found.outcome == rc::Outcome::kEvicted) ++stats.evictions;
    return std::nullopt;
  }
  ++stats.hits;
  rc::StoredResponse& hit = *found.response;
  std::vector<std::pair<std::string, std::string>> headers = hit.headers;
  headers.emplace_back("Age",
                       std::to_string(std::max<int64_t>(0, (now - hit.stored_at_ms) / 1000)));
  headers.emplace_back("X-Cache", "HIT");
  for (const auto& [name, value] : hit.headers) {
    if (name == "ETag" && inm && http::if_none_match_matches(*inm, value)) {
      ++stats.not_modified;
      return caching::not_modified(headers);
    }
  }
  http::Response r(hit.status, hit.content_type, std::move(hit.body));
  caching::apply(r, headers);
  return r;
}

// The request key, computed once (the role is the one annotate_identity
// recorded: the token's, else pg_gateway.anonymous_role).
void GraphqlRequest::ensure_key() {
  if (keyed_) return;
  key_ = caching::request_key(in_, identity_, request_.annotations.role);
  keyed_ = true;
}

// In the transaction, for a query: its policy (core's, from the fields
// selected and their @pgCacheControl), made PRIVATE for authenticated
// requests and row-security reads; and when it may be cached, what it
// reads and its validator.
void GraphqlRequest::decide_caching() {
  const graphql::cache::CachePolicy& policy = prepared_->cache_policy();
  // A database still at extension 0.6.0 reflects no view reads nor row
  // security: nothing can be promised then.
  max_age_ = schema_->catalog().has_cache_facts ? policy.max_age.value_or(0) : 0;
  private_ = policy.scope == graphql::cache::Scope::kPrivate || identity_.authenticated() ||
             policy.reads_row_security;
  if (max_age_ <= 0) return;
  const graphql::cache::ReadSet& reads = prepared_->reads();
  reads_.relations.assign(reads.relations.begin(), reads.relations.end());
  reads_.opaque = reads.opaque;
  // A trusted document's text comes from a table too: removing it must
  // stop the cached answers.
  if (settings::trusted_documents != 0 &&
      (in_.params.document_id || settings::trusted_documents == 2)) {
    Oid documents = pg::gateway_relation("trusted_documents");
    if (OidIsValid(documents)) reads_.relations.push_back(documents);
  }
  std::sort(reads_.relations.begin(), reads_.relations.end());
  reads_.relations.erase(std::unique(reads_.relations.begin(), reads_.relations.end()),
                         reads_.relations.end());
  surrogate_keys_ = caching::surrogate_keys(reads_.relations);
  ensure_key();
  validator_ = caching::validate(key_, before_, reads_, max_age_, int64_t(time(nullptr)));
}

// Whether the request's If-None-Match names the query's current ETag.
bool GraphqlRequest::not_modified_in_transaction() {
  const std::string* inm = caching::if_none_match(request_);
  return inm && max_age_ > 0 && validator_ && validator_->valid &&
         http::if_none_match_matches(*inm, validator_->etag);
}

// Cache-Control for every GraphQL response: "public|private, max-age=N"
// for a cacheable query, else no-store ("private, no-store" for an
// authenticated request). Vary: Authorization (and Cookie) while tokens
// are accepted. ETag and Surrogate-Key for cacheable ones.
std::vector<std::pair<std::string, std::string>> GraphqlRequest::cache_headers(
    bool cacheable, bool with_etag) const {
  std::vector<std::pair<std::string, std::string>> h;
  // The credentials that can authenticate a request change its answer:
  // a cache must key on them (a public answer is an anonymous one).
  bool token_auth = !text(auth_pg::settings::jwt_secret).empty();
  bool cookie_auth = token_auth && !text(auth_pg::settings::jwt_cookie).empty();
  if (cookie_auth)
    h.emplace_back("Vary", "Authorization, Cookie");
  else if (token_auth)
    h.emplace_back("Vary", "Authorization");
  if (!cacheable) {
    h.emplace_back("Cache-Control", identity_.authenticated() ? "private, no-store" : "no-store");
    return h;
  }
  h.emplace_back("Cache-Control", std::string(private_ ? "private" : "public") +
                                      ", max-age=" + std::to_string(max_age_));
  if (with_etag && validator_ && validator_->valid) h.emplace_back("ETag", validator_->etag);
  if (!surrogate_keys_.empty()) h.emplace_back("Surrogate-Key", surrogate_keys_);
  return h;
}

// A public response with a validator goes into the shared cache until its
// max-age ends (or a write to what it read evicts it).
void GraphqlRequest::store_in_shared_cache(const http::Response& r) {
  namespace rc = cache_pg::response_cache;
  if (private_ || !rc::enabled() || !keyed_ || r.status != 200) return;
  if (caching::request_directives(request_).no_store) return;
  if (!text(auth_pg::settings::pre_request).empty()) return;  // never served without it
  rc::StoredResponse s;
  s.status = r.status;
  for (const http::Header& h : r.headers) {
    if (http::iequals(h.name, "Content-Type"))
      s.content_type = h.value;
    else
      s.headers.emplace_back(h.name, h.value);
  }
  s.body = r.body;
  s.stored_at_ms = now_ms();
  s.expires_at_ms = s.stored_at_ms + max_age_ * 1000;
  s.incarnation = validator_->incarnation;
  s.epoch = validator_->epoch;
  s.writes = validator_->writes;
  s.deps = validator_->deps;
  if (rc::store(key_, s)) ++routes_.cache_stats_.stores;
}

void GraphqlRequest::log_masked_errors() const {
  if (!options_.mask_errors) return;
  for (const exec::FieldResult& r : results_)
    if (r.error) log_masked_error(*r.error, request_);
}

}  // namespace pg_gateway::graphql_pg
