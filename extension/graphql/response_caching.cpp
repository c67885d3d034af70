#include "extension/pg/pg_api.hpp"

#include "extension/graphql/response_caching.hpp"

#include <cstring>

#include "core/http/conditional.hpp"
#include "core/http/fields.hpp"
#include "core/util/sha256.hpp"
#include "extension/auth/settings.hpp"
#include "extension/cache/settings.hpp"
#include "extension/cache/table_versions.hpp"
#include "extension/graphql/settings.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::graphql_pg::caching {

namespace {

using pg::settings::text;

// Appends a length-prefixed field, so that no two different sequences of
// fields hash alike ("ab","c" vs "a","bc").
void field(std::string& out, std::string_view value) {
  uint64_t n = value.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(value);
}

void number(std::string& out, uint64_t value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// The settings that change a response for the same request: what the
// schema is built from and as whom, how operations are limited and paged,
// how errors and the policy are reported. Read at every request, so a
// reload changes the key at once.
void settings_fingerprint(std::string& out) {
  namespace g = settings;
  namespace a = auth_pg::settings;
  for (const char* s : {g::graphql_path, g::schemas, a::anonymous_role, a::authenticator_role,
                        a::jwt_type, a::jwt_role_claim, a::pre_request})
    field(out, s ? s : "");
  for (int v : {int(g::mask_errors), int(g::role_schemas), g::trusted_documents, g::introspection,
                g::max_query_depth, g::max_aliases, g::max_root_fields, g::max_query_cost,
                g::default_page_size, g::max_page_size, g::max_document_size,
                cache_pg::settings::cache_default_max_age,
                int(cache_pg::settings::cache_control_extension)})
    number(out, uint64_t(int64_t(v)));
}

}  // namespace

Digest request_key(const graphql::transport::Incoming& in, const auth_pg::Identity& identity,
                   const std::string& role) {
  std::string k = "pg_gateway graphql response v1";
  number(k, MyDatabaseId);
  number(k, uint64_t(in.format));
  field(k, in.params.document_id ? "id:" + *in.params.document_id : "query:" + in.params.query);
  field(k, in.params.operation_name ? "name:" + *in.params.operation_name : "anonymous");
  field(k, in.params.variables.is_null() ? "{}" : in.params.variables.dump());
  field(k, role);
  field(k, identity.claims_json);
  settings_fingerprint(k);
  return util::sha256(k);
}

// Plain atomics reads: nothing here can fail.
VersionsBefore read_versions_before() {
  VersionsBefore v;
  v.incarnation = cache_pg::incarnation();
  v.writes = cache_pg::writes_started();
  v.epoch = cache_pg::epoch();
  return v;
}

Validator validate(const Digest& key, const VersionsBefore& before, const Reads& reads,
                   int64_t max_age, int64_t now_s) {
  Validator v;
  v.incarnation = before.incarnation;
  v.epoch = before.epoch;
  v.deps.reserve(reads.relations.size());
  for (Oid relid : reads.relations) v.deps.push_back({relid, cache_pg::table_version(relid)});
  // Only now the counters again: a bump seen above that is not covered by
  // `before` shows here (writers bump writes_started first).
  if (cache_pg::writes_started() != before.writes || cache_pg::epoch() != before.epoch) return v;
  std::string t(key.begin(), key.end());
  number(t, v.incarnation);
  number(t, v.epoch);
  if (reads.opaque) {
    v.writes = before.writes;
    number(t, before.writes);
    number(t, uint64_t(max_age > 0 ? now_s / max_age : now_s));
  }
  for (const cache_pg::response_cache::Dependency& d : v.deps) {
    number(t, d.relid);
    number(t, d.version);
  }
  v.etag = http::strong_etag(util::sha256(t));
  v.valid = true;
  return v;
}

std::string surrogate_keys(const std::vector<Oid>& relations) {
  std::string out;
  for (Oid relid : relations) {
    const char* name = pg::call([relid]() -> const char* {
      char* rel = get_rel_name(relid);
      char* nsp = rel ? get_namespace_name(get_rel_namespace(relid)) : nullptr;
      return nsp ? psprintf("%s.%s", nsp, rel) : nullptr;
    });
    if (!name) continue;
    if (!out.empty()) out += ' ';
    out += name;
  }
  return out;
}

RequestDirectives request_directives(const http::Request& request) {
  RequestDirectives d;
  for (const http::Header& h : request.headers) {
    bool cache_control = h.name == "cache-control";
    if (!cache_control && h.name != "pragma") continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view item = http::trim_ows(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (http::iequals(item, "no-cache")) d.no_cache = true;
      if (cache_control && http::iequals(item, "no-store")) d.no_cache = d.no_store = true;
    }
  }
  return d;
}

const std::string* if_none_match(const http::Request& request) {
  return request.header("if-none-match");
}

http::Response not_modified(const std::vector<std::pair<std::string, std::string>>& headers) {
  http::Response r(304, "", "");
  r.headers.clear();  // no Content-Type: a 304 has no content
  apply(r, headers);
  return r;
}

void apply(http::Response& response,
           const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [name, value] : headers) {
    if (name == "Vary")
      http::add_vary(response, value);
    else
      response.set_header(name, value);
  }
}

size_t RevalidationMemo::DigestHash::operator()(const Digest& d) const {
  size_t h;
  std::memcpy(&h, d.data(), sizeof h);
  return h;
}

void RevalidationMemo::remember(const Digest& key, Entry entry) {
  auto found = index_.find(key);
  if (found != index_.end()) {
    found->second->second = std::move(entry);
    lru_.splice(lru_.begin(), lru_, found->second);
    return;
  }
  lru_.emplace_front(key, std::move(entry));
  index_[key] = lru_.begin();
  if (lru_.size() > kCapacity) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

std::optional<http::Response> RevalidationMemo::revalidate(const Digest& key,
                                                           const std::string& if_none_match,
                                                           int64_t now_s) {
  auto found = index_.find(key);
  if (found == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, found->second);
  const Entry& e = found->second->second;
  Validator v = validate(key, read_versions_before(), e.reads, e.max_age, now_s);
  if (!v.valid || !http::if_none_match_matches(if_none_match, v.etag)) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> headers = e.headers;
  headers.emplace_back("ETag", v.etag);
  return not_modified(headers);
}

void RevalidationMemo::clear() {
  lru_.clear();
  index_.clear();
}

}  // namespace pg_gateway::graphql_pg::caching
