#include "extension/jobs/job_runner.hpp"

extern "C" {
#include "utils/acl.h"
}

#include "extension/jobs/settings.hpp"
#include "extension/workers/settings.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/settings.hpp"
#include "extension/pg/transaction.hpp"
#include "extension/pg/spi.hpp"
#include "extension/pg/subtransaction.hpp"
#include "extension/pg/catalog.hpp"

namespace pg_gateway::jobs_pg {

namespace {

using Row = pg::TextRow;
using Params = pg::TextParams;

std::vector<Row> query(const char* sql, const Params& params) {
  return pg::query_text(sql, params);
}

pg::TransactionOptions write_transaction(const char* activity) {
  pg::TransactionOptions tx;
  tx.read_only = false;
  tx.statement_timeout_ms = workers::settings::statement_timeout_ms;
  tx.activity = activity;
  return tx;
}

// A PostgreSQL array literal of elements that need no quoting (job ids,
// worker ids "<hex>:<pid>"), for a $n::bigint[] or $n::text[] parameter.
std::string array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "}";
}

// pg_gateway.job_forbidden_flags, read at each use (it changes on SIGHUP),
// as a text parameter for FORBIDDEN_FLAGS_ARRAY; nullopt when empty.
std::optional<std::string> forbidden_flags() {
  if (jobs_pg::settings::job_forbidden_flags && *jobs_pg::settings::job_forbidden_flags)
    return std::string(jobs_pg::settings::job_forbidden_flags);
  return std::nullopt;
}

// SQL for that parameter as text[] (NULL when it names no flag).
#define FORBIDDEN_FLAGS_ARRAY(param)                                \
  "nullif(ARRAY(SELECT btrim(f) FROM unnest(string_to_array(" param \
  "::text, ',')) f "                                                \
  "WHERE btrim(f) <> ''), '{}')"

}  // namespace

bool JobRunner::queue_installed() {
  bool installed = false;
  pg::run_in_transaction(
      [] {
        pg::TransactionOptions tx;
        tx.activity = "pg_gateway job worker: checking the job queue";
        return tx;
      }(),
      [&] {
        installed = pg::call([] {
          Oid nsp = get_namespace_oid("gateway", true);
          return OidIsValid(nsp) && OidIsValid(get_relname_relid("jobs", nsp)) &&
                 OidIsValid(get_extension_oid("pg_gateway", true));
        });
        if (installed)
          installed = !query(
                           "SELECT 1 FROM pg_proc WHERE oid = "
                           "to_regprocedure('gateway.claim_jobs(text,integer,text[])')",
                           {})
                           .empty();
      });
  return installed;
}

std::vector<ClaimedJob> JobRunner::claim_here(int max_jobs) {
  std::vector<Row> rows = query(
      "SELECT id, task_identifier, payload::text, attempts, max_attempts "
      "FROM gateway.claim_jobs($1::text, $3::int, " FORBIDDEN_FLAGS_ARRAY("$2") ")",
      {worker_id_, forbidden_flags(), std::to_string(max_jobs)});
  std::vector<ClaimedJob> jobs;
  for (const Row& r : rows) {
    ClaimedJob j;
    j.id = std::stoll(r[0].value_or("0"));
    j.task = r[1].value_or("");
    j.payload = r[2].value_or("{}");
    j.attempts = std::stoi(r[3].value_or("0"));
    j.max_attempts = std::stoi(r[4].value_or("0"));
    jobs.push_back(std::move(j));
  }
  return jobs;
}

std::vector<ClaimedJob> JobRunner::claim(int max_jobs) {
  std::vector<ClaimedJob> jobs;
  if (max_jobs <= 0) return jobs;
  pg::run_in_transaction(write_transaction("pg_gateway job worker: claiming jobs"),
                         [&] { jobs = claim_here(max_jobs); });
  return jobs;
}

BatchResult JobRunner::run_batch(const std::vector<ClaimedJob>& jobs, const ClaimGate& gate) {
  BatchResult result;
  try {
    // Each task reports itself as the activity (run_sql_task_here).
    pg::run_in_transaction(write_transaction("pg_gateway job worker: running jobs"), [&] {
      result.outcomes.clear();
      result.next.clear();
      for (const ClaimedJob& job : jobs) result.outcomes.push_back(run_sql_task_here(job));
      int n = gate ? gate() : 0;
      if (n > 0) result.next = claim_here(n);
    });
  } catch (const pg::PgError& e) {
    // Nothing of the batch committed (an error outside the tasks'
    // subtransactions, or at commit): each job is a failed attempt.
    result.outcomes.clear();
    result.next.clear();
    for (const ClaimedJob& job : jobs)
      result.outcomes.push_back(
          record_failure(job.id, "the job worker's transaction failed: " + e.message, true));
  }
  return result;
}

