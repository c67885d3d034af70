// The shared response cache (pg_gateway.response_cache_size): public
// GraphQL responses in shared memory, shared by every HTTP worker, keyed by
// a digest of everything the response depends on besides data (document,
// operation, variables, response format, schema settings; see
// extension/graphql/graphql_cache.cpp). An entry records the epoch and the
// versions of the tables it read (extension/cache/table_versions.hpp); it
// is served only while they are unchanged and its max-age has not passed,
// so a commit to a table evicts every response that read it.
//
// Only public responses are stored: never one of an authenticated request,
// nor one that read a table with row level security.
//
// The store is core/cache/response_store.hpp (sets of 16 entries sharing a
// 256 KiB arena each: a response serialized larger than that is not
// stored; the least recently stored entry of a set goes first) over a
// shared memory segment, with a pool of LWLocks of the tranche "pg_gateway
// response cache". lookup(), store() and stats() are for ordinary C++ code
// outside any transaction (an HTTP worker's request path): they never
// ereport, but may throw std::bad_alloc, or pg::PgError if PostgreSQL
// reports an error from a lock call (not expected: one lock is held at a
// time). Entries also record the database (MyDatabaseId) and are served
// only to a lookup from the same database.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pg_gateway::cache_pg::response_cache {

void reserve_shared_memory();  // from _PG_init (nothing when the size is 0)
bool enabled();                // pg_gateway.response_cache_size > 0

using Key = std::array<uint8_t, 32>;  // SHA-256 of the request key

struct Dependency {
  Oid relid = 0;
  uint64_t version = 0;
};

struct StoredResponse {
  int status = 200;
  std::string content_type;
  // Other headers to send with it (ETag, Cache-Control, Vary, Surrogate-Key).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t expires_at_ms = 0;  // wall clock (ms since the Unix epoch): max-age's end
  int64_t stored_at_ms = 0;   // for the Age header
  uint64_t incarnation = 0;
  uint64_t epoch = 0;
  // Set when the response read something whose tables are not known (a
  // function that is not IMMUTABLE): then any write evicts it.
  std::optional<uint64_t> writes;
  std::vector<Dependency> deps;  // the database is the current one (MyDatabaseId)
};

enum class Outcome { kHit, kMiss, kEvicted };  // kEvicted: found, but stale (dropped now)

struct Lookup {
  Outcome outcome = Outcome::kMiss;
  std::optional<StoredResponse> response;  // set for kHit
};

// The entry for `key` if it is still current (incarnation, epoch, writes,
// every dependency's version, expiry); a stale one is dropped.
Lookup lookup(const Key& key, int64_t now_ms);

// Stores (or replaces) the entry; responses too large for the cache are
// not stored. Returns whether it was stored.
bool store(const Key& key, const StoredResponse& response);

struct Stats {
  uint64_t entries = 0;
  uint64_t bytes_used = 0;
  uint64_t bytes_total = 0;
};
Stats stats();

}  // namespace pg_gateway::cache_pg::response_cache
