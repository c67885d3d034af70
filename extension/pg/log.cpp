#include "extension/pg/pg_api.hpp"

#include "extension/pg/log.hpp"

#include "extension/pg/guard.hpp"

namespace pg_gateway::pg {

void log(const std::string& message) {
  const char* m = message.c_str();
  try {
    call([m] { ereport(LOG, (errmsg_internal("%s", m))); });
  } catch (...) {
    // Logging must never take a request down with it.
  }
}

void log_warning(const std::string& message, const std::string& hint) {
  const char* m = message.c_str();
  const char* h = hint.empty() ? nullptr : hint.c_str();
  try {
    call([m, h] { ereport(WARNING, (errmsg_internal("%s", m), h ? errhint("%s", h) : 0)); });
  } catch (...) {
  }
}

}  // namespace pg_gateway::pg
