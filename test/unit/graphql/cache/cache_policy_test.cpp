// Apollo's @cacheControl rules over the fields a query actually selects
// (fragments, @skip/@include and aliases as the response has them).
#include "core/graphql/cache/cache_policy.hpp"

#include <gtest/gtest.h>

#include "test/unit/graphql/cache/cache_fixture.hpp"

using namespace pg_gateway;
using graphql::cache::CachePolicy;
using graphql::cache::Scope;
using test::CacheCatalog;
using test::prepare_query;

namespace {

// Posts 60 s, users 30 s, comments 20 s, everything else untagged.
class CachePolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    c.tag(c.cls("posts").tags, "maxAge=60");
    c.tag(c.cls("users").tags, "maxAge=30");
    c.tag(c.cls("comments").tags, "maxAge=20");
  }

  CachePolicy policy(const std::string& query, int64_t default_max_age = 0,
                     const std::string& variables = "") {
    if (!served) served = c.serve();
    return prepare_query(*served, query, default_max_age, variables).cache_policy();
  }

  CacheCatalog c;
  std::shared_ptr<const graphql::exec::ServedSchema> served;
};

TEST_F(CachePolicyTest, UntaggedTypesGetTheDefaultMaxAge) {
  EXPECT_EQ(policy("{ allTags { nodes { name } } }").max_age, 0);
  EXPECT_EQ(policy("{ allTags { nodes { name } } }", 45).max_age, 45);
  EXPECT_EQ(policy("{ allTags { nodes { name } } }", 45).scope, Scope::kPublic);
  // Root scalar fields too.
  EXPECT_EQ(policy("{ totalViewCount }", 45).max_age, 45);
  // Nothing asks for a max age: not cacheable.
  EXPECT_EQ(policy("{ __typename }", 45).max_age, std::nullopt);
}

TEST_F(CachePolicyTest, MinimumOverFields) {
  EXPECT_EQ(policy("{ allPosts { nodes { title } } }").max_age, 60);
  EXPECT_EQ(policy("{ allPosts { nodes { title } } allUsers { nodes { username } } }").max_age, 30);
  EXPECT_EQ(policy("{ allPosts { nodes { title } } allTags { nodes { name } } }", 100).max_age, 60);
  EXPECT_EQ(policy("{ allPosts { nodes { title } } allTags { nodes { name } } }", 10).max_age, 10);
}

TEST_F(CachePolicyTest, ScalarsInheritTheirParent) {
  // With default 0, any scalar taking the default would make it 0.
  EXPECT_EQ(policy("{ postByRowId(rowId: 1) { title body viewCount metadata } }").max_age, 60);
}

TEST_F(CachePolicyTest, PrivatePropagatesFromAnyHint) {
  c.tag(c.cls("tags").tags, "maxAge=100 scope=PRIVATE");
  CachePolicy p = policy("{ allPosts { nodes { title tags { nodes { name } } } } }");
  EXPECT_EQ(p.max_age, 60);
  EXPECT_EQ(p.scope, Scope::kPrivate);
  EXPECT_EQ(policy("{ allPosts { nodes { title } } }").scope, Scope::kPublic);
}

TEST_F(CachePolicyTest, ScopeOnlyHintOnAScalarMakesItPrivate) {
  c.tag(c.column("users", "email").tags, "scope=PRIVATE");
  CachePolicy p = policy("{ allUsers { nodes { username email } } }");
  EXPECT_EQ(p.max_age, 30);
  EXPECT_EQ(p.scope, Scope::kPrivate);
  EXPECT_EQ(policy("{ allUsers { nodes { username } } }").scope, Scope::kPublic);
}

TEST_F(CachePolicyTest, FieldHintOverridesTypeHint) {
  c.tag(c.cls("users").tags, "maxAge=1000");
  c.tag(c.fn("users_latest_post").tags, "maxAge=500");
  // latestPost returns Post (60) but its own hint says 500.
  EXPECT_EQ(policy("{ allUsers { nodes { latestPost { title } } } }").max_age, 500);
  EXPECT_EQ(policy("{ allUsers { nodes { postsByAuthorId { nodes { title } } } } }").max_age, 60);
}

TEST_F(CachePolicyTest, FieldScopeOverridesTypeScope) {
  c.tag(c.cls("posts").tags, "maxAge=60 scope=PRIVATE");
  c.tag(c.fn("users_latest_post").tags, "scope=PUBLIC");
  EXPECT_EQ(policy("{ allUsers { nodes { latestPost { title } } } }").scope, Scope::kPublic);
  EXPECT_EQ(policy("{ allUsers { nodes { latestPost { title } } } }").max_age, 30);
  EXPECT_EQ(policy("{ allPosts { nodes { title } } }").scope, Scope::kPrivate);
}

TEST_F(CachePolicyTest, ColumnMaxAgeCounts) {
  c.tag(c.column("posts", "body").tags, "maxAge=5");
  EXPECT_EQ(policy("{ allPosts { nodes { title } } }").max_age, 60);
  EXPECT_EQ(policy("{ allPosts { nodes { title body } } }").max_age, 5);
}

