// Per-worker LRU of SPI plans for the SQL that GraphQL operations compile
// to, keyed by the SQL text.
//
// The compiler turns every user value into a $n parameter, so operations of
// one shape give one SQL text whatever their arguments: the parse and the
// plan are made once per shape (SPI_prepare + SPI_keepplan) and reused.
// A kept plan is a PostgreSQL CachedPlanSource: PostgreSQL itself replans
// it when a relation or function it uses changes, so a plan is never stale
// against the catalog. What can go stale is the SQL text, generated from an
// older GraphQL schema; the schema cache therefore clears this cache
// whenever it rebuilds the schema.
//
// Every method must be called inside a transaction with SPI connected (the
// request transaction). PostgreSQL errors come out as pg::PgError; the cache
// stays consistent (an entry is added only once its plan is kept).
#pragma once

#include "extension/pg/pg_api.hpp"

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/graphql/execution/request.hpp"

namespace pg_gateway::graphql_pg {

struct PlanCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;  // plans freed to stay within pg_gateway.plan_cache_size
  uint64_t entries = 0;
};

struct DeducedParams;  // plan_cache.cpp

// One row of text values (nullopt: SQL NULL), as the statement returned it.
using TextRow = std::vector<std::optional<std::string>>;

class PlanCache {
 public:
  PlanCache() = default;
  PlanCache(const PlanCache&) = delete;
  PlanCache& operator=(const PlanCache&) = delete;
  // No destructor work: kept plans live in PostgreSQL's CacheMemoryContext
  // and end with the process, like everything the worker allocated.

  // Runs `statement` and returns its single row. `capacity` is
  // pg_gateway.plan_cache_size as of this request (0: nothing is kept).
  // Read-only statements run on the transaction's snapshot; a writing one
  // (a mutation's action and payload) makes the previous statement's
  // writes visible and takes a fresh snapshot, as a new command would.
  TextRow run(const graphql::exec::SqlStatement& statement, size_t capacity, bool read_only = true);

  // Frees every kept plan (the GraphQL schema was rebuilt).
  void clear();

  const PlanCacheStats& stats() const { return stats_; }

 private:
  // One prepared statement. The SQL text is the key; the rest is
  // PostgreSQL memory owned by this entry (TopMemoryContext for kept
  // plans), freed when it is evicted.
  struct Entry {
    std::string sql;
    // The statement's own parameter types (0: left to PostgreSQL). A
    // statement with the same text but other types gets a new plan.
    std::vector<catalog::Oid> declared_types;
    SPIPlanPtr plan = nullptr;
    // The types the executor gets with each value: the statement's own, or
    // those the parser deduced where the statement left them to it.
    Oid* types = nullptr;
    int nparams = 0;
    // Non-null when some types were deduced: the block the parser's hooks
    // write into, again whenever PostgreSQL re-analyses the kept plan.
    DeducedParams* deduced = nullptr;
  };
  Entry* find(const graphql::exec::SqlStatement& statement);
  Entry* prepare(const graphql::exec::SqlStatement& statement, size_t capacity);
  void prepare_into(Entry& entry, const graphql::exec::SqlStatement& statement, bool keep);
  void evict_down_to(size_t size);
  void free_entry(std::list<Entry>::iterator it);

  // Most recently used first. std::list keeps each node (and the SQL text
  // that the index points into) in place while others come and go.
  std::list<Entry> lru_;
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
  PlanCacheStats stats_;
};

}  // namespace pg_gateway::graphql_pg
