// libFuzzer target for the @pgCacheControl parser: arbitrary bytes as a
// tag value (parse_cache_hint) and as a whole smart comment
// (cache_hint_of). Nothing may crash; a parsed hint must be in range and
// print back to text that parses to the same hint; an error must leave the
// hint empty and be one short line of printable ASCII (it goes to the
// server log as a schema warning).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/catalog/smart_tags.hpp"
#include "core/graphql/cache/cache_hint.hpp"
#include "test/fuzz/fuzz_check.hpp"

namespace {

using namespace pg_gateway;
using graphql::cache::CacheHint;
using graphql::cache::ParsedHint;

// The canonical text of a hint, to check that parsing is a function of the
// hint's keys and not of their spelling.
std::string print(const CacheHint& h) {
  std::string out;
  if (h.max_age) out += "maxAge=" + std::to_string(*h.max_age) + " ";
  if (h.scope)
    out += h.scope == graphql::cache::Scope::kPrivate ? "scope=PRIVATE " : "scope=PUBLIC ";
  if (h.inherit_max_age) out += "inheritMaxAge ";
  return out;
}

void check(const ParsedHint& p) {
  if (p.ok()) {
    if (p.hint.max_age)
      CHECK(*p.hint.max_age >= 0 && *p.hint.max_age <= graphql::cache::kMaxMaxAge);
    CHECK(!(p.hint.max_age && p.hint.inherit_max_age));
    std::string text = print(p.hint);
    if (!text.empty()) {
      ParsedHint again = graphql::cache::parse_cache_hint(text);
      CHECK(again.ok(), text);
      CHECK(again.hint == p.hint, text);
    }
  } else {
    CHECK(p.hint == CacheHint{});
    CHECK(p.error.size() < 200, p.error);
    for (char c : p.error)
      CHECK(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f, p.error);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check(graphql::cache::parse_cache_hint(input));
  if (auto p = graphql::cache::cache_hint_of(catalog::parse_smart_comment(input))) check(*p);
  return 0;
}
