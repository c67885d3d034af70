#include "extension/pg/guard.hpp"

#include <cstring>

namespace pg_gateway::pg {

namespace {
void copy_text(char* dst, size_t size, const char* src) {
  if (!src) {
    dst[0] = '\0';
    return;
  }
  strlcpy(dst, src, size);
}
}  // namespace

PgError::PgError(const ErrorData* e) : sqlerrcode(e->sqlerrcode) {
  sqlstate = unpack_sql_state(e->sqlerrcode);
  if (e->message) message = e->message;
  if (e->detail) detail = e->detail;
  if (e->hint) hint = e->hint;
}

void CaughtError::set(const std::exception& e) {
  caught = true;
  detail[0] = hint[0] = '\0';
  if (const auto* pe = dynamic_cast<const PgError*>(&e)) {
    // A PostgreSQL error that crossed C++ frames keeps its SQLSTATE.
    sqlerrcode = pe->sqlerrcode;
    copy_text(message, sizeof message, pe->message.c_str());
    copy_text(detail, sizeof detail, pe->detail.c_str());
    copy_text(hint, sizeof hint, pe->hint.c_str());
    return;
  }
  if (const auto* se = dynamic_cast<const SqlError*>(&e)) {
    sqlerrcode = se->sqlerrcode;
    copy_text(message, sizeof message, se->what());
    copy_text(detail, sizeof detail, se->detail.c_str());
    copy_text(hint, sizeof hint, se->hint.c_str());
    return;
  }
  sqlerrcode =
      dynamic_cast<const std::bad_alloc*>(&e) ? ERRCODE_OUT_OF_MEMORY : ERRCODE_INTERNAL_ERROR;
  copy_text(message, sizeof message, "pg_gateway internal error");
  copy_text(detail, sizeof detail, e.what());
}

void CaughtError::set_unknown() {
  caught = true;
  sqlerrcode = ERRCODE_INTERNAL_ERROR;
  copy_text(message, sizeof message, "pg_gateway internal error");
  copy_text(detail, sizeof detail, "an unknown C++ exception was thrown");
  hint[0] = '\0';
}

namespace detail {

MemoryContext error_copy_context() {
  static MemoryContext context = nullptr;
  if (!context)
    context =
        AllocSetContextCreate(TopMemoryContext, "pg_gateway error copies", ALLOCSET_SMALL_SIZES);
  return context;
}

void throw_copied_error(ErrorData* edata) {
  PgError err(edata);  // may throw bad_alloc; the copy context is reset below anyway
  FreeErrorData(edata);
  MemoryContextReset(error_copy_context());
  throw err;
}

void raise_error(int sqlerrcode, const char* message, const char* detail, const char* hint) {
  ereport(ERROR, (errcode(sqlerrcode), errmsg_internal("%s", message),
                  detail ? errdetail_internal("%s", detail) : 0, hint ? errhint("%s", hint) : 0));
  pg_unreachable();
}

}  // namespace detail
}  // namespace pg_gateway::pg
