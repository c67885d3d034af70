// Cache-control hints, Apollo Server's @cacheControl carried as a smart tag:
//
//   COMMENT ON TABLE app.posts IS E'@pgCacheControl maxAge=60 scope=PUBLIC';
//   COMMENT ON COLUMN app.users.email IS E'@pgCacheControl scope=PRIVATE';
//   COMMENT ON FUNCTION app.posts_excerpt(app.posts, int) IS '@pgCacheControl inheritMaxAge';
//
// A table, view, composite type or schema tag is a type hint (the object
// type's); a column or function tag is a field hint. The schema builder
// resolves them into BuiltSchema::cache_hints (cache_hints_build.cpp), and
// exec::prepare() combines the hints of the fields a query selects into its
// CachePolicy (cache_policy.hpp).
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/catalog/smart_tags.hpp"

namespace pg_gateway::graphql::cache {

enum class Scope { kPublic, kPrivate };

// The largest maxAge accepted: one year, in seconds.
inline constexpr int64_t kMaxMaxAge = 31536000;

struct CacheHint {
  std::optional<int64_t> max_age;
  std::optional<Scope> scope;
  bool inherit_max_age = false;

  bool operator==(const CacheHint&) const = default;
};

// A parsed hint, or what is wrong with the text (then `hint` is empty).
struct ParsedHint {
  CacheHint hint;
  std::string error;
  bool ok() const { return error.empty(); }
};

// The smart tag's name, without the "@".
inline constexpr std::string_view kCacheControlTag = "pgCacheControl";

// The value of a @pgCacheControl tag: space-separated maxAge=N (decimal,
// 0..kMaxMaxAge), scope=PUBLIC|PRIVATE (any case), inheritMaxAge or
// inheritMaxAge=true|false. Unknown keys, bad values, a key given twice,
// maxAge with inheritMaxAge, and an empty value are errors.
ParsedHint parse_cache_hint(std::string_view value);

// The @pgCacheControl tag of an object's smart tags: nullopt when it has
// none; an error when it is valueless or given more than once.
std::optional<ParsedHint> cache_hint_of(const catalog::SmartTags& tags);

// The hints the schema builder resolved: per object type (a table's,
// view's or composite's; Connection, Edge and PageInfo are inheritMaxAge)
// and per field of an object type (columns, function-backed fields).
struct CacheHints {
  std::map<std::string, CacheHint, std::less<>> types;
  std::map<std::string, std::map<std::string, CacheHint, std::less<>>, std::less<>> fields;

  const CacheHint* type_hint(std::string_view type_name) const;
  const CacheHint* field_hint(std::string_view type_name, std::string_view field_name) const;
};

}  // namespace pg_gateway::graphql::cache
