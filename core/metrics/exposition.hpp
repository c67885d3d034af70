// The Prometheus exposition formats: text 0.0.4 and OpenMetrics 1.0.0,
// written family by family from values the caller already summed (the PG
// zone reads them from shared memory), and the choice between the two from
// a scraper's Accept header.
//
// The writer enforces the rules both parsers check: each family's
// metadata (# HELP, # TYPE) once, before its samples, families never
// interleaved; counters named *_total (OpenMetrics names the family without
// the suffix and the samples with it); histogram buckets cumulative with a
// final +Inf bucket, then _sum and _count; OpenMetrics ends with "# EOF".
#pragma once
#include "core/core_zone.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg_gateway::metrics {

enum class Format { kPrometheusText, kOpenMetrics };
enum class Type { kCounter, kGauge, kHistogram };

// The format a scraper asked for. Accept is a comma-separated list of media
// ranges with parameters; q-values rank them (RFC 9110 12.5.1). OpenMetrics
// is chosen only when named explicitly (with version 1.0.0 or no version)
// with a q above that of the text format; everything else, including a
// missing, empty or malformed header, gets text 0.0.4, which every
// Prometheus understands. Never throws on any input.
Format negotiate(std::string_view accept);
// The Content-Type to answer with.
std::string_view content_type(Format f);

// Upper bounds (seconds) of the duration histograms' buckets; a final
// +Inf bucket follows implicitly. Fixed so that per-worker bucket counts in
// shared memory sum across workers.
inline constexpr std::array<double, 14> kDurationBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
inline constexpr int kDurationSlots = int(kDurationBuckets.size()) + 1;  // with +Inf

// The (non-cumulative) slot a duration falls in: the first bucket whose
// bound is >= seconds, kDurationSlots - 1 for larger (or NaN) values.
int duration_slot(double seconds);

// Summed histogram: per-slot counts (not cumulative) and the sum.
struct HistogramValue {
  std::array<uint64_t, kDurationSlots> slots{};
  double sum = 0;
  void observe(double seconds) {
    ++slots[size_t(duration_slot(seconds))];
    sum += seconds;
  }
};

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

// Label values escaped for both formats: backslash, double quote and
// newline become \\, \" and \n.
std::string escape_label_value(std::string_view v);

class Writer {
 public:
  explicit Writer(Format f) : format_(f) {}

  // Starts a family. `name` is the full sample name, "_total" included for
  // counters (required: a counter named otherwise is a programming error,
  // reported as std::invalid_argument, as is an invalid metric name).
  Writer& family(std::string_view name, Type type, std::string_view help);
  // A sample of the current counter or gauge family.
  Writer& sample(const Labels& labels, uint64_t value);
  Writer& sample(const Labels& labels, double value);
  Writer& sample(uint64_t value) { return sample(Labels{}, value); }
  // The series of one labelled histogram of the current histogram family.
  Writer& histogram(const Labels& labels, const HistogramValue& h);

  // The exposition (with "# EOF" for OpenMetrics); the writer is empty after.
  std::string finish();

 private:
  void sample_name(std::string_view suffix);
  void labels(const Labels& labels, std::string_view le = {});

  Format format_;
  Type type_ = Type::kGauge;
  std::string name_;               // current family's sample name
  std::vector<std::string> seen_;  // family names already written
  std::string out_;
};

// A sample value: integers exactly, others in the shortest form that reads
// back as the same double, +Inf/-Inf/NaN as both formats spell them.
std::string format_value(double v);

}  // namespace pg_gateway::metrics
