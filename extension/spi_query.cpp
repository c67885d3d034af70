#include "extension/spi_query.hpp"

#include "extension/pg_guard.hpp"

namespace pg_gateway::pg {

std::vector<TextRow> query_text(const char* sql, const TextParams& params) {
  std::vector<Oid> types(params.size(), TEXTOID);
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
  pg::call([&] {
    int rc = SPI_execute_with_args(sql, nargs, nargs ? types.data() : nullptr,
                                   nargs ? values.data() : nullptr, nargs ? nulls.data() : nullptr,
                                   false, 0);
    if (rc < 0) elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
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
