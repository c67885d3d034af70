// The relations a query's statement reads (for invalidating cached
// responses), recorded by the compiler, and when they cannot be known.
#include "core/graphql/cache/read_set.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "test/unit/graphql/cache/cache_fixture.hpp"

using namespace pg_gateway;
using catalog::Oid;
using graphql::cache::ReadSet;
using test::CacheCatalog;
using test::prepare_query;

namespace {

class ReadSetTest : public ::testing::Test {
 protected:
  ReadSet reads(const std::string& query) {
    if (!served) served = c.serve();
    return prepare_query(*served, query).reads();
  }
  bool row_security(const std::string& query) {
    if (!served) served = c.serve();
    return prepare_query(*served, query).cache_policy().reads_row_security;
  }
  Oid oid(const std::string& table) { return c.cls(table).oid; }
  std::vector<Oid> sorted(std::vector<Oid> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  CacheCatalog c;
  std::shared_ptr<const graphql::exec::ServedSchema> served;
};

TEST_F(ReadSetTest, TablesOfConnectionsAndLookups) {
  ReadSet r = reads("{ allPosts { nodes { title } } }");
  EXPECT_EQ(r.relations, std::vector<Oid>{oid("posts")});
  EXPECT_FALSE(r.opaque);
  EXPECT_EQ(reads("{ userByRowId(rowId: 1) { username } }").relations,
            std::vector<Oid>{oid("users")});
  EXPECT_EQ(reads("{ allTags { totalCount } }").relations, std::vector<Oid>{oid("tags")});
}

TEST_F(ReadSetTest, RelationsSortedAndUnique) {
  ReadSet r = reads(
      "{ allPosts { nodes { userByAuthorId { username } commentsByPostId { nodes { "
      "userByAuthorId { username } } } } } a: allPosts { totalCount } }");
  EXPECT_EQ(r.relations, sorted({oid("posts"), oid("users"), oid("comments")}));
  EXPECT_FALSE(r.opaque);
}

TEST_F(ReadSetTest, NodeLookupsReadTheTableTheIdNames) {
  EXPECT_EQ(reads("{ node(id: \"WyJQb3N0IiwxXQ==\") { id } }").relations,
            std::vector<Oid>{oid("posts")});
  EXPECT_EQ(reads("{ post(id: \"WyJQb3N0IiwxXQ==\") { id } }").relations,
            std::vector<Oid>{oid("posts")});
  // An id that does not decode reads nothing.
  ReadSet none = reads("{ node(id: \"not-an-id\") { id } post(id: \"WyJVc2VyIiwxXQ==\") { id } }");
  EXPECT_TRUE(none.relations.empty());
  EXPECT_FALSE(none.opaque);
}

TEST_F(ReadSetTest, ViewsAddWhatTheyRead) {
  c.cls("post_stats").reads = {oid("comments"), oid("posts"), 999999};
  ReadSet r = reads("{ allPostStats { nodes { postId commentCount } } }");
  EXPECT_EQ(r.relations, sorted({oid("post_stats"), oid("posts"), oid("comments"), 999999}));
  EXPECT_FALSE(r.opaque);
}

TEST_F(ReadSetTest, ReadsAreFollowedThroughTheSnapshot) {
  // A view over a table whose policies read users (and users reads the view: a cycle).
  c.cls("post_stats").reads = {oid("posts")};
  c.cls("posts").reads = {oid("users")};
  c.cls("users").reads = {oid("post_stats")};
  ReadSet r = reads("{ allPostStats { totalCount } }");
  EXPECT_EQ(r.relations, sorted({oid("post_stats"), oid("posts"), oid("users")}));
}

TEST_F(ReadSetTest, OpaqueReadsOfViewsAndPolicies) {
  c.cls("post_stats").opaque_reads = true;
  EXPECT_TRUE(reads("{ allPostStats { totalCount } }").opaque);
  EXPECT_FALSE(reads("{ allPosts { totalCount } }").opaque);
}

TEST_F(ReadSetTest, NonImmutableFunctionsAreOpaque) {
  // posts_excerpt is STABLE.
  EXPECT_TRUE(reads("{ allPosts { nodes { excerpt } } }").opaque);
  // add_numbers and site_settings are IMMUTABLE.
  ReadSet r = reads("{ addNumbers(a: 1, b: 2) siteSettings }");
  EXPECT_FALSE(r.opaque);
  EXPECT_TRUE(r.relations.empty());
  // Custom queries (STABLE) and their connections.
  EXPECT_TRUE(reads("{ currentUser { username } }").opaque);
  EXPECT_TRUE(reads("{ searchPosts(search: \"x\") { totalCount } }").opaque);
}

TEST_F(ReadSetTest, ComputedOrderAndConditionTermsCallTheirFunction) {
  // users_full_name (STABLE) is +orderBy +filterBy.
  EXPECT_FALSE(reads("{ allUsers(orderBy: USERNAME_ASC) { nodes { username } } }").opaque);
  EXPECT_TRUE(reads("{ allUsers(orderBy: FULL_NAME_ASC) { nodes { username } } }").opaque);
  EXPECT_TRUE(reads("{ allUsers(condition: {fullName: \"A B\"}) { totalCount } }").opaque);
}

TEST_F(ReadSetTest, ImmutableComputedColumnsAreNotOpaque) {
  c.fn("posts_word_count").volatility = 'i';
  ReadSet r = reads("{ allPosts { nodes { wordCount } } }");
  EXPECT_FALSE(r.opaque);
  EXPECT_EQ(r.relations, std::vector<Oid>{oid("posts")});
}

TEST_F(ReadSetTest, RowSecurityOfAnyRelationRead) {
  c.cls("posts").row_security = true;
  EXPECT_TRUE(row_security("{ allPosts { totalCount } }"));
  EXPECT_TRUE(row_security("{ userByRowId(rowId: 1) { postsByAuthorId { totalCount } } }"));
  EXPECT_FALSE(row_security("{ allUsers { totalCount } }"));
  // Through a view that reads posts.
  c.cls("post_stats").reads = {oid("posts")};
  served.reset();
  EXPECT_TRUE(row_security("{ allPostStats { totalCount } }"));
}

TEST_F(ReadSetTest, MutationsRecordNothing) {
  auto s = c.serve();
  auto m = graphql::exec::prepare(
      *s, "mutation { createTag(input: {tag: {name: \"x\"}}) { tag { name } } }", nullptr,
      std::nullopt, graphql::exec::RequestOptions());
  ASSERT_FALSE(m.is_request_error());
  EXPECT_TRUE(m.reads().relations.empty());
}

TEST(ReadSet, ForeignTablesAndCyclesWithoutACompiler) {
  catalog::Catalog cat;
  catalog::Class local, remote;
  local.oid = 1;
  local.reads = {2, 1};
  remote.oid = 2;
  remote.kind = catalog::Class::Kind::kForeignTable;
  remote.reads = {1};
  cat.classes = {local, remote};
  cat.index();
  ReadSet r;
  r.add_relation(cat, cat.classes[0]);
  EXPECT_EQ(r.relations, (std::vector<Oid>{1, 2}));
  EXPECT_TRUE(r.opaque);
  EXPECT_FALSE(r.reads_row_security(cat));
  ReadSet f;
  catalog::Function fn;
  fn.volatility = 'i';
  f.add_function(fn);
  EXPECT_FALSE(f.opaque);
  fn.volatility = 's';
  f.add_function(fn);
  EXPECT_TRUE(f.opaque);
}

}  // namespace
