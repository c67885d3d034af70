// Graphile Worker's crontab format and schedule arithmetic. Expected values
// come from Graphile Worker's own tests (__tests__/crontab.test.ts,
// cronMatcher.test.ts, cron.test.ts) and from running its parser
// (graphile-worker 0.18.0) on the same input.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "core/jobs/crontab.hpp"

namespace pg_gateway::jobs {
namespace {

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr int64_t kWeek = 7 * kDay;
constexpr int64_t kJan1st2021 = 1609459200;  // a Friday

std::vector<int> values(uint64_t set, int lo, int hi) {
  std::vector<int> out;
  for (int v = lo; v <= hi; ++v) {
    if ((set >> v) & 1) out.push_back(v);
  }
  return out;
}

std::vector<int> range(int lo, int hi) {
  std::vector<int> out;
  for (int v = lo; v <= hi; ++v) out.push_back(v);
  return out;
}

// The message of the CrontabError that parsing `text` throws ("" if none).
std::string error_of(const std::string& text) {
  try {
    parse_crontab(text);
  } catch (const CrontabError& e) {
    return e.what();
  }
  return "";
}

CronItem one(const std::string& line) { return parse_crontab_line(line); }

// ---- Graphile Worker's example crontab ----------------------------------------

// The crontab of "parses crontab file correctly", with its two JSON5
// payloads written as strict JSON.
const char* const kExampleCrontab =
    "# ┌───────────── UTC minute (0 - 59)\n"
    "# │ ┌───────────── UTC hour (0 - 23)\n"
    "# * * * * * task ?opts {payload}\n"
    "\n"
    "* * * * * simple\n"
    "0 4 * * * every_day_at_4_am\n"
    "0 4 * * 0 every_sunday_at_4_am\n"
    "0 4 * * 7 every_sunday_at_4_am ?id=sunday_7\n"
    "\n\n\n\n"
    "0 4 * * 2 every_tuesday_at_4_am {\"isTuesday\": true}\n"
    "*/10,7,56-59 1 1 1 1 one ?id=stuff&fill=4w3d2h1m&max=3&queue=my_queue&priority=3 "
    "{\"myExtraPayload\":{\"stuff\":\"here with # hash char\"}}\n"
    "    *     *      *       *       *      lots_of_spaces     \n"
    "* * * * * with_key ?jobKey=my_key\n"
    "* * * * * with_key_and_mode ?jobKey=my_key&jobKeyMode=preserve_run_at\n"
    "* * * * * nested/task ?jobKey=my_key&jobKeyMode=preserve_run_at\n"
    "* * * * * nested/folder/task ?jobKey=my_key&jobKeyMode=preserve_run_at\n";

TEST(CrontabParse, GraphileWorkerExampleCrontab) {
  auto items = parse_crontab(kExampleCrontab);
  ASSERT_EQ(items.size(), 11u);

  const auto& simple = items[0];
  EXPECT_EQ(simple.task, "simple");
  EXPECT_EQ(simple.identifier, "simple");
  EXPECT_EQ(values(simple.match.minutes, 0, 59), range(0, 59));
  EXPECT_EQ(values(simple.match.hours, 0, 23), range(0, 23));
  EXPECT_EQ(values(simple.match.dates, 1, 31), range(1, 31));
  EXPECT_EQ(values(simple.match.months, 1, 12), range(1, 12));
  EXPECT_EQ(values(simple.match.dows, 0, 6), range(0, 6));
  EXPECT_EQ(simple.fill_seconds, 0);
  EXPECT_FALSE(simple.max_attempts || simple.queue_name || simple.job_key || simple.job_key_mode ||
               simple.priority || simple.payload_json);
  EXPECT_EQ(simple.line, 5);
  EXPECT_EQ(simple.schedule, "* * * * *");

  EXPECT_EQ(items[1].identifier, "every_day_at_4_am");
  EXPECT_EQ(values(items[1].match.minutes, 0, 59), std::vector<int>{0});
  EXPECT_EQ(values(items[1].match.hours, 0, 23), std::vector<int>{4});

  EXPECT_EQ(values(items[2].match.dows, 0, 6), std::vector<int>{0});
  EXPECT_EQ(items[3].task, "every_sunday_at_4_am");
  EXPECT_EQ(items[3].identifier, "sunday_7");
  EXPECT_EQ(values(items[3].match.dows, 0, 6), std::vector<int>{0});  // 7 is Sunday too

  EXPECT_EQ(items[4].line, 13);
  EXPECT_EQ(values(items[4].match.dows, 0, 6), std::vector<int>{2});
  EXPECT_EQ(items[4].payload_json.value(), "{\"isTuesday\":true}");

  const auto& stuff = items[5];
  EXPECT_EQ(stuff.task, "one");
  EXPECT_EQ(stuff.identifier, "stuff");
  EXPECT_EQ(values(stuff.match.minutes, 0, 59),
            (std::vector<int>{0, 7, 10, 20, 30, 40, 50, 56, 57, 58, 59}));
  EXPECT_EQ(values(stuff.match.hours, 0, 23), std::vector<int>{1});
  EXPECT_EQ(values(stuff.match.dates, 1, 31), std::vector<int>{1});
  EXPECT_EQ(values(stuff.match.months, 1, 12), std::vector<int>{1});
  EXPECT_EQ(values(stuff.match.dows, 0, 6), std::vector<int>{1});
  EXPECT_EQ(stuff.fill_seconds, 4 * kWeek + 3 * kDay + 2 * kHour + 1 * kMinute);  // 2685660000 ms
  EXPECT_EQ(stuff.max_attempts, 3);
  EXPECT_EQ(stuff.priority, 3);
  EXPECT_EQ(stuff.queue_name, "my_queue");
  EXPECT_FALSE(stuff.job_key.has_value());
  EXPECT_EQ(stuff.payload_json.value(),
            "{\"myExtraPayload\":{\"stuff\":\"here with # hash char\"}}");

  EXPECT_EQ(items[6].identifier, "lots_of_spaces");
  EXPECT_EQ(items[6].match, simple.match);

  EXPECT_EQ(items[7].job_key, "my_key");
  EXPECT_EQ(items[7].job_key_mode, "replace");  // the default when a key is given
  EXPECT_EQ(items[8].job_key_mode, "preserve_run_at");
  EXPECT_EQ(items[9].task, "nested/task");
  EXPECT_EQ(items[9].identifier, "nested/task");
  EXPECT_EQ(items[10].identifier, "nested/folder/task");
}

// ---- Graphile Worker's error cases ------------------------------------------------

TEST(CrontabParse, GraphileWorkerErrorMessages) {
  EXPECT_EQ(error_of("* * * * too_few_parameters\n"),
            "Could not process line '1' of crontab: '* * * * too_few_parameters'");
  EXPECT_EQ(error_of("* * * * * two tasks\n"),
            "Invalid command specification in line 1 of crontab.");
  EXPECT_EQ(error_of("1,60 * * * * out_of_range\n"),
            "Too large value '60' in minutes range in line 1 of crontab: expected values in the "
            "range 0-59.");
  EXPECT_EQ(error_of("*/0 * * * * division_by_zero\n"),
            "Invalid wildcard expression '*/0' in minutes range in line 1 of crontab: divisor '0' "
            "expected to be greater than zero");
  EXPECT_EQ(error_of("* * * * * invalid_options ?unknown=3\n"),
            "Options on line 1 of crontab contains unsupported key 'unknown'; supported keys are: "
            "'id', 'fill', 'max', 'queue', 'jobKey', 'jobKeyMode', 'priority'.");
  EXPECT_EQ(error_of("* * * * * json_syntax_error {invalidJson=true}\n")
                .rfind("Failed to parse JSON payload on line 1 of crontab: ", 0),
            0u);
}

TEST(CrontabParse, ErrorsCarryTheLineNumber) {
  try {
    parse_crontab("# header\n\n* * * * * ok\n* * * * * bad!\n");
    FAIL() << "expected a CrontabError";
  } catch (const CrontabError& e) {
    EXPECT_EQ(e.line(), 4);
    EXPECT_STREQ(e.what(), "Invalid command specification in line 4 of crontab.");
  }
  EXPECT_EQ(error_of("* * * * * a\r\n* * 0 * * b"),
            "Too small value '0' in dates range in line 2 of crontab: expected values in the "
            "range 1-31.");
}

TEST(CrontabParse, TimeFieldErrorsAsGraphileWorker) {
  // Each expected text is what graphile-worker 0.18.0 throws for the line.
  EXPECT_EQ(error_of("1-1 * * * * a"),
            "Invalid range '1-1' in minutes range in line 1 of crontab: destination is not "
            "larger than source");
  EXPECT_EQ(error_of("60-70 * * * * a"),
            "Too large value '60' in minutes range in line 1 of crontab: expected values in the "
            "range 0-59.");
  EXPECT_EQ(error_of("1,,2 * * * * a"),
            "Unsupported syntax '' in minutes range in line 1 of crontab: this doesn't appear to "
            "be a number, range or wildcard");
  EXPECT_EQ(error_of("*/ * * * * a"),
            "Unsupported syntax '*/' in minutes range in line 1 of crontab: this doesn't appear "
            "to be a number, range or wildcard");
  EXPECT_EQ(error_of("*/00 * * * * a"),
            "Invalid wildcard expression '*/00' in minutes range in line 1 of crontab: divisor "
            "'00' expected to be greater than zero");
  // A stepped range is not Graphile Worker syntax.
  EXPECT_EQ(error_of("1-5/2 * * * * a"),
            "Unsupported syntax '1-5/2' in minutes range in line 1 of crontab: this doesn't "
            "appear to be a number, range or wildcard");
  EXPECT_EQ(error_of("* 24 * * * a"),
            "Too large value '24' in hours range in line 1 of crontab: expected values in the "
            "range 0-23.");
  EXPECT_EQ(error_of("* * * 0 * a"),
            "Too small value '0' in months range in line 1 of crontab: expected values in the "
            "range 1-12.");
  EXPECT_EQ(error_of("* * * * 8 a"),
            "Too large value '8' in days of week range in line 1 of crontab: expected values in "
            "the range 0-6.");
  EXPECT_EQ(error_of("* * * * 7-8 a"),
            "Too large value '8' in days of week range in line 1 of crontab: expected values in "
            "the range 0-6.");
  EXPECT_EQ(error_of("* * * * 7-7 a"),
            "Invalid range '7-7' in days of week range in line 1 of crontab: destination is not "
            "larger than source");
  // Huge numbers saturate instead of overflowing; they are just too large.
  EXPECT_EQ(error_of("99999999999 * * * * a"),
            "Too large value '99999999999' in minutes range in line 1 of crontab: expected "
            "values in the range 0-59.");
  // Fields are checked in order, and within a field the parts in order.
  EXPECT_EQ(error_of("5,x * * * 9 a"), "Could not process line '1' of crontab: '5,x * * * 9 a'");
  EXPECT_EQ(error_of("99,*/0 * * * * a").rfind("Too large value '99'", 0), 0u);
}

TEST(CrontabParse, TimeFieldSyntax) {
  auto item = one("007,*/20,33-35 0-2,23 */10 2,12 5-7 t");
  EXPECT_EQ(values(item.match.minutes, 0, 59), (std::vector<int>{0, 7, 20, 33, 34, 35, 40}));
  EXPECT_EQ(values(item.match.hours, 0, 23), (std::vector<int>{0, 1, 2, 23}));
  EXPECT_EQ(values(item.match.dates, 1, 31), (std::vector<int>{1, 11, 21, 31}));  // from 1
  EXPECT_EQ(values(item.match.months, 1, 12), (std::vector<int>{2, 12}));
  EXPECT_EQ(values(item.match.dows, 0, 6), (std::vector<int>{0, 5, 6}));  // 7 wraps to 0
  EXPECT_EQ(item.schedule, "007,*/20,33-35 0-2,23 */10 2,12 5-7");
  // */n for the day of week counts from 0; */7 leaves only Sunday.
  EXPECT_EQ(values(one("* * * * */7 t").match.dows, 0, 6), std::vector<int>{0});
  EXPECT_EQ(values(one("* * * * */99 t").match.dows, 0, 6), std::vector<int>{0});
}

TEST(CrontabParse, RestrictedMeansNotEveryValueListed) {
  EXPECT_FALSE(one("* * 1-31 * * t").match.dates_restricted());
  EXPECT_FALSE(one("* * * * 0-6 t").match.dows_restricted());
  EXPECT_FALSE(one("* * * * 1-7 t").match.dows_restricted());
  EXPECT_FALSE(one("* * */1 * */1 t").match.dows_restricted());
  EXPECT_TRUE(one("* * */2 * * t").match.dates_restricted());
  EXPECT_TRUE(one("* * * * 1-6 t").match.dows_restricted());
}

// ---- the command: task, options, payload -------------------------------------------

TEST(CrontabParse, TaskIdentifiers) {
  EXPECT_EQ(one("* * * * * a:b/c-d_9").task, "a:b/c-d_9");
  EXPECT_EQ(one("* * * * * _private").task, "_private");
  EXPECT_EQ(error_of("* * * * * 1a"), "Invalid command specification in line 1 of crontab.");
  EXPECT_EQ(error_of("* * * * * -a"), "Invalid command specification in line 1 of crontab.");
  EXPECT_EQ(error_of("* * * * * a.b"), "Invalid command specification in line 1 of crontab.");
  EXPECT_EQ(error_of("* * * * * t\xC3\xA9"), "Invalid command specification in line 1 of crontab.");
  EXPECT_EQ(error_of("* * * * * a # a comment"),
            "Invalid command specification in line 1 of crontab.");
}

TEST(CrontabParse, CommandShape) {
  EXPECT_EQ(one("* * * * * a ?id=b {\"x\":1}").payload_json, "{\"x\":1}");
  EXPECT_EQ(one("* * * * * a {}").payload_json, "{}");
  EXPECT_EQ(one("* * * * * a { }").payload_json, "{}");
  EXPECT_EQ(error_of("* * * * * a ?"), "Invalid command specification in line 1 of crontab.");
  EXPECT_EQ(error_of("* * * * * a {"), "Invalid command specification in line 1 of crontab.");
  EXPECT_EQ(error_of("* * * * * a {} ?id=b"),
            "Invalid command specification in line 1 of crontab.");
  EXPECT_EQ(error_of("* * * * * a ?id=b extra"),
            "Invalid command specification in line 1 of crontab.");
  // Options run to the next blank, so a glued payload is part of the id.
  EXPECT_EQ(error_of("* * * * * a ?id=b{\"x\":1}"),
            "Options on line 1 of crontab contains invalid value for 'id', value 'b{\"x\":1}' is "
            "not compatible with this option.");
  EXPECT_EQ(error_of("* * * * *"), "Could not process line '1' of crontab: '* * * * *'");
}

TEST(CrontabParse, BlanksAreJavaScriptWhitespace) {
  // Unicode spaces separate fields and are trimmed, as `\s` and trim() do.
  auto item =
      one("\xE3\x80\x80* *\t*\xC2\xA0* *\xEF\xBB\xBF"
          "a\xE2\x80\x83?id=b\xE3\x80\x80");
  EXPECT_EQ(item.task, "a");
  EXPECT_EQ(item.identifier, "b");
  // A lone carriage return inside the command: `.` does not match it.
  EXPECT_EQ(error_of("* * * * * a\rb"), "Could not process line '1' of crontab: '* * * * * a\rb'");
  EXPECT_EQ(one("* * * * * a\r").task, "a");
  // A line separator (U+2028) inside the payload, likewise.
  EXPECT_EQ(error_of("* * * * * a {\"x\":\"\xE2\x80\xA8\"}").rfind("Could not process line", 0),
            0u);
}

TEST(CrontabOptions, AllKeys) {
  auto item =
      one("* * * * * t ?id=my-id_1&fill=1w2d3h4m5s&max=32767&queue=q:1-x&jobKey=k&"
          "jobKeyMode=preserve_run_at&priority=-32768");
  EXPECT_EQ(item.identifier, "my-id_1");
  EXPECT_EQ(item.fill_seconds, kWeek + 2 * kDay + 3 * kHour + 4 * kMinute + 5);
  EXPECT_EQ(item.max_attempts, 32767);
  EXPECT_EQ(item.queue_name, "q:1-x");
  EXPECT_EQ(item.job_key, "k");
  EXPECT_EQ(item.job_key_mode, "preserve_run_at");
  EXPECT_EQ(item.priority, -32768);
  EXPECT_EQ(one("* * * * * t ?max=007").max_attempts, 7);
  EXPECT_EQ(one("* * * * * t ?fill=1s").fill_seconds, 1);
  EXPECT_EQ(one("* * * * * t ?fill=0s").fill_seconds, 0);
  EXPECT_EQ(one("* * * * * t ?fill=99999999999999999999w").fill_seconds, kMaxFillSeconds);
}

TEST(CrontabOptions, InvalidValues) {
  auto message = [](const std::string& key, const std::string& value) {
    return "Options on line 1 of crontab contains invalid value for '" + key + "', value '" +
           value + "' is not compatible with this option.";
  };
  EXPECT_EQ(error_of("* * * * * t ?id=9a"), message("id", "9a"));
  EXPECT_EQ(error_of("* * * * * t ?id=a:b"), message("id", "a:b"));
  EXPECT_EQ(error_of("* * * * * t ?fill="), message("fill", ""));
  EXPECT_EQ(error_of("* * * * * t ?fill=1"), message("fill", "1"));
  EXPECT_EQ(error_of("* * * * * t ?fill=1x"), message("fill", "1x"));
  EXPECT_EQ(error_of("* * * * * t ?max=-1"), message("max", "-1"));
  EXPECT_EQ(error_of("* * * * * t ?queue=a.b"), message("queue", "a.b"));
  EXPECT_EQ(error_of("* * * * * t ?jobKeyMode=unsafe_dedupe"),
            message("jobKeyMode", "unsafe_dedupe"));
  EXPECT_EQ(error_of("* * * * * t ?priority=1.5"), message("priority", "1.5"));
  EXPECT_EQ(error_of("* * * * * t ?jobKey=a%0Ab"), message("jobKey", "a\nb"));
  // Ours only: values Graphile Worker accepts here but cannot enqueue later.
  EXPECT_EQ(error_of("* * * * * t ?max=0"),
            "Options on line 1 of crontab contains invalid value for 'max', value '0' is not "
            "compatible with this option (max attempts must be 1-32767).");
  EXPECT_NE(error_of("* * * * * t ?max=32768"), "");
  EXPECT_NE(error_of("* * * * * t ?priority=32768"), "");
  EXPECT_NE(error_of("* * * * * t ?priority=-32769"), "");
  EXPECT_EQ(error_of("* * * * * t ?jobKey=a%00b"),
            "Options on line 1 of crontab contains invalid value for 'jobKey', value 'a\\u0000b' "
            "is not compatible with this option (a job key cannot contain NUL).");
}

TEST(CrontabOptions, QueryStringLikeNode) {
  // '+' is a space and %XX escapes are decoded, in keys and values.
  EXPECT_EQ(one("* * * * * t ?jobKey=a+b%20c").job_key, "a b c");
  EXPECT_EQ(one("* * * * * t ?i%64=q").identifier, "q");
  EXPECT_EQ(one("* * * * * t ?jobKey=a=b=c").job_key, "a=b=c");
  // Bad escapes stay as they are; bad UTF-8 becomes U+FFFD (Node's fallback,
  // which also truncates other characters to a byte: U+0141 becomes 'A').
  EXPECT_EQ(one("* * * * * t ?jobKey=%zz").job_key, "%zz");
  EXPECT_EQ(one("* * * * * t ?jobKey=%C3%A9+%E2%82").job_key, "\xC3\xA9 \xEF\xBF\xBD");
  EXPECT_EQ(one("* * * * * t ?jobKey=\xC5\x81%zz%41").job_key, "A%zzA");
  // Empty pieces are skipped, a key without '=' has an empty value.
  EXPECT_EQ(one("* * * * * t ?&&id=b&").identifier, "b");
  EXPECT_EQ(error_of("* * * * * t ?id"),
            "Options on line 1 of crontab contains invalid value for "
            "'id', value '' is not compatible with this option.");
  // Node reads at most 1000 pairs (empty pieces count): the id is never seen.
  EXPECT_EQ(one("* * * * * t ?" + std::string(1000, '&') + "id=b").identifier, "t");
}

TEST(CrontabOptions, KeyOrderAndRepeats) {
  EXPECT_EQ(error_of("* * * * * a ?id=x&id=y&foo=1"),
            "Options on line 1 of crontab contains invalid value for 'id', did you specify it "
            "more than once?");
  EXPECT_EQ(error_of("* * * * * a ?foo=1&id=x&id=y")
                .rfind("Options on line 1 of crontab contains unsupported key 'foo'", 0),
            0u);
  // JavaScript lists array-index keys first, so '1' is reported before 'id'.
  EXPECT_EQ(error_of("* * * * * a ?id=x&2=a&1=b")
                .rfind("Options on line 1 of crontab contains unsupported key '1'", 0),
            0u);
}

TEST(CrontabOptions, JobKeyModeDefaults) {
  EXPECT_EQ(one("* * * * * t ?jobKey=k").job_key_mode, "replace");
  // An empty key is falsy in JavaScript: no default mode.
  auto empty_key = one("* * * * * t ?jobKey=");
  EXPECT_EQ(empty_key.job_key, "");
  EXPECT_FALSE(empty_key.job_key_mode.has_value());
  auto mode_only = one("* * * * * t ?jobKeyMode=replace");
  EXPECT_FALSE(mode_only.job_key.has_value());
  EXPECT_EQ(mode_only.job_key_mode, "replace");
}

TEST(CrontabPayload, StrictJsonNormalizedLikeJavaScript) {
  // A repeated key keeps its first place and its last value; array-index
  // keys come first, as JSON.parse + JSON.stringify would leave them.
  EXPECT_EQ(one("* * * * * t {\"b\":1,\"2\":1,\"1\":2,\"a\":3,\"b\":4}").payload_json,
            "{\"1\":2,\"2\":1,\"b\":4,\"a\":3}");
  EXPECT_EQ(one("* * * * * t {\"a\":{\"z\":1,\"z\":[{\"y\":1,\"y\":2}]}}").payload_json,
            "{\"a\":{\"z\":[{\"y\":2}]}}");
}

TEST(CrontabPayload, Json5IsRejectedWithAHint) {
  for (const char* payload :
       {"{isTuesday: true}", "{'a':1}", "{\"a\":1,}", "{\"a\":1 /* c */}", "{\"a\":0x1F}",
        "{\"a\":.5}", "{\"a\":+1}", "{\"a\":Infinity}", "{\"a\":NaN}", "{\"a\":'x'}"}) {
    std::string message = error_of(std::string("* * * * * t ") + payload);
    EXPECT_EQ(message.rfind("Failed to parse JSON payload on line 1 of crontab: ", 0), 0u)
        << payload;
    EXPECT_NE(message.find("must be strict JSON"), std::string::npos) << payload;
  }
  // Too deep is refused, not recursed into.
  std::string deep = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_NE(error_of("* * * * * t " + deep), "");
}

// ---- whole crontabs and single lines -----------------------------------------------

TEST(CrontabParse, DuplicateIdentifiers) {
  EXPECT_EQ(error_of("* * * * * a\n* * * * * a\n* * * * * a\n* * * * * b ?id=a"),
            "Invalid crontab; duplicate identifiers found: 'a', 'a', 'a' - please use '?id=...' "
            "to specify unique identifiers for your cron items");
  EXPECT_EQ(parse_crontab("0 * * * * a\n30 * * * * a ?id=a_half").size(), 2u);
}

TEST(CrontabParse, AllErrorsAtOnce) {
  auto result = parse_crontab_all("* * * * * a\n* * * * x b\n* * * * * a\n60 * * * * c\n");
  ASSERT_EQ(result.items.size(), 2u);
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].line(), 2);
  EXPECT_EQ(result.errors[1].line(), 4);
  EXPECT_EQ(result.errors[2].line(), 0);  // the duplicate 'a'
}

