// Entry guards: one per kind of extern "C" entry point PostgreSQL calls
// (GUC check hooks have theirs in extension/pg/settings.hpp). Each catches
// every C++ exception, leaves the catch block, and only then reports it the
// way that kind of entry point must: an ERROR for a SQL function, a LOG line
// and exit code 1 for a background worker.
#pragma once

#include "extension/pg/pg_api.hpp"

#include "extension/pg/guard.hpp"

namespace pg_gateway::pg {

// Entry guard for extern "C" functions called by PostgreSQL.
template <typename Impl, typename... Args>
auto guard_entry(Impl impl, Args... args) -> decltype(impl(args...)) {
  CaughtError err;
  try {
    return impl(args...);
  } catch (const std::exception& e) {
    err.set(e);
  } catch (...) {
    err.set_unknown();
  }
  detail::raise_error(err.sqlerrcode, err.message, err.detail[0] ? err.detail : nullptr,
                      err.hint[0] ? err.hint : nullptr);
}

// Entry guard of a background worker's main function: a C++ exception is
// logged as "<what> failed: <message>" with its SQLSTATE and DETAIL. Exit
// code 1 in every case: the postmaster restarts a worker that exits with 1
// after bgw_restart_time, and forgets one that exits with 0.
[[noreturn]] void run_worker_main(const char* what, void (*main)(int index), Datum main_arg);

// The rows of a materialized set-returning function (InitMaterializedSRF):
// each add() builds one row with `fill` and stores it, both inside pg::call,
// so `fill` may use PostgreSQL's Datum constructors.
class RowSink {
 public:
  explicit RowSink(FunctionCallInfo fcinfo);

  template <int Columns, typename Fill>
  void add(Fill fill) {
    ReturnSetInfo* rsinfo = rsinfo_;
    call([rsinfo, &fill] {
      Datum values[Columns];
      bool nulls[Columns] = {false};
      fill(values, nulls);
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    });
  }

 private:
  ReturnSetInfo* rsinfo_;
};

}  // namespace pg_gateway::pg

// Declares a SQL-callable C function `name` whose body is C++ and runs
// under the entry guard:
//   PG_GATEWAY_SQL_FUNCTION(pg_gateway_version) { return ...; }
#define PG_GATEWAY_SQL_FUNCTION(name)                        \
  static Datum name##_impl(FunctionCallInfo fcinfo);         \
  extern "C" {                                               \
  PG_FUNCTION_INFO_V1(name);                                 \
  }                                                          \
  extern "C" Datum name(PG_FUNCTION_ARGS) {                  \
    return pg_gateway::pg::guard_entry(name##_impl, fcinfo); \
  }                                                          \
  static Datum name##_impl(FunctionCallInfo fcinfo)
