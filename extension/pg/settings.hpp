// Defining pg_gateway.* configuration parameters (GUCs).
//
// Each feature owns its parameters: extension/<feature>/settings.cpp holds
// the C variables PostgreSQL writes and a define_settings() that _PG_init
// calls (extension/module/module.cpp). These wrappers keep those files to
// one readable statement per parameter, and check_string<> is the one
// adapter between PostgreSQL's check-hook callback and a C++ validator.
#pragma once

#include "extension/pg/pg_api.hpp"

#include <string>
#include <vector>

#include "extension/pg/guard.hpp"

namespace pg_gateway::pg::settings {

// What every parameter has: its full name ("pg_gateway.port"), a one-line
// description, a longer one (may be null), when it may change, and flags
// (GUC_SUPERUSER_ONLY, GUC_UNIT_MS, ...).
struct Describe {
  const char* name;
  const char* short_desc;
  const char* long_desc;
  GucContext context;
  int flags = 0;
};

void define_string(const Describe& d, char** variable, const char* boot,
                   GucStringCheckHook check = nullptr);
void define_int(const Describe& d, int* variable, int boot, int min, int max);
void define_bool(const Describe& d, bool* variable, bool boot);
void define_enum(const Describe& d, int* variable, int boot, const config_enum_entry* options);

// Reserves the pg_gateway. prefix once every feature has defined its own.
void reserve_prefix();

// A string parameter's value as text ("" when PostgreSQL left it NULL).
inline std::string text(const char* value) { return value ? value : ""; }

// The items of a comma-separated list parameter ("a, b"), trimmed, empty
// ones left out.
std::vector<std::string> list_items(const std::string& text);

// Sets a (custom) setting for the rest of the current transaction, as
// set_config(name, value, true) does: request.*, job.*, jwt.claims.*.
void set_local(const std::string& name, const std::string& value);

// A validator throws std::exception (std::invalid_argument, or a pg::PgError
// from PostgreSQL calls it makes through pg::call) for a value it refuses;
// its text becomes the GUC error's DETAIL.
using StringValidator = void (*)(const char* value);

// The check hook of a string parameter: PostgreSQL calls it from C, so no
// exception may leave it. The validator runs inside try/catch, and the
// refusal is reported through GUC_check_errdetail after the catch block,
// when no C++ object is alive.
template <StringValidator Validate>
bool check_string(char** newval, void** extra, GucSource source) {
  (void)extra;
  (void)source;
  CaughtError err;
  try {
    Validate(*newval ? *newval : "");
    return true;
  } catch (const std::exception& e) {
    err.set(e);
  } catch (...) {
    err.set_unknown();
  }
  GUC_check_errdetail("%s", err.detail[0] ? err.detail : err.message);
  return false;
}

}  // namespace pg_gateway::pg::settings
