#include "extension/pg/entry.hpp"

namespace pg_gateway::pg {

void run_worker_main(const char* what, void (*main)(int index), Datum main_arg) {
  CaughtError err;
  try {
    main(DatumGetInt32(main_arg));
  } catch (const std::exception& e) {
    err.set(e);
  } catch (...) {
    err.set_unknown();
  }
  if (err.caught)
    ereport(LOG, (errcode(err.sqlerrcode), errmsg("%s failed: %s", what, err.message),
                  err.detail[0] ? errdetail_internal("%s", err.detail) : 0));
  proc_exit(1);
}

RowSink::RowSink(FunctionCallInfo fcinfo) {
  call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  rsinfo_ = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
}

}  // namespace pg_gateway::pg
