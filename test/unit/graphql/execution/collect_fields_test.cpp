// Tests of CollectFields (GraphQL spec 6.3.2) as graphql-js 16 executes it:
// response-key grouping in first-seen order, @skip/@include with literals
// and variables (and graphql-js's errors when `if` cannot be coerced),
// fragment type conditions on objects, interfaces and unions, and each
// named fragment expanded once per walk.
#include "core/graphql/execution/collect_fields.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/graphql/parser.hpp"

using namespace pg_gateway;
using namespace pg_gateway::graphql;
using namespace pg_gateway::graphql::exec;

namespace {

// type Post implements Node, Entry; type User implements Node;
// union SearchResult = Post | User; interface Unrelated.
schema::Schema test_schema() {
  schema::Schema s;
  auto add = [&](schema::NamedType::Kind kind, std::string name,
                 std::vector<std::string> interfaces = {}, std::vector<std::string> members = {}) {
    schema::NamedType t;
    t.kind = kind;
    t.name = std::move(name);
    t.interfaces = std::move(interfaces);
    t.members = std::move(members);
    s.add(std::move(t));
  };
  using K = schema::NamedType::Kind;
  add(K::kInterface, "Node");
  add(K::kInterface, "Entry", {"Node"});
  add(K::kInterface, "Unrelated");
  add(K::kObject, "Post", {"Node", "Entry"});
  add(K::kObject, "User", {"Node"});
  add(K::kUnion, "SearchResult", {}, {"Post", "User"});
  add(K::kUnion, "OnlyUsers", {}, {"User"});
  return s;
}

struct Parsed {
  Document document;
  FragmentMap fragments;
  const OperationDefinition* operation = nullptr;
};

// Parsed documents are kept alive by the caller: groups point into them.
Parsed parse(std::string_view source) {
  ParseResult r = parse_document(source);
  if (!r.ok()) throw std::runtime_error("parse failed: " + r.error->message);
  Parsed p{std::move(r.document), {}, nullptr};
  for (const Definition& d : p.document.definitions) {
    if (const auto* op = d.as<OperationDefinition>()) p.operation = op;
    if (const auto* f = d.as<FragmentDefinition>()) p.fragments.emplace(f->name.value, f);
  }
  return p;
}

// "key:name,name;key:name" — each group's key and the field names in it.
std::string describe(const std::vector<FieldGroup>& groups) {
  std::string out;
  for (const FieldGroup& g : groups) {
    if (!out.empty()) out += ";";
    out += g.response_key + ":";
    for (size_t i = 0; i < g.fields.size(); ++i) out += (i ? "," : "") + g.fields[i]->name.value;
  }
  return out;
}

std::string collect(std::string_view source, std::string_view type = "Post",
                    const VariableValues& variables = {}) {
  static const schema::Schema schema = test_schema();
  Parsed p = parse(source);
  return describe(collect_fields(schema, type, p.operation->selection_set, p.fragments, variables));
}

Error collect_error(std::string_view source, const VariableValues& variables = {}) {
  try {
    collect(source, "Post", variables);
  } catch (const CollectFieldsError& e) {
    return e.error;
  }
  ADD_FAILURE() << "no error for " << source;
  return {};
}

TEST(GraphqlCollectFields, GroupsByResponseKeyInFirstSeenOrder) {
  EXPECT_EQ(collect("{ b a b x: a a: b c }"), "b:b,b;a:a,b;x:a;c:c");
}

TEST(GraphqlCollectFields, SkipAndIncludeLiterals) {
  EXPECT_EQ(collect("{ a @skip(if: true) b @skip(if: false) c @include(if: false) d @include(if: "
                    "true) }"),
            "b:b;d:d");
  // Both directives: skipped if either says so.
  EXPECT_EQ(collect("{ a @skip(if: false) @include(if: false) b @skip(if: true) @include(if: true) "
                    "c @include(if: true) @skip(if: false) }"),
            "c:c");
  // Only the first directive of a name counts (graphql-js uses find()).
  EXPECT_EQ(collect("{ a @skip(if: false) @skip(if: true) }"), "a:a");
  // A skipped node does not hide another node with the same key.
  EXPECT_EQ(collect("{ a @skip(if: true) a }"), "a:a");
}

TEST(GraphqlCollectFields, SkipAndIncludeVariables) {
  VariableValues v;
  v["yes"] = json::Value::boolean(true);
  v["no"] = json::Value::boolean(false);
  EXPECT_EQ(collect("query($yes: Boolean!, $no: Boolean!) { a @skip(if: $yes) b @skip(if: $no) "
                    "c @include(if: $yes) d @include(if: $no) }",
                    "Post", v),
            "b:b;c:c");
}

TEST(GraphqlCollectFields, DirectivesOnFragments) {
  EXPECT_EQ(collect("{ ... @skip(if: true) { a } ... @include(if: true) { b } ...F @include(if: "
                    "false) } fragment F on Post { c }"),
            "b:b");
  // A skipped spread does not count as visited: the next one expands.
  EXPECT_EQ(collect("{ ...F @skip(if: true) x ...F } fragment F on Post { c }"), "x:x;c:c");
}

TEST(GraphqlCollectFields, IfErrorsAsGraphqlJsReportsThem) {
  Error e = collect_error("query($v: Boolean) {\n  a @skip(if: $v)\n}");
  EXPECT_EQ(e.message,
            "Argument \"if\" of required type \"Boolean!\" was provided the variable \"$v\" which "
            "was not provided a runtime value.");
  ASSERT_EQ(e.locations.size(), 1u);
  EXPECT_EQ(e.locations[0], (SourceLocation{2, 15}));

  VariableValues null_v;
  null_v["v"] = json::Value::null();
  e = collect_error("query($v: Boolean) { a @include(if: $v) }", null_v);
  EXPECT_EQ(e.message, "Argument \"if\" of non-null type \"Boolean!\" must not be null.");
  EXPECT_EQ(e.locations.at(0), (SourceLocation{1, 37}));

  e = collect_error("{ a @skip }");
  EXPECT_EQ(e.message, "Argument \"if\" of required type \"Boolean!\" was not provided.");
  EXPECT_EQ(e.locations.at(0), (SourceLocation{1, 5}));

  e = collect_error("{ a @skip(if: null) }");
  EXPECT_EQ(e.message, "Argument \"if\" of non-null type \"Boolean!\" must not be null.");

  e = collect_error("{ a @skip(if: [1, \"x\"]) }");
  EXPECT_EQ(e.message, "Argument \"if\" has invalid value [1, \"x\"].");
  EXPECT_EQ(e.locations.at(0), (SourceLocation{1, 15}));
}

TEST(GraphqlCollectFields, FragmentTypeConditions) {
  const char* doc =
      "{ ... on Post { p } ... on User { u } ... on Node { n } ... on Entry { e } "
      "... on Unrelated { x } ... on SearchResult { s } ... on OnlyUsers { o } "
      "... on Missing { m } ... { any } }";
  EXPECT_EQ(collect(doc, "Post"), "p:p;n:n;e:e;s:s;any:any");
  EXPECT_EQ(collect(doc, "User"), "u:u;n:n;s:s;o:o;any:any");
  // Introspection types are not in the schema model; their own name applies.
  EXPECT_EQ(collect("{ ... on __Type { a } ... on Node { b } ...T } fragment T on __Type { c }",
                    "__Type"),
            "a:a;c:c");
}

TEST(GraphqlCollectFields, NamedFragmentExpandsOncePerWalk) {
  EXPECT_EQ(collect("{ ...F a ...F ... { ...F } } fragment F on Post { a b }"), "a:a,a;b:b");
  // A spread inside an inline fragment that does not apply is not visited.
  EXPECT_EQ(collect("{ ... on User { ...F } ...F } fragment F on Node { a }", "Post"), "a:a");
  // Missing fragments are ignored (validation reports them).
  EXPECT_EQ(collect("{ ...Nope a }"), "a:a");
  // Nested spreads, cycles stop at the visited set.
  EXPECT_EQ(collect("{ ...A } fragment A on Post { a ...B } fragment B on Post { b ...A }"),
            "a:a;b:b");
}

TEST(GraphqlCollectFields, SubfieldsMergeAcrossFieldNodesWithOneVisitedSet) {
  static const schema::Schema schema = test_schema();
  Parsed p = parse("{ x { a ...F } x { b ...F c } x } fragment F on User { f }");
  std::vector<FieldGroup> top =
      collect_fields(schema, "Query", p.operation->selection_set, p.fragments, {});
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].fields.size(), 3u);
  EXPECT_EQ(&top[0].first(), top[0].fields[0]);
  std::vector<FieldGroup> sub = collect_subfields(schema, "User", top[0], p.fragments, {});
  EXPECT_EQ(describe(sub), "a:a;f:f;b:b;c:c");
}

}  // namespace
