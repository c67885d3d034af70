// schema_from_sdl: PostGraphile's printed schema must come back byte for
// byte through print_schema(), and the pieces print_schema() does not show
// whole (root names, extensions, defaults, deprecations) are checked here.
#include "core/graphql/sdl_schema.hpp"

#include "core/graphql/builtin_types.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using pg_gateway::graphql::schema_from_sdl;
using pg_gateway::graphql::SdlError;
namespace schema = pg_gateway::graphql::schema;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const schema::InputValue& arg(const schema::Schema& s, std::string_view type,
                              std::string_view field, std::string_view name) {
  const schema::Field* f = s.find(type)->field(field);
  for (const schema::InputValue& a : f->args)
    if (a.name == name) return a;
  throw std::runtime_error("no such argument");
}

}  // namespace

TEST(SdlSchema, PostGraphilesSchemaRoundTripsByteForByte) {
  std::string sdl = slurp(fs::path(PG_GATEWAY_SOURCE_DIR) / "test" / "graphql_compat" / "expected" /
                          "schema.graphql");
  schema::Schema s = schema_from_sdl(sdl);
  std::string printed = schema::print_schema(s);
  // The file ends with a newline; printSchema's output does not.
  while (!sdl.empty() && sdl.back() == '\n') sdl.pop_back();
  EXPECT_EQ(printed, sdl);
  EXPECT_EQ(s.query_type, "Query");
  EXPECT_EQ(s.mutation_type, std::optional<std::string>("Mutation"));
  EXPECT_FALSE(s.subscription_type.has_value());
  ASSERT_NE(s.find("Query"), nullptr);
  EXPECT_EQ(s.find("Query")->interfaces, std::vector<std::string>{"Node"});
}

TEST(SdlSchema, DefaultRootTypeNamesAndExplicitSchemaDefinition) {
  schema::Schema a = schema_from_sdl("type Query { a: Int } type Mutation { b: Int }");
  EXPECT_EQ(a.query_type, "Query");
  EXPECT_EQ(a.mutation_type, std::optional<std::string>("Mutation"));
  EXPECT_FALSE(a.subscription_type.has_value());

  schema::Schema b = schema_from_sdl(
      "\"\"\"root\"\"\" schema { query: Q subscription: S } type Q { a: Int } "
      "type S { s: Int } type Mutation { m: Int }");
  EXPECT_EQ(b.query_type, "Q");
  EXPECT_FALSE(b.mutation_type.has_value());  // named Mutation, but not in the schema definition
  EXPECT_EQ(b.subscription_type, std::optional<std::string>("S"));
  EXPECT_EQ(b.description, std::optional<std::string>("root"));
  EXPECT_EQ(schema::print_schema(b),
            "\"\"\"root\"\"\"\nschema {\n  query: Q\n  subscription: S\n}\n\n"
            "type Q {\n  a: Int\n}\n\ntype S {\n  s: Int\n}");
}

