#include "core/metrics/labels.hpp"

#include <gtest/gtest.h>

namespace pg_gateway::metrics {
namespace {

std::string_view route(std::string_view path, int status = 200) {
  return kRouteLabels[size_t(route_index(path, status, "/graphql", "/logout"))];
}

TEST(Labels, Routes) {
  EXPECT_EQ(route("/graphql"), "graphql");
  EXPECT_EQ(route("/webhooks/stripe"), "webhooks");
  EXPECT_EQ(route("/jobs/12"), "jobs");
  EXPECT_EQ(route("/ready"), "health");
  EXPECT_EQ(route("/metrics"), "metrics");
  EXPECT_EQ(route("/logout"), "session");
  EXPECT_EQ(route("/api/things"), "sql");
  EXPECT_EQ(route("/nothing", 404), "other");
  EXPECT_EQ(kRouteLabels[size_t(route_index("/graphql", 200, "", ""))], "sql");
}

TEST(Labels, MethodsAndClasses) {
  EXPECT_EQ(kMethodLabels[size_t(method_index("GET"))], "GET");
  EXPECT_EQ(kMethodLabels[size_t(method_index("OPTIONS"))], "OPTIONS");
  EXPECT_EQ(kMethodLabels[size_t(method_index("get"))], "OTHER");
  EXPECT_EQ(kMethodLabels[size_t(method_index("BREW"))], "OTHER");
  EXPECT_EQ(kStatusClassLabels[size_t(status_class_index(101))], "1xx");
  EXPECT_EQ(kStatusClassLabels[size_t(status_class_index(204))], "2xx");
  EXPECT_EQ(kStatusClassLabels[size_t(status_class_index(404))], "4xx");
  EXPECT_EQ(kStatusClassLabels[size_t(status_class_index(503))], "5xx");
  EXPECT_EQ(kStatusClassLabels[size_t(status_class_index(0))], "5xx");
  EXPECT_EQ(kStatusClassLabels[size_t(status_class_index(999))], "5xx");
}

}  // namespace
}  // namespace pg_gateway::metrics
