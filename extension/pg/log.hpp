// Logging from C++ frames: each call goes through pg::call, so even a
// failing ereport(LOG) cannot longjmp over the caller, and a failure to
// log never takes a request down with it.
//
// A line carries what ereport gives it: the message, and DETAIL, HINT and
// SQLSTATE as fields of their own (log_error_verbosity, csvlog and jsonlog
// show them apart), not glued into the message.
#pragma once

#include <string>

namespace pg_gateway::pg {

struct LogEntry {
  std::string message;
  std::string detail = {};
  std::string hint = {};
  int sqlerrcode = 0;  // ERRCODE_* (see sqlstate_code); 0: none
  // Only the message: no STATEMENT or CONTEXT line after it (errhidestmt,
  // errhidecontext), for lines that are data, such as the access log's.
  bool message_only = false;
};

void log(const LogEntry& entry);
void warning(const LogEntry& entry);

inline void log(const std::string& message) { log(LogEntry{message}); }
inline void warning(const std::string& message, const std::string& hint = {}) {
  warning(LogEntry{message, {}, hint});
}

// A five-character SQLSTATE ("42501") as an ERRCODE_* value; 0 when it is
// not one.
int sqlstate_code(const std::string& sqlstate);

}  // namespace pg_gateway::pg
