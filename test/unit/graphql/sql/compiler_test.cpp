// The compiler's guarantees that hold without a database: user values only
// as $n parameters, the same SQL text for the same query shape (so the
// worker's plan cache hits), ids and cursors decoded before any SQL runs,
// and PostGraphile's field errors. What the SQL returns is checked against
// PostGraphile by the compatibility suite (test/graphql_compat).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/graphql/execution/request.hpp"
#include "test/unit/compat_schema.hpp"

using namespace pg_gateway;
using graphql::exec::FieldResult;
using graphql::exec::PreparedRequest;
using graphql::exec::RequestOptions;
using graphql::exec::ServedSchema;

namespace {

using pg_gateway::test::compat_schema;

PreparedRequest prepare(const std::string& query, const std::string& variables = "") {
  std::optional<json::Value> vars;
  if (!variables.empty()) vars = json::parse(variables).value;
  return graphql::exec::prepare(compat_schema(), query, vars ? &*vars : nullptr, std::nullopt,
                                RequestOptions());
}

std::string respond_null(const PreparedRequest& p) {
  std::vector<FieldResult> results;
  if (p.statement())
    for (size_t i = 0; i < p.field_statements().size(); ++i) results.push_back(FieldResult{});
  return p.respond(results, RequestOptions());
}

TEST(GraphqlCompiler, UserValuesOnlyEverReachSqlAsParameters) {
  const std::string evil = "x'); drop table app.posts; --\\\"";
  auto p = prepare(R"({ postBySlug(slug: "x'); drop table app.posts; --\\\"") { title }
                      allPosts(condition: {slug: "x'); drop table app.posts; --\\\""}) { totalCount } })");
  ASSERT_FALSE(p.is_request_error()) << respond_null(p);
  ASSERT_NE(p.statement(), nullptr);
  EXPECT_EQ(p.statement()->sql.find("drop table"), std::string::npos) << p.statement()->sql;
  int found = 0;
  for (const auto& v : p.statement()->params) found += v && *v == evil;
  EXPECT_GE(found, 2);  // the condition appears in the page and in totalCount
}

// The audit trail and the request log record the operation that ran.
TEST(GraphqlCompiler, PreparedRequestNamesItsOperation) {
  EXPECT_EQ(prepare("query Titles { allPosts { totalCount } }").operation_name(), "Titles");
  EXPECT_EQ(prepare("{ allPosts { totalCount } }").operation_name(), "");
  auto chosen = graphql::exec::prepare(
      compat_schema(), "query A { allPosts { totalCount } } query B { allPosts { totalCount } }",
      nullptr, std::string_view("B"), RequestOptions());
  ASSERT_FALSE(chosen.is_request_error());
  EXPECT_EQ(chosen.operation_name(), "B");
}

TEST(GraphqlCompiler, SameShapeSameSqlWhateverTheValues) {
  auto a = prepare(
      "query($n: Int, $s: String!) { allPosts(first: $n) { nodes { title } } postBySlug(slug: $s) "
      "{ rowId } }",
      R"({"n": 3, "s": "post-1"})");
  auto b = prepare(
      "query($n: Int, $s: String!) { allPosts(first: $n) { nodes { title } } postBySlug(slug: $s) "
      "{ rowId } }",
      R"({"n": 3, "s": "post-2"})");
  ASSERT_NE(a.statement(), nullptr);
  ASSERT_NE(b.statement(), nullptr);
  EXPECT_EQ(a.statement()->sql, b.statement()->sql);
  EXPECT_NE(a.statement()->params, b.statement()->params);
}

// PostGraphile's Node interface: the id "query" is the Query object's.
TEST(GraphqlCompiler, NodeQueryIsTheQueryObject) {
  auto p = prepare(R"({ node(id: "query") { __typename id ... on Query { q: query { id } } }
                        other: node(id: "WyJOb3BlIiwxXQ==") { id } })");
  ASSERT_FALSE(p.is_request_error());
  EXPECT_EQ(p.statement(), nullptr);
  EXPECT_EQ(
      p.respond({}, RequestOptions()),
      R"({"data":{"node":{"__typename":"Query","id":"query","q":{"id":"query"}},"other":null}})");
  auto v = prepare(R"(query($id: ID!) { node(id: $id) { id } })", R"({"id": "query"})");
  ASSERT_FALSE(v.is_request_error());
  EXPECT_EQ(v.respond({}, RequestOptions()), R"({"data":{"node":{"id":"query"}}})");
}

