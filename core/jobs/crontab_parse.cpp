// Parsing Graphile Worker crontab lines. The shape of a line is decided the
// way Graphile Worker's regular expressions decide it (CRONTAB_LINE_PARTS,
// CRONTAB_COMMAND, the option patterns), written out as scanners: each of
// those expressions matches deterministically (every greedy part is followed
// by something it cannot contain), so a left-to-right scan accepts exactly
// the same strings without backtracking.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/jobs/crontab.hpp"
#include "core/jobs/crontab_text.hpp"
#include "core/json/json_value.hpp"
#include "core/util/utf8.hpp"

namespace pg_gateway::jobs {
namespace {

using crontab_text::for_message;
using crontab_text::js_space_length;

[[noreturn]] void fail(int line, std::string message) { throw CrontabError(line, message); }

// ---- the five time fields ---------------------------------------------------

struct FieldSpec {
  const char* name;  // as Graphile Worker names it in messages
  int min;
  int max;
  bool wrap;  // day of week: max + 1 (7) means min (0, Sunday)
};

constexpr FieldSpec kFieldSpecs[5] = {
    {"minutes", 0, 59, false}, {"hours", 0, 23, false},      {"dates", 1, 31, false},
    {"months", 1, 12, false},  {"days of week", 0, 6, true},
};

bool is_field_char(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '/' || c == ',' || c == '-';
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// parseInt of a digit string, saturating far above any field maximum (so a
// hostile "99999999999999999999" cannot overflow; it is just "too large").
uint64_t digits_value(std::string_view digits) {
  constexpr uint64_t kCap = uint64_t(1) << 53;
  uint64_t v = 0;
  for (char c : digits) {
    v = v * 10 + uint64_t(c - '0');
    if (v > kCap) return kCap;
  }
  return v;
}

// How JavaScript prints that number: without leading zeros. (Beyond 2^53
// JavaScript would print a rounded value; such numbers only ever appear in
// "too large" messages.)
std::string digits_display(std::string_view digits) {
  size_t nz = digits.find_first_not_of('0');
  return nz == std::string_view::npos ? "0" : std::string(digits.substr(nz));
}

// Graphile Worker's parseCrontabRange: a comma-separated list of numbers,
// ranges `a-b` (b > a) and wildcards `*` / `*/n`, as a bit set. Errors name
// the first offending part, in list order, as Graphile Worker does.
uint64_t parse_field(std::string_view text, const FieldSpec& spec, const std::string& location,
                     int line) {
  uint64_t bits = 0;
  auto add = [&](uint64_t number, std::string_view digits) {
    uint64_t wrapped =
        (spec.wrap && number == uint64_t(spec.max) + 1) ? uint64_t(spec.min) : number;
    if (wrapped > uint64_t(spec.max)) {
      fail(line, "Too large value '" + for_message(digits_display(digits)) + "' in " + location +
                     ": expected values in the range " + std::to_string(spec.min) + "-" +
                     std::to_string(spec.max) + ".");
    }
    if (wrapped < uint64_t(spec.min)) {
      fail(line, "Too small value '" + for_message(digits_display(digits)) + "' in " + location +
                     ": expected values in the range " + std::to_string(spec.min) + "-" +
                     std::to_string(spec.max) + ".");
    }
    bits |= uint64_t(1) << wrapped;
  };

  size_t start = 0;
  while (true) {  // one part per comma; ends after the last part
    size_t comma = text.find(',', start);
    std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t dash = part.find('-');
    if (all_digits(part)) {
      add(digits_value(part), part);
    } else if (dash != std::string_view::npos && all_digits(part.substr(0, dash)) &&
               all_digits(part.substr(dash + 1))) {
      std::string_view a_digits = part.substr(0, dash), b_digits = part.substr(dash + 1);
      uint64_t a = digits_value(a_digits), b = digits_value(b_digits);
      if (b <= a) {
        fail(line, "Invalid range '" + for_message(part) + "' in " + location +
                       ": destination is not larger than source");
      }
      // add() throws as soon as a value passes the maximum, so this loop runs
      // at most max + 2 times whatever b is.
      for (uint64_t i = a; i <= b; ++i) {
        std::string shown = std::to_string(i);
        add(i, i == a ? a_digits : i == b ? b_digits : std::string_view(shown));
      }
    } else if (part == "*" ||
               (part.size() > 2 && part.substr(0, 2) == "*/" && all_digits(part.substr(2)))) {
      uint64_t divisor = part == "*" ? 1 : digits_value(part.substr(2));
      if (divisor == 0) {
        fail(line, "Invalid wildcard expression '" + for_message(part) + "' in " + location +
                       ": divisor '" + for_message(part.substr(2)) +
                       "' expected to be greater than zero");
      }
      for (uint64_t i = uint64_t(spec.min); i <= uint64_t(spec.max); i += divisor) {
        bits |= uint64_t(1) << i;
      }
    } else {
      fail(line, "Unsupported syntax '" + for_message(part) + "' in " + location +
                     ": this doesn't appear to be a number, range or wildcard");
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return bits;
}

CronMatch parse_fields(const std::string_view (&fields)[5], const std::string& source, int line) {
  uint64_t sets[5];
  for (int k = 0; k < 5; ++k) {
    sets[k] = parse_field(fields[k], kFieldSpecs[k],
                          std::string(kFieldSpecs[k].name) + " range in " + source, line);
  }
  CronMatch m;
  m.minutes = sets[0];
  m.hours = uint32_t(sets[1]);
  m.dates = uint32_t(sets[2]);
  m.months = uint16_t(sets[3]);
  m.dows = uint8_t(sets[4]);
  return m;
}

// Splits "<f1> <f2> <f3> <f4> <f5>[ <rest>]": five runs of field characters,
// each followed by blanks (the last only when `with_rest`). Returns false
// when the text does not have that shape.
bool split_fields(std::string_view text, bool with_rest, std::string_view (&fields)[5],
                  std::string_view& rest) {
  size_t pos = 0;
  for (int k = 0; k < 5; ++k) {
    size_t start = pos;
    while (pos < text.size() && is_field_char(text[pos])) ++pos;
    if (pos == start) return false;
    fields[k] = text.substr(start, pos - start);
    if (k == 4 && !with_rest) return pos == text.size();
    size_t blanks_start = pos;
    while (pos < text.size()) {
      size_t n = js_space_length(text, pos);
      if (n == 0) break;
      pos += n;
    }
    if (pos == blanks_start) return false;
  }
  rest = text.substr(pos);
  // `(.*)$`: the dot does not match line terminators.
  return !crontab_text::contains_js_line_terminator(rest);
}

// ---- the command: task, ?options, {payload} ----------------------------------

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

bool is_task_char(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c) || c == '_' || c == ':' || c == '/' || c == '-';
}

// CRONTAB_OPTIONS_ID
bool is_valid_id(std::string_view s) {
  if (s.empty() || !(is_ascii_alpha(s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) {
    return is_ascii_alpha(c) || is_ascii_digit(c) || c == '_' || c == '-';
  });
}

// CRONTAB_OPTIONS_QUEUE
bool is_valid_queue(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return is_ascii_alpha(c) || is_ascii_digit(c) || c == '_' || c == ':' || c == '-';
  });
}

// CRONTAB_OPTIONS_BACKFILL and parseTimePhrase: one or more <digits><unit>,
// summed (saturating at kMaxFillSeconds).
std::optional<int64_t> parse_time_phrase(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t total = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    while (pos < s.size() && is_ascii_digit(s[pos])) ++pos;
    if (pos == start || pos == s.size()) return std::nullopt;
    int64_t unit = 0;
    switch (s[pos]) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      case 'w':
        unit = 604800;
        break;
      default:
        return std::nullopt;
    }
    uint64_t quantity = digits_value(s.substr(start, pos - start));
    ++pos;
    // Saturate: quantity <= 2^53 and unit <= 604800, but their product can
    // overflow, so compare before multiplying.
    if (quantity > uint64_t(kMaxFillSeconds / unit)) {
      total = kMaxFillSeconds;
    } else {
      total = std::min(kMaxFillSeconds, total + int64_t(quantity) * unit);
    }
  }
  return total;
}

// `-?[0-9]+` (or `[0-9]+`) within [lo, hi]; nullopt when the pattern or the
// range does not hold.
std::optional<int> parse_bounded_int(std::string_view s, bool allow_minus, int lo, int hi) {
  bool negative = allow_minus && !s.empty() && s[0] == '-';
  std::string_view digits = negative ? s.substr(1) : s;
  if (!all_digits(digits)) return std::nullopt;
  int64_t v = int64_t(digits_value(digits));
  if (negative) v = -v;
  if (v < lo || v > hi) return std::nullopt;
  return int(v);
}

[[noreturn]] void fail_option_value(int line, const std::string& key, const std::string& value,
                                    std::string_view why) {
  fail(line, "Options on line " + std::to_string(line) +
                 " of crontab contains invalid value for '" + key + "', value '" +
                 for_message(value) + "' is not compatible with this option" + std::string(why) +
                 ".");
}

// Graphile Worker's parseCrontabOptions, on what querystring.parse made of
// the text after '?'. Entries are checked in JavaScript property order and
// the first problem is reported.
void apply_options(std::string_view options_text, CronItem& item, int line) {
  const std::string prefix = "Options on line " + std::to_string(line) + " of crontab contains ";
  bool have_id = false;
  for (const auto& entry : crontab_text::parse_querystring(options_text)) {
    const std::string& key = entry.key;
    if (entry.values.size() > 1) {
      fail(line, prefix + "invalid value for '" + for_message(key) +
                     "', did you specify it more than once?");
    }
    const std::string& value = entry.values.front();
    auto invalid = [&](std::string_view why) { fail_option_value(line, key, value, why); };
    if (key == "id") {
      if (!is_valid_id(value)) invalid("");
      item.identifier = value;
      have_id = true;
    } else if (key == "fill") {
      auto seconds = parse_time_phrase(value);
      if (!seconds) invalid("");
      item.fill_seconds = *seconds;
    } else if (key == "max") {
      if (!all_digits(value)) invalid("");
      auto n = parse_bounded_int(value, false, 1, 32767);
      if (!n) invalid(" (max attempts must be 1-32767)");
      item.max_attempts = *n;
    } else if (key == "queue") {
      if (!is_valid_queue(value)) invalid("");
      item.queue_name = value;
    } else if (key == "jobKey") {
      if (crontab_text::contains_js_line_terminator(value)) invalid("");
      if (value.find('\0') != std::string::npos) invalid(" (a job key cannot contain NUL)");
      item.job_key = value;
    } else if (key == "jobKeyMode") {
      if (value != "replace" && value != "preserve_run_at") invalid("");
      item.job_key_mode = value;
    } else if (key == "priority") {
      bool negative = !value.empty() && value[0] == '-';
      if (!all_digits(negative ? std::string_view(value).substr(1) : std::string_view(value))) {
        invalid("");
      }
      auto n = parse_bounded_int(value, true, -32768, 32767);
      if (!n) invalid(" (priority must be -32768-32767)");
      item.priority = *n;
    } else {
      fail(line, prefix + "unsupported key '" + for_message(key) +
                     "'; supported keys are: 'id', 'fill', 'max', 'queue', 'jobKey', "
                     "'jobKeyMode', 'priority'.");
    }
  }
  if (!have_id) item.identifier = item.task;
  // Graphile Worker: `if (!jobKeyMode && jobKey) jobKeyMode = "replace"`; an
  // empty key is falsy in JavaScript, so it gets no default mode.
  if (!item.job_key_mode && item.job_key && !item.job_key->empty()) item.job_key_mode = "replace";
}

// JSON.parse then JSON.stringify of an object, as the payload passes through
// Graphile Worker: a repeated key keeps its first position and its last
// value, and array-index keys ("0", "12") come first in numeric order.
void normalize_like_javascript(json::Value& v) {
  if (v.is_array()) {
    for (auto& item : v.items()) normalize_like_javascript(item);
    return;
  }
  if (!v.is_object()) return;
  auto& members = v.members();
  std::vector<json::Value::Member> unique;
  std::unordered_map<std::string, size_t> position;  // a hash, so 10k keys stay linear
  for (auto& m : members) {
    auto [it, inserted] = position.emplace(m.first, unique.size());
    if (inserted) {
      unique.push_back(std::move(m));
    } else {
      unique[it->second].second = std::move(m.second);
    }
  }
  auto index_of = [](const std::string& key) -> std::optional<uint64_t> {
    if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0') || !all_digits(key))
      return std::nullopt;
    uint64_t n = digits_value(key);
    return n <= 4294967294ULL ? std::optional<uint64_t>(n) : std::nullopt;
  };
  std::stable_sort(unique.begin(), unique.end(), [&](const auto& a, const auto& b) {
    auto ia = index_of(a.first), ib = index_of(b.first);
    if (ia && ib) return *ia < *ib;
    return ia.has_value() && !ib.has_value();
  });
  for (auto& m : unique) normalize_like_javascript(m.second);
  members = std::move(unique);
}

std::string parse_payload(std::string_view text, int line) {
  json::ParseLimits limits;
  limits.max_depth = kMaxCrontabPayloadDepth;
  auto parsed = json::parse(text, limits);
  if (!parsed.ok()) {
    fail(line, "Failed to parse JSON payload on line " + std::to_string(line) + " of crontab: " +
                   parsed.error + " at offset " + std::to_string(parsed.error_offset) +
                   " (the payload must be strict JSON; JSON5 such as unquoted keys, single "
                   "quotes, comments or trailing commas is not supported)");
  }
  // CRONTAB_COMMAND only captures `{.*}`, and the parser takes the whole
  // text, so a successful parse is an object.
  normalize_like_javascript(*parsed.value);
  return parsed.value->dump();
}

[[noreturn]] void fail_command(int line) {
  fail(line, "Invalid command specification in line " + std::to_string(line) + " of crontab.");
}

// CRONTAB_COMMAND: `task`, then optionally blanks + '?' + non-blanks, then
// optionally blanks + `{...}` reaching the end of the line.
void parse_command(std::string_view command, CronItem& item, int line) {
  auto invalid = [line]() { fail_command(line); };
  auto skip_blanks = [&](size_t& pos) {
    size_t start = pos;
    while (pos < command.size()) {
      size_t n = js_space_length(command, pos);
      if (n == 0) break;
      pos += n;
    }
    return pos > start;
  };
  size_t pos = 0;
  if (command.empty() || !(is_ascii_alpha(command[0]) || command[0] == '_')) invalid();
  while (pos < command.size() && is_task_char(command[pos])) ++pos;
  item.task = std::string(command.substr(0, pos));
  std::optional<std::string_view> options, payload;
  if (pos < command.size()) {
    if (!skip_blanks(pos)) invalid();
    if (pos < command.size() && command[pos] == '?') {
      // Blank characters start with bytes that never occur inside another
      // character's UTF-8 sequence, so a byte scan finds the first blank.
      size_t start = ++pos;
      while (pos < command.size() && js_space_length(command, pos) == 0) ++pos;
      if (pos == start) invalid();
      options = command.substr(start, pos - start);
      skip_blanks(pos);
    }
    if (pos < command.size()) {
      std::string_view tail = command.substr(pos);
      if (tail.size() < 2 || tail.front() != '{' || tail.back() != '}') invalid();
      payload = tail;
    }
  }
  apply_options(options.value_or(std::string_view()), item, line);
  if (payload) item.payload_json = parse_payload(*payload, line);
}

// ---- lines -----------------------------------------------------------------

std::string line_source(int line) { return "line " + std::to_string(line) + " of crontab"; }

// Throws unless every byte of `text` is valid UTF-8. Crontab text is meant to
// come from PostgreSQL text (always valid); this keeps garbage from reaching
// job keys and messages.
void require_utf8(std::string_view text, int line) {
  for (size_t i = 0; i < text.size();) {
    size_t n = util::valid_utf8_length(text, i);
    if (n == 0) fail(line, "Invalid UTF-8 on " + line_source(line) + ".");
    i += n;
  }
}

void require_line_size(std::string_view text, int line) {
  if (text.size() > kMaxCrontabLineBytes) {
    fail(line, "Line " + std::to_string(line) + " of crontab is too long (" +
                   std::to_string(text.size()) + " bytes; at most " +
                   std::to_string(kMaxCrontabLineBytes) + ").");
  }
}

bool is_blank_or_comment(std::string_view trimmed) {
  return trimmed.empty() || trimmed.front() == '#';
}

// parseCrontabLine on a trimmed, non-comment line.
CronItem parse_trimmed_line(std::string_view line_text, int line) {
  std::string_view fields[5];
  std::string_view rest;
  if (!split_fields(line_text, true, fields, rest)) {
    fail(line, "Could not process line '" + std::to_string(line) + "' of crontab: '" +
                   for_message(line_text) + "'");
  }
  CronItem item;
  item.line = line;
  item.match = parse_fields(fields, line_source(line), line);
  for (int k = 0; k < 5; ++k) {
    if (k > 0) item.schedule.push_back(' ');
    item.schedule.append(fields[k]);
  }
  parse_command(rest, item, line);
  return item;
}

// Splits like JavaScript's text.split(/\r?\n/) and calls visit(item) for
// each line that is neither blank nor a comment, after size and UTF-8 checks
// (each line is trimmed first), or on_error(error); stops when on_error
// returns false.
template <typename Visit, typename OnError>
void for_each_line(std::string_view text, Visit&& visit, OnError&& on_error) {
  size_t start = 0;
  int number = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view raw = text.substr(start, end - start);
    if (nl != std::string_view::npos && !raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    ++number;
    try {
      require_line_size(raw, number);
      require_utf8(raw, number);
      std::string_view trimmed = crontab_text::js_trim(raw);
      if (!is_blank_or_comment(trimmed)) visit(parse_trimmed_line(trimmed, number));
    } catch (const CrontabError& e) {
      if (!on_error(e)) return;
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
}

// Graphile Worker's duplicate check: sort the identifiers and list each one
// equal to its predecessor (so three "a" are listed as 'a', 'a').
std::optional<std::string> duplicate_identifiers_message(const std::vector<CronItem>& items) {
  std::vector<std::string_view> ids;
  ids.reserve(items.size());
  for (const auto& item : items) ids.push_back(item.identifier);
  std::sort(ids.begin(), ids.end());
  std::string listed;
  for (size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] != ids[i - 1]) continue;
    if (!listed.empty()) listed += "', '";
    listed += ids[i];
  }
  if (listed.empty()) return std::nullopt;
  return "Invalid crontab; duplicate identifiers found: '" + listed +
         "' - please use '?id=...' to specify unique identifiers for your cron items";
}

void require_crontab_size(std::string_view text) {
  if (text.size() > kMaxCrontabBytes) {
    fail(0, "Crontab is too large (" + std::to_string(text.size()) + " bytes; at most " +
                std::to_string(kMaxCrontabBytes) + ").");
  }
}

}  // namespace

