// Graphile Worker's crontab format and its schedule arithmetic, for
// pg_gateway's recurring jobs.
//
// A crontab line is
//   <minute> <hour> <day of month> <month> <day of week> <task> [?options] [{payload}]
// exactly as Graphile Worker (src/crontab.ts, cronMatcher.ts, cronConstants.ts)
// parses it: the same accepted syntax, the same defaults and the same error
// messages. Deliberate differences, all on input Graphile Worker accepts at
// parse time but that cannot work later or that we cannot represent:
//   - the payload must be strict JSON (RFC 8259), not JSON5;
//   - `max` must be 1-32767 and `priority` -32768-32767 (Graphile Worker
//     casts both to smallint when it enqueues, and fails there instead);
//   - a `jobKey` containing NUL is refused (PostgreSQL text cannot hold it);
//   - the text must be valid UTF-8, at most kMaxCrontabBytes, lines at most
//     kMaxCrontabLineBytes, and echoed input in messages is cut at 200 bytes.
// `a-b/n` (a stepped range) is not Graphile Worker syntax and is refused with
// its "Unsupported syntax" error, as Graphile Worker does.
//
// All time is UTC, as seconds since the Unix epoch; the calendar math is our
// own (no time zone database). Supported instants run from
// 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z; inputs outside are clamped.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pg_gateway::jobs {

inline constexpr size_t kMaxCrontabBytes = 1024 * 1024;
inline constexpr size_t kMaxCrontabLineBytes = 64 * 1024;
inline constexpr size_t kMaxCrontabPayloadDepth = 64;
inline constexpr size_t kMaxCrontabErrors = 100;  // collected by parse_crontab_all
// Fill windows saturate here (about 31.7 million years): longer than any
// distance between supported instants, so "saturated" still means "all".
inline constexpr int64_t kMaxFillSeconds = int64_t(1000000000000000);
inline constexpr int64_t kMinCronTimestamp = -62135596800;  // 0001-01-01T00:00:00Z
inline constexpr int64_t kMaxCronTimestamp = 253402300799;  // 9999-12-31T23:59:59Z

// A crontab that does not parse. line() is the 1-based line number, or 0 for
// problems of the whole crontab (duplicate identifiers, size).
class CrontabError : public std::runtime_error {
 public:
  CrontabError(int line, const std::string& message) : std::runtime_error(message), line_(line) {}
  int line() const { return line_; }

 private:
  int line_;
};

// The five time fields as sets: bit v is set when value v matches. Every set
// is non-empty once parsed.
struct CronMatch {
  uint64_t minutes = 0;  // bits 0-59
  uint32_t hours = 0;    // bits 0-23
  uint32_t dates = 0;    // bits 1-31 (day of month)
  uint16_t months = 0;   // bits 1-12
  uint8_t dows = 0;      // bits 0-6, 0 = Sunday (7 in the text means Sunday too)

  // Graphile Worker calls a field "exclusionary" when it does not list every
  // value (so `1-31` counts as unrestricted, `*/2` as restricted). When both
  // day fields are restricted a day matches if EITHER does (classic cron OR);
  // otherwise only the restricted one (if any) decides.
  bool dates_restricted() const;
  bool dows_restricted() const;

  friend bool operator==(const CronMatch&, const CronMatch&) = default;
};

struct CronItem {
  std::string identifier;  // the `id` option, else the task name
  std::string task;
  std::string schedule;  // the five time fields as written, single-spaced
  CronMatch match;
  int64_t fill_seconds = 0;  // backfill window ("fill"); 0 = no backfill
  std::optional<int> max_attempts;
  std::optional<std::string> queue_name;
  std::optional<std::string> job_key;
  // "replace" or "preserve_run_at"; defaults to "replace" when a non-empty
  // job_key is given (Graphile Worker's rule), stays unset otherwise.
  std::optional<std::string> job_key_mode;
  std::optional<int> priority;
  std::optional<std::string> payload_json;  // compact JSON object text
  int line = 0;
};

// Parses a whole crontab: blank lines and lines whose first non-blank
// character is '#' are skipped; lines end at "\n" or "\r\n". Throws
// CrontabError at the first bad line, and for duplicate identifiers.
std::vector<CronItem> parse_crontab(std::string_view text);

