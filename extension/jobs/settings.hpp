// pg_gateway.* parameters of the job queue: workers, concurrency, polling, retention, forbidden
// flags and the SMTP server of the email task
// (defined in settings.cpp, which also says what each one means). Values
// change on SIGHUP / pg_reload_conf() unless the parameter says restart.
#pragma once

namespace pg_gateway::jobs_pg::settings {

extern int job_concurrency;  // network tasks in flight per job worker
extern char* smtp_url;       // the email task's SMTP server ("" : none)
extern char* smtp_username;
extern char* smtp_password;        // superuser-only
extern int job_poll_interval_ms;   // idle job workers look for due jobs this often
extern int job_retention_s;        // finished jobs are deleted after this
extern char* job_forbidden_flags;  // comma-separated flags the job workers skip

// Defines these parameters; called once from _PG_init.
void define_settings();

}  // namespace pg_gateway::jobs_pg::settings