int JobRunner::release(const std::vector<ClaimedJob>& jobs) {
  if (jobs.empty()) return 0;
  std::vector<std::string> ids;
  for (const ClaimedJob& job : jobs) ids.push_back(std::to_string(job.id));
  int released = 0;
  pg::run_in_transaction(
      write_transaction("pg_gateway job worker: giving back unstarted jobs"), [&] {
        std::vector<Row> rows = query("SELECT gateway.release_jobs($1::bigint[], $2::text)",
                                      {array_literal(ids), worker_id_});
        if (!rows.empty()) released = std::stoi(rows[0][0].value_or("0"));
      });
  return released;
}

// 2xx/3xx: the job succeeded with the response as its result; otherwise
// the retry policy (core/jobs/task_specs.hpp) says retry or give up, and
// the response, if any, is kept on the job to show what the peer said.
Outcome JobRunner::record_transfer(const jobs::TransferResult& t) {
  jobs::AttemptVerdict verdict = t.email ? jobs::classify_smtp_attempt(t.error, t.status)
                                         : jobs::classify_http_attempt(t.error, t.status);
  std::optional<std::string> result;
  if (t.error == jobs::TransportError::kNone) result = t.result_json();
  if (verdict.outcome == jobs::AttemptOutcome::kSuccess) {
    Outcome outcome = Outcome::kLost;
    pg::run_in_transaction(write_transaction("pg_gateway job worker: recording a response"),
                           [&] { outcome = finish_here(t.job_id, result); });
    return outcome;
  }
  std::string error = verdict.reason;
  if (!t.error_text.empty()) error += " (" + t.error_text + ")";
  return record_failure(t.job_id, error, verdict.outcome == jobs::AttemptOutcome::kRetry, result);
}

// job.id and job.task, transaction-local, for what the task's SQL wants to
// know about its job; the audit trigger records them
// (extension/audit/actor.hpp).
namespace {
void set_job_settings(const ClaimedJob& job) {
  pg::settings::set_local("job.id", std::to_string(job.id));
  pg::settings::set_local("job.task", job.task);
}
}  // namespace

// The task's function runs as the role that registered it, in a
// subtransaction of the transaction that also records the outcome: its
// effects and the job's success commit together, or neither does.
//
// The job's row is locked first: a job whose lease was taken back
// (force_unlock_workers) is not run, and nobody can take it back while its
// task runs, so a task's effects never commit for a job that another
// worker will run again.
Outcome JobRunner::run_sql_task_here(const ClaimedJob& job) {
  std::string activity = "pg_gateway job " + std::to_string(job.id) + ": " + job.task;
  pg::call([&activity] { pgstat_report_activity(STATE_RUNNING, activity.c_str()); });
  // By id alone (see gateway.finish_job for why), the lease checked in
  // the select list.
  std::vector<Row> task = query(
      "SELECT t.run_as::oid::text, "
      "'SELECT to_jsonb(' || quote_ident(n.nspname) || '.' || quote_ident(p.proname) || "
      "'($1::jsonb))::text', "
      "j.status = 'running' AND j.locked_by IS NOT DISTINCT FROM $2::text "
      "FROM gateway.jobs j LEFT JOIN (gateway.tasks t JOIN pg_proc p ON p.oid = t.handler "
      "JOIN pg_namespace n ON n.oid = p.pronamespace) ON t.identifier = j.task_identifier "
      "WHERE j.id = $1::bigint FOR UPDATE OF j",
      {std::to_string(job.id), worker_id_});
  if (task.empty() || task[0][2] != std::optional<std::string>("t")) return Outcome::kLost;
  if (!task[0][0])
    return fail_here(
        job.id,
        "no task is registered under the identifier \"" + job.task + "\" (gateway.register_task)",
        true, std::nullopt);
  Oid role = Oid(std::stoul(*task[0][0]));
  // SELECT to_jsonb(<schema>.<function>($1::jsonb))::text
  std::string call_sql = task[0][1].value_or("");
  if (pg::is_superuser(role))
    return fail_here(
        job.id,
        "task \"" + job.task +
            "\" is registered to run as a superuser; pg_gateway never runs jobs as one",
        false, std::nullopt);
  pg::SubtransactionScope scope = pg::begin_subtransaction();
  std::optional<std::string> result;
  try {
    set_job_settings(job);
    pg::SavedUser saved = pg::enter_role(role);
    std::vector<Row> rows = query(call_sql.c_str(), {job.payload});
    pg::leave_role(saved);
    if (!rows.empty()) result = rows[0][0];
  } catch (const pg::PgError& e) {
    pg::end_subtransaction(scope, false);
    std::string failure = e.message + (e.detail.empty() ? "" : " (" + e.detail + ")");
    if (e.sqlstate != "XX000") failure += " [SQLSTATE " + e.sqlstate + "]";
    return fail_here(job.id, failure, true, std::nullopt);
  }
  pg::end_subtransaction(scope, true);
  return finish_here(job.id, result);
}

