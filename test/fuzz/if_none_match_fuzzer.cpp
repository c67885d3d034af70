// libFuzzer target for conditional requests: arbitrary bytes as an
// If-None-Match header, compared with a fixed entity tag. Nothing may
// crash; and the answer must agree with a slower restatement of the rule:
// a header that matches must contain our tag's opaque part between quotes,
// or be a lone "*".
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/http/conditional.hpp"
#include "test/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string_view header(reinterpret_cast<const char*>(data), size);
  std::array<uint8_t, 32> digest{};
  for (size_t i = 0; i < digest.size() && i < size; ++i) digest[i] = data[i];
  const std::string tag = pg_gateway::http::strong_etag(digest);
  for (std::string_view etag : {std::string_view(tag), std::string_view("\"abc\"")}) {
    bool matched = pg_gateway::http::if_none_match_matches(header, etag);
    if (matched) {
      bool star = header.find('*') != std::string_view::npos;
      bool contains = header.find(etag) != std::string_view::npos;
      CHECK(star || contains, std::string(header));
    }
  }
  return 0;
}
