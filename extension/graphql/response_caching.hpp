// HTTP caching of GraphQL responses: what a query's response may promise
// (Cache-Control from the @pgCacheControl policy), how it is validated
// (a strong ETag over the request and the versions of the tables it read),
// and the two ways to answer without running SQL: 304 Not Modified and the
// shared response cache (extension/cache/response_cache.hpp).
//
// The request key
// ---------------
// Everything a response depends on besides data: the database, the
// response format, the document (text or trusted document id), the
// operation name, the variables, the role the request runs as and its
// verified claims, and the settings that shape the schema or the answer
// (a reload that changes one changes every key). Data is what the
// validator adds: the incarnation and epoch of the table versions, and the
// version of every table the response read (plus, for a response that
// called a function that is not IMMUTABLE, the cluster's write counter and
// the max-age window it was computed in, since such a function may read
// anything, or the clock).
//
// Consistency with the snapshot (the invariant of table_versions.hpp): the
// request reads VersionsBefore before its transaction starts, and the
// table versions inside it after preparing; when the write counter moved
// in between, the response gets no ETag and is not stored.
//
// Never shared across users: only responses of unauthenticated requests
// that read no row-security table and whose fields are all PUBLIC are
// public; the shared cache stores only those, and keys them by role too.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <array>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/graphql/http_transport.hpp"
#include "core/http/message.hpp"
#include "extension/auth/request_auth.hpp"
#include "extension/cache/response_cache.hpp"

namespace pg_gateway::graphql_pg::caching {

using Digest = std::array<uint8_t, 32>;

// The key of a request (see above). `role` is the role it runs as.
Digest request_key(const graphql::transport::Incoming& in, const auth_pg::Identity& identity,
                   const std::string& role);

// Read before the request's snapshot.
struct VersionsBefore {
  uint64_t incarnation = 0;
  uint64_t epoch = 0;
  uint64_t writes = 0;
};
VersionsBefore read_versions_before();

// What a response read, as the validator needs it.
struct Reads {
  std::vector<Oid> relations;  // sorted, unique
  bool opaque = false;         // a function or clock: anything may have changed it
};

// The validator of one response: its entity tag and what it was computed
// from. `valid` is false when the versions moved while they were read.
struct Validator {
  bool valid = false;
  std::string etag;
  uint64_t incarnation = 0;
  uint64_t epoch = 0;
  std::optional<uint64_t> writes;  // set for opaque reads
  std::vector<cache_pg::response_cache::Dependency> deps;
};

// Reads the versions of `reads` now and checks them against `before`.
// `max_age` is the policy's (opaque responses' tags change every max_age
// seconds).
Validator validate(const Digest& key, const VersionsBefore& before, const Reads& reads,
                   int64_t max_age, int64_t now_s);

// Surrogate-Key: the read relations' qualified names, space-separated,
// for CDNs that purge by tag (a write to app.posts purges "app.posts").
// In a transaction (reads the catalog); relations gone meanwhile are left
// out.
std::string surrogate_keys(const std::vector<Oid>& relations);

// The request's If-None-Match, when the request may be answered with 304
// (GET or HEAD, the spec's only cacheable methods; POST too, since
// pg_gateway's validators are the same for both).
const std::string* if_none_match(const http::Request& request);

// The request's own Cache-Control (RFC 9111 section 5.2.1): "no-cache"
// (or Pragma: no-cache) asks caches in front of the origin to go to it, so
// the shared cache is not consulted; "no-store" also keeps the response out
// of it. 304s are the origin's own revalidation and stay.
struct RequestDirectives {
  bool no_cache = false;
  bool no_store = false;
};
RequestDirectives request_directives(const http::Request& request);

// 304 Not Modified with the headers a 200 would have had.
http::Response not_modified(const std::vector<std::pair<std::string, std::string>>& headers);

// Adds the headers to a response.
void apply(http::Response& response,
           const std::vector<std::pair<std::string, std::string>>& headers);

// Per worker: for requests that got an ETag, what it was computed from, so
// that a later If-None-Match is answered without a transaction. Bounded;
// least recently used first out.
class RevalidationMemo {
 public:
  struct Entry {
    Reads reads;
    int64_t max_age = 0;
    std::vector<std::pair<std::string, std::string>> headers;
  };

  void remember(const Digest& key, Entry entry);
  // 304 when the request's If-None-Match matches the current tag of a
  // remembered response; nullopt otherwise (the request runs).
  std::optional<http::Response> revalidate(const Digest& key, const std::string& if_none_match,
                                           int64_t now_s);
  void clear();

  static constexpr size_t kCapacity = 4096;

 private:
  struct DigestHash {
    size_t operator()(const Digest& d) const;
  };
  std::list<std::pair<Digest, Entry>> lru_;  // most recently used first
  std::unordered_map<Digest, std::list<std::pair<Digest, Entry>>::iterator, DigestHash> index_;
};

}  // namespace pg_gateway::graphql_pg::caching
