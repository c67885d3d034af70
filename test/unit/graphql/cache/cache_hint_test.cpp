// The @pgCacheControl value syntax: what parses, and the message for each
// way it can be wrong (the server logs them as schema warnings).
#include "core/graphql/cache/cache_hint.hpp"

#include <gtest/gtest.h>

#include "core/catalog/smart_tags.hpp"
#include "core/graphql/cache/cache_policy.hpp"

using namespace pg_gateway;
using graphql::cache::CacheHint;
using graphql::cache::parse_cache_hint;
using graphql::cache::Scope;

namespace {

CacheHint ok(const std::string& text) {
  auto p = parse_cache_hint(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.error;
  return p.hint;
}

std::string error(const std::string& text) {
  auto p = parse_cache_hint(text);
  EXPECT_FALSE(p.ok()) << text;
  EXPECT_EQ(p.hint, CacheHint{}) << text;
  return p.error;
}

TEST(CacheHint, ParsesEachKey) {
  EXPECT_EQ(ok("maxAge=60").max_age, 60);
  EXPECT_EQ(ok("maxAge=60").scope, std::nullopt);
  EXPECT_EQ(ok("maxAge=0").max_age, 0);
  EXPECT_EQ(ok("maxAge=31536000").max_age, 31536000);
  EXPECT_EQ(ok("maxAge=007").max_age, 7);
  EXPECT_EQ(ok("scope=PUBLIC").scope, Scope::kPublic);
  EXPECT_EQ(ok("scope=PRIVATE").scope, Scope::kPrivate);
  EXPECT_EQ(ok("scope=private").scope, Scope::kPrivate);
  EXPECT_EQ(ok("scope=Public").scope, Scope::kPublic);
  EXPECT_TRUE(ok("inheritMaxAge").inherit_max_age);
  EXPECT_TRUE(ok("inheritMaxAge=true").inherit_max_age);
  EXPECT_FALSE(ok("inheritMaxAge=false").inherit_max_age);
  EXPECT_EQ(ok("inheritMaxAge").max_age, std::nullopt);
}

TEST(CacheHint, CombinesKeysInAnyOrderAndSpacing) {
  CacheHint h = ok("  scope=PRIVATE \t maxAge=30 ");
  EXPECT_EQ(h.max_age, 30);
  EXPECT_EQ(h.scope, Scope::kPrivate);
  EXPECT_FALSE(h.inherit_max_age);
  h = ok("inheritMaxAge scope=PUBLIC");
  EXPECT_TRUE(h.inherit_max_age);
  EXPECT_EQ(h.scope, Scope::kPublic);
  // inheritMaxAge=false does not conflict with a maxAge.
  EXPECT_EQ(ok("inheritMaxAge=false maxAge=5").max_age, 5);
}

TEST(CacheHint, UnknownKeysAreNamed) {
  EXPECT_EQ(error("maxage=60"),
            "unknown key \"maxage\"; expected maxAge=N, scope=PUBLIC|PRIVATE or inheritMaxAge");
  EXPECT_EQ(error("maxAge=60 ttl=5"),
            "unknown key \"ttl\"; expected maxAge=N, scope=PUBLIC|PRIVATE or inheritMaxAge");
  EXPECT_EQ(error("=5"),
            "unknown key \"\"; expected maxAge=N, scope=PUBLIC|PRIVATE or inheritMaxAge");
}

TEST(CacheHint, BadNumbers) {
  const char* range = " is not a whole number of seconds from 0 to 31536000";
  EXPECT_EQ(error("maxAge=-1"), std::string("maxAge \"-1\"") + range);
  EXPECT_EQ(error("maxAge=+1"), std::string("maxAge \"+1\"") + range);
  EXPECT_EQ(error("maxAge=1e3"), std::string("maxAge \"1e3\"") + range);
  EXPECT_EQ(error("maxAge=1.5"), std::string("maxAge \"1.5\"") + range);
  EXPECT_EQ(error("maxAge=31536001"), std::string("maxAge \"31536001\"") + range);
  EXPECT_EQ(error("maxAge=99999999999999999999999"),
            std::string("maxAge \"99999999999999999999999\"") + range);
  EXPECT_EQ(error("maxAge="), std::string("maxAge \"\"") + range);
  EXPECT_EQ(error("maxAge"), "maxAge needs a value: maxAge=N, N seconds from 0 to 31536000");
}

TEST(CacheHint, BadScopesAndFlags) {
  EXPECT_EQ(error("scope=SHARED"), "scope \"SHARED\" is not PUBLIC or PRIVATE");
  EXPECT_EQ(error("scope"), "scope \"\" is not PUBLIC or PRIVATE");
  EXPECT_EQ(error("inheritMaxAge=yes"), "inheritMaxAge \"yes\" is not true or false");
}

TEST(CacheHint, DuplicatesAndConflicts) {
  EXPECT_EQ(error("maxAge=1 maxAge=2"), "maxAge given twice");
  EXPECT_EQ(error("scope=PUBLIC scope=PRIVATE"), "scope given twice");
  EXPECT_EQ(error("inheritMaxAge inheritMaxAge"), "inheritMaxAge given twice");
  EXPECT_EQ(error("maxAge=5 inheritMaxAge"), "maxAge and inheritMaxAge cannot be combined");
  EXPECT_EQ(error("inheritMaxAge=true maxAge=5"), "maxAge and inheritMaxAge cannot be combined");
}

TEST(CacheHint, EmptyValue) {
  EXPECT_EQ(error(""), "no value; expected maxAge=N, scope=PUBLIC|PRIVATE or inheritMaxAge");
  EXPECT_EQ(error(" \t "), "no value; expected maxAge=N, scope=PUBLIC|PRIVATE or inheritMaxAge");
}

TEST(CacheHint, MessagesQuoteUserTextSafely) {
  std::string e = error(std::string("x\x01\"y") + std::string(60, 'z'));
  EXPECT_NE(e.find("\"x\\x01\\x22y"), std::string::npos) << e;
  EXPECT_NE(e.find("...\""), std::string::npos) << e;
  EXPECT_LT(e.size(), 160u);
}

TEST(CacheHint, FromSmartTags) {
  using graphql::cache::cache_hint_of;
  EXPECT_EQ(cache_hint_of(catalog::parse_smart_comment("A table.")), std::nullopt);
  auto one = cache_hint_of(catalog::parse_smart_comment("@pgCacheControl maxAge=60\nA table."));
  ASSERT_TRUE(one);
  ASSERT_TRUE(one->ok()) << one->error;
  EXPECT_EQ(one->hint.max_age, 60);
  auto twice = cache_hint_of(
      catalog::parse_smart_comment("@pgCacheControl maxAge=60\n@pgCacheControl scope=PRIVATE"));
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->error, "given more than once; give one @pgCacheControl with every key");
  auto empty = cache_hint_of(catalog::parse_smart_comment("@pgCacheControl\n@name x"));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->error, "no value; expected maxAge=N, scope=PUBLIC|PRIVATE or inheritMaxAge");
}

TEST(CacheHint, CacheControlJson) {
  using graphql::cache::cache_control_json;
  using graphql::cache::CachePolicy;
  EXPECT_EQ(cache_control_json(CachePolicy{}), R"({"version":1,"maxAge":0,"scope":"PUBLIC"})");
  CachePolicy p;
  p.max_age = 60;
  p.scope = Scope::kPrivate;
  EXPECT_EQ(cache_control_json(p), R"({"version":1,"maxAge":60,"scope":"PRIVATE"})");
}

}  // namespace
