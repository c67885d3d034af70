// The exposition writer (see exposition.hpp): metadata, samples and
// histogram series in Prometheus text 0.0.4 or OpenMetrics 1.0.0.
#include "core/metrics/exposition.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace pg_gateway::metrics {

namespace {

constexpr std::string_view kTotal = "_total";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// [a-zA-Z_:][a-zA-Z0-9_:]*, the metric name rule of both formats.
bool valid_name(std::string_view n, bool label) {
  if (n.empty()) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!label && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// HELP text: backslash and newline escaped (both formats; OpenMetrics
// also escapes the double quote, which text 0.0.4 would print literally).
std::string escape_help(std::string_view v, Format f) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && f == Format::kOpenMetrics)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

}  // namespace

int duration_slot(double seconds) {
  for (size_t i = 0; i < kDurationBuckets.size(); ++i)
    if (seconds <= kDurationBuckets[i]) return int(i);
  return kDurationSlots - 1;
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) return std::to_string(int64_t(v));
  char buf[64];
  // Plain decimals where they are short (bucket bounds read "0.0005", not
  // "5e-04"); the shortest round-tripping form either way.
  double a = std::fabs(v);
  auto res = a >= 1e-6 && a < 1e15
                 ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                 : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

Writer& Writer::family(std::string_view name, Type type, std::string_view help) {
  if (!valid_name(name, false)) throw std::invalid_argument("invalid metric name");
  if ((type == Type::kCounter) != ends_with(name, kTotal))
    throw std::invalid_argument("counters, and only counters, are named *_total");
  if (std::find(seen_.begin(), seen_.end(), name) != seen_.end())
    throw std::invalid_argument("metric family written twice");
  seen_.emplace_back(name);
  type_ = type;
  name_ = std::string(name);
  // OpenMetrics names a counter family without its _total suffix.
  std::string_view family_name = name;
  if (format_ == Format::kOpenMetrics && type == Type::kCounter)
    family_name.remove_suffix(kTotal.size());
  const char* type_name = type == Type::kCounter ? "counter"
                          : type == Type::kGauge ? "gauge"
                                                 : "histogram";
  out_ += "# HELP ";
  out_ += family_name;
  out_ += ' ';
  out_ += escape_help(help, format_);
  out_ += "\n# TYPE ";
  out_ += family_name;
  out_ += ' ';
  out_ += type_name;
  out_ += '\n';
  return *this;
}

void Writer::sample_name(std::string_view suffix) {
  out_ += name_;
  out_ += suffix;
}

void Writer::labels(const Labels& labels, std::string_view le) {
  if (labels.empty() && le.empty()) return;
  out_ += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!valid_name(k, true) || k == "le") throw std::invalid_argument("invalid label name");
    if (!first) out_ += ',';
    first = false;
    out_ += k;
    out_ += "=\"";
    out_ += escape_label_value(v);
    out_ += '"';
  }
  if (!le.empty()) {
    if (!first) out_ += ',';
    out_ += "le=\"";
    out_ += le;
    out_ += '"';
  }
  out_ += '}';
}

Writer& Writer::sample(const Labels& l, uint64_t value) {
  if (name_.empty() || type_ == Type::kHistogram)
    throw std::logic_error("sample outside a counter or gauge family");
  sample_name({});
  labels(l);
  out_ += ' ';
  out_ += std::to_string(value);
  out_ += '\n';
  return *this;
}

Writer& Writer::sample(const Labels& l, double value) {
  if (name_.empty() || type_ == Type::kHistogram)
    throw std::logic_error("sample outside a counter or gauge family");
  sample_name({});
  labels(l);
  out_ += ' ';
  out_ += format_value(value);
  out_ += '\n';
  return *this;
}

Writer& Writer::histogram(const Labels& l, const HistogramValue& h) {
  if (name_.empty() || type_ != Type::kHistogram)
    throw std::logic_error("histogram outside a histogram family");
  uint64_t cumulative = 0;
  for (int i = 0; i < kDurationSlots; ++i) {
    cumulative += h.slots[size_t(i)];
    std::string le = i + 1 < kDurationSlots ? format_value(kDurationBuckets[size_t(i)]) : "+Inf";
    // OpenMetrics wants canonical numbers in le: "1.0", not "1".
    if (format_ == Format::kOpenMetrics && le.find_first_of(".eI") == std::string::npos) le += ".0";
    sample_name("_bucket");
    labels(l, le);
    out_ += ' ';
    out_ += std::to_string(cumulative);
    out_ += '\n';
  }
  sample_name("_sum");
  labels(l);
  out_ += ' ';
  out_ += format_value(h.sum);
  out_ += '\n';
  sample_name("_count");
  labels(l);
  out_ += ' ';
  out_ += std::to_string(cumulative);
  out_ += '\n';
  return *this;
}

std::string Writer::finish() {
  if (format_ == Format::kOpenMetrics) out_ += "# EOF\n";
  std::string out = std::move(out_);
  out_.clear();
  seen_.clear();
  name_.clear();
  return out;
}

}  // namespace pg_gateway::metrics
