// UTC calendar arithmetic and cron schedules: which minutes match, the next
// matching minute, and which minutes a scheduler owes after being away.
//
// Searches walk forward by whole months and days, jumping over months and
// dates the item excludes, so their cost grows with the number of candidate
// days, not minutes; every loop is bounded by the distance to its limit.
#include <algorithm>
#include <bit>
#include <cstdio>
#include <utility>

#include "core/jobs/crontab.hpp"
#include "core/json/json_value.hpp"

namespace pg_gateway::jobs {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t clamp_timestamp(int64_t ts) { return std::clamp(ts, kMinCronTimestamp, kMaxCronTimestamp); }

int64_t floor_minute(int64_t ts) { return floor_div(ts, 60) * 60; }
int64_t ceil_minute(int64_t ts) { return -floor_div(-ts, 60) * 60; }

// Days since 1970-01-01 of a proleptic Gregorian date (the well-known
// era-based formula: 400-year eras of 146097 days, years starting in March
// so the leap day is last).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;                                    // [0, 399]
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  int64_t year;
  int month;
  int day;
};

// The inverse of days_from_civil.
CivilDate civil_from_days(int64_t z) {
  z += 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;                                       // [0, 146096]
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  int day = int(doy - (153 * mp + 2) / 5 + 1);
  int month = int(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// 1970-01-01 was a Thursday (4).
int weekday_from_days(int64_t days) { return int((days + 4) - floor_div(days + 4, 7) * 7); }

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int64_t y, int m) {
  static constexpr int kDays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m];
}

bool has_bit(uint64_t set, int bit) { return ((set >> bit) & 1) != 0; }

// Graphile Worker's day rule (cronItemMatches): with both day fields
// restricted either may match; otherwise the restricted one decides.
bool day_matches(const CronMatch& m, int date, int dow) {
  bool dates = m.dates_restricted(), dows = m.dows_restricted();
  if (dates && dows) return has_bit(m.dates, date) || has_bit(m.dows, dow);
  if (dates) return has_bit(m.dates, date);
  if (dows) return has_bit(m.dows, dow);
  return true;
}

// False only for schedules that can never fire, such as "0 0 30 2 *": when
// the day of the week takes part, every month has every weekday; otherwise
// some allowed month must be long enough for some allowed date.
bool can_ever_match(const CronMatch& m) {
  if (m.minutes == 0 || m.hours == 0 || m.dates == 0 || m.months == 0 || m.dows == 0) return false;
  if (m.dows_restricted() || !m.dates_restricted()) return true;
  static constexpr int kLongest[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int month = 1; month <= 12; ++month) {
    if (!has_bit(m.months, month)) continue;
    uint32_t fitting = m.dates & uint32_t((uint64_t(1) << (kLongest[month] + 1)) - 1);
    if (fitting != 0) return true;
  }
  return false;
}

// The first minute of the day at or after `from_minute` (minutes since
// midnight) with an allowed hour and minute, or -1.
int first_time_of_day(const CronMatch& m, int from_minute) {
  for (int hour = from_minute / 60; hour < 24; ++hour) {
    if (!has_bit(m.hours, hour)) continue;
    int first = hour == from_minute / 60 ? from_minute % 60 : 0;
    uint64_t left = m.minutes >> first;
    if (left != 0) return hour * 60 + first + std::countr_zero(left);
  }
  return -1;
}

// The first matching minute in [from, until], both already clamped to the
// supported range. Walks days; skips whole months outside the month set and,
// when only the date decides, straight to the next allowed date.
std::optional<int64_t> first_match(const CronMatch& m, int64_t from, int64_t until) {
  from = ceil_minute(from);
  if (from > until || !can_ever_match(m)) return std::nullopt;
  int64_t day = floor_div(from, kSecondsPerDay);
  int from_minute = int((from - day * kSecondsPerDay) / 60);
  const int64_t last_day = floor_div(until, kSecondsPerDay);
  const bool only_dates = m.dates_restricted() && !m.dows_restricted();
  // Each pass moves `day` forward by at least one, so this ends by last_day.
  while (day <= last_day) {
    CivilDate date = civil_from_days(day);
    if (!has_bit(m.months, date.month)) {
      uint32_t later = uint32_t(m.months) >> (date.month + 1);
      int64_t year = date.year;
      int month = later != 0 ? date.month + 1 + std::countr_zero(later) : 0;
      if (month == 0) {
        ++year;
        month = std::countr_zero(uint32_t(m.months));
      }
      day = days_from_civil(year, month, 1);
      from_minute = 0;
      continue;
    }
    if (only_dates && !has_bit(m.dates, date.day)) {
      uint64_t later = uint64_t(m.dates) >> (date.day + 1);  // day + 1 may be 32
      int next = later != 0 ? date.day + 1 + std::countr_zero(later) : 32;
      if (next > days_in_month(date.year, date.month)) {
        day += days_in_month(date.year, date.month) - date.day + 1;  // first of next month
      } else {
        day += next - date.day;
      }
      from_minute = 0;
      continue;
    }
    if (day_matches(m, date.day, weekday_from_days(day))) {
      int minute = first_time_of_day(m, from_minute);
      if (minute >= 0) {
        int64_t ts = day * kSecondsPerDay + int64_t(minute) * 60;
        return ts <= until ? std::optional<int64_t>(ts) : std::nullopt;
      }
    }
    ++day;
    from_minute = 0;
  }
  return std::nullopt;
}

}  // namespace

