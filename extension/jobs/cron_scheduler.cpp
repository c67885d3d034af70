#include "extension/jobs/cron_scheduler.hpp"

#include <string_view>
#include <vector>

#include "core/jobs/crontab.hpp"
#include "extension/workers/settings.hpp"
#include "extension/pg/entry.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/transaction.hpp"
#include "extension/pg/spi.hpp"

namespace pg_gateway::jobs_pg {

namespace {

using Row = pg::TextRow;

std::vector<Row> query(const char* sql, const pg::TextParams& params) {
  return pg::query_text(sql, params);
}

std::optional<std::string> opt_int(const std::optional<int>& v) {
  return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}

}  // namespace

std::optional<int64_t> CronScheduler::run() {
  std::optional<int64_t> next_ms;
  pg::TransactionOptions tx;
  tx.read_only = false;
  tx.statement_timeout_ms = workers::settings::statement_timeout_ms;
  tx.activity = "pg_gateway job worker: enqueuing recurring jobs";
  pg::run_in_transaction(tx, [&] {
    std::vector<Row> lines = query(
        "SELECT identifier, line, floor(extract(epoch FROM known_since))::bigint::text, "
        "floor(extract(epoch FROM last_execution))::bigint::text, "
        "floor(extract(epoch FROM clock_timestamp()))::bigint::text "
        "FROM gateway.crontab ORDER BY identifier",
        {});
    for (const Row& row : lines) {
      const std::string text = row[1].value_or("");
      jobs::CronItem item;
      try {
        item = jobs::parse_crontab_line(text);
      } catch (const jobs::CrontabError& e) {
        // Stored lines were checked by parse_crontab(); one that no longer
        // parses (edited by hand) is skipped and reported once.
        if (warned_.insert(text).second)
          pg::warning(
              "pg_gateway: skipping recurring job \"" + row[0].value_or("") + "\": " + e.what(),
              "fix it with gateway.add_cron()");
        continue;
      }
      jobs::DueSlotsQuery q;
      q.now = std::stoll(row[4].value_or("0"));
      q.scheduler_start = started_at_;
      q.known_since = std::stoll(row[2].value_or("0"));
      if (row[3]) q.last_execution = std::stoll(*row[3]);
      for (const jobs::DueSlot& slot : jobs::due_slots(item, q)) {
        // Claims the slot: only one scheduler moves last_execution past it.
        std::string ts = std::to_string(slot.ts);
        std::vector<Row> claimed = query(
            "UPDATE gateway.crontab SET last_execution = to_timestamp($2::bigint) "
            "WHERE identifier = $1 AND (last_execution IS NULL "
            "OR last_execution < to_timestamp($2::bigint)) RETURNING 1",
            {row[0], ts});
        if (claimed.empty()) continue;
        query(
            "SELECT gateway.add_job($1, $2::jsonb, $3, to_timestamp($4::bigint), $5::int, $6, "
            "$7::int, NULL, coalesce($8, 'replace'))",
            {item.task, jobs::cron_job_payload(item, slot), item.queue_name, ts,
             opt_int(item.max_attempts), item.job_key, opt_int(item.priority), item.job_key_mode});
      }
      if (std::optional<int64_t> next = jobs::next_slot(item, q.now)) {
        int64_t ms = (*next - q.now) * 1000;
        if (!next_ms || ms < *next_ms) next_ms = ms;
      }
    }
  });
  return next_ms;
}

}  // namespace pg_gateway::jobs_pg

// gateway.parse_crontab(text): (identifier, line) of each line, or an error
// naming the first bad one. Lines are split as the parser splits them
// ("\n" or "\r\n"), so an item's line number finds its text.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_parse_crontab) {
  using pg_gateway::pg::call;
  text* arg = call([fcinfo] { return PG_GETARG_TEXT_PP(0); });
  std::string crontab(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg));
  std::vector<pg_gateway::jobs::CronItem> items;
  std::string error;
  int error_line = 0;
  try {
    items = pg_gateway::jobs::parse_crontab(crontab);
  } catch (const pg_gateway::jobs::CrontabError& e) {
    error = e.what();
    error_line = e.line();
  }
  if (!error.empty()) {
    // Graphile Worker's messages name the line themselves.
    std::string detail = error.find("line") == std::string::npos && error_line > 0
                             ? "line " + std::to_string(error_line) + ": " + error
                             : error;
    const char* d = detail.c_str();
    call([d] {
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid crontab"),
                      errdetail("%s", d),
                      errhint("Lines are Graphile Worker's: <minute> <hour> <day of month> "
                              "<month> <day of week> <task> [?options] [{json payload}].")));
    });
  }
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= crontab.size()) {
    size_t end = crontab.find('\n', start);
    if (end == std::string::npos) end = crontab.size();
    std::string line = crontab.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    start = end + 1;
  }
  pg_gateway::pg::RowSink rows(fcinfo);
  for (const pg_gateway::jobs::CronItem& item : items) {
    const std::string& line =
        item.line >= 1 && size_t(item.line) <= lines.size() ? lines[size_t(item.line) - 1] : "";
    const char* id = item.identifier.c_str();
    const char* l = line.c_str();
    rows.add<2>([id, l](Datum* values, bool*) {
      values[0] = CStringGetTextDatum(id);
      values[1] = CStringGetTextDatum(l);
    });
  }
  return Datum(0);
}
