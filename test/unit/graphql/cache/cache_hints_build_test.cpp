// Where the schema builder takes each hint from, and what it does with a
// malformed tag: one warning naming the object, the tag ignored.
#include "core/graphql/cache/cache_hints_build.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "test/unit/graphql/cache/cache_fixture.hpp"

using namespace pg_gateway;
using graphql::cache::CacheHint;
using graphql::cache::Scope;
using test::CacheCatalog;

namespace {

CacheHint max_age(int64_t n) {
  CacheHint h;
  h.max_age = n;
  return h;
}

TEST(CacheHintsBuild, CompatSchemaHasNoHintsButStructuralOnes) {
  CacheCatalog c;
  auto served = c.serve();
  const auto& built = served->built();
  EXPECT_TRUE(built.warnings.empty());
  EXPECT_EQ(built.cache_hints.type_hint("Post"), nullptr);
  EXPECT_TRUE(built.cache_hints.fields.empty());
  for (const char* structural : {"PostConnection", "PostEdge", "PageInfo", "TagConnection"}) {
    const CacheHint* h = built.cache_hints.type_hint(structural);
    ASSERT_NE(h, nullptr) << structural;
    EXPECT_TRUE(h->inherit_max_age) << structural;
    EXPECT_EQ(h->max_age, std::nullopt) << structural;
  }
}

TEST(CacheHintsBuild, TypeAndFieldHintsFromTheirObjects) {
  CacheCatalog c;
  c.tag(c.cls("posts").tags, "maxAge=60");
  c.tag(c.cls("post_stats").tags, "maxAge=5 scope=PRIVATE");
  c.tag(c.type("address").tags, "maxAge=7");
  c.tag(c.column("posts", "title").tags, "maxAge=10");
  c.tag(c.column("users", "email").tags, "scope=PRIVATE");
  c.tag(c.fn("posts_excerpt").tags, "maxAge=3");
  c.tag(c.fn("search_posts").tags, "inheritMaxAge");
  c.tag(c.fn("top_authors").tags, "maxAge=9");  // @name leaderboard
  auto served = c.serve();
  const auto& hints = served->built().cache_hints;
  EXPECT_TRUE(served->built().warnings.empty());
  ASSERT_NE(hints.type_hint("Post"), nullptr);
  EXPECT_EQ(*hints.type_hint("Post"), max_age(60));
  ASSERT_NE(hints.type_hint("PostStat"), nullptr);
  EXPECT_EQ(hints.type_hint("PostStat")->scope, Scope::kPrivate);
  ASSERT_NE(hints.type_hint("Address"), nullptr);
  EXPECT_EQ(*hints.type_hint("Address"), max_age(7));
  EXPECT_EQ(hints.type_hint("User"), nullptr);
  ASSERT_NE(hints.field_hint("Post", "title"), nullptr);
  EXPECT_EQ(*hints.field_hint("Post", "title"), max_age(10));
  EXPECT_EQ(hints.field_hint("Post", "body"), nullptr);
  ASSERT_NE(hints.field_hint("User", "email"), nullptr);
  EXPECT_EQ(hints.field_hint("User", "email")->scope, Scope::kPrivate);
  ASSERT_NE(hints.field_hint("Post", "excerpt"), nullptr);
  EXPECT_EQ(*hints.field_hint("Post", "excerpt"), max_age(3));
  ASSERT_NE(hints.field_hint("Query", "searchPosts"), nullptr);
  EXPECT_TRUE(hints.field_hint("Query", "searchPosts")->inherit_max_age);
  ASSERT_NE(hints.field_hint("Query", "leaderboard"), nullptr);
  EXPECT_EQ(*hints.field_hint("Query", "leaderboard"), max_age(9));
}

TEST(CacheHintsBuild, SchemaTagIsTheFallbackOfTablesTypesAndFunctions) {
  CacheCatalog c;
  c.tag(c.schema_tags("app"), "maxAge=120");
  c.tag(c.cls("posts").tags, "maxAge=60");
  c.tag(c.fn("posts_excerpt").tags, "maxAge=3");
  auto served = c.serve();
  const auto& hints = served->built().cache_hints;
  EXPECT_EQ(*hints.type_hint("Post"), max_age(60));
  EXPECT_EQ(*hints.type_hint("User"), max_age(120));
  EXPECT_EQ(*hints.type_hint("Address"), max_age(120));
  EXPECT_EQ(*hints.field_hint("Post", "excerpt"), max_age(3));
  EXPECT_EQ(*hints.field_hint("Post", "wordCount"), max_age(120));
  EXPECT_EQ(*hints.field_hint("Query", "currentUser"), max_age(120));
  // Columns have no fallback: they inherit their row's.
  EXPECT_EQ(hints.field_hint("Post", "title"), nullptr);
}

TEST(CacheHintsBuild, MalformedTagsAreWarningsNamingTheObject) {
  CacheCatalog c;
  c.tag(c.cls("posts").tags, "maxage=60");
  c.tag(c.cls("post_stats").tags, "scope=everyone");
  c.tag(c.column("users", "email").tags, "maxAge=-5");
  c.tag(c.fn("posts_excerpt").tags, "maxAge=1 inheritMaxAge");
  c.tag(c.type("address").tags, "");
  c.tag(c.schema_tags("app"), "maxAge=1 maxAge=2");
  std::shared_ptr<const graphql::exec::ServedSchema> served;
  ASSERT_NO_THROW(served = c.serve());
  const auto& built = served->built();
  std::vector<std::string> expected = {
      "@pgCacheControl on schema app: maxAge given twice",
      "@pgCacheControl on view app.post_stats: scope \"everyone\" is not PUBLIC or PRIVATE",
      "@pgCacheControl on table app.posts: unknown key \"maxage\"; expected maxAge=N, "
      "scope=PUBLIC|PRIVATE or inheritMaxAge",
      "@pgCacheControl on column app.users.email: maxAge \"-5\" is not a whole number of "
      "seconds from 0 to 31536000",
      "@pgCacheControl on type app.address: no value; expected maxAge=N, scope=PUBLIC|PRIVATE "
      "or inheritMaxAge",
      "@pgCacheControl on function app.posts_excerpt: maxAge and inheritMaxAge cannot be "
      "combined",
  };
  std::vector<std::string> got = built.warnings;
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(got, expected);
  // Each ignored: no hint from it, and nothing to fall back to (the schema's is bad too).
  EXPECT_EQ(built.cache_hints.type_hint("Post"), nullptr);
  EXPECT_EQ(built.cache_hints.type_hint("PostStat"), nullptr);
  EXPECT_EQ(built.cache_hints.type_hint("Address"), nullptr);
  EXPECT_EQ(built.cache_hints.field_hint("User", "email"), nullptr);
  EXPECT_EQ(built.cache_hints.field_hint("Post", "excerpt"), nullptr);
  // The schema itself is built as without the tags.
  CacheCatalog plain;
  EXPECT_EQ(graphql::schema::print_schema(built.schema),
            graphql::schema::print_schema(plain.serve()->schema()));
}

TEST(CacheHintsBuild, BadTagFallsBackToTheSchemaTag) {
  CacheCatalog c;
  c.tag(c.schema_tags("app"), "maxAge=120");
  c.tag(c.cls("posts").tags, "maxAge=oops");
  auto served = c.serve();
  EXPECT_EQ(served->built().warnings.size(), 1u);
  EXPECT_EQ(*served->built().cache_hints.type_hint("Post"), max_age(120));
}

}  // namespace