TEST(CrontabParse, AllErrorsStopsAfterAHundred) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "* * * * 9 t\n";
  auto result = parse_crontab_all(text);
  ASSERT_EQ(result.errors.size(), kMaxCrontabErrors);
  EXPECT_EQ(result.errors[98].line(), 99);
  EXPECT_EQ(result.errors.back().line(), 0);
  EXPECT_STREQ(result.errors.back().what(), "Too many errors in crontab; stopped at line 100.");
}

TEST(CrontabParse, CommentsBlankLinesAndLineEnds) {
  auto items = parse_crontab("\r\n  # indented comment\n\t\n0 0 * * * a\r\n#* * * * * b\n");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].line, 4);
  EXPECT_TRUE(parse_crontab("").empty());
  EXPECT_TRUE(parse_crontab("# only a comment").empty());
}

TEST(CrontabParse, SingleLines) {
  auto item = parse_crontab_line("  0 4 * * 1 send_weekly_email ?fill=2d&max=10  ", 17);
  EXPECT_EQ(item.line, 17);
  EXPECT_EQ(item.fill_seconds, 2 * kDay);
  try {
    parse_crontab_line("# just a comment", 3);
    FAIL() << "expected a CrontabError";
  } catch (const CrontabError& e) {
    EXPECT_EQ(e.line(), 3);
  }
  EXPECT_THROW(parse_crontab_line("   "), CrontabError);
  try {
    parse_crontab_line("* * * * * bad!", 42);
    FAIL() << "expected a CrontabError";
  } catch (const CrontabError& e) {
    EXPECT_STREQ(e.what(), "Invalid command specification in line 42 of crontab.");
  }
}

