// Expected texts follow graphql-js 16 printSchema(); the layout rules
// (descriptions, argument lists, deprecations, type order) were read from
// its source and match PostGraphile's printed schema in
// test/graphql_compat/expected/schema.graphql.
#include "core/graphql/type_system.hpp"

#include <gtest/gtest.h>

using namespace pg_gateway::graphql::schema;

namespace {

Field field(std::string name, TypeRef type, std::optional<std::string> description = {}) {
  Field f;
  f.name = std::move(name);
  f.type = std::move(type);
  f.description = std::move(description);
  return f;
}

InputValue arg(std::string name, TypeRef type, std::optional<std::string> description = {},
               std::optional<std::string> default_value = {}) {
  InputValue a;
  a.name = std::move(name);
  a.type = std::move(type);
  a.description = std::move(description);
  a.default_value = std::move(default_value);
  return a;
}

NamedType object(std::string name, std::vector<Field> fields) {
  NamedType t;
  t.kind = NamedType::Kind::kObject;
  t.name = std::move(name);
  t.fields = std::move(fields);
  return t;
}

}  // namespace

TEST(TypeRefs, PrintWrappers) {
  TypeRef post = TypeRef::named("Post");
  EXPECT_EQ(post.to_string(), "Post");
  EXPECT_EQ(post.non_null().to_string(), "Post!");
  EXPECT_EQ(post.non_null().list().non_null().to_string(), "[Post!]!");
  EXPECT_EQ(post.list().to_string(), "[Post]");
  EXPECT_TRUE(post.non_null().is_non_null());
  EXPECT_FALSE(post.list().is_non_null());
}

TEST(PrintBlockString, FollowsGraphqlJs) {
  EXPECT_EQ(print_block_string("Short."), "\"\"\"Short.\"\"\"");
  std::string long_line(71, 'x');
  EXPECT_EQ(print_block_string(long_line), "\"\"\"\n" + long_line + "\n\"\"\"");
  EXPECT_EQ(print_block_string("Two\nlines"), "\"\"\"\nTwo\nlines\n\"\"\"");
  EXPECT_EQ(print_block_string("  leading space"), "\"\"\"  leading space\"\"\"");
  // A trailing quote forces the multi-line form (so a leading newline too).
  EXPECT_EQ(print_block_string("ends with quote\""), "\"\"\"\nends with quote\"\n\"\"\"");
  EXPECT_EQ(print_block_string("has \"\"\" inside"), "\"\"\"has \\\"\"\" inside\"\"\"");
  EXPECT_EQ(print_block_string("a\n  indented"), "\"\"\"\na\n  indented\n\"\"\"");
  // 70 UTF-16 units stays on one line even when it is more bytes.
  std::string accents;
  for (int i = 0; i < 35; ++i) accents += "\xC3\xA9";  // "é" x 35
  EXPECT_EQ(print_block_string(accents + accents), "\"\"\"" + accents + accents + "\"\"\"");
}

TEST(PrintBlockString, WhatCannotBeABlockString) {
  EXPECT_TRUE(is_printable_as_block_string("plain"));
  EXPECT_TRUE(is_printable_as_block_string(""));
  EXPECT_FALSE(is_printable_as_block_string("\nleading newline"));
  EXPECT_FALSE(is_printable_as_block_string("trailing newline\n"));
  EXPECT_FALSE(is_printable_as_block_string("carriage\rreturn"));
  EXPECT_FALSE(is_printable_as_block_string("bell\x07"));
  EXPECT_FALSE(is_printable_as_block_string("  a\n  b"));  // common indent
  EXPECT_EQ(print_string("a\"b\\c\n\x01\x7F"), "\"a\\\"b\\\\c\\n\\u0001\\u007F\"");
  EXPECT_EQ(print_string("\xC2\x85"), "\"\\u0085\"");
}

