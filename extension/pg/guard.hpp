// The boundary between C++ and PostgreSQL's error handling.
//
// PostgreSQL reports errors with ereport(), which longjmps to the nearest
// PG_TRY. A longjmp over a C++ frame skips its destructors; a C++ exception
// unwinding through PostgreSQL's C frames leaves its state (locks, memory
// contexts, error stack) inconsistent. So:
//
//  * pg::call(f) is the INNERMOST frame around PostgreSQL calls made from
//    C++: f runs under PG_TRY, and an ereport(ERROR) inside it is copied out
//    and rethrown as a C++ pg::PgError after PG_TRY has been left. f must
//    hold no object with a non-trivial destructor (only PostgreSQL calls and
//    plain values), and returns a trivially destructible value. A C++
//    exception thrown inside f is carried across PG_TRY and rethrown.
//
//  * The entry guards of extension/pg/entry.hpp (SQL functions, worker
//    mains, set-returning functions) and the check hook of
//    extension/pg/settings.hpp wrap every extern "C" entry point: any C++
//    exception is caught, the catch block is left, and only then is the
//    error raised with ereport(), so no C++ object is alive when PostgreSQL
//    longjmps.
//
// Modelled on pg_duckdb's PostgresFunctionGuard / InvokeCPPFunc.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace pg_gateway::pg {

// An ereport(ERROR) caught by pg::call, as plain C++ data.
class PgError : public std::exception {
 public:
  explicit PgError(const ErrorData* e);
  const char* what() const noexcept override { return message.c_str(); }

  int sqlerrcode = 0;
  std::string sqlstate;  // five characters, e.g. "57014"
  std::string message;
  std::string detail;
  std::string hint;
};

// An error the C++ code means to report to the SQL caller with a chosen
// SQLSTATE (the entry guard raises it with that errcode).
class SqlError : public std::runtime_error {
 public:
  SqlError(int sqlerrcode, const std::string& message, std::string detail = {},
           std::string hint = {})
      : std::runtime_error(message),
        sqlerrcode(sqlerrcode),
        detail(std::move(detail)),
        hint(std::move(hint)) {}
  int sqlerrcode;
  std::string detail;
  std::string hint;
};

namespace detail {
// Long-lived context that holds the copied ErrorData until it is converted.
MemoryContext error_copy_context();
[[noreturn]] void throw_copied_error(ErrorData* edata);
// Raises ERROR from a caught exception. Called outside any catch block.
[[noreturn]] void raise_error(int sqlerrcode, const char* message, const char* detail,
                              const char* hint);
}  // namespace detail

namespace detail {
// Runs f outside pg::call's frame, writing through pointers: nothing that
// changes between sigsetjmp and a possible longjmp lives in a register of
// the frame that called sigsetjmp (that is what -Wclobbered warns about).
// A C++ exception thrown by f (bad_alloc from a container it fills) must not
// unwind through PG_TRY, which would leave PG_exception_stack pointing into
// a dead frame; it is captured here and rethrown after PG_END_TRY.
template <typename F, typename Out>
__attribute__((noinline)) void invoke_captured(F* f, Out* out, std::exception_ptr* error) {
  try {
    if constexpr (std::is_void_v<decltype((*f)())>)
      (*f)();
    else
      *out = (*f)();
  } catch (...) {
    *error = std::current_exception();
  }
}
}  // namespace detail

template <typename F>
auto call(F&& f) -> decltype(f()) {
  using R = decltype(f());
  static_assert(std::is_void_v<R> || std::is_trivially_destructible_v<R>,
                "pg::call must return a plain value");
  using Out = std::conditional_t<std::is_void_v<R>, int, R>;
  Out result{};
  std::exception_ptr cpp_error;
  MemoryContext caller_context = CurrentMemoryContext;
  ErrorData* volatile edata = nullptr;
  auto* fp = &f;
  PG_TRY();
  { detail::invoke_captured(fp, &result, &cpp_error); }
  PG_CATCH();
  {
    MemoryContextSwitchTo(detail::error_copy_context());
    edata = CopyErrorData();
    FlushErrorState();
    MemoryContextSwitchTo(caller_context);
  }
  PG_END_TRY();
  if (edata) detail::throw_copied_error(edata);
  if (cpp_error) std::rethrow_exception(cpp_error);
  if constexpr (!std::is_void_v<R>) return result;
}

// Fixed-size copy of an exception's text, filled inside a catch block so
// that nothing with a destructor outlives it.
struct CaughtError {
  bool caught = false;
  int sqlerrcode = 0;
  char message[1024];
  char detail[1024];
  char hint[512];
  void set(const std::exception& e);
  void set_unknown();
};

}  // namespace pg_gateway::pg
