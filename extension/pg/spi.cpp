#include "extension/pg/spi.hpp"

#include "extension/pg/guard.hpp"

#include <unordered_map>

namespace pg_gateway::pg {

namespace {

// Kept plans by statement text and parameter count (every parameter is
// text). The plans live in PostgreSQL's CacheMemoryContext until freed.
struct PlanKey {
  std::string sql;
  int nargs;
  bool operator==(const PlanKey&) const = default;
};
struct PlanKeyHash {
  size_t operator()(const PlanKey& k) const {
    return std::hash<std::string>()(k.sql) ^ size_t(k.nargs);
  }
};
std::unordered_map<PlanKey, SPIPlanPtr, PlanKeyHash> kept_plans;

SPIPlanPtr kept_plan(const char* sql, int nargs) {
  PlanKey key{sql, nargs};
  auto it = kept_plans.find(key);
  if (it != kept_plans.end()) return it->second;
  if (kept_plans.size() >= kMaxKeptPlans) {
    for (auto& [k, plan] : kept_plans) {
      SPIPlanPtr p = plan;
      pg::call([p] { SPI_freeplan(p); });
    }
    kept_plans.clear();
  }
  std::vector<Oid> types(size_t(nargs), TEXTOID);
  SPIPlanPtr plan = pg::call([&] {
    SPIPlanPtr p = SPI_prepare(sql, nargs, nargs ? types.data() : nullptr);
    if (!p) elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    if (SPI_keepplan(p) != 0) elog(ERROR, "SPI_keepplan failed");
    return p;
  });
  kept_plans.emplace(std::move(key), plan);
  return plan;
}

}  // namespace

std::vector<TextRow> query_text(const char* sql, const TextParams& params) {
  std::vector<Datum> values(params.size(), Datum(0));
  std::string nulls(params.size(), ' ');
  for (size_t i = 0; i < params.size(); ++i) {
    if (!params[i]) {
      nulls[i] = 'n';
      continue;
    }
    const char* text = params[i]->c_str();
    values[i] = pg::call([text] { return CStringGetTextDatum(text); });
  }
  int nargs = int(params.size());
  SPIPlanPtr plan = kept_plan(sql, nargs);
  pg::call([&] {
    int rc = SPI_execute_plan(plan, nargs ? values.data() : nullptr, nargs ? nulls.data() : nullptr,
                              false, 0);
    if (rc < 0) elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
  });
  std::vector<TextRow> rows;
  uint64 count = SPI_processed;
  SPITupleTable* table = SPI_tuptable;
  if (!table) return rows;
  int columns = table->tupdesc->natts;
  for (uint64 r = 0; r < count; ++r) {
    TextRow row;
    for (int c = 1; c <= columns; ++c) {
      char* v = pg::call([table, r, c] { return SPI_getvalue(table->vals[r], table->tupdesc, c); });
      row.push_back(v ? std::optional<std::string>(v) : std::nullopt);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace pg_gateway::pg