Outcome JobRunner::finish_here(int64_t job_id, const std::optional<std::string>& result_json) {
  std::vector<Row> done = query("SELECT gateway.finish_job($1::bigint, $2::text, $3::jsonb)",
                                {std::to_string(job_id), worker_id_, result_json});
  return (!done.empty() && done[0][0] == std::optional<std::string>("t")) ? Outcome::kSucceeded
                                                                          : Outcome::kLost;
}

Outcome JobRunner::fail_here(int64_t job_id, const std::string& error, bool retryable,
                             const std::optional<std::string>& result_json) {
  std::vector<Row> rows = query(
      "SELECT status FROM gateway.fail_job($1::bigint, $2::text, $3::text, $4::boolean, "
      "$5::jsonb)",
      {std::to_string(job_id), worker_id_, error, std::string(retryable ? "t" : "f"), result_json});
  if (rows.empty() || !rows[0][0]) return Outcome::kLost;
  if (*rows[0][0] != "queued") return Outcome::kFailed;
  note_attempt_failed();
  return Outcome::kRetried;
}

Outcome JobRunner::record_failure(int64_t job_id, const std::string& error, bool retryable,
                                  const std::optional<std::string>& result_json) {
  Outcome outcome = Outcome::kLost;
  pg::run_in_transaction(write_transaction("pg_gateway job worker: recording a failure"),
                         [&] { outcome = fail_here(job_id, error, retryable, result_json); });
  return outcome;
}

int JobRunner::release_jobs_of_dead_workers(const std::vector<std::string>& live) {
  int released = 0;
  pg::run_in_transaction(
      write_transaction("pg_gateway job worker: releasing jobs of dead workers"), [&] {
        std::vector<Row> rows = query(
            "SELECT count(*) FROM gateway.force_unlock_workers("
            "  ARRAY(SELECT DISTINCT locked_by FROM gateway.jobs WHERE status = 'running' "
            "         AND locked_by <> ALL ($1::text[]) "
            "        UNION SELECT locked_by FROM gateway.job_queues WHERE locked_by IS NOT NULL "
            "         AND locked_by <> ALL ($1::text[])),"
            "  'its job worker stopped while running it')",
            {array_literal(live)});
        if (!rows.empty()) released = std::stoi(rows[0][0].value_or("0"));
      });
  return released;
}

int JobRunner::delete_finished_jobs(int retention_seconds) {
  int deleted = 0;
  pg::run_in_transaction(write_transaction("pg_gateway job worker: deleting finished jobs"), [&] {
    std::vector<Row> rows =
        query("SELECT gateway.delete_finished_jobs(make_interval(secs => $1::int), 1000)",
              {std::to_string(retention_seconds)});
    if (!rows.empty()) deleted = std::stoi(rows[0][0].value_or("0"));
  });
  return deleted;
}

std::optional<int64_t> JobRunner::ms_until_next_due() {
  std::optional<int64_t> ms;
  pg::TransactionOptions tx;
  tx.activity = "pg_gateway job worker: looking for due jobs";
  pg::run_in_transaction(tx, [&] {
    // Only jobs this worker may claim: a due job that carries a forbidden
    // flag, or waits for its named queue, must not keep it awake.
    std::vector<Row> rows = query("SELECT gateway.next_job_due_in(" FORBIDDEN_FLAGS_ARRAY("$1") ")",
                                  {forbidden_flags()});
    if (!rows.empty() && rows[0][0]) ms = std::stoll(*rows[0][0]);
  });
  return ms;
}

// One pass over the partial index of queued jobs (jobs_ready_order); run
// every few seconds by one job worker, never on the request path.
void JobRunner::due_backlog(uint64_t* depth, double* oldest_due_age_s) {
  *depth = 0;
  *oldest_due_age_s = 0;
  pg::TransactionOptions tx;
  tx.read_only = true;
  tx.activity = "pg_gateway job worker: measuring the queue for /metrics";
  pg::run_in_transaction(tx, [&] {
    std::vector<Row> rows = query(
        "SELECT count(*), COALESCE(EXTRACT(epoch FROM now() - min(run_at)), 0)::float8 "
        "FROM gateway.jobs WHERE status = 'queued' AND run_at <= now()",
        {});
    if (!rows.empty() && rows[0][0]) *depth = std::stoull(*rows[0][0]);
    if (!rows.empty() && rows[0][1]) *oldest_due_age_s = std::max(0.0, std::stod(*rows[0][1]));
  });
}

}  // namespace pg_gateway::jobs_pg