// Parses one crontab line (for a table that holds one line per row); the
// line number only appears in messages. Leading and trailing blanks are
// ignored. A blank or comment line is an error here (there is no item).
CronItem parse_crontab_line(std::string_view line, int line_number = 1);

// Every problem at once, for an editor or a validation function: the items
// of the lines that parse, and one error per bad line (plus one with line 0
// for duplicate identifiers among the good lines). After kMaxCrontabErrors - 1
// bad lines it stops, with a last error (line 0) saying where.
struct CrontabParseResult {
  std::vector<CronItem> items;
  std::vector<CrontabError> errors;
};
CrontabParseResult parse_crontab_all(std::string_view text);

// Parses just the five time fields ("0 */4 * * *"), as Graphile Worker's
// createCronMatcher does for cron items given in code; `source` names the
// pattern in messages ("Invalid cron pattern 'x' in <source>").
CronMatch parse_cron_pattern(std::string_view pattern, std::string_view source);

// --- UTC calendar -----------------------------------------------------------

struct UtcTime {
  int64_t year;
  int month;    // 1-12
  int day;      // 1-31
  int hour;     // 0-23
  int minute;   // 0-59
  int second;   // 0-59
  int weekday;  // 0 = Sunday
};
UtcTime utc_from_unix(int64_t seconds);
// Seconds since the epoch of a UTC civil time; fields must be in range.
int64_t unix_from_utc(int64_t year, int month, int day, int hour = 0, int minute = 0,
                      int second = 0);
// "2021-01-01T04:00:00.000Z", as JavaScript's toISOString() writes it.
std::string format_iso8601_utc(int64_t seconds);

// --- schedule ---------------------------------------------------------------

// Does the minute containing `ts` match?
bool matches(const CronMatch& match, int64_t ts);
// The same on already split fields (minute, hour, day, month and weekday are
// read; Graphile Worker's TimestampDigest), for callers and tests that have them.
bool matches(const CronMatch& match, const UtcTime& t);
bool matches(const CronItem& item, int64_t ts);

// The first matching minute strictly after `after`, or nullopt when there is
// none up to kMaxCronTimestamp (e.g. "0 0 30 2 *", which never matches).
std::optional<int64_t> next_slot(const CronItem& item, int64_t after);

// What a scheduler knows when it asks which slots to enqueue for one item.
struct DueSlotsQuery {
  int64_t now = 0;
  // When this scheduler started watching the item (Graphile Worker: the
  // worker's start). Slots at or after it are "live" and never dropped, so a
  // late wake-up catches up; older slots are backfill and only run when they
  // are within fill_seconds of it. Not "now": that would drop a slot the
  // scheduler merely woke up a little late for, when fill is 0.
  int64_t scheduler_start = 0;
  // When the item was first seen (the crontab row was created). Nothing
  // before it runs: a new item is never backfilled, and one added at 12:00:30
  // first runs at 12:01 (or later), as in Graphile Worker.
  int64_t known_since = 0;
  // The last slot enqueued for this item, if any; only later slots are due.
  // When set it replaces known_since as the lower bound, as in Graphile
  // Worker (notBefore = last_execution || known_since).
  std::optional<int64_t> last_execution;
  // At most this many slots are returned: the OLDEST ones. Record the last
  // one as last_execution and ask again for the rest.
  size_t max_slots = 1000;
};

struct DueSlot {
  int64_t ts;       // the minute, seconds since the epoch
  bool backfilled;  // ts < scheduler_start (payload _cron.backfilled)
  friend bool operator==(const DueSlot&, const DueSlot&) = default;
};

// Matching minutes ts, ascending, with ts <= now, ts > last_execution (or
// ts >= known_since when never run) and ts >= scheduler_start - fill_seconds.
// Enqueueing each and advancing last_execution with "only if it is later
// than the stored one" (Graphile Worker's known_crontabs lock) runs each slot
// at most once across any number of schedulers.
std::vector<DueSlot> due_slots(const CronItem& item, const DueSlotsQuery& query);

// The job payload for one slot, as Graphile Worker builds it: the item's
// payload object with "_cron": {"ts": "<ISO 8601>", "backfilled": bool}
// (replacing any "_cron" the payload had, in place).
std::string cron_job_payload(const CronItem& item, const DueSlot& slot);

}  // namespace pg_gateway::jobs
