#include "extension/pg/pg_api.hpp"

extern "C" {
#include "parser/parse_param.h"
}

#include "extension/graphql/plan_cache.hpp"

#include "extension/pg/guard.hpp"

namespace pg_gateway::graphql_pg {

// Parameter types for a plan whose statement leaves some types to
// PostgreSQL (SqlStatement::param_types entry 0). The parser's
// variable-parameter hooks write the types they deduce into `types`; a kept
// plan calls the same hooks again whenever PostgreSQL re-analyses it, so
// this block lives in TopMemoryContext for as long as the plan does.
struct DeducedParams {
  Oid* types;
  int count;
};

namespace {

void setup_deduced_params(ParseState* pstate, void* arg) {
  auto* p = static_cast<DeducedParams*>(arg);
  setup_parse_variable_parameters(pstate, &p->types, &p->count);
}

// A statement's row as C strings in SPI memory, valid until SPI_finish.
struct RawRow {
  int columns;
  char** values;  // NULL entries are SQL NULLs
};

}  // namespace

PlanCache::Entry* PlanCache::find(const graphql::exec::SqlStatement& statement) {
  auto it = index_.find(statement.sql);
  if (it == index_.end()) return nullptr;
  if (it->second->declared_types != statement.param_types) {
    // Same text, other parameter types: the old plan would read the values
    // as the wrong types. Replace it.
    free_entry(it->second);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);  // most recently used first; iterators stay valid
  return &*it->second;
}

// Parses and plans `statement` into `e`. A kept plan (and its parameter
// types) goes to long-lived memory; otherwise everything stays in SPI's
// memory and ends with the transaction.
void PlanCache::prepare_into(Entry& e, const graphql::exec::SqlStatement& statement, bool keep) {
  if (statement.param_types.size() != statement.params.size())
    throw std::logic_error("GraphQL statement: " + std::to_string(statement.params.size()) +
                           " parameters but " + std::to_string(statement.param_types.size()) +
                           " types");
  e.sql = statement.sql;
  e.declared_types = statement.param_types;
  e.nparams = int(statement.params.size());
  bool infer = false;
  for (catalog::Oid t : statement.param_types) infer = infer || t == 0;
  const catalog::Oid* given = statement.param_types.data();
  Entry* entry = &e;
  pg::call([entry, given, infer, keep] {
    MemoryContext owner = keep ? TopMemoryContext : CurrentMemoryContext;
    int n = entry->nparams;
    // Pre-sized, so the parser's hooks fill the array in place instead of
    // allocating one in a short-lived context.
    entry->types = static_cast<Oid*>(MemoryContextAllocZero(owner, sizeof(Oid) * (n > 0 ? n : 1)));
    for (int i = 0; i < n; ++i) entry->types[i] = given[i];
    if (infer) {
      auto* d = static_cast<DeducedParams*>(MemoryContextAllocZero(owner, sizeof(DeducedParams)));
      d->types = entry->types;
      d->count = n;
      entry->deduced = d;
    }
  });
  const char* sql = e.sql.c_str();
  try {
    pg::call([entry, sql, keep] {
      int n = entry->nparams;
      if (entry->deduced)
        entry->plan = SPI_prepare_params(sql, setup_deduced_params, entry->deduced, 0);
      else
        entry->plan = SPI_prepare(sql, n, entry->types);
      if (!entry->plan)
        elog(ERROR, "could not prepare GraphQL statement: %s", SPI_result_code_string(SPI_result));
      if (entry->deduced) {
        entry->types = entry->deduced->types;  // the hooks may have grown the array
        // Parameters the statement never mentions stay untyped; unknown
        // takes their text as it is.
        for (int i = 0; i < n; ++i)
          if (!OidIsValid(entry->types[i])) entry->types[i] = UNKNOWNOID;
      }
      if (keep && SPI_keepplan(entry->plan) != 0)
        elog(ERROR, "could not keep a GraphQL statement plan");
    });
  } catch (...) {
    // The statement did not prepare (say, a column dropped a moment ago):
    // the long-lived parameter block must not leak with it.
    if (keep) {
      Oid* types = entry->deduced ? entry->deduced->types : entry->types;
      DeducedParams* deduced = entry->deduced;
      pg::call([types, deduced] {
        pfree(types);
        if (deduced) pfree(deduced);
      });
    }
    throw;
  }
}

PlanCache::Entry* PlanCache::prepare(const graphql::exec::SqlStatement& statement,
                                     size_t capacity) {
  evict_down_to(capacity - 1);
  Entry fresh;
  prepare_into(fresh, statement, true);
  lru_.push_front(std::move(fresh));
  index_.emplace(std::string_view(lru_.front().sql), lru_.begin());
  stats_.entries = lru_.size();
  return &lru_.front();
}

// Removes one entry and frees its plan and parameter block.
void PlanCache::free_entry(std::list<Entry>::iterator it) {
  SPIPlanPtr plan = it->plan;
  Oid* types = it->types;
  DeducedParams* deduced = it->deduced;
  index_.erase(std::string_view(it->sql));
  lru_.erase(it);
  stats_.entries = lru_.size();
  pg::call([plan, types, deduced] {
    SPI_freeplan(plan);  // before the parameter block its re-analysis hook would read
    if (deduced) pfree(deduced);
    pfree(types);
  });
}

// Frees least recently used plans until at most `size` remain.
void PlanCache::evict_down_to(size_t size) {
  while (lru_.size() > size) {
    free_entry(std::prev(lru_.end()));
    ++stats_.evictions;
  }
}

void PlanCache::clear() {
  uint64_t evictions = stats_.evictions;
  evict_down_to(0);
  stats_.evictions = evictions;  // a flush is not pressure on the cache size
}

TextRow PlanCache::run(const graphql::exec::SqlStatement& statement, size_t capacity,
                       bool read_only) {
  // pg_gateway.plan_cache_size may have shrunk since the last request.
  if (lru_.size() > capacity) evict_down_to(capacity);
  Entry* e = find(statement);
  Entry unkept;  // capacity 0: planned for this run only
  if (e) {
    ++stats_.hits;
  } else {
    ++stats_.misses;
    if (capacity == 0) {
      prepare_into(unkept, statement, false);
      e = &unkept;
    } else {
      e = prepare(statement, capacity);
    }
  }
  if (int(statement.params.size()) != e->nparams)
    throw std::logic_error("GraphQL statement parameter count changed for the same SQL text");
  std::vector<const char*> texts(statement.params.size(), nullptr);
  for (size_t i = 0; i < statement.params.size(); ++i)
    if (statement.params[i]) texts[i] = statement.params[i]->c_str();
  const char* const* values = texts.data();
  RawRow raw = pg::call([e, values, read_only] {
    int n = e->nparams;
    ParamListInfo params = makeParamList(n);
    for (int i = 0; i < n; ++i) {
      ParamExternData* p = &params->params[i];
      p->ptype = e->types[i];
      p->pflags = PARAM_FLAG_CONST;
      p->isnull = values[i] == nullptr;
      p->value = Datum(0);
      if (!p->isnull) {
        Oid input, ioparam;
        getTypeInputInfo(p->ptype, &input, &ioparam);
        p->value = OidInputFunctionCall(input, const_cast<char*>(values[i]), ioparam, -1);
      }
    }
    int rc = SPI_execute_plan_with_paramlist(e->plan, params, read_only, 2);
    if (rc != SPI_OK_SELECT)
      elog(ERROR, "GraphQL statement did not run as a query: %s", SPI_result_code_string(rc));
    if (SPI_processed != 1)
      elog(ERROR, "GraphQL statement returned %llu rows instead of one",
           static_cast<unsigned long long>(SPI_processed));
    TupleDesc desc = SPI_tuptable->tupdesc;
    HeapTuple row = SPI_tuptable->vals[0];
    RawRow r;
    r.columns = desc->natts;
    r.values = static_cast<char**>(palloc0(sizeof(char*) * (r.columns > 0 ? r.columns : 1)));
    for (int c = 0; c < r.columns; ++c) r.values[c] = SPI_getvalue(row, desc, c + 1);
    return r;
  });
  TextRow out;
  out.reserve(size_t(raw.columns));
  for (int c = 0; c < raw.columns; ++c)
    out.push_back(raw.values[c] ? std::optional<std::string>(raw.values[c]) : std::nullopt);
  return out;
}

}  // namespace pg_gateway::graphql_pg
