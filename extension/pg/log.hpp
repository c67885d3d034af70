// Logging from C++ frames: each call goes through pg::call, so even a
// failing ereport(LOG) cannot longjmp over the caller.
#pragma once

#include <string>

namespace pg_gateway::pg {

void log(const std::string& message);
void log_warning(const std::string& message, const std::string& hint = {});

}  // namespace pg_gateway::pg
