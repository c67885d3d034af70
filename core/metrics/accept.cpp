// Content negotiation for /metrics: which exposition format an Accept
// header asks for (see exposition.hpp for the rule).
#include "core/metrics/exposition.hpp"

#include <cctype>

namespace pg_gateway::metrics {

namespace {

constexpr std::string_view kOpenMetricsType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
constexpr std::string_view kTextType = "text/plain; version=0.0.4; charset=utf-8";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// A q-value per RFC 9110: "0", "0.ddd", "1", "1.000"; -1 when malformed
// (the range is then ignored rather than guessed at). Thousandths, so
// that comparisons are exact.
int parse_q(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return -1;
  int whole = v[0] - '0';
  int frac = 0, digits = 0;
  if (v.size() > 1) {
    if (v[1] != '.' || v.size() > 5) return -1;
    for (size_t i = 2; i < v.size(); ++i) {
      if (v[i] < '0' || v[i] > '9') return -1;
      frac = frac * 10 + (v[i] - '0');
      ++digits;
    }
  }
  while (digits < 3) {
    frac *= 10;
    ++digits;
  }
  int q = whole * 1000 + frac;
  return q > 1000 ? -1 : q;
}

// What one media range says about our two formats.
struct Range {
  enum Kind { kNone, kOpenMetrics, kText, kTextWildcard, kAnyWildcard } kind = kNone;
  int q = 1000;
};

// One media range, "type/subtype *( OWS ; OWS name=value )". Parameters
// other than q and version are ignored; a version we do not produce
// makes the range name nothing we serve.
Range parse_range(std::string_view item) {
  Range r;
  size_t semi = item.find(';');
  std::string_view type = trim(item.substr(0, semi));
  std::string_view version;
  bool has_version = false;
  while (semi != std::string_view::npos) {
    item.remove_prefix(semi + 1);
    semi = item.find(';');
    std::string_view param = trim(item.substr(0, semi));
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = trim(param.substr(0, eq));
    std::string_view value = trim(param.substr(eq + 1));
    if (iequals(key, "q")) {
      r.q = parse_q(value);
      // Parameters after q are accept-ext, not media type parameters.
      break;
    }
    if (iequals(key, "version")) {
      has_version = true;
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      version = value;
    }
  }
  if (r.q < 0) return Range{};
  if (iequals(type, "application/openmetrics-text")) {
    if (!has_version || version == "1.0.0") r.kind = Range::kOpenMetrics;
  } else if (iequals(type, "text/plain")) {
    if (!has_version || version == "0.0.4") r.kind = Range::kText;
  } else if (iequals(type, "text/*")) {
    r.kind = Range::kTextWildcard;
  } else if (iequals(type, "*/*")) {
    r.kind = Range::kAnyWildcard;
  }
  return r;
}

}  // namespace

Format negotiate(std::string_view accept) {
  // Best q of an exact match of each format; wildcards count for text only
  // when nothing names it (RFC 9110: the most specific range applies).
  int om = -1, text = -1, text_wild = -1, any_wild = -1;
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view item = accept.substr(0, comma);
    accept.remove_prefix(comma == std::string_view::npos ? accept.size() : comma + 1);
    Range r = parse_range(item);
    switch (r.kind) {
      case Range::kOpenMetrics:
        om = std::max(om, r.q);
        break;
      case Range::kText:
        text = std::max(text, r.q);
        break;
      case Range::kTextWildcard:
        text_wild = std::max(text_wild, r.q);
        break;
      case Range::kAnyWildcard:
        any_wild = std::max(any_wild, r.q);
        break;
      case Range::kNone:
        break;
    }
  }
  if (text < 0) text = text_wild >= 0 ? text_wild : any_wild;
  return om > 0 && om > text ? Format::kOpenMetrics : Format::kPrometheusText;
}

std::string_view content_type(Format f) {
  return f == Format::kOpenMetrics ? kOpenMetricsType : kTextType;
}

}  // namespace pg_gateway::metrics
