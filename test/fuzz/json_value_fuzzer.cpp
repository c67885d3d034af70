// libFuzzer target for the strict JSON parser: arbitrary bytes must never
// crash it; whatever it accepts must serialize to JSON that it accepts again
// as an equal value (parse -> dump -> parse is the identity on the model).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json/json_value.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pg_gateway::json::parse;
  pg_gateway::json::ParseLimits limits;
  limits.max_depth = 64;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = parse(text, limits);
  if (!r.ok()) {
    if (r.error.empty() || r.error_offset > size) abort();
    return 0;
  }
  std::string dumped = r.value->dump();
  auto again = parse(dumped, limits);
  if (!again.ok() || !(*again.value == *r.value)) abort();
  return 0;
}