TEST(CrontabParse, HostileInput) {
  EXPECT_EQ(error_of("* * * * * a\n* * * * * b\xFF"), "Invalid UTF-8 on line 2 of crontab.");
  EXPECT_NE(error_of(std::string(kMaxCrontabBytes + 1, '#')), "");
  EXPECT_NE(error_of("* * * * * t {\"a\":\"" + std::string(kMaxCrontabLineBytes, 'x') + "\"}"), "");
  // Echoed input is cut short.
  std::string long_line = "* * * * " + std::string(5000, 'x');
  std::string message = error_of(long_line);
  EXPECT_LT(message.size(), 400u);
  EXPECT_NE(message.find("..."), std::string::npos);
}

TEST(CrontabParse, PatternsOnTheirOwn) {
  EXPECT_EQ(values(parse_cron_pattern("0 */4 * * *", "test").hours, 0, 23),
            (std::vector<int>{0, 4, 8, 12, 16, 20}));
  try {
    parse_cron_pattern("foo", "parseCronItem call");
    FAIL() << "expected a CrontabError";
  } catch (const CrontabError& e) {
    EXPECT_STREQ(e.what(), "Invalid cron pattern 'foo' in parseCronItem call");
  }
  EXPECT_THROW(parse_cron_pattern("* * * * * task", "x"), CrontabError);
  EXPECT_THROW(parse_cron_pattern(" * * * * *", "x"), CrontabError);
  try {
    parse_cron_pattern("* 25 * * *", "item 0 of parseCronItems call");
    FAIL() << "expected a CrontabError";
  } catch (const CrontabError& e) {
    EXPECT_STREQ(e.what(),
                 "Too large value '25' in hours range in item 0 of parseCronItems call: expected "
                 "values in the range 0-23.");
  }
}

}  // namespace
}  // namespace pg_gateway::jobs