TEST(SdlSchema, KindsDescriptionsDeprecationsAndDirectives) {
  schema::Schema s = schema_from_sdl(R"(
    "A custom directive."
    directive @cached(ttl: Int = 60, "why" reason: String) repeatable on FIELD | QUERY
    scalar Url @specifiedBy(url: "https://example.com/url")
    interface Named { name: String }
    type Query implements Named {
      "The name."
      name: String
      old: Int @deprecated
      older(x: Int @deprecated(reason: "gone")): Int @deprecated(reason: "Use `name`.")
      u: U
      e: E
      url: Url
    }
    union U = Query | Other
    type Other { x: Int }
    enum E { A B @deprecated(reason: "no") }
    input In { a: Int = 1 b: String @deprecated }
  )");
  const schema::NamedType* q = s.find("Query");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->field("name")->description, std::optional<std::string>("The name."));
  EXPECT_EQ(q->field("old")->deprecation_reason, std::optional<std::string>("No longer supported"));
  EXPECT_EQ(q->field("older")->deprecation_reason, std::optional<std::string>("Use `name`."));
  EXPECT_EQ(q->field("older")->args[0].deprecation_reason, std::optional<std::string>("gone"));
  EXPECT_EQ(s.find("U")->kind, schema::NamedType::Kind::kUnion);
  EXPECT_EQ(s.find("U")->members, (std::vector<std::string>{"Query", "Other"}));
  EXPECT_EQ(s.find("E")->values[1].deprecation_reason, std::optional<std::string>("no"));
  EXPECT_EQ(s.find("Url")->specified_by_url, std::optional<std::string>("https://example.com/url"));
  EXPECT_EQ(s.find("In")->input_fields[0].default_value, std::optional<std::string>("1"));
  EXPECT_EQ(s.find("In")->input_fields[1].deprecation_reason,
            std::optional<std::string>("No longer supported"));
  ASSERT_EQ(s.directives.size(), 1u);
  const schema::Directive& d = s.directives[0];
  EXPECT_EQ(d.name, "cached");
  EXPECT_TRUE(d.repeatable);
  EXPECT_EQ(d.locations, (std::vector<std::string>{"FIELD", "QUERY"}));
  EXPECT_EQ(d.args[0].default_value, std::optional<std::string>("60"));
  EXPECT_EQ(d.args[1].description, std::optional<std::string>("why"));
  EXPECT_EQ(d.description, std::optional<std::string>("A custom directive."));
}

// Defaults are stored as graphql-js prints them after coercion
// (checked with buildSchema + printSchema of graphql-js 16).
TEST(SdlSchema, DefaultValuesAreCoercedThenPrinted) {
  schema::Schema s = schema_from_sdl(R"(
    enum Order { A B }
    input Filter { x: Int = 3 y: [Int] z: String! = "q" w: Float }
    type Query {
      f(
        list: [Order!] = A
        float: Float = 1.0
        big: Float = 1e21
        small: Float = 0.0000001
        id1: ID = "123"
        id2: ID = "abc"
        id3: ID = 7
        str: String = """block"""
        obj: Filter = {y: 1, w: 2}
        bad: Int = "x"
        nested: [[Int]] = 1
        nul: Int = null
      ): Int
    }
  )");
  EXPECT_EQ(arg(s, "Query", "f", "list").default_value, std::optional<std::string>("[A]"));
  EXPECT_EQ(arg(s, "Query", "f", "float").default_value, std::optional<std::string>("1"));
  EXPECT_EQ(arg(s, "Query", "f", "big").default_value, std::optional<std::string>("1e+21"));
  EXPECT_EQ(arg(s, "Query", "f", "small").default_value, std::optional<std::string>("1e-7"));
  EXPECT_EQ(arg(s, "Query", "f", "id1").default_value, std::optional<std::string>("123"));
  EXPECT_EQ(arg(s, "Query", "f", "id2").default_value, std::optional<std::string>("\"abc\""));
  EXPECT_EQ(arg(s, "Query", "f", "id3").default_value, std::optional<std::string>("7"));
  EXPECT_EQ(arg(s, "Query", "f", "str").default_value, std::optional<std::string>("\"block\""));
  EXPECT_EQ(arg(s, "Query", "f", "obj").default_value,
            std::optional<std::string>("{x: 3, y: [1], z: \"q\", w: 2}"));
  EXPECT_EQ(arg(s, "Query", "f", "bad").default_value, std::nullopt);
  EXPECT_EQ(arg(s, "Query", "f", "nested").default_value, std::optional<std::string>("[[1]]"));
  EXPECT_EQ(arg(s, "Query", "f", "nul").default_value, std::optional<std::string>("null"));
}

