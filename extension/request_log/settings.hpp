// pg_gateway.* parameters of the request log: what is logged, how long it
// is kept and how many entries the shared-memory buffer holds (defined in
// settings.cpp, which also says what each one means).
#pragma once

namespace pg_gateway::request_log_pg::settings {

enum class Mode : int { kOff = 0, kErrors = 1, kAll = 2 };

extern int mode;         // Mode: pg_gateway.request_log
extern char* retention;  // pg_gateway.request_log_retention, an interval's text
extern int buffer_size;  // pg_gateway.request_log_buffer, entries (restart)

// True when a response with this status is to be logged under the current
// setting (errors: status >= 400).
inline bool wanted(int status) {
  return mode == int(Mode::kAll) || (mode == int(Mode::kErrors) && status >= 400);
}

// Defines these parameters; called once from _PG_init.
void define_settings();

}  // namespace pg_gateway::request_log_pg::settings
