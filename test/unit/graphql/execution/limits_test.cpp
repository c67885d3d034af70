// Operation limits (core/graphql/execution/limits.hpp) and page sizes, on
// the compat schema: what each measures, where fragments and variables
// count, and that introspection does not.
#include <gtest/gtest.h>

#include "core/graphql/execution/request.hpp"
#include "test/unit/compat_schema.hpp"

using namespace pg_gateway;
using graphql::exec::OperationLimits;
using graphql::exec::PreparedRequest;
using graphql::exec::RequestOptions;
using graphql::exec::ServedSchema;

namespace {

const ServedSchema& schema() { return pg_gateway::test::compat_schema(); }

PreparedRequest run(const std::string& query, const OperationLimits& limits,
                    const std::string& variables = "") {
  RequestOptions options;
  options.limits = limits;
  std::optional<json::Value> vars;
  if (!variables.empty()) vars = json::parse(variables).value;
  return graphql::exec::prepare(schema(), query, vars ? &*vars : nullptr, std::nullopt, options);
}

std::string first_error(const PreparedRequest& p) {
  return p.is_request_error() ? p.request_errors().front().message : "";
}

const char* kDeep =
    "{ allPosts { nodes { userByAuthorId { postsByAuthorId { nodes { id } } } } } }";  // depth 6

}  // namespace

TEST(GraphqlLimits, DepthCountsNestedFieldsButNotIntrospection) {
  OperationLimits l;
  l.max_depth = 5;
  EXPECT_EQ(first_error(run(kDeep, l)),
            "Operation depth 6 exceeds the limit of 5 (pg_gateway.max_query_depth)");
  l.max_depth = 6;
  EXPECT_FALSE(run(kDeep, l).is_request_error());
  // Fragments do not add depth of their own, but their fields do.
  l.max_depth = 3;
  EXPECT_TRUE(run("{ ...F } fragment F on Query { allPosts { nodes { author: userByAuthorId "
                  "{ id } } } }",
                  l)
                  .is_request_error());
  l.max_depth = 2;
  EXPECT_FALSE(run("{ __schema { types { fields { type { ofType { ofType { name } } } } } } "
                   "__typename }",
                   l)
                   .is_request_error());
}

TEST(GraphqlLimits, AliasesAndRootFieldsCountEveryFragmentSpread) {
  OperationLimits l;
  l.max_aliases = 3;
  EXPECT_FALSE(run("{ a: __typename b: __typename c: __typename }", l).is_request_error());
  EXPECT_EQ(
      first_error(run("{ ...F ...F } fragment F on Query { a: __typename b: __typename }", l)),
      "Operation alias count 4 exceeds the limit of 3 (pg_gateway.max_aliases)");
  l = {};
  l.max_root_fields = 1;
  EXPECT_EQ(first_error(run("{ allPosts { totalCount } allUsers { totalCount } }", l)),
            "Operation root field count 2 exceeds the limit of 1 (pg_gateway.max_root_fields)");
  // An alias bomb of fragments that multiply stays cheap to measure.
  std::string doc = "{ ...F0 }";
  for (int i = 0; i < 40; ++i)
    doc += " fragment F" + std::to_string(i) + " on Query { ...F" + std::to_string(i + 1) +
           " ...F" + std::to_string(i + 1) + " }";
  doc += " fragment F40 on Query { x: __typename }";
  l = {};
  l.max_aliases = 1000;
  EXPECT_NE(first_error(run(doc, l)).find("alias count"), std::string::npos);
}

TEST(GraphqlLimits, CostMultipliesBelowConnectionsByTheirPageSize) {
  const char* q =
      "query($n: Int) { allPosts(first: 10) { nodes { commentsByPostId(first: $n) { nodes { id "
      "} } } } }";
  // allPosts: 1 + 10 x (nodes: 1 + (comments: 1 + 5 x (nodes: 1 + id: 1))) = 121
  OperationLimits l;
  l.max_cost = 120;
  EXPECT_EQ(first_error(run(q, l, R"({"n": 5})")),
            "Operation cost 121 exceeds the limit of 120 (pg_gateway.max_query_cost)");
  l.max_cost = 121;
  EXPECT_FALSE(run(q, l, R"({"n": 5})").is_request_error());
  // Without first/last: the default page size, else the largest, else 100.
  l.max_cost = 1000000;
  l.default_page = 7;
  auto p = run("{ allPosts { nodes { id } } }", l);
  ASSERT_FALSE(p.is_request_error());
  // and the page is that size (a literal in the text, compile_connections.cpp)
  EXPECT_NE(p.statement()->sql.find("limit 7"), std::string::npos) << p.statement()->sql;
}

TEST(GraphqlLimits, PagesLargerThanTheMaximumAreFieldErrors) {
  OperationLimits l;
  l.max_page = 50;
  auto p = run("{ allPosts(first: 51) { totalCount } allTags(last: 50) { totalCount } }", l);
  ASSERT_FALSE(p.is_request_error());
  std::string body = p.respond({graphql::exec::FieldResult{}}, RequestOptions());
  EXPECT_NE(body.find("'first' of 51 exceeds the largest page size, 50 "
                      "(pg_gateway.max_page_size)"),
            std::string::npos)
      << body;
  EXPECT_EQ(p.field_statements().size(), 1u);  // allTags(last: 50) still runs
}

TEST(GraphqlLimits, IntrospectionCanBeRefused) {
  RequestOptions options;
  options.allow_introspection = false;
  auto prepare = [&](const std::string& q) {
    return graphql::exec::prepare(schema(), q, nullptr, std::nullopt, options);
  };
  EXPECT_EQ(first_error(prepare("{ __schema { queryType { name } } }")),
            "GraphQL introspection is not allowed here (pg_gateway.introspection), but the query "
            "contained __schema or __type.");
  EXPECT_TRUE(prepare("{ ...F } fragment F on Query { ... on Query { __type(name: \"Post\") { "
                      "name } } }")
                  .is_request_error());
  EXPECT_FALSE(prepare("{ __typename allPosts { totalCount } }").is_request_error());
}