TEST(GraphqlCompiler, IdsThatDoNotDecodeAreNullWithoutSql) {
  auto p = prepare(R"({ a: node(id: "not-base64!!") { id } b: node(id: "WyJOb3BlIiwxXQ==") { id }
                        c: node(id: "WyJQb3N0Il0=") { id } d: post(id: "WyJVc2VyIiwxXQ==") { id }
                        e: node(id: "WyJQb3N0IiwiMWUxMDAiXQ==") { id } })");
  ASSERT_FALSE(p.is_request_error());
  EXPECT_EQ(p.statement(), nullptr);
  EXPECT_EQ(p.respond({}, RequestOptions()),
            R"({"data":{"a":null,"b":null,"c":null,"d":null,"e":null}})");
}

TEST(GraphqlCompiler, CursorErrorsAreFieldErrorsWithPostGraphilesMessages) {
  auto p = prepare(R"({ allPosts(first: 2, after: "bm90LWEtY3Vyc29y") { nodes { rowId } }
                        x: allPosts(orderBy: VIEW_COUNT_DESC, after: "WyIzMTA2MDdjY2QyIiw1XQ==") { totalCount }
                        ok: allPosts(after: "WyIzMTA2MDdjY2QyIiw1XQ==") { totalCount } })");
  ASSERT_FALSE(p.is_request_error());
  ASSERT_NE(p.statement(), nullptr);
  EXPECT_EQ(p.field_statements().size(), 1u);  // only `ok` needs the database
  std::string body =
      p.respond({FieldResult{"{\"totalCount\" : 25}", std::nullopt}}, RequestOptions());
  EXPECT_NE(body.find("Invalid cursor, please enter a cursor from a previous request, or null."),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Invalid 'after' cursor - a cursor is only valid within a specific ordering"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find(R"("ok":{"totalCount":25})"), std::string::npos) << body;
}

TEST(GraphqlCompiler, DatabaseErrorsNullOnlyTheirFieldAndAreMaskedOnRequest) {
  auto p = prepare("{ ok: addNumbers(a: 1, b: 2) overflow: addNumbers(a: 2147483647, b: 1) }");
  ASSERT_NE(p.statement(), nullptr);
  ASSERT_EQ(p.field_statements().size(), 2u);
  graphql::exec::SqlError overflow{"22003", "integer out of range", "", ""};
  std::vector<FieldResult> results{FieldResult{"3", std::nullopt},
                                   FieldResult{std::nullopt, overflow}};
  std::string clear = p.respond(results, RequestOptions());
  EXPECT_NE(clear.find(R"("message":"integer out of range")"), std::string::npos) << clear;
  EXPECT_NE(clear.find(R"("code":"22003")"), std::string::npos) << clear;
  EXPECT_NE(clear.find(R"("data":{"ok":3,"overflow":null})"), std::string::npos) << clear;
  RequestOptions masked;
  masked.mask_errors = true;
  std::string hidden = p.respond(results, masked);
  EXPECT_EQ(hidden.find("integer out of range"), std::string::npos) << hidden;
  EXPECT_NE(hidden.find("An error occurred (logged with hash: '"), std::string::npos) << hidden;
}

TEST(GraphqlCompiler, RequestErrorsHaveNoData) {
  auto p = prepare("{ allPosts { nodes { doesNotExist } } }");
  ASSERT_TRUE(p.is_request_error());
  std::string body = p.respond({}, RequestOptions());
  EXPECT_EQ(body.find("\"data\""), std::string::npos);
  EXPECT_NE(body.find("Cannot query field \\\"doesNotExist\\\" on type \\\"Post\\\"."),
            std::string::npos)
      << body;
}

// Page sizes are in the text (compile_connections.cpp says why): a page
// of another size is another statement, with its own kept plan.
TEST(GraphqlCompiler, PageSizesAreLiteralsInTheText) {
  auto p = prepare("{ allPosts(first: 7, offset: 3) { nodes { rowId } } }");
  ASSERT_NE(p.statement(), nullptr);
  const std::string& sql = p.statement()->sql;
  EXPECT_NE(sql.find("limit 7"), std::string::npos) << sql;
  EXPECT_NE(sql.find("offset 3"), std::string::npos) << sql;
  for (const auto& v : p.statement()->params) EXPECT_NE(v, std::optional<std::string>("7"));
  auto q = prepare("{ allPosts(first: 8, offset: 3) { nodes { rowId } } }");
  ASSERT_NE(q.statement(), nullptr);
  EXPECT_NE(q.statement()->sql, sql);
  auto last = prepare("{ allPosts(last: 4) { nodes { rowId } } }");
  ASSERT_NE(last.statement(), nullptr);
  EXPECT_NE(last.statement()->sql.find("limit 4"), std::string::npos) << last.statement()->sql;
}

}  // namespace