TEST_F(CachePolicyTest, SchemaLevelFallback) {
  CacheCatalog plain;
  plain.tag(plain.schema_tags("app"), "maxAge=120");
  plain.tag(plain.cls("posts").tags, "maxAge=60");
  auto s = plain.serve();
  EXPECT_EQ(prepare_query(*s, "{ allTags { nodes { name } } }").cache_policy().max_age, 120);
  EXPECT_EQ(prepare_query(*s, "{ allPosts { nodes { title } } }").cache_policy().max_age, 60);
  // Functions fall back to it too: wordCount's 120 is above Post's 60.
  EXPECT_EQ(prepare_query(*s, "{ allPosts { nodes { wordCount } } }").cache_policy().max_age, 60);
  EXPECT_EQ(prepare_query(*s, "{ totalViewCount }").cache_policy().max_age, 120);
}

TEST_F(CachePolicyTest, FragmentsAndInlineFragments) {
  EXPECT_EQ(policy("{ allPosts { nodes { ...P } } } fragment P on Post { title userByAuthorId { "
                   "username } }")
                .max_age,
            30);
  EXPECT_EQ(
      policy("{ allPosts { nodes { ... on Post { userByAuthorId { username } } } } }").max_age, 30);
  EXPECT_EQ(policy("{ allPosts { nodes { ... { title } } } }").max_age, 60);
  // A fragment on Query itself.
  EXPECT_EQ(policy("{ ...Q } fragment Q on Query { allUsers { totalCount } }").max_age, 30);
}

TEST_F(CachePolicyTest, SkipAndIncludeRemoveContributions) {
  EXPECT_EQ(policy("{ allPosts { nodes { title userByAuthorId @skip(if: true) { username } } } }")
                .max_age,
            60);
  EXPECT_EQ(policy("{ allPosts { nodes { title userByAuthorId @include(if: false) { username } } "
                   "} }")
                .max_age,
            60);
  const char* q =
      "query($s: Boolean!) { allPosts { nodes { title userByAuthorId @skip(if: $s) { username } } "
      "} }";
  EXPECT_EQ(policy(q, 0, R"({"s": true})").max_age, 60);
  EXPECT_EQ(policy(q, 0, R"({"s": false})").max_age, 30);
  EXPECT_EQ(policy("{ allPosts { nodes { ... @skip(if: true) { userByAuthorId { username } } } } "
                   "allTags @skip(if: true) { totalCount } }")
                .max_age,
            60);
}

TEST_F(CachePolicyTest, AliasesOfOneFieldEachCount) {
  EXPECT_EQ(policy("{ a: postByRowId(rowId: 1) { title } b: postByRowId(rowId: 2) { "
                   "userByAuthorId { username } } }")
                .max_age,
            30);
  EXPECT_EQ(policy("{ a: allPosts(first: 1) { nodes { title } } b: allPosts(first: 2) { "
                   "nodes { author: userByAuthorId { username } } } }")
                .max_age,
            30);
}

TEST_F(CachePolicyTest, ConnectionsCountAsTheirNodes) {
  EXPECT_EQ(policy("{ allPosts { totalCount } }").max_age, 60);
  EXPECT_EQ(
      policy("{ allPosts { edges { cursor node { title } } pageInfo { hasNextPage } } }").max_age,
      60);
  // Nested lists: posts -> their comments (20) -> their authors (30).
  EXPECT_EQ(policy("{ allPosts { edges { node { commentsByPostId { nodes { userByAuthorId { "
                   "username } } } } } } }")
                .max_age,
            20);
}

TEST_F(CachePolicyTest, BackwardRelations) {
  EXPECT_EQ(policy("{ userByRowId(rowId: 1) { postsByAuthorId { nodes { title } } } }").max_age,
            30);
  EXPECT_EQ(policy("{ postByRowId(rowId: 1) { commentsByPostId { totalCount } } }").max_age, 20);
  // An untagged relation target gets the default even when only counted.
  EXPECT_EQ(policy("{ postByRowId(rowId: 1) { postTagsByPostId { totalCount } } }", 0).max_age, 0);
  EXPECT_EQ(policy("{ postByRowId(rowId: 1) { postTagsByPostId { totalCount } } }", 40).max_age,
            40);
}

TEST_F(CachePolicyTest, ComputedColumnsTakeTheirFunctionsHint) {
  EXPECT_EQ(policy("{ allPosts { nodes { wordCount } } }").max_age, 60);
  c.tag(c.fn("posts_excerpt").tags, "maxAge=10");
  c.tag(c.fn("posts_word_count").tags, "scope=PRIVATE");
  served.reset();
  EXPECT_EQ(policy("{ allPosts { nodes { excerpt } } }").max_age, 10);
  CachePolicy p = policy("{ allPosts { nodes { wordCount } } }");
  EXPECT_EQ(p.max_age, 60);
  EXPECT_EQ(p.scope, Scope::kPrivate);
}

