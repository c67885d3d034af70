// Request label classification (see labels.hpp).
#include "core/metrics/labels.hpp"

namespace pg_gateway::metrics {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

int route_index(std::string_view path, int status, std::string_view graphql_path,
                std::string_view logout_path) {
  if (!graphql_path.empty() && path == graphql_path) return 0;
  if (starts_with(path, "/webhooks/")) return 2;
  if (starts_with(path, "/jobs/")) return 3;
  if (path == "/live" || path == "/ready" || path == "/ready/write") return 4;
  if (path == "/metrics") return 5;
  if (!logout_path.empty() && path == logout_path) return 6;
  return status == 404 ? 7 : 1;
}

int method_index(std::string_view method) {
  for (size_t i = 0; i + 1 < kMethodLabels.size(); ++i)
    if (method == kMethodLabels[i]) return int(i);
  return int(kMethodLabels.size()) - 1;
}

int status_class_index(int status) {
  if (status < 100 || status > 599) return 4;
  return status / 100 - 1;
}

}  // namespace pg_gateway::metrics
