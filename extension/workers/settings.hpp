// pg_gateway.* parameters of the process-wide parameters: which database the workers serve and
// how long the SQL of one request may run
// (defined in settings.cpp, which also says what each one means). Values
// change on SIGHUP / pg_reload_conf() unless the parameter says restart.
#pragma once

namespace pg_gateway::workers::settings {

extern char* database;
extern int statement_timeout_ms;
extern int http_workers;
extern int shutdown_timeout_ms;
extern int job_workers;  // job queue workers (restart)

// Defines these parameters; called once from _PG_init.
void define_settings();

}  // namespace pg_gateway::workers::settings