TEST_F(CachePolicyTest, FunctionConnectionsTakeTheFunctionHintFirst) {
  c.tag(c.cls("tags").tags, "maxAge=100");
  c.tag(c.fn("posts_tags").tags, "maxAge=15");
  c.tag(c.fn("search_posts").tags, "maxAge=8");
  EXPECT_EQ(policy("{ allPosts { nodes { tags { nodes { name } } } } }").max_age, 15);
  EXPECT_EQ(policy("{ searchPosts(search: \"x\") { totalCount } }").max_age, 8);
  // Without a function hint: the node table's.
  EXPECT_EQ(policy("{ tagsByNames(names: [\"a\"]) { totalCount } }").max_age, 100);
}

TEST_F(CachePolicyTest, IntervalsAreValuesNotObjects) {
  EXPECT_EQ(policy("{ allPosts { nodes { readingTime { hours minutes } } } }").max_age, 60);
}

TEST_F(CachePolicyTest, RecordRowsTakeTheirFunctionsHint) {
  EXPECT_EQ(policy("{ popularTags { nodes { tagName } } }", 0).max_age, 0);
  c.tag(c.fn("popular_tags").tags, "maxAge=45");
  served.reset();
  EXPECT_EQ(policy("{ popularTags { nodes { tagName } } }", 0).max_age, 45);
  EXPECT_EQ(policy("{ popularTags { edges { node { tagName } } } }", 0).max_age, 45);
}

TEST_F(CachePolicyTest, IntrospectionOnly) {
  EXPECT_EQ(policy("{ __schema { queryType { name } } }").max_age, 0);
  EXPECT_EQ(policy("{ __schema { queryType { name } } }", 300).max_age, 300);
  EXPECT_EQ(policy("{ __type(name: \"Post\") { name } }", 300).max_age, 300);
  EXPECT_EQ(
      policy("{ __typename __type(name: \"Post\") { name } allPosts { totalCount } }", 300).max_age,
      60);
}

TEST_F(CachePolicyTest, InheritMaxAge) {
  c.tag(c.cls("users").tags, "inheritMaxAge");
  // With default 0 a User without a hint would make it 0.
  EXPECT_EQ(policy("{ allPosts { nodes { userByAuthorId { username } } } }").max_age, 60);
  CacheCatalog other;
  other.tag(other.cls("users").tags, "maxAge=100");
  other.tag(other.cls("posts").tags, "maxAge=60");
  other.tag(other.fn("users_latest_post").tags, "inheritMaxAge");
  auto s = other.serve();
  EXPECT_EQ(
      prepare_query(*s, "{ allUsers { nodes { latestPost { title } } } }").cache_policy().max_age,
      100);
}

TEST_F(CachePolicyTest, NodeInterfaceIsConservative) {
  const char* id = "WyJQb3N0IiwxXQ==";  // ["Post",1]
  // The row's type is unknown before the statement runs: the default, and
  // every type the id could name.
  EXPECT_EQ(policy(std::string("{ node(id: \"") + id + "\") { id } }", 0).max_age, 0);
  EXPECT_EQ(policy(std::string("{ node(id: \"") + id + "\") { id } }", 300).max_age, 20);
  EXPECT_EQ(policy(std::string("{ node(id: \"") + id +
                       "\") { ... on Post { commentsByPostId { totalCount } } } }",
                   10)
                .max_age,
            10);
  c.tag(c.cls("messages").tags, "scope=PRIVATE");
  served.reset();
  EXPECT_EQ(policy(std::string("{ node(id: \"") + id + "\") { id } }", 300).scope, Scope::kPrivate);
  // A typed fetcher knows its type.
  EXPECT_EQ(policy(std::string("{ post(id: \"") + id + "\") { title } }", 300).max_age, 60);
  EXPECT_EQ(policy(std::string("{ post(id: \"") + id + "\") { title } }", 300).scope,
            Scope::kPublic);
}

TEST_F(CachePolicyTest, MutationsAndRequestErrorsHaveNoPolicy) {
  auto s = c.serve();
  graphql::exec::RequestOptions options;
  options.cache_default_max_age = 60;
  auto m = graphql::exec::prepare(
      *s, "mutation { createTag(input: {tag: {name: \"x\"}}) { tag { name } } }", nullptr,
      std::nullopt, options);
  ASSERT_FALSE(m.is_request_error());
  EXPECT_EQ(m.cache_policy(), CachePolicy{});
  auto bad = graphql::exec::prepare(*s, "{ nope }", nullptr, std::nullopt, options);
  ASSERT_TRUE(bad.is_request_error());
  EXPECT_EQ(bad.cache_policy(), CachePolicy{});
}

TEST_F(CachePolicyTest, UncoercibleSkipIsNotCacheable) {
  auto s = c.serve();
  graphql::exec::RequestOptions options;
  options.cache_default_max_age = 60;
  // $s is given as null: @skip cannot be coerced inside the field.
  auto vars = json::parse(R"({"s": null})").value;
  auto p = graphql::exec::prepare(
      *s, "query($s: Boolean = false) { allPosts { nodes { title @skip(if: $s) } } }", &*vars,
      std::nullopt, options);
  ASSERT_FALSE(p.is_request_error());
  EXPECT_EQ(p.cache_policy().max_age, 0);
}

}  // namespace