TEST(PrintSchema, ObjectsFieldsArgumentsAndDescriptions) {
  Schema s;
  NamedType query = object("Query", {field("post", TypeRef::named("Post"), "Reads one post."),
                                     field("hello", TypeRef::named("String").non_null())});
  query.fields[0].args = {arg("rowId", TypeRef::named("Int").non_null())};
  query.description = "The root query type.";
  s.add(query);
  NamedType post = object("Post", {field("title", TypeRef::named("String").non_null()),
                                   field("legacy", TypeRef::named("String"))});
  post.fields[1].deprecation_reason = "Use title instead.";
  Field comments = field("comments", TypeRef::named("CommentConnection").non_null());
  comments.args = {
      arg("first", TypeRef::named("Int"), "Only read the first `n` values."),
      arg("orderBy", TypeRef::named("CommentOrderBy").non_null().list(), {}, "[PRIMARY_KEY_ASC]")};
  post.fields.push_back(comments);
  s.add(post);
  s.add(object("CommentConnection", {field("totalCount", TypeRef::named("Int").non_null())}));
  NamedType order;
  order.kind = NamedType::Kind::kEnum;
  order.name = "CommentOrderBy";
  order.values = {
      {"NATURAL", {}, {}}, {"PRIMARY_KEY_ASC", {}, {}}, {"OLD", "Old.", "No longer supported"}};
  s.add(order);

  EXPECT_EQ(print_schema(s),
            "\"\"\"The root query type.\"\"\"\n"
            "type Query {\n"
            "  \"\"\"Reads one post.\"\"\"\n"
            "  post(rowId: Int!): Post\n"
            "  hello: String!\n"
            "}\n"
            "\n"
            "type Post {\n"
            "  title: String!\n"
            "  legacy: String @deprecated(reason: \"Use title instead.\")\n"
            "  comments(\n"
            "    \"\"\"Only read the first `n` values.\"\"\"\n"
            "    first: Int\n"
            "    orderBy: [CommentOrderBy!] = [PRIMARY_KEY_ASC]\n"
            "  ): CommentConnection!\n"
            "}\n"
            "\n"
            "type CommentConnection {\n"
            "  totalCount: Int!\n"
            "}\n"
            "\n"
            "enum CommentOrderBy {\n"
            "  NATURAL\n"
            "  PRIMARY_KEY_ASC\n"
            "\n"
            "  \"\"\"Old.\"\"\"\n"
            "  OLD @deprecated\n"
            "}");
}

TEST(PrintSchema, DiscoveryOrderInterfacesInputsUnionsAndUnreachableTypes) {
  Schema s;
  NamedType node;
  node.kind = NamedType::Kind::kInterface;
  node.name = "Node";
  node.fields = {field("id", TypeRef::named("ID").non_null())};
  NamedType query = object("Query", {field("search", TypeRef::named("SearchResult").list())});
  query.interfaces = {"Node"};
  query.fields.push_back(field("id", TypeRef::named("ID").non_null()));
  query.fields[0].args = {arg("filter", TypeRef::named("Filter"))};
  NamedType result;
  result.kind = NamedType::Kind::kUnion;
  result.name = "SearchResult";
  result.members = {"B", "A"};
  NamedType filter;
  filter.kind = NamedType::Kind::kInputObject;
  filter.name = "Filter";
  filter.input_fields = {arg("when", TypeRef::named("Datetime")),
                         arg("limit", TypeRef::named("Int"), {}, "10")};
  NamedType datetime;
  datetime.kind = NamedType::Kind::kScalar;
  datetime.name = "Datetime";
  datetime.description = "A point in time.";
  s.add(object("Unreachable", {field("x", TypeRef::named("Int"))}));
  s.add(datetime);
  s.add(filter);
  s.add(object("A", {field("a", TypeRef::named("Int"))}));
  s.add(object("B", {field("b", TypeRef::named("Int"))}));
  s.add(result);
  s.add(query);
  s.add(node);
  s.mutation_type = "Mutation";  // absent: ignored by discovery

  std::vector<std::string> names;
  for (const NamedType* t : s.types_in_order()) names.push_back(t->name);
  // Query, its interface, then field types depth-first, then argument types.
  EXPECT_EQ(names, (std::vector<std::string>{"Query", "Node", "SearchResult", "B", "A", "Filter",
                                             "Datetime"}));
  EXPECT_EQ(print_schema(s),
            "type Query implements Node {\n"
            "  search(filter: Filter): [SearchResult]\n"
            "  id: ID!\n"
            "}\n\n"
            "interface Node {\n"
            "  id: ID!\n"
            "}\n\n"
            "union SearchResult = B | A\n\n"
            "type B {\n  b: Int\n}\n\n"
            "type A {\n  a: Int\n}\n\n"
            "input Filter {\n"
            "  when: Datetime\n"
            "  limit: Int = 10\n"
            "}\n\n"
            "\"\"\"A point in time.\"\"\"\n"
            "scalar Datetime");
}

TEST(PrintSchema, SchemaDefinitionOnlyForUncommonRootNames) {
  Schema s;
  s.query_type = "Root";
  s.add(object("Root", {field("x", TypeRef::named("Int"))}));
  EXPECT_EQ(print_schema(s), "schema {\n  query: Root\n}\n\ntype Root {\n  x: Int\n}");
}
