#include "extension/pg/pg_api.hpp"

#include "extension/pg/settings.hpp"

#include <sstream>

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

std::vector<std::string> list_items(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

void set_local(const std::string& name, const std::string& value) {
  pg::call([&name, &value] {
    (void)set_config_option(name.c_str(), value.c_str(), PGC_USERSET, PGC_S_SESSION,
                            GUC_ACTION_LOCAL, true, 0, false);
  });
}

}  // namespace pg_gateway::pg::settings
