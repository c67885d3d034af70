// libFuzzer target for /metrics content negotiation: arbitrary bytes as
// an Accept header. Nothing may crash, and the answer must agree with the
// rule it states: OpenMetrics only when the header names it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/metrics/exposition.hpp"
#include "test/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view accept(reinterpret_cast<const char*>(data), size);
  pg_gateway::metrics::Format f = pg_gateway::metrics::negotiate(accept);
  if (f == pg_gateway::metrics::Format::kOpenMetrics) {
    std::string lower(accept);
    for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    CHECK(lower.find("application/openmetrics-text") != std::string::npos, std::string(accept));
  }
  // Prepending a text/plain range at q=1 always wins (ties go to text).
  std::string with_text = "text/plain," + std::string(accept);
  CHECK(pg_gateway::metrics::negotiate(with_text) == pg_gateway::metrics::Format::kPrometheusText,
        with_text);
  return 0;
}