bool CronMatch::dates_restricted() const { return std::popcount(dates) != 31; }
bool CronMatch::dows_restricted() const { return std::popcount(dows) != 7; }

std::vector<CronItem> parse_crontab(std::string_view text) {
  require_crontab_size(text);
  std::vector<CronItem> items;
  for_each_line(
      text, [&](CronItem item) { items.push_back(std::move(item)); },
      [](const CrontabError& e) -> bool { throw e; });
  if (auto message = duplicate_identifiers_message(items)) fail(0, *message);
  return items;
}

CrontabParseResult parse_crontab_all(std::string_view text) {
  CrontabParseResult result;
  try {
    require_crontab_size(text);
  } catch (const CrontabError& e) {
    result.errors.push_back(e);
    return result;
  }
  for_each_line(
      text, [&](CronItem item) { result.items.push_back(std::move(item)); },
      [&](const CrontabError& e) {
        // Each error costs a throw and a message: a megabyte of bad lines
        // would be ~90k of them. Stop collecting (and parsing) early.
        if (result.errors.size() + 1 < kMaxCrontabErrors) {
          result.errors.push_back(e);
          return true;
        }
        result.errors.emplace_back(
            0, "Too many errors in crontab; stopped at line " + std::to_string(e.line()) + ".");
        return false;
      });
  if (auto message = duplicate_identifiers_message(result.items)) {
    result.errors.emplace_back(0, *message);
  }
  return result;
}

CronItem parse_crontab_line(std::string_view line, int line_number) {
  require_line_size(line, line_number);
  require_utf8(line, line_number);
  std::string_view trimmed = crontab_text::js_trim(line);
  if (is_blank_or_comment(trimmed)) {
    fail(line_number, "Line " + std::to_string(line_number) +
                          " of crontab is blank or a comment: it has no cron item.");
  }
  return parse_trimmed_line(trimmed, line_number);
}

CronMatch parse_cron_pattern(std::string_view pattern, std::string_view source) {
  std::string source_text(source);
  std::string_view fields[5];
  std::string_view rest;
  if (!split_fields(pattern, false, fields, rest)) {
    fail(0, "Invalid cron pattern '" + for_message(pattern) + "' in " + source_text);
  }
  return parse_fields(fields, source_text, 0);
}

}  // namespace pg_gateway::jobs