namespace {

TEST(GraphqlCompiler, EachMutationFieldIsAStepWithItsValuesAsParameters) {
  auto p = prepare(
      R"(mutation { __typename
         a: createTag(input: {clientMutationId: "c1", tag: {name: "x'); drop table app.tags; --"}}) {
           clientMutationId tag { rowId name } query { allTags { totalCount } } }
         b: updatePostByRowId(input: {rowId: 7, postPatch: {title: "t"}}) { post { title } }
         c: deletePost(input: {id: "WyJQb3N0IiwzXQ=="}) { deletedPostId } })");
  ASSERT_FALSE(p.is_request_error()) << respond_null(p);
  EXPECT_EQ(p.statement(), nullptr);  // no single statement: one transaction per field
  const auto& steps = p.mutation_steps();
  ASSERT_EQ(steps.size(), 3u);
  // The action returns the written row; the payload reads it back as $1.
  EXPECT_NE(steps[0].action.sql.find(R"(insert into "app"."tags" as __x ("name") values ($1))"),
            std::string::npos)
      << steps[0].action.sql;
  EXPECT_EQ(steps[0].action.sql.find("drop table"), std::string::npos);
  EXPECT_EQ(*steps[0].action.params[0], "x'); drop table app.tags; --");
  ASSERT_TRUE(steps[0].payload);
  EXPECT_NE(steps[0].payload->sql.find(R"(from (select $1::"app"."tags" as v) as __r)"),
            std::string::npos)
      << steps[0].payload->sql;
  EXPECT_EQ(steps[0].columns, 2u);  // tag, and allTags under query
  EXPECT_EQ(steps[1].first_column, 2u);
  EXPECT_NE(steps[1].action.sql.find(
                R"(update "app"."posts" as __x set "title" = $1 where __x."id" = $2)"),
            std::string::npos)
      << steps[1].action.sql;
  EXPECT_TRUE(steps[1].missing_row_error.empty());  // an update that finds nothing is a null row
  // The node id decodes before any SQL runs; a delete that finds nothing is an error.
  EXPECT_NE(steps[2].action.sql.find(R"(delete from "app"."posts" as __x where __x."id" = $1)"),
            std::string::npos);
  EXPECT_EQ(*steps[2].action.params[0], "3");
  EXPECT_NE(steps[2].missing_row_error.find("No values were deleted in collection 'posts'"),
            std::string::npos);

  // Field b failed, a and c did not.
  std::vector<FieldResult> results(5);
  results[0].json = R"({"rowId":11,"name":"x"})";
  results[1].json = R"({"totalCount":11})";
  results[3].json = R"("WyJQb3N0IiwzXQ==")";
  std::vector<std::optional<graphql::exec::SqlError>> errors(3);
  errors[1] = graphql::exec::SqlError{"23505", "duplicate key", "", ""};
  std::string body = p.respond(results, RequestOptions(), errors);
  EXPECT_EQ(body, R"({"errors":[{"message":"duplicate key","locations":[{"line":4,"column":10}],)"
                  R"("path":["b"],"extensions":{"code":"23505"}}],"data":{"__typename":"Mutation",)"
                  R"("a":{"clientMutationId":"c1","tag":{"rowId":11,"name":"x"},)"
                  R"("query":{"allTags":{"totalCount":11}}},"b":null,)"
                  R"("c":{"deletedPostId":"WyJQb3N0IiwzXQ=="}}})");
}

TEST(GraphqlCompiler, MutationIdsAndPatchesAreCheckedBeforeAnySqlRuns) {
  auto p = prepare(
      R"(mutation {
         wrongType: updatePost(input: {id: "WyJUYWciLDFd", postPatch: {title: "t"}}) { post { rowId } }
         garbage: deletePost(input: {id: "%%%"}) { deletedPostId }
         empty: updateTagByName(input: {name: "x", tagPatch: {}}) { tag { rowId } } })");
  ASSERT_FALSE(p.is_request_error()) << respond_null(p);
  EXPECT_TRUE(p.mutation_steps().empty());
  EXPECT_EQ(
      p.respond({}, RequestOptions()),
      R"({"errors":[{"message":"Attempted to update a record, but no new values were )"
      R"(specified.","locations":[{"line":4,"column":10}],"path":["empty"],"extensions":{}}],)"
      R"("data":{"wrongType":null,"garbage":null,"empty":null}})");
}