TEST(SdlSchema, ExtensionsMergeIntoTheirTypes) {
  schema::Schema s = schema_from_sdl(R"(
    type Query { a: Int }
    extend type Query { b(x: Int = 2): Int }
    enum E { A }
    extend enum E { B }
    input I { p: Int }
    extend input I { q: Int = 5 }
    extend schema { mutation: M }
    type M { m: Int }
  )");
  ASSERT_EQ(s.find("Query")->fields.size(), 2u);
  EXPECT_EQ(s.find("Query")->fields[1].args[0].default_value, std::optional<std::string>("2"));
  EXPECT_EQ(s.find("E")->values.size(), 2u);
  EXPECT_EQ(s.find("I")->input_fields[1].default_value, std::optional<std::string>("5"));
  EXPECT_EQ(s.mutation_type, std::optional<std::string>("M"));
}

TEST(SdlSchema, InvalidSdlThrows) {
  EXPECT_THROW(schema_from_sdl("type Query {"), SdlError);
  EXPECT_THROW(schema_from_sdl("type Query { a: Nope }"), SdlError);
  EXPECT_THROW(schema_from_sdl("type Query { a: Int } type Query { b: Int }"), SdlError);
  EXPECT_THROW(schema_from_sdl("type Query { a: Int } extend type Other { b: Int }"), SdlError);
}

// builtin_types.hpp reads graphql-js's introspection SDL with schema_from_sdl.
TEST(BuiltinTypes, IntrospectionTypesDirectivesAndMetaFields) {
  using namespace pg_gateway::graphql;
  const schema::NamedType* type = builtin_type("__Type");
  ASSERT_NE(type, nullptr);
  std::vector<std::string> names;
  for (const schema::Field& f : type->fields) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"kind", "name", "description", "specifiedByURL",
                                             "fields", "interfaces", "possibleTypes", "enumValues",
                                             "inputFields", "ofType", "isOneOf"}));
  EXPECT_EQ(type->field("fields")->args[0].default_value, std::optional<std::string>("false"));
  EXPECT_EQ(builtin_type("__DirectiveLocation")->values.size(), 20u);
  EXPECT_EQ(builtin_type("Int")->kind, schema::NamedType::Kind::kScalar);
  EXPECT_EQ(builtin_type("Boolean")->description,
            std::optional<std::string>("The `Boolean` scalar type represents `true` or `false`."));
  EXPECT_EQ(builtin_type("Query"), nullptr);

  std::vector<std::string> directives;
  for (const schema::Directive& d : specified_directives()) directives.push_back(d.name);
  EXPECT_EQ(directives,
            (std::vector<std::string>{"include", "skip", "deprecated", "specifiedBy", "oneOf"}));
  EXPECT_EQ(specified_directives()[2].locations.back(), "DIRECTIVE_DEFINITION");
  EXPECT_EQ(specified_directives()[2].args[0].default_value,
            std::optional<std::string>("\"No longer supported\""));

  schema::Schema s = schema_from_sdl("type Query { a: Int } type Other { b: Int } union U = Other");
  EXPECT_EQ(find_directive(s, "skip"), &specified_directives()[1]);
  EXPECT_EQ(find_directive(s, "nope"), nullptr);
  EXPECT_EQ(find_type(s, "String"), builtin_type("String"));
  EXPECT_EQ(find_type(s, "Other"), s.find("Other"));
  const schema::NamedType& query = *s.find("Query");
  const schema::NamedType& other = *s.find("Other");
  EXPECT_EQ(find_field(s, query, "__schema")->type.to_string(), "__Schema!");
  EXPECT_EQ(find_field(s, query, "__type")->args[0].type.to_string(), "String!");
  EXPECT_EQ(find_field(s, other, "__schema"), nullptr);  // only on the query root
  EXPECT_EQ(find_field(s, *s.find("U"), "__typename")->type.to_string(), "String!");
  EXPECT_EQ(find_field(s, *s.find("U"), "b"), nullptr);  // unions have no fields
  EXPECT_EQ(find_field(s, other, "b"), &other.fields[0]);
}
