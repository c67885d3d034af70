// Cron schedule arithmetic: the UTC calendar, which minutes match (Graphile
// Worker's cronItemMatches, day-of-month OR day-of-week), the next matching
// minute, and the slots a scheduler owes after downtime (Graphile Worker's
// backfill rule from src/cron.ts, and its tests in __tests__/cron.test.ts).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/jobs/crontab.hpp"

namespace pg_gateway::jobs {
namespace {

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr int64_t kWeek = 7 * kDay;
constexpr int64_t kJan1st2021 = 1609459200;  // Friday 2021-01-01T00:00:00Z

CronItem item(const std::string& line) { return parse_crontab_line(line); }

int64_t utc(int64_t y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return unix_from_utc(y, m, d, hh, mm, ss);
}

std::vector<int64_t> times(const std::vector<DueSlot>& slots) {
  std::vector<int64_t> out;
  for (const auto& s : slots) out.push_back(s.ts);
  return out;
}

// ---- calendar ----------------------------------------------------------------------

TEST(CrontabCalendar, KnownInstants) {
  auto check = [](int64_t ts, int64_t y, int m, int d, int hh, int mm, int ss, int wd) {
    UtcTime t = utc_from_unix(ts);
    EXPECT_EQ(t.year, y) << ts;
    EXPECT_EQ(t.month, m) << ts;
    EXPECT_EQ(t.day, d) << ts;
    EXPECT_EQ(t.hour, hh) << ts;
    EXPECT_EQ(t.minute, mm) << ts;
    EXPECT_EQ(t.second, ss) << ts;
    EXPECT_EQ(t.weekday, wd) << ts;
  };
  check(0, 1970, 1, 1, 0, 0, 0, 4);
  check(kJan1st2021, 2021, 1, 1, 0, 0, 0, 5);
  check(951782400, 2000, 2, 29, 0, 0, 0, 2);
  check(-1, 1969, 12, 31, 23, 59, 59, 3);
  check(4233686400, 2104, 2, 29, 0, 0, 0, 5);
  check(kMinCronTimestamp, 1, 1, 1, 0, 0, 0, 1);
  check(kMaxCronTimestamp, 9999, 12, 31, 23, 59, 59, 5);
  EXPECT_EQ(utc(2021, 1, 1), kJan1st2021);
  EXPECT_EQ(utc(1, 1, 1), kMinCronTimestamp);
  EXPECT_EQ(utc(9999, 12, 31, 23, 59, 59), kMaxCronTimestamp);
}

// Every day from 1600 to 2400 against a naive day-by-day calendar: the
// era formula must agree with counting, across every leap rule.
TEST(CrontabCalendar, AgreesWithCountingDays) {
  auto leap = [](int64_t y) { return y % 400 == 0 || (y % 4 == 0 && y % 100 != 0); };
  const int lengths[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t y = 1600;
  int m = 1, d = 1;
  int64_t ts = utc(1600, 1, 1);
  int weekday = utc_from_unix(ts).weekday;
  EXPECT_EQ(weekday, 6);  // 1600-01-01 was a Saturday
  while (y <= 2400) {
    UtcTime t = utc_from_unix(ts + 12 * kHour + 34 * kMinute + 56);
    ASSERT_EQ(t.year, y);
    ASSERT_EQ(t.month, m);
    ASSERT_EQ(t.day, d);
    ASSERT_EQ(t.weekday, weekday);
    ASSERT_EQ(t.hour * 10000 + t.minute * 100 + t.second, 123456);
    ASSERT_EQ(utc(y, m, d), ts);
    int length = m == 2 && leap(y) ? 29 : lengths[m];
    if (++d > length) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
    ts += kDay;
    weekday = (weekday + 1) % 7;
  }
}

TEST(CrontabCalendar, Iso8601LikeJavaScript) {
  EXPECT_EQ(format_iso8601_utc(kJan1st2021 + 4 * kHour), "2021-01-01T04:00:00.000Z");
  EXPECT_EQ(format_iso8601_utc(utc(2000, 2, 29, 23, 59, 7)), "2000-02-29T23:59:07.000Z");
  EXPECT_EQ(format_iso8601_utc(-1), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(format_iso8601_utc(std::numeric_limits<int64_t>::max()), "9999-12-31T23:59:59.000Z");
  EXPECT_EQ(format_iso8601_utc(std::numeric_limits<int64_t>::min()), "0001-01-01T00:00:00.000Z");
}

// ---- matching ---------------------------------------------------------------------

// Graphile Worker's cronMatcher.test.ts, on its digests (weekdays there need
// not agree with the date).
TEST(CrontabMatch, GraphileWorkerMatcherTests) {
  auto digest = [](int min, int hour, int date, int month, int dow) {
    return UtcTime{2021, month, date, hour, min, 0, dow};
  };
  const UtcTime d_0_0_1_1_0 = digest(0, 0, 1, 1, 0), d_0_0_1_1_5 = digest(0, 0, 1, 1, 5),
                d_0_0_1_1_4 = digest(0, 0, 1, 1, 4), d_0_15_1_7_0 = digest(0, 15, 1, 7, 0),
                d_0_15_4_7_2 = digest(0, 15, 4, 7, 2), d_0_15_4_7_5 = digest(0, 15, 4, 7, 5),
                d_6_15_4_7_5 = digest(6, 15, 4, 7, 5);
  const std::vector<UtcTime> all = {d_0_0_1_1_0,  d_0_0_1_1_5,  d_0_0_1_1_4, d_0_15_1_7_0,
                                    d_0_15_4_7_2, d_0_15_4_7_5, d_6_15_4_7_5};
  auto results = [&](const char* pattern) {
    CronMatch m = parse_cron_pattern(pattern, "test");
    std::vector<bool> out;
    for (const auto& d : all) out.push_back(matches(m, d));
    return out;
  };
  EXPECT_EQ(results("* * * * *"), std::vector<bool>(7, true));
  EXPECT_EQ(results("* * * * 5-6"),
            (std::vector<bool>{false, true, false, false, false, true, true}));
  EXPECT_EQ(results("0-5 15 3-4 7 0-2"),
            (std::vector<bool>{false, false, false, true, true, true, false}));
}

TEST(CrontabMatch, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  CronItem friday_13 = item("0 0 13 * 5 t");
  EXPECT_TRUE(matches(friday_13, utc(2023, 10, 13)));   // Friday the 13th
  EXPECT_TRUE(matches(friday_13, utc(2023, 10, 6)));    // any Friday
  EXPECT_TRUE(matches(friday_13, utc(2023, 11, 13)));   // any 13th (a Monday)
  EXPECT_FALSE(matches(friday_13, utc(2023, 10, 14)));  // neither
  // `1-31` lists every date, so it does not restrict: only Fridays match.
  CronItem fridays = item("0 0 1-31 * 5 t");
  EXPECT_TRUE(matches(fridays, utc(2023, 10, 6)));
  EXPECT_FALSE(matches(fridays, utc(2023, 10, 7)));
  // `*/2` restricts (16 dates): odd dates OR Sundays.
  CronItem odd_or_sunday = item("0 0 */2 * 0 t");
  EXPECT_TRUE(matches(odd_or_sunday, utc(2023, 10, 1)));    // odd, a Sunday
  EXPECT_TRUE(matches(odd_or_sunday, utc(2023, 10, 3)));    // odd
  EXPECT_TRUE(matches(odd_or_sunday, utc(2023, 10, 8)));    // even, a Sunday
  EXPECT_FALSE(matches(odd_or_sunday, utc(2023, 10, 10)));  // even Tuesday
  // Only the date restricted.
  CronItem first = item("0 0 1 * * t");
  EXPECT_TRUE(matches(first, utc(2023, 10, 1)));
  EXPECT_FALSE(matches(first, utc(2023, 10, 2)));
}

TEST(CrontabMatch, EveryFieldKind) {
  CronItem at_0430 = item("30 4 * * * t");
  EXPECT_TRUE(matches(at_0430, kJan1st2021 + 4 * kHour + 30 * kMinute));
  EXPECT_TRUE(matches(at_0430, kJan1st2021 + 4 * kHour + 30 * kMinute + 59));  // any second
  EXPECT_FALSE(matches(at_0430, kJan1st2021 + 4 * kHour + 31 * kMinute));
  EXPECT_FALSE(matches(at_0430, kJan1st2021 + 5 * kHour + 30 * kMinute));
  CronItem months = item("0 0 1 2,12 * t");
  EXPECT_TRUE(matches(months, utc(2021, 2, 1)));
  EXPECT_TRUE(matches(months, utc(2021, 12, 1)));
  EXPECT_FALSE(matches(months, utc(2021, 3, 1)));
  CronItem sunday_7 = item("0 0 * * 7 t");
  EXPECT_TRUE(matches(sunday_7, utc(2021, 1, 3)));  // a Sunday
  EXPECT_FALSE(matches(sunday_7, utc(2021, 1, 4)));
  CronItem leap_day = item("0 0 29 2 * t");
  EXPECT_TRUE(matches(leap_day, utc(2024, 2, 29)));
  EXPECT_FALSE(matches(leap_day, utc(2024, 3, 1)));
  EXPECT_FALSE(matches(leap_day, utc(2023, 3, 1)));
  // Before 1970 too.
  EXPECT_TRUE(matches(item("59 23 31 12 * t"), -60));
}

// ---- next slot ------------------------------------------------------------------

TEST(CrontabNextSlot, Basics) {
  CronItem every_minute = item("* * * * * t");
  EXPECT_EQ(next_slot(every_minute, kJan1st2021 + 30), kJan1st2021 + kMinute);
  EXPECT_EQ(next_slot(every_minute, kJan1st2021), kJan1st2021 + kMinute);  // strictly after
  EXPECT_EQ(next_slot(every_minute, kJan1st2021 - 1), kJan1st2021);
  // Graphile Worker's cron-timing test: `0 */4 * * *` at 1am fires at 4am.
  EXPECT_EQ(next_slot(item("0 */4 * * * t"), kJan1st2021 + kHour), kJan1st2021 + 4 * kHour);
  EXPECT_EQ(next_slot(item("0 0 1 1 * t"), utc(2021, 6, 15, 12)), utc(2022, 1, 1));
  EXPECT_EQ(next_slot(item("15 10 * * 1 t"), kJan1st2021), utc(2021, 1, 4, 10, 15));  // Monday
}

TEST(CrontabNextSlot, LeapDaysAndMonthEnds) {
  CronItem leap_day = item("0 0 29 2 * t");
  EXPECT_EQ(next_slot(leap_day, utc(2024, 2, 29)), utc(2028, 2, 29));
  EXPECT_EQ(next_slot(leap_day, utc(2096, 3, 1)), utc(2104, 2, 29));  // 2100 is no leap year
  EXPECT_EQ(next_slot(leap_day, utc(1999, 1, 1)), utc(2000, 2, 29));  // 2000 is
  EXPECT_EQ(next_slot(item("0 0 31 * * t"), utc(2021, 1, 31)), utc(2021, 3, 31));
  EXPECT_EQ(next_slot(item("0 0 30,31 2,4 * t"), utc(2021, 1, 1)), utc(2021, 4, 30));
  // Never: February 30th, and 31st of 30-day months.
  EXPECT_EQ(next_slot(item("0 12 30 2 * t"), kJan1st2021), std::nullopt);
  EXPECT_EQ(next_slot(item("0 0 31 2,4,6,9,11 * t"), kJan1st2021), std::nullopt);
  // With the weekday restricted too, the OR rule makes February Fridays match.
  EXPECT_EQ(next_slot(item("0 0 31 2 5 t"), kJan1st2021), utc(2021, 2, 5));
}

TEST(CrontabNextSlot, EdgesOfTheSupportedRange) {
  CronItem every_minute = item("* * * * * t");
  EXPECT_EQ(next_slot(every_minute, std::numeric_limits<int64_t>::min()), kMinCronTimestamp);
  EXPECT_EQ(next_slot(every_minute, kMaxCronTimestamp), std::nullopt);
  EXPECT_EQ(next_slot(every_minute, std::numeric_limits<int64_t>::max()), std::nullopt);
  EXPECT_EQ(next_slot(every_minute, kMaxCronTimestamp - 120), kMaxCronTimestamp - 119);
  EXPECT_EQ(next_slot(every_minute, kMaxCronTimestamp - 60), kMaxCronTimestamp - 59);  // 23:59
  EXPECT_EQ(next_slot(item("0 0 1 1 * t"), utc(9999, 6, 1)), std::nullopt);
}

// Chained next_slot must list exactly the minutes matches() accepts.
TEST(CrontabNextSlot, AgreesWithMinuteByMinuteScan) {
  const char* patterns[] = {"* * * * *",    "*/7 * * * *",    "0 */4 * * *",       "5,35 1-3 * * *",
                            "0 0 13 * 5",   "0 12 */3 * 0,6", "59 23 28-31 * *",   "0 0 1 1,3,5 *",
                            "30 6 * 2 1-5", "0,30 * 29 2 *",  "*/15 9-17 * * 1-5", "1 2 3 * 7"};
  const int64_t start = utc(2023, 12, 20, 7, 3, 11);
  const int64_t end = start + 75 * kDay;
  for (const char* pattern : patterns) {
    CronItem it = item(std::string(pattern) + " t");
    std::vector<int64_t> scanned, chained;
    for (int64_t ts = start - start % 60 + 60; ts <= end; ts += 60) {
      if (matches(it, ts)) scanned.push_back(ts);
    }
    for (auto ts = next_slot(it, start); ts && *ts <= end; ts = next_slot(it, *ts)) {
      chained.push_back(*ts);
    }
    EXPECT_EQ(chained, scanned) << pattern;
  }
}

// ---- due slots --------------------------------------------------------------------

// cron.test.ts "backfills if identifier already registered (5h)": the last
// run 5 hours ago, fill=1d, a 4-hourly job: 1 or 2 jobs depending on the
// clock. Here with both clocks.
TEST(CrontabDueSlots, GraphileWorkerBackfill5h) {
  CronItem do_it = item("0 */4 * * * do_it ?fill=1d");
  DueSlotsQuery q;
  q.now = q.scheduler_start = kJan1st2021 + 10 * kHour + 17 * kMinute + 3;
  q.known_since = q.now - 14 * kDay;
  q.last_execution = q.now - 5 * kHour;
  EXPECT_EQ(due_slots(do_it, q), (std::vector<DueSlot>{{kJan1st2021 + 8 * kHour, true}}));

  q.now = q.scheduler_start = kJan1st2021 + 12 * kHour;  // exactly on a slot
  q.last_execution = q.now - 5 * kHour;
  EXPECT_EQ(due_slots(do_it, q), (std::vector<DueSlot>{{kJan1st2021 + 8 * kHour, true},
                                                       {kJan1st2021 + 12 * kHour, false}}));
}

// "(25h)": the window is the fill period (1 day), not the 25 hours: 6 or 7.
TEST(CrontabDueSlots, GraphileWorkerBackfill25h) {
  CronItem do_it = item("0 */4 * * * do_it ?fill=1d");
  DueSlotsQuery q;
  q.now = q.scheduler_start = kJan1st2021 + kDay + 10 * kHour + 17 * kMinute + 3;
  q.known_since = q.now - 14 * kDay;
  q.last_execution = q.now - 25 * kHour;
  auto slots = due_slots(do_it, q);
  ASSERT_EQ(slots.size(), 6u);
  EXPECT_EQ(slots.front().ts, kJan1st2021 + 12 * kHour);
  EXPECT_EQ(slots.back().ts, kJan1st2021 + kDay + 8 * kHour);
  q.now = q.scheduler_start = kJan1st2021 + kDay + 12 * kHour;
  q.last_execution = q.now - 25 * kHour;
  EXPECT_EQ(due_slots(do_it, q).size(), 7u);
}

// "registers identifiers": a new item is never backfilled, and one seen
// mid-minute first runs at the next minute.
TEST(CrontabDueSlots, NewItemsStartAtTheNextMinute) {
  CronItem every_minute = item("* * * * * t ?fill=1w");
  DueSlotsQuery q;
  q.scheduler_start = kJan1st2021 - kDay;
  q.known_since = kJan1st2021 + 30;
  q.now = kJan1st2021 + 45;
  EXPECT_TRUE(due_slots(every_minute, q).empty());
  q.now = kJan1st2021 + kMinute + 5;
  EXPECT_EQ(times(due_slots(every_minute, q)), std::vector<int64_t>{kJan1st2021 + kMinute});
  // Seen exactly on the minute: that minute is due.
  q.known_since = q.now = kJan1st2021;
  EXPECT_EQ(times(due_slots(every_minute, q)), std::vector<int64_t>{kJan1st2021});
}

// A scheduler that wakes up late catches up on every slot since it started,
// even with no fill: those slots are live, not backfill.
TEST(CrontabDueSlots, LateWakeUpCatchesUp) {
  CronItem every_minute = item("* * * * * t");
  DueSlotsQuery q;
  q.scheduler_start = kJan1st2021 - kDay;
  q.known_since = kJan1st2021 - kWeek;
  q.last_execution = kJan1st2021 + 11 * kHour + 58 * kMinute;
  q.now = kJan1st2021 + 12 * kHour + kMinute + 30;
  EXPECT_EQ(due_slots(every_minute, q),
            (std::vector<DueSlot>{{kJan1st2021 + 11 * kHour + 59 * kMinute, false},
                                  {kJan1st2021 + 12 * kHour, false},
                                  {kJan1st2021 + 12 * kHour + kMinute, false}}));
}

TEST(CrontabDueSlots, DowntimeBeyondTheFillWindowIsSkipped) {
  CronItem hourly_fill = item("* * * * * t ?fill=1h");
  DueSlotsQuery q;
  q.known_since = kJan1st2021;
  q.last_execution = kJan1st2021 + 9 * kHour;
  q.scheduler_start = q.now = kJan1st2021 + 12 * kHour + 30;  // restarted at 12:00:30
  auto slots = due_slots(hourly_fill, q);
  ASSERT_EQ(slots.size(), 60u);  // 11:01 .. 12:00; 11:00 is more than an hour before 12:00:30
  EXPECT_EQ(slots.front(), (DueSlot{kJan1st2021 + 11 * kHour + kMinute, true}));
  EXPECT_EQ(slots.back(), (DueSlot{kJan1st2021 + 12 * kHour, true}));  // before the restart
  // The next minute is live.
  q.last_execution = slots.back().ts;
  q.now = kJan1st2021 + 12 * kHour + kMinute + 10;
  EXPECT_EQ(due_slots(hourly_fill, q),
            (std::vector<DueSlot>{{kJan1st2021 + 12 * kHour + kMinute, false}}));

  // Without fill nothing from the downtime runs.
  CronItem no_fill = item("* * * * * t");
  q.last_execution = kJan1st2021 + 9 * kHour;
  q.now = q.scheduler_start;
  EXPECT_TRUE(due_slots(no_fill, q).empty());
}

// A week of every-minute backfill, fetched in pages of 1000 as a scheduler
// would (recording the last slot of each page): every minute exactly once,
// in order.
TEST(CrontabDueSlots, OneWeekFillInPages) {
  CronItem weekly_fill = item("* * * * * t ?fill=1w");
  DueSlotsQuery q;
  q.scheduler_start = q.now = kJan1st2021 + 10 * kDay;
  q.known_since = kJan1st2021 - kWeek;
  q.last_execution = q.now - 2 * kWeek;
  std::vector<DueSlot> all;
  for (int page = 0; page < 100; ++page) {
    auto slots = due_slots(weekly_fill, q);
    if (slots.empty()) break;
    EXPECT_LE(slots.size(), q.max_slots);
    all.insert(all.end(), slots.begin(), slots.end());
    q.last_execution = slots.back().ts;
  }
  ASSERT_EQ(all.size(), size_t(kWeek / kMinute + 1));
  EXPECT_EQ(all.front().ts, q.now - kWeek);
  for (size_t i = 1; i < all.size(); ++i) {
    ASSERT_EQ(all[i].ts, all[i - 1].ts + kMinute);
    ASSERT_EQ(all[i].backfilled, all[i].ts < q.scheduler_start);
  }
  EXPECT_FALSE(all.back().backfilled);  // the minute the scheduler started is live
}

TEST(CrontabDueSlots, CapKeepsTheOldest) {
  CronItem every_minute = item("* * * * * t");
  DueSlotsQuery q;
  q.scheduler_start = q.known_since = kJan1st2021;
  q.now = kJan1st2021 + kHour;
  q.max_slots = 3;
  EXPECT_EQ(times(due_slots(every_minute, q)),
            (std::vector<int64_t>{kJan1st2021, kJan1st2021 + kMinute, kJan1st2021 + 2 * kMinute}));
  q.max_slots = 0;
  EXPECT_TRUE(due_slots(every_minute, q).empty());
  q.max_slots = 1000;
  q.last_execution = q.now;  // already ran the current minute
  EXPECT_TRUE(due_slots(every_minute, q).empty());
  q.last_execution = q.now + kDay;  // a clock that went backwards
  EXPECT_TRUE(due_slots(every_minute, q).empty());
}

// Several schedulers share one last_execution and advance it only when the
// new slot is later (Graphile Worker's known_crontabs lock). Whatever the
// interleaving, each slot is enqueued at most once, and none is lost while
// one scheduler is live.
TEST(CrontabDueSlots, SeveralSchedulersRunEachSlotOnce) {
  CronItem five_minutely = item("*/5 * * * * t ?fill=1h");
  const int64_t t0 = kJan1st2021 + 6 * kHour;
  std::optional<int64_t> stored_last = t0 - 3 * kHour;
  std::map<int64_t, int> enqueued;
  const int64_t starts[3] = {t0, t0 + 7 * kMinute + 13, t0 + 41 * kMinute};
  for (int64_t now = t0; now <= t0 + 2 * kHour + kMinute; now += 37) {
    // Every scheduler reads the shared row before any of them writes: the
    // late ones work from a stale last_execution.
    std::vector<std::vector<DueSlot>> plans;
    for (int64_t start : starts) {
      if (now < start) continue;
      DueSlotsQuery q;
      q.now = now;
      q.scheduler_start = start;
      q.known_since = t0 - kWeek;
      q.last_execution = stored_last;
      plans.push_back(due_slots(five_minutely, q));
    }
    for (const auto& plan : plans) {
      for (const auto& slot : plan) {
        if (!stored_last || *stored_last < slot.ts) {
          stored_last = slot.ts;
          ++enqueued[slot.ts];
        }
      }
    }
  }
  std::vector<int64_t> expected;
  for (int64_t ts = t0 - kHour; ts <= t0 + 2 * kHour; ts += 5 * kMinute) expected.push_back(ts);
  std::vector<int64_t> got;
  for (const auto& [ts, count] : enqueued) {
    EXPECT_EQ(count, 1) << format_iso8601_utc(ts);
    got.push_back(ts);
  }
  EXPECT_EQ(got, expected);
}

TEST(CrontabDueSlots, HostileNumbersStayBounded) {
  const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  CronItem every_minute = item("* * * * * t ?fill=99999999w");
  for (int64_t now : {lo, hi, int64_t(0)}) {
    for (int64_t start : {lo, hi, int64_t(0)}) {
      for (std::optional<int64_t> last :
           {std::optional<int64_t>(), std::optional<int64_t>(lo), std::optional<int64_t>(hi)}) {
        DueSlotsQuery q;
        q.now = now;
        q.scheduler_start = start;
        q.known_since = lo;
        q.last_execution = last;
        q.max_slots = 50;
        auto slots = due_slots(every_minute, q);
        ASSERT_LE(slots.size(), 50u);
        for (size_t i = 0; i < slots.size(); ++i) {
          ASSERT_GE(slots[i].ts, kMinCronTimestamp);
          ASSERT_LE(slots[i].ts, kMaxCronTimestamp);
          ASSERT_LE(slots[i].ts, now);  // never later than now, even below the range
          if (i > 0) {
            ASSERT_GT(slots[i].ts, slots[i - 1].ts);
          }
        }
      }
    }
  }
  // A schedule that never fires over the whole supported range.
  DueSlotsQuery q;
  q.now = hi;
  q.scheduler_start = hi;
  q.known_since = lo;
  EXPECT_TRUE(due_slots(item("0 0 30 2 * t ?fill=99999999w"), q).empty());
}

// ---- job payload ----------------------------------------------------------------

TEST(CrontabJobPayload, MergesCronTimestamp) {
  EXPECT_EQ(cron_job_payload(item("0 4 * * * t"), {kJan1st2021 + 4 * kHour, false}),
            "{\"_cron\":{\"ts\":\"2021-01-01T04:00:00.000Z\",\"backfilled\":false}}");
  EXPECT_EQ(cron_job_payload(item("0 4 * * * t {\"a\":1,\"_cron\":5,\"b\":[2]}"),
                             {kJan1st2021 + 4 * kHour, true}),
            "{\"a\":1,\"_cron\":{\"ts\":\"2021-01-01T04:00:00.000Z\",\"backfilled\":true},"
            "\"b\":[2]}");
}

}  // namespace
}  // namespace pg_gateway::jobs