TEST(GraphqlCompiler, CustomMutationResultsAndCompositeInputs) {
  auto p = prepare(
      R"(mutation {
         bumpViewCount(input: {postId: 1}) { result }
         archivePostsBy(input: {author: 2}) { result { rowId } }
         updateUserByUsername(input: {username: "bob", userPatch: {address: {street: "a \"b\", c", country: "\\"}}}) { user { rowId } } })");
  ASSERT_FALSE(p.is_request_error()) << respond_null(p);
  const auto& steps = p.mutation_steps();
  ASSERT_EQ(steps.size(), 3u);
  // A scalar result is computed with the call; the default argument is left to PostgreSQL.
  EXPECT_NE(steps[0].action.sql.find(R"("app"."bump_view_count"($1))"), std::string::npos)
      << steps[0].action.sql;
  EXPECT_NE(steps[0].payload->sql.find(R"((__r.v -> 'result'))"), std::string::npos);
  // Rows of a table go to the payload as an array of the row type.
  EXPECT_NE(
      steps[1].action.sql.find(R"(array(select __f from "app"."archive_posts_by"($1) as __f))"),
      std::string::npos)
      << steps[1].action.sql;
  EXPECT_NE(steps[1].payload->sql.find(R"($1::"app"."posts"[])"), std::string::npos);
  // A composite input value is a record literal: absent fields NULL, quotes doubled.
  const auto& params = steps[2].action.params;
  bool found = false;
  for (const auto& v : params) found |= v && *v == R"(("a ""b"", c",,,"\\"))";
  EXPECT_TRUE(found);
}

}  // namespace

namespace {

TEST(GraphqlCompiler, PostgisColumnsAreGeojsonThroughPostgisFunctions) {
  // The compat schema hides its PostGIS columns from PostGraphile (which has
  // no PostGIS support); without those tags they are GeoJSON.
  std::ifstream in(std::string(PG_GATEWAY_SOURCE_DIR) + "/test/unit/fixtures/compat_catalog.json");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  for (const char* tag : {"@behavior -*\\nWGS84 point.", "@behavior -*\\nOutline on the sphere."}) {
    size_t at = text.find(tag);
    ASSERT_NE(at, std::string::npos) << tag;
    text.replace(at, std::string(tag).size(), "PostGIS");
  }
  auto schema = ServedSchema::from_reflection_json(text);
  auto p = graphql::exec::prepare(*schema, "{ allPlaces { nodes { location area } } }", nullptr,
                                  std::nullopt, RequestOptions());
  ASSERT_FALSE(p.is_request_error()) << respond_null(p);
  const std::string& sql = p.statement()->sql;
  size_t first = sql.find("\"public\".st_asgeojson(");
  ASSERT_NE(first, std::string::npos) << sql;
  EXPECT_NE(sql.find("\"public\".st_asgeojson(", first + 1), std::string::npos) << sql;
  // GeoJSON values come back as JSON, not as text.
  EXPECT_EQ(p.respond({FieldResult{std::string(R"({"nodes":[{"location":{"type":"Point",)"
                                               R"("coordinates":[1,2]},"area":null}]})"),
                                   {}}},
                      RequestOptions()),
            R"({"data":{"allPlaces":{"nodes":[{"location":{"type":"Point","coordinates":[1,2]},)"
            R"("area":null}]}}})");
  auto bad =
      graphql::exec::prepare(*schema, "{ allPlaces(condition: {location: null}) { totalCount } }",
                             nullptr, std::nullopt, RequestOptions());
  EXPECT_TRUE(bad.is_request_error());
}

TEST(GraphqlCompiler, DomainScalarsCoerceAsTheirBaseType) {
  auto bad = prepare("{ userByEmail(email: 5) { rowId } }");
  ASSERT_TRUE(bad.is_request_error());
  EXPECT_EQ(bad.request_errors().front().message, "String cannot represent a non string value: 5");
  auto good = prepare(R"({ userByEmail(email: "carol@example.com") { rowId } })");
  EXPECT_FALSE(good.is_request_error());
}

}  // namespace

namespace {

TEST(GraphqlCompiler, JwtTypeResultsAreSignedWhenTheResponseIsWritten) {
  auto p =
      prepare(R"(mutation { authenticate(input: {username: "alice", password: "x"}) { result } })");
  ASSERT_FALSE(p.is_request_error()) << respond_null(p);
  ASSERT_EQ(p.mutation_steps().size(), 1u);
  const auto& step = p.mutation_steps()[0];
  ASSERT_TRUE(step.payload);
  // The attributes by SQL name, as PostGraphile's codec gives them.
  EXPECT_NE(step.action.sql.find(R"('user_id'::text, to_json((__c.v)."user_id"))"),
            std::string::npos)
      << step.action.sql;
  std::vector<FieldResult> results(1);
  results[0].json = R"({"role":"app_user","user_id":1,"exp":"4102444800"})";
  RequestOptions options;
  options.issue_jwt = [](const json::Value& row) { return "signed " + row.dump(); };
  EXPECT_EQ(p.respond(results, options),
            R"({"data":{"authenticate":{"result":)"
            R"("signed {\"role\":\"app_user\",\"user_id\":1,\"exp\":\"4102444800\"}"}}})");
  // Without a signer the claims are never sent as they are.
  std::string unsigned_body = p.respond(results, RequestOptions());
  EXPECT_EQ(unsigned_body.find("app_user"), std::string::npos) << unsigned_body;
  EXPECT_NE(unsigned_body.find("tokens cannot be issued here"), std::string::npos);
}

}  // namespace
