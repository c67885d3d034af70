// libFuzzer target for the Graphile Worker crontab parser and the schedule
// arithmetic. Arbitrary bytes must never crash, hang or throw anything but
// CrontabError; the throwing and collecting parsers must agree; and for
// every item that parses, next_slot and due_slots (over instants derived
// from the input, extremes included) must keep their contracts: slots
// ascending, matching, inside the window, at most max_slots of them.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "core/jobs/crontab.hpp"
#include "core/json/json_value.hpp"

namespace {

using namespace pg_gateway::jobs;

// Aborts (a libFuzzer crash) naming the broken contract.
#define require(cond)                                             \
  do {                                                            \
    if (!(cond)) {                                                \
      std::fprintf(stderr, "crontab_fuzzer: %s failed\n", #cond); \
      std::abort();                                               \
    }                                                             \
  } while (0)

// a - b for b >= 0, stopping at the smallest int64 instead of overflowing.
int64_t minus(int64_t a, uint64_t b) {
  int64_t d = int64_t(b % 100000000);
  return a < std::numeric_limits<int64_t>::min() + d ? std::numeric_limits<int64_t>::min() : a - d;
}

// Deterministic instants from the input: mostly 1900-2300, sometimes the
// extremes of int64 and of the supported range.
struct Instants {
  uint64_t state;
  uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  int64_t instant() {
    uint64_t r = next();
    switch (r % 16) {
      case 0:
        return std::numeric_limits<int64_t>::min();
      case 1:
        return std::numeric_limits<int64_t>::max();
      case 2:
        return kMinCronTimestamp + int64_t(r >> 40);
      case 3:
        return kMaxCronTimestamp - int64_t(r >> 40);
      default:
        return -2208988800 + int64_t((r >> 8) % 12623040000ULL);  // 1900-2300
    }
  }
};

void check_item(const CronItem& item, Instants& rng) {
  require(!item.task.empty() && !item.identifier.empty());
  require(item.match.minutes != 0 && item.match.hours != 0 && item.match.dates != 0 &&
          item.match.months != 0 && item.match.dows != 0);
  require(item.fill_seconds >= 0 && item.fill_seconds <= kMaxFillSeconds);
  if (item.payload_json) {
    auto parsed = pg_gateway::json::parse(*item.payload_json);
    require(parsed.ok() && parsed.value->is_object());
  }

  int64_t after = rng.instant();
  auto next = next_slot(item, after);
  if (next) {
    require(*next > after && *next % 60 == 0 && *next <= kMaxCronTimestamp);
    require(matches(item, *next));
    // No matching minute was skipped just before it (bounded look-back).
    for (int64_t ts = *next - 60, k = 0; k < 180 && ts > after && ts >= kMinCronTimestamp;
         ts -= 60, ++k) {
      require(!matches(item, ts));
    }
  }

  DueSlotsQuery q;
  q.now = rng.instant();
  q.scheduler_start = (rng.next() & 1) ? minus(q.now, rng.next() % 864000) : rng.instant();
  q.known_since = (rng.next() & 1) ? minus(q.scheduler_start, rng.next() % 8640000) : rng.instant();
  if (rng.next() & 1) q.last_execution = minus(q.now, rng.next() % 864000);
  const int64_t start = std::clamp(q.scheduler_start, kMinCronTimestamp, kMaxCronTimestamp);
  q.max_slots = rng.next() % 65;
  auto slots = due_slots(item, q);
  require(slots.size() <= q.max_slots);
  for (size_t i = 0; i < slots.size(); ++i) {
    const DueSlot& s = slots[i];
    require(s.ts % 60 == 0 && s.ts >= kMinCronTimestamp && s.ts <= q.now);
    require(matches(item, s.ts));
    require(s.backfilled == (s.ts < start));
    if (q.last_execution) {
      require(s.ts > *q.last_execution);
    } else {
      require(s.ts >= q.known_since);
    }
    require(s.ts >= start - item.fill_seconds);
    if (i > 0) require(s.ts > slots[i - 1].ts);
  }
  if (!slots.empty()) {
    auto payload = pg_gateway::json::parse(cron_job_payload(item, slots.front()));
    require(payload.ok() && payload.value->find("_cron") != nullptr);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;  // the parser's own limit is tested by unit tests
  std::string_view text(reinterpret_cast<const char*>(data), size);

  CrontabParseResult all = parse_crontab_all(text);
  bool threw = false;
  size_t parsed_count = 0;
  try {
    parsed_count = parse_crontab(text).size();
  } catch (const CrontabError& e) {
    threw = true;
    require(e.what()[0] != '\0' && e.line() >= 0);
  }
  require(threw != all.errors.empty());
  if (!threw) require(parsed_count == all.items.size());

  uint64_t seed = 1469598103934665603ULL;  // FNV-1a of the input seeds the instants
  for (uint8_t b : text) seed = (seed ^ b) * 1099511628211ULL;
  Instants rng{seed | 1};
  for (size_t i = 0; i < all.items.size() && i < 8; ++i) check_item(all.items[i], rng);

  // The single-line and pattern entry points on the same bytes.
  try {
    check_item(parse_crontab_line(text, 7), rng);
  } catch (const CrontabError& e) {
    require(e.line() == 7);
  }
  try {
    CronItem pattern_only;
    pattern_only.task = pattern_only.identifier = "t";
    pattern_only.match = parse_cron_pattern(text, "fuzz");
    check_item(pattern_only, rng);
  } catch (const CrontabError&) {
  }
  return 0;
}
