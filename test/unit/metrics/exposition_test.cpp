#include "core/metrics/exposition.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace pg_gateway::metrics {
namespace {

TEST(Negotiate, DefaultsToText) {
  EXPECT_EQ(negotiate(""), Format::kPrometheusText);
  EXPECT_EQ(negotiate("*/*"), Format::kPrometheusText);
  EXPECT_EQ(negotiate("application/json"), Format::kPrometheusText);
  EXPECT_EQ(negotiate("text/plain;version=0.0.4"), Format::kPrometheusText);
}

TEST(Negotiate, PrometheusScrapeHeader) {
  // What Prometheus 2.x sends when OpenMetrics is enabled.
  EXPECT_EQ(
      negotiate("application/openmetrics-text;version=1.0.0,application/"
                "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
      Format::kOpenMetrics);
  // And what it sends by default (text preferred).
  EXPECT_EQ(negotiate("text/plain;version=0.0.4;q=1,*/*;q=0.1"), Format::kPrometheusText);
}

TEST(Negotiate, QValuesRank) {
  EXPECT_EQ(negotiate("text/plain;q=0.9, application/openmetrics-text"), Format::kOpenMetrics);
  EXPECT_EQ(negotiate("text/plain, application/openmetrics-text;q=0.9"), Format::kPrometheusText);
  EXPECT_EQ(negotiate("application/openmetrics-text;q=0"), Format::kPrometheusText);
  // A tie goes to text.
  EXPECT_EQ(negotiate("application/openmetrics-text, text/plain"), Format::kPrometheusText);
  // The specific text/plain range outranks the wildcard.
  EXPECT_EQ(negotiate("*/*;q=1, text/plain;q=0.1, application/openmetrics-text;q=0.5"),
            Format::kOpenMetrics);
  EXPECT_EQ(negotiate("APPLICATION/OpenMetrics-Text ; Q=0.8 ; foo=bar, text/*;q=0.5"),
            Format::kOpenMetrics);
}

TEST(Negotiate, VersionsWeDoNotProduce) {
  EXPECT_EQ(negotiate("application/openmetrics-text;version=0.0.1"), Format::kPrometheusText);
  EXPECT_EQ(negotiate("application/openmetrics-text;version=\"1.0.0\""), Format::kOpenMetrics);
}

TEST(Negotiate, MalformedInputIsHarmless) {
  for (const char* a :
       {";;;", ",,,", "application/openmetrics-text;q=", "application/openmetrics-text;q=2",
        "application/openmetrics-text;q=0.12345", "application/openmetrics-text;q=abc",
        "application/openmetrics-text;q=-1", "=;=,=", "\"", "application/openmetrics-text;q=\""})
    EXPECT_EQ(negotiate(a), Format::kPrometheusText) << a;
  EXPECT_EQ(negotiate("application/openmetrics-text;q=1.000"), Format::kOpenMetrics);
  EXPECT_EQ(negotiate("application/openmetrics-text;q=0.001"), Format::kOpenMetrics);
}

TEST(ContentType, BothFormats) {
  EXPECT_EQ(content_type(Format::kPrometheusText), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(content_type(Format::kOpenMetrics),
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

TEST(Escape, LabelValues) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_label_value("plain"), "plain");
}

TEST(Values, Format) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(INFINITY), "+Inf");
  EXPECT_EQ(format_value(-INFINITY), "-Inf");
  EXPECT_EQ(format_value(NAN), "NaN");
  EXPECT_EQ(std::stod(format_value(0.1 + 0.2)), 0.1 + 0.2);
}

TEST(Buckets, Slots) {
  EXPECT_EQ(duration_slot(0), 0);
  EXPECT_EQ(duration_slot(0.0005), 0);
  EXPECT_EQ(duration_slot(0.0006), 1);
  EXPECT_EQ(duration_slot(10), kDurationSlots - 2);
  EXPECT_EQ(duration_slot(11), kDurationSlots - 1);
  EXPECT_EQ(duration_slot(NAN), kDurationSlots - 1);
}

TEST(Writer, PrometheusText) {
  Writer w(Format::kPrometheusText);
  w.family("x_requests_total", Type::kCounter, "Requests.\nTwo lines")
      .sample({{"route", "graphql"}, {"method", "GET"}}, uint64_t(5));
  w.family("x_up", Type::kGauge, "Up").sample(uint64_t(1));
  EXPECT_EQ(w.finish(),
            "# HELP x_requests_total Requests.\\nTwo lines\n"
            "# TYPE x_requests_total counter\n"
            "x_requests_total{route=\"graphql\",method=\"GET\"} 5\n"
            "# HELP x_up Up\n# TYPE x_up gauge\nx_up 1\n");
}

TEST(Writer, OpenMetricsCountersAndEof) {
  Writer w(Format::kOpenMetrics);
  w.family("x_requests_total", Type::kCounter, "Requests").sample({{"a", "q\""}}, uint64_t(2));
  EXPECT_EQ(w.finish(),
            "# HELP x_requests Requests\n# TYPE x_requests counter\n"
            "x_requests_total{a=\"q\\\"\"} 2\n# EOF\n");
}

TEST(Writer, HistogramCumulative) {
  HistogramValue h;
  h.observe(0.0001);
  h.observe(0.3);
  h.observe(100);
  for (Format f : {Format::kPrometheusText, Format::kOpenMetrics}) {
    Writer w(f);
    w.family("x_seconds", Type::kHistogram, "D").histogram({{"route", "sql"}}, h);
    std::string out = w.finish();
    std::string one = f == Format::kOpenMetrics ? "1.0" : "1";
    EXPECT_NE(out.find("x_seconds_bucket{route=\"sql\",le=\"0.0005\"} 1\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("x_seconds_bucket{route=\"sql\",le=\"0.25\"} 1\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("x_seconds_bucket{route=\"sql\",le=\"0.5\"} 2\n"), std::string::npos) << out;
    EXPECT_NE(out.find("x_seconds_bucket{route=\"sql\",le=\"" + one + "\"} 2\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("x_seconds_bucket{route=\"sql\",le=\"+Inf\"} 3\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("x_seconds_count{route=\"sql\"} 3\n"), std::string::npos) << out;
    EXPECT_NE(out.find("x_seconds_sum{route=\"sql\"} 100.3001\n"), std::string::npos) << out;
  }
}

TEST(Writer, RejectsMisuse) {
  Writer w(Format::kPrometheusText);
  EXPECT_THROW(w.family("x_requests", Type::kCounter, ""), std::invalid_argument);
  EXPECT_THROW(w.family("x_up_total", Type::kGauge, ""), std::invalid_argument);
  EXPECT_THROW(w.family("1x", Type::kGauge, ""), std::invalid_argument);
  EXPECT_THROW(w.sample(uint64_t(1)), std::logic_error);
  w.family("x_up", Type::kGauge, "");
  EXPECT_THROW(w.family("x_up", Type::kGauge, ""), std::invalid_argument);
  EXPECT_THROW(w.sample({{"le", "1"}}, uint64_t(1)), std::invalid_argument);
  HistogramValue h;
  EXPECT_THROW(w.histogram({}, h), std::logic_error);
}

}  // namespace
}  // namespace pg_gateway::metrics
