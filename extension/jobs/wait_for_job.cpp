// gateway.wait_for_job(): a SQL session waits for a job to finish, woken
// by the broadcast that extension/jobs/job_wakeup.cpp sends at commit.
#include "extension/pg/pg_api.hpp"

extern "C" {
#include "storage/condition_variable.h"
#include "utils/timestamp.h"
}

#include "extension/pg/entry.hpp"
#include "extension/workers/shared_state.hpp"

using pg_gateway::pg::call;
namespace shared = pg_gateway::shared;

// gateway.wait_for_job(id, timeout): the job's row once it has succeeded
// or failed, or as it is when the timeout passes; NULL if there is no such
// job. Sleeps on a condition variable broadcast at the commit of every
// transaction that finishes a job, so it neither polls nor misses one: the
// sleep is prepared before the row is read, and a broadcast after that
// read ends the sleep. Each read takes a new snapshot, which needs READ
// COMMITTED.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_wait_for_job) {
  int64 id = call([fcinfo] { return PG_GETARG_INT64(0); });
  Interval* timeout = call([fcinfo] { return PG_GETARG_INTERVAL_P(1); });
  if (call([] { return IsolationUsesXactSnapshot(); }))
    call([] {
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg("gateway.wait_for_job() needs the READ COMMITTED isolation level"),
                      errdetail("Under REPEATABLE READ or SERIALIZABLE the transaction's snapshot "
                                "never shows the job finishing."),
                      errhint("Call it outside an explicit transaction, or in a READ COMMITTED "
                              "one.")));
    });
  int64 timeout_ms = call([timeout] {
    return int64(timeout->time / 1000 +
                 (int64(timeout->day) + int64(timeout->month) * DAYS_PER_MONTH) *
                     (USECS_PER_DAY / 1000));
  });
  TimestampTz deadline =
      call([timeout_ms] { return TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms); });
  ConditionVariable* cv = &shared::get()->job_finished;
  call([] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  });
  Datum result = Datum(0);
  bool found = false;
  while (true) {
    call([cv] { ConditionVariablePrepareToSleep(cv); });
    bool done = call([id, &result, &found] {
      Oid argtypes[1] = {INT8OID};
      Datum values[1] = {Int64GetDatum(id)};
      int rc = SPI_execute_with_args(
          "SELECT j, j.status IN ('succeeded', 'failed') "
          "FROM gateway.jobs j WHERE j.id = $1",
          1, argtypes, values, nullptr, false, 1);
      if (rc != SPI_OK_SELECT) elog(ERROR, "could not read gateway.jobs");
      if (SPI_processed == 0) {
        found = false;
        return true;
      }
      bool isnull = false;
      result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
      found = !isnull;
      return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
    });
    if (done) break;
    int64 left = call([deadline] {
      long secs;
      int usecs;
      TimestampDifference(GetCurrentTimestamp(), deadline, &secs, &usecs);
      return int64(secs) * 1000 + usecs / 1000;
    });
    if (left <= 0) break;
    call([cv, left] { (void)ConditionVariableTimedSleep(cv, long(left), PG_WAIT_EXTENSION); });
  }
  call([] { ConditionVariableCancelSleep(); });
  if (!found) {
    call([] { SPI_finish(); });
    fcinfo->isnull = true;
    return Datum(0);
  }
  // The row lives in SPI memory: copy it out before SPI_finish frees it.
  Datum copy = call([result] {
    HeapTupleHeader row = DatumGetHeapTupleHeader(result);
    Datum out = SPI_datumTransfer(PointerGetDatum(row), false, -1);
    SPI_finish();
    return out;
  });
  return copy;
}
