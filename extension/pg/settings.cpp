#include "extension/pg/pg_api.hpp"

#include "extension/pg/settings.hpp"

namespace pg_gateway::pg::settings {

// These run in the postmaster from _PG_init, where an ERROR stops the
// server start; PostgreSQL's definitions raise none for valid arguments,
// so they are called directly.
void define_string(const Describe& d, char** variable, const char* boot, GucStringCheckHook check) {
  DefineCustomStringVariable(d.name, d.short_desc, d.long_desc, variable, boot, d.context, d.flags,
                             check, nullptr, nullptr);
}

void define_int(const Describe& d, int* variable, int boot, int min, int max) {
  DefineCustomIntVariable(d.name, d.short_desc, d.long_desc, variable, boot, min, max, d.context,
                          d.flags, nullptr, nullptr, nullptr);
}

void define_bool(const Describe& d, bool* variable, bool boot) {
  DefineCustomBoolVariable(d.name, d.short_desc, d.long_desc, variable, boot, d.context, d.flags,
                           nullptr, nullptr, nullptr);
}

void define_enum(const Describe& d, int* variable, int boot, const config_enum_entry* options) {
  DefineCustomEnumVariable(d.name, d.short_desc, d.long_desc, variable, boot, options, d.context,
                           d.flags, nullptr, nullptr, nullptr);
}

void reserve_prefix() { MarkGUCPrefixReserved("pg_gateway"); }

}  // namespace pg_gateway::pg::settings
