// libFuzzer target for a delivery's job payload (core/webhooks/job_payload)
// and the source options a DBA writes: arbitrary bytes split at the first
// '\n' into a Content-Type and the body. Nothing may crash; every payload
// that is produced must be JSON that the project's own parser accepts (it
// becomes jsonb), and a JSON body must come back as its own value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json/json_value.hpp"
#include "core/webhooks/job_payload.hpp"
#include "core/webhooks/source_verifier.hpp"
#include "fuzz_check.hpp"

using namespace pg_gateway;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string_view type = in.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);

  webhooks::JobPayload p = webhooks::job_payload(body, type);
  if (p.ok()) {
    json::ParseResult again = json::parse(p.json);
    CHECK(again.ok(), p.json);
    if (webhooks::is_json_media_type(webhooks::media_type(type))) {
      json::ParseResult original = json::parse(body);
      CHECK(original.ok() && *original.value == *again.value, p.json);
    }
  } else {
    CHECK(!p.error.empty());
  }

  // The same bytes as the options of an hmac source: an error or a usable
  // scheme, never a crash.
  webhooks::SourceVerifier v;
  v.kind = webhooks::VerifierKind::kHmac;
  (void)webhooks::apply_options(v, in);
  return 0;
}
