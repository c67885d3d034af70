// The bounded label values of pg_gateway_http_requests_total and the
// duration histograms: every request maps to one of a fixed set of routes,
// methods and status classes, so the shared-memory table that counts them
// has a fixed size and a client cannot create series by choosing paths.
#pragma once
#include "core/core_zone.hpp"

#include <array>
#include <string_view>

namespace pg_gateway::metrics {

inline constexpr std::array<std::string_view, 8> kRouteLabels = {
    "graphql", "sql", "webhooks", "jobs", "health", "metrics", "session", "other"};
inline constexpr std::array<std::string_view, 8> kMethodLabels = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"};
inline constexpr std::array<std::string_view, 5> kStatusClassLabels = {"1xx", "2xx", "3xx", "4xx",
                                                                       "5xx"};

// Index into kRouteLabels. `graphql_path` and `logout_path` are the
// configured ones ("" when off). Paths no fixed route owns are SQL routes
// unless nothing answered them (404), then "other".
int route_index(std::string_view path, int status, std::string_view graphql_path,
                std::string_view logout_path);
// Index into kMethodLabels (exact, case-sensitive method names).
int method_index(std::string_view method);
// Index into kStatusClassLabels; statuses outside 100..599 count as 5xx.
int status_class_index(int status);

}  // namespace pg_gateway::metrics
