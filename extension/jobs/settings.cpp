// pg_gateway.* parameters of the job queue: workers, concurrency, polling, retention, forbidden
// flags and the SMTP server of the email task.
#include "extension/pg/pg_api.hpp"

#include "extension/jobs/settings.hpp"

#include <stdexcept>
#include <string>

#include "extension/pg/settings.hpp"

namespace pg_gateway::jobs_pg::settings {

int job_concurrency = 10;
char* smtp_url = nullptr;
char* smtp_username = nullptr;
char* smtp_password = nullptr;
int job_poll_interval_ms = 2000;
int job_retention_s = 7 * 24 * 3600;
char* job_forbidden_flags = nullptr;

namespace {}  // namespace

void define_settings() {
  pg::settings::define_int(
      {"pg_gateway.job_concurrency", "Network tasks (http) each job worker runs at once.",
       "SQL tasks run one at a time; http requests are started while fewer than this are in "
       "flight.",
       PGC_SIGHUP},
      &job_concurrency, 10, 1, 1000);
  pg::settings::define_string(
      {"pg_gateway.smtp_url", "SMTP server the email task sends through.",
       "smtp://host:port (STARTTLS when offered) or smtps://host:port; empty: email jobs fail.",
       PGC_SIGHUP, GUC_SUPERUSER_ONLY},
      &smtp_url, "");
  pg::settings::define_string({"pg_gateway.smtp_username", "User name for SMTP AUTH.",
                               "Empty: no authentication.", PGC_SIGHUP, GUC_SUPERUSER_ONLY},
                              &smtp_username, "");
  // A secret: only superusers can read or set it (PGC_SUSET semantics via
  // GUC_SUPERUSER_ONLY for reading; postgresql.conf / ALTER SYSTEM to set).
  pg::settings::define_string({"pg_gateway.smtp_password", "Password for SMTP AUTH.", nullptr,
                               PGC_SIGHUP, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL},
                              &smtp_password, "");
  pg::settings::define_int(
      {"pg_gateway.job_poll_interval", "How often idle job workers look for due jobs.",
       "Enqueuing wakes them at commit; polling finds jobs whose run_at arrives and rows inserted "
       "into gateway.jobs by hand.",
       PGC_SIGHUP, GUC_UNIT_MS},
      &job_poll_interval_ms, 2000, 10, 3600 * 1000);
  pg::settings::define_int({"pg_gateway.job_retention", "How long finished jobs are kept.",
                            "Succeeded and permanently failed jobs older than this are deleted by "
                            "the job workers; 0 deletes them at once.",
                            PGC_SIGHUP, GUC_UNIT_S},
                           &job_retention_s, 7 * 24 * 3600, 0, INT_MAX);
  pg::settings::define_string(
      {"pg_gateway.job_forbidden_flags", "Flags of jobs the job workers leave alone.",
       "A comma-separated list, as Graphile Worker's forbiddenFlags: a job carrying any of these "
       "flags (add_job's flags) waits until the setting no longer names it.",
       PGC_SIGHUP, GUC_LIST_INPUT},
      &job_forbidden_flags, "");
}

}  // namespace pg_gateway::jobs_pg::settings