UtcTime utc_from_unix(int64_t seconds) {
  int64_t days = floor_div(seconds, kSecondsPerDay);
  int64_t in_day = seconds - days * kSecondsPerDay;
  CivilDate date = civil_from_days(days);
  return UtcTime{date.year,
                 date.month,
                 date.day,
                 int(in_day / 3600),
                 int(in_day / 60 % 60),
                 int(in_day % 60),
                 weekday_from_days(days)};
}

int64_t unix_from_utc(int64_t year, int month, int day, int hour, int minute, int second) {
  return days_from_civil(year, month, day) * kSecondsPerDay + int64_t(hour) * 3600 +
         int64_t(minute) * 60 + second;
}

std::string format_iso8601_utc(int64_t seconds) {
  UtcTime t = utc_from_unix(clamp_timestamp(seconds));
  char buf[48];
  // JavaScript writes years outside 0-9999 as +YYYYYY / -YYYYYY; clamping
  // keeps us inside 0001-9999.
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", int(t.year), t.month, t.day,
                t.hour, t.minute, t.second);
  return buf;
}

bool matches(const CronMatch& m, const UtcTime& t) {
  if (t.minute < 0 || t.minute > 59 || t.hour < 0 || t.hour > 23 || t.day < 1 || t.day > 31 ||
      t.month < 1 || t.month > 12 || t.weekday < 0 || t.weekday > 6) {
    return false;
  }
  return has_bit(m.minutes, t.minute) && has_bit(m.hours, t.hour) && has_bit(m.months, t.month) &&
         day_matches(m, t.day, t.weekday);
}

bool matches(const CronMatch& m, int64_t ts) { return matches(m, utc_from_unix(ts)); }

bool matches(const CronItem& item, int64_t ts) { return matches(item.match, ts); }

std::optional<int64_t> next_slot(const CronItem& item, int64_t after) {
  if (after >= kMaxCronTimestamp) return std::nullopt;
  int64_t from = floor_minute(std::max(after, kMinCronTimestamp - 60)) + 60;
  return first_match(item.match, from, kMaxCronTimestamp);
}

std::vector<DueSlot> due_slots(const CronItem& item, const DueSlotsQuery& q) {
  std::vector<DueSlot> slots;
  // Before the supported range nothing can be due (clamping `now` up to it
  // would invent slots later than now).
  if (q.max_slots == 0 || q.now < kMinCronTimestamp) return slots;
  const int64_t upper = floor_minute(clamp_timestamp(q.now));
  const int64_t start = clamp_timestamp(q.scheduler_start);
  // Graphile Worker's notBefore: the last execution when there is one (and
  // its own slot is not due again), else the time the item became known.
  int64_t lower = q.last_execution ? floor_minute(clamp_timestamp(*q.last_execution)) + 60
                                   : ceil_minute(clamp_timestamp(q.known_since));
  // Backfill reaches back fill_seconds from the scheduler's start; slots at
  // or after the start are live and always due.
  int64_t fill = std::clamp(item.fill_seconds, int64_t(0), kMaxFillSeconds);
  lower = std::max({lower, ceil_minute(start - fill), kMinCronTimestamp});
  std::optional<int64_t> ts = first_match(item.match, lower, upper);
  while (ts && slots.size() < q.max_slots) {
    slots.push_back({*ts, *ts < start});
    ts = first_match(item.match, *ts + 60, upper);
  }
  return slots;
}

std::string cron_job_payload(const CronItem& item, const DueSlot& slot) {
  json::Value payload = json::Value::object();
  if (item.payload_json) {
    auto parsed = json::parse(*item.payload_json);
    if (parsed.ok() && parsed.value->is_object()) payload = std::move(*parsed.value);
  }
  json::Value cron = json::Value::object({{"ts", json::Value::string(format_iso8601_utc(slot.ts))},
                                          {"backfilled", json::Value::boolean(slot.backfilled)}});
  // {...payload, _cron}: an existing "_cron" keeps its place and takes the
  // new value (every copy of it, should the object carry duplicates).
  bool replaced = false;
  for (auto& member : payload.members()) {
    if (member.first == "_cron") {
      member.second = cron;
      replaced = true;
    }
  }
  if (!replaced) payload.members().emplace_back("_cron", std::move(cron));
  return payload.dump();
}

}  // namespace pg_gateway::jobs
