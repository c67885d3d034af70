// Tests of the GraphQL parser on type system definitions and extensions
// (GraphQL October 2021, 3.x). Every AST here, node locations included, was
// also compared with graphql-js 16.8.1's parse() output under node.
#include "core/graphql/parser.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace pg_gateway::graphql;

namespace {

Document parse_ok(std::string_view src) {
  ParseResult r = parse_document(src);
  if (!r.ok()) {
    ADD_FAILURE() << "parse failed: " << r.error->message << " at " << r.error->line << ":"
                  << r.error->column << "\n"
                  << src;
    throw std::runtime_error("parse failed");
  }
  return std::move(r.document);
}

template <typename T, typename Node>
const T& as(const Node& node) {
  const T* p = node.template as<T>();
  if (p == nullptr) {
    ADD_FAILURE() << "node is not of the expected kind";
    throw std::runtime_error("wrong node kind");
  }
  return *p;
}

template <typename T>
const T& def(const Document& doc, size_t i) {
  if (i >= doc.definitions.size()) throw std::runtime_error("no such definition");
  return as<T>(doc.definitions[i]);
}

// The only definition of a one-definition document.
template <typename T>
T only(std::string_view src) {
  Document doc = parse_ok(src);
  EXPECT_EQ(doc.definitions.size(), 1u);
  return def<T>(doc, 0);
}

std::vector<std::string> names(const std::vector<NamedType>& types) {
  std::vector<std::string> out;
  for (const NamedType& t : types) out.push_back(t.name.value);
  return out;
}

std::vector<std::string> names(const std::vector<Directive>& directives) {
  std::vector<std::string> out;
  for (const Directive& d : directives) out.push_back(d.name.value);
  return out;
}

using Strings = std::vector<std::string>;

void expect_loc(const Location& loc, size_t line, size_t column, size_t start, size_t end) {
  EXPECT_EQ(loc.line, line);
  EXPECT_EQ(loc.column, column);
  EXPECT_EQ(loc.start, start);
  EXPECT_EQ(loc.end, end);
}

}  // namespace

// ---------------------------------------------------------------------------
// Definitions

TEST(GraphQLSchemaParser, SchemaDefinition) {
  auto s =
      only<SchemaDefinition>("\"d\" schema @a @b(x: 1) { query: Q mutation: M subscription: S }");
  ASSERT_TRUE(s.description);
  EXPECT_EQ(s.description->value, "d");
  EXPECT_FALSE(s.description->block);
  expect_loc(s.description->loc, 1, 1, 0, 3);
  EXPECT_EQ(names(s.directives), (Strings{"a", "b"}));
  ASSERT_EQ(s.operation_types.size(), 3u);
  EXPECT_EQ(s.operation_types[0].operation, OperationType::kQuery);
  EXPECT_EQ(s.operation_types[0].type.name.value, "Q");
  EXPECT_EQ(s.operation_types[1].operation, OperationType::kMutation);
  EXPECT_EQ(s.operation_types[2].operation, OperationType::kSubscription);
  EXPECT_EQ(s.operation_types[2].type.name.value, "S");
  expect_loc(s.operation_types[1].loc, 1, 35, 34, 45);
  expect_loc(s.loc, 1, 1, 0, 63);
}

TEST(GraphQLSchemaParser, ScalarTypeDefinition) {
  auto s = only<ScalarTypeDefinition>(
      "\"\"\"\n  Block\n  description\n\"\"\"\nscalar Url @specifiedBy(url: \"u\")");
  EXPECT_EQ(s.description->value, "Block\ndescription");
  EXPECT_TRUE(s.description->block);
  EXPECT_EQ(s.name.value, "Url");
  EXPECT_EQ(s.directives[0].name.value, "specifiedBy");
  EXPECT_EQ(s.directives[0].arguments[0].name.value, "url");
  expect_loc(s.name.loc, 5, 8, 37, 40);
  EXPECT_FALSE(only<ScalarTypeDefinition>("scalar S").description);
}

TEST(GraphQLSchemaParser, ObjectTypeDefinition) {
  auto t = only<ObjectTypeDefinition>(
      "type T implements A & B @d {\n"
      "  \"f doc\" f(a: Int = 1 @x, \"b doc\" b: [S!]! = [\"s\"]): String @deprecated(reason: "
      "\"r\")\n"
      "  g: [[T]!]\n"
      "}");
  EXPECT_FALSE(t.description);
  EXPECT_EQ(t.name.value, "T");
  EXPECT_EQ(names(t.interfaces), (Strings{"A", "B"}));
  EXPECT_EQ(names(t.directives), (Strings{"d"}));
  ASSERT_EQ(t.fields.size(), 2u);
  const FieldDefinition& f = t.fields[0];
  EXPECT_EQ(f.description->value, "f doc");
  EXPECT_EQ(f.name.value, "f");
  ASSERT_EQ(f.arguments.size(), 2u);
  EXPECT_EQ(f.arguments[0].name.value, "a");
  EXPECT_EQ(type_to_string(f.arguments[0].type), "Int");
  EXPECT_EQ(as<IntValue>(*f.arguments[0].default_value).raw, "1");
  EXPECT_EQ(names(f.arguments[0].directives), (Strings{"x"}));
  EXPECT_FALSE(f.arguments[0].description);
  EXPECT_EQ(f.arguments[1].description->value, "b doc");
  EXPECT_EQ(type_to_string(f.arguments[1].type), "[S!]!");
  EXPECT_EQ(as<ListValue>(*f.arguments[1].default_value).values.size(), 1u);
  EXPECT_EQ(type_to_string(f.type), "String");
  EXPECT_EQ(names(f.directives), (Strings{"deprecated"}));
  expect_loc(f.loc, 2, 3, 31, 114);
  expect_loc(f.arguments[1].loc, 2, 28, 56, 80);
  EXPECT_EQ(type_to_string(t.fields[1].type), "[[T]!]");
  EXPECT_TRUE(t.fields[1].arguments.empty());
  EXPECT_FALSE(t.fields[1].description);
}

TEST(GraphQLSchemaParser, ImplementsAllowsALeadingAmpersand) {
  EXPECT_EQ(names(only<ObjectTypeDefinition>("type T implements & A & B").interfaces),
            (Strings{"A", "B"}));
  EXPECT_EQ(names(only<ObjectTypeDefinition>("type T implements A").interfaces), (Strings{"A"}));
  auto bare = only<ObjectTypeDefinition>("type T");
  EXPECT_TRUE(bare.interfaces.empty());
  EXPECT_TRUE(bare.fields.empty());
}

TEST(GraphQLSchemaParser, InterfaceTypeDefinition) {
  auto i = only<InterfaceTypeDefinition>("\"I\" interface I implements J & K @d { a(x: X): A }");
  EXPECT_EQ(i.description->value, "I");
  EXPECT_EQ(i.name.value, "I");
  EXPECT_EQ(names(i.interfaces), (Strings{"J", "K"}));
  EXPECT_EQ(names(i.directives), (Strings{"d"}));
  ASSERT_EQ(i.fields.size(), 1u);
  EXPECT_EQ(i.fields[0].arguments[0].name.value, "x");
  EXPECT_TRUE(only<InterfaceTypeDefinition>("interface I").fields.empty());
}

TEST(GraphQLSchemaParser, UnionTypeDefinition) {
  auto u = only<UnionTypeDefinition>("\"U\" union U @d = | A | B | C");
  EXPECT_EQ(u.description->value, "U");
  EXPECT_EQ(names(u.directives), (Strings{"d"}));
  EXPECT_EQ(names(u.types), (Strings{"A", "B", "C"}));
  expect_loc(u.types[2].loc, 1, 28, 27, 28);
  EXPECT_EQ(names(only<UnionTypeDefinition>("union U = A").types), (Strings{"A"}));
  EXPECT_TRUE(only<UnionTypeDefinition>("union U").types.empty());
}

TEST(GraphQLSchemaParser, EnumTypeDefinition) {
  auto e = only<EnumTypeDefinition>("enum E @d { A \"b\" B @x C, onE, TRUE, nulls }");
  EXPECT_EQ(e.name.value, "E");
  ASSERT_EQ(e.values.size(), 6u);
  EXPECT_EQ(e.values[0].name.value, "A");
  EXPECT_FALSE(e.values[0].description);
  EXPECT_EQ(e.values[1].description->value, "b");
  EXPECT_EQ(e.values[1].name.value, "B");
  EXPECT_EQ(names(e.values[1].directives), (Strings{"x"}));
  expect_loc(e.values[1].loc, 1, 15, 14, 22);
  EXPECT_EQ(e.values[4].name.value, "TRUE") << "only the exact names true/false/null are reserved";
  EXPECT_EQ(e.values[5].name.value, "nulls");
  EXPECT_TRUE(only<EnumTypeDefinition>("enum E").values.empty());
}

TEST(GraphQLSchemaParser, InputObjectTypeDefinition) {
  auto i = only<InputObjectTypeDefinition>(
      "input I @d { a: Int = 1, \"b\" b: [I!] = [{a: 2}] @x, c: E = RED }");
  EXPECT_EQ(i.name.value, "I");
  ASSERT_EQ(i.fields.size(), 3u);
  EXPECT_EQ(i.fields[0].name.value, "a");
  EXPECT_EQ(as<IntValue>(*i.fields[0].default_value).raw, "1");
  EXPECT_EQ(i.fields[1].description->value, "b");
  EXPECT_EQ(type_to_string(i.fields[1].type), "[I!]");
  const auto& list = as<ListValue>(*i.fields[1].default_value);
  EXPECT_EQ(as<ObjectValue>(list.values[0]).fields[0].name.value, "a");
  EXPECT_EQ(names(i.fields[1].directives), (Strings{"x"}));
  EXPECT_EQ(as<EnumValue>(*i.fields[2].default_value).value, "RED");
  EXPECT_TRUE(only<InputObjectTypeDefinition>("input I").fields.empty());
}

TEST(GraphQLSchemaParser, DirectiveDefinition) {
  auto d = only<DirectiveDefinition>(
      "\"doc\" directive @cached(ttl: Int = 60, \"s\" scope: Scope) repeatable on | FIELD | QUERY");
  EXPECT_EQ(d.description->value, "doc");
  EXPECT_EQ(d.name.value, "cached");
  ASSERT_EQ(d.arguments.size(), 2u);
  EXPECT_EQ(as<IntValue>(*d.arguments[0].default_value).raw, "60");
  EXPECT_EQ(d.arguments[1].description->value, "s");
  EXPECT_TRUE(d.repeatable);
  ASSERT_EQ(d.locations.size(), 2u);
  EXPECT_EQ(d.locations[0].value, "FIELD");
  EXPECT_EQ(d.locations[1].value, "QUERY");
  expect_loc(d.locations[1].loc, 1, 82, 81, 86);
  expect_loc(d.loc, 1, 1, 0, 86);

  auto plain = only<DirectiveDefinition>("directive @d on FIELD");
  EXPECT_FALSE(plain.repeatable);
  EXPECT_TRUE(plain.arguments.empty());
  EXPECT_FALSE(plain.description);
}

TEST(GraphQLSchemaParser, EveryDirectiveLocation) {
  const char* all[] = {"QUERY",
                       "MUTATION",
                       "SUBSCRIPTION",
                       "FIELD",
                       "FRAGMENT_DEFINITION",
                       "FRAGMENT_SPREAD",
                       "INLINE_FRAGMENT",
                       "VARIABLE_DEFINITION",
                       "SCHEMA",
                       "SCALAR",
                       "OBJECT",
                       "FIELD_DEFINITION",
                       "ARGUMENT_DEFINITION",
                       "INTERFACE",
                       "UNION",
                       "ENUM",
                       "ENUM_VALUE",
                       "INPUT_OBJECT",
                       "INPUT_FIELD_DEFINITION"};
  std::string src = "directive @d on ";
  for (const char* l : all) src += std::string(l) + " | ";
  src.resize(src.size() - 3);
  auto d = only<DirectiveDefinition>(src);
  ASSERT_EQ(d.locations.size(), 19u);
  for (size_t i = 0; i < 19; ++i) EXPECT_EQ(d.locations[i].value, all[i]);
}

// ---------------------------------------------------------------------------
// Extensions

TEST(GraphQLSchemaParser, SchemaExtensions) {
  auto a = only<SchemaExtension>("extend schema @d");
  EXPECT_EQ(names(a.directives), (Strings{"d"}));
  EXPECT_TRUE(a.operation_types.empty());
  auto b = only<SchemaExtension>("extend schema { subscription: S }");
  EXPECT_TRUE(b.directives.empty());
  EXPECT_EQ(b.operation_types[0].operation, OperationType::kSubscription);
  expect_loc(b.loc, 1, 1, 0, 33);
}

TEST(GraphQLSchemaParser, TypeExtensions) {
  Document doc = parse_ok(
      "extend scalar S @d\n"
      "extend type T implements I\n"
      "extend type T @d\n"
      "extend type T implements & I & J @d { f: Int }\n"
      "extend interface I implements J\n"
      "extend interface I @d\n"
      "extend interface I { f: Int }\n"
      "extend union U = A | B\n"
      "extend union U @d\n"
      "extend enum E { A }\n"
      "extend enum E @d\n"
      "extend input I { a: Int = 1 }\n"
      "extend input I @d\n");
  ASSERT_EQ(doc.definitions.size(), 13u);
  const DefinitionKind kinds[] = {
      DefinitionKind::kScalarTypeExtension,     DefinitionKind::kObjectTypeExtension,
      DefinitionKind::kObjectTypeExtension,     DefinitionKind::kObjectTypeExtension,
      DefinitionKind::kInterfaceTypeExtension,  DefinitionKind::kInterfaceTypeExtension,
      DefinitionKind::kInterfaceTypeExtension,  DefinitionKind::kUnionTypeExtension,
      DefinitionKind::kUnionTypeExtension,      DefinitionKind::kEnumTypeExtension,
      DefinitionKind::kEnumTypeExtension,       DefinitionKind::kInputObjectTypeExtension,
      DefinitionKind::kInputObjectTypeExtension};
  for (size_t i = 0; i < 13; ++i) {
    EXPECT_EQ(doc.definitions[i].kind(), kinds[i]) << i;
    EXPECT_FALSE(doc.definitions[i].is_executable());
    EXPECT_EQ(doc.definitions[i].loc().line, i + 1);
  }
  EXPECT_EQ(def<ScalarTypeExtension>(doc, 0).name.value, "S");
  EXPECT_EQ(names(def<ObjectTypeExtension>(doc, 1).interfaces), (Strings{"I"}));
  EXPECT_TRUE(def<ObjectTypeExtension>(doc, 1).fields.empty());
  const auto& full = def<ObjectTypeExtension>(doc, 3);
  EXPECT_EQ(names(full.interfaces), (Strings{"I", "J"}));
  EXPECT_EQ(names(full.directives), (Strings{"d"}));
  EXPECT_EQ(full.fields[0].name.value, "f");
  expect_loc(full.loc, 4, 1, 63, 109);
  EXPECT_EQ(names(def<InterfaceTypeExtension>(doc, 4).interfaces), (Strings{"J"}));
  EXPECT_EQ(def<InterfaceTypeExtension>(doc, 6).fields.size(), 1u);
  EXPECT_EQ(names(def<UnionTypeExtension>(doc, 7).types), (Strings{"A", "B"}));
  EXPECT_EQ(names(def<UnionTypeExtension>(doc, 8).directives), (Strings{"d"}));
  EXPECT_EQ(def<EnumTypeExtension>(doc, 9).values[0].name.value, "A");
  EXPECT_EQ(as<IntValue>(*def<InputObjectTypeExtension>(doc, 11).fields[0].default_value).raw, "1");
  EXPECT_EQ(names(def<InputObjectTypeExtension>(doc, 12).directives), (Strings{"d"}));
}

TEST(GraphQLSchemaParser, MixedWithExecutableDefinitions) {
  Document doc =
      parse_ok("type Query { a: Int } { a } fragment F on Query { a } extend type Query @d");
  ASSERT_EQ(doc.definitions.size(), 4u);
  EXPECT_EQ(doc.definitions[0].kind(), DefinitionKind::kObjectType);
  EXPECT_EQ(doc.definitions[1].kind(), DefinitionKind::kOperation);
  EXPECT_EQ(doc.definitions[2].kind(), DefinitionKind::kFragment);
  EXPECT_EQ(doc.definitions[3].kind(), DefinitionKind::kObjectTypeExtension);
}

// ---------------------------------------------------------------------------
// Kitchen sink

// Our own document in the spirit of graphql-js's schema-kitchen-sink: every
// type system definition and extension, descriptions of both kinds,
// directives everywhere they may go.
constexpr std::string_view kSchemaKitchenSink = R"gql("""This is a description
of the schema as a whole."""
schema @onSchema {
  query: QueryRoot
  mutation: MutationRoot
}

"""
This is a description
of the `Shop` type.
"""
type Shop implements Node & Named @onObject(arg: "value") {
  "Description of the `id` field."
  id: ID!
  name(
    """Whether to translate."""
    locale: Locale = EN_US @onArgumentDefinition
    fallback: [String!] = ["en"]
  ): String @deprecated(reason: "use title")
  items(first: Int = 10, where: ItemFilter = {price: {gt: 1.5}, tags: []}): [Item!]!
  rating: Float
}

type Empty

type AnnotatedObject @onObject(arg: "value") {
  annotatedField(arg: Type = "default" @onArgumentDefinition): Type @onField
}

extend type Shop {
  seven(argument: [String]): Type
}

extend type Shop @onObject

extend type Shop implements Sellable

interface Node { id: ID! }

interface Named implements & Node @onInterface {
  id: ID!
  name: String
}

interface UndefinedInterface

extend interface Named { nickname: String }

extend interface Named implements Other @onInterface

union Feed @onUnion = | Story | Article | Advert

union AnnotatedUnionTwo @onUnion = A | B

union UndefinedUnion

extend union Feed = Photo | Video

extend union Feed @onUnion

scalar Url @specifiedBy(url: "https://tools.ietf.org/html/rfc3986")

scalar AnnotatedScalar @onScalar

extend scalar Url @onScalar

enum Site {
  "Described value"
  DESKTOP
  """Block described value"""
  MOBILE @deprecated
  WEB
}

enum UndefinedEnum

extend enum Site { VR }

extend enum Site @onEnum

input ItemFilter @onInputObject {
  price: PriceRange = {gt: 0}
  tags: [String!] = []
  "Described input field"
  search: String @onInputFieldDefinition
}

input UndefinedInput

extend input ItemFilter { owner: ID }

extend input ItemFilter @onInputObject

"""
This is a description of the `@skip` directive
"""
directive @skip(
  """This is a description of the `if` argument"""
  if: Boolean! @onArgumentDefinition
) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT

directive @include(if: Boolean!)
  on FIELD
   | FRAGMENT_SPREAD
   | INLINE_FRAGMENT

directive @include2(if: Boolean!) on
  | FIELD
  | FRAGMENT_SPREAD
  | INLINE_FRAGMENT

directive @myRepeatableDir(name: String!) repeatable on
  | OBJECT
  | INTERFACE

extend schema @onSchema

extend schema @onSchema {
  subscription: SubscriptionRoot
}
)gql";

TEST(GraphQLSchemaParser, KitchenSink) {
  ParseResult r = parse_document(kSchemaKitchenSink);
  ASSERT_TRUE(r.ok()) << r.error->message << " at " << r.error->line << ":" << r.error->column;
  EXPECT_EQ(r.token_count, 388u) << "graphql-js 16.15's document.tokenCount";
  const Document& doc = r.document;
  ASSERT_EQ(doc.definitions.size(), 34u);

  const auto& schema = def<SchemaDefinition>(doc, 0);
  EXPECT_EQ(schema.description->value, "This is a description\nof the schema as a whole.");
  expect_loc(schema.loc, 1, 1, 0, 118);
  expect_loc(schema.description->loc, 1, 1, 0, 53);
  EXPECT_EQ(schema.operation_types.size(), 2u);

  const auto& shop = def<ObjectTypeDefinition>(doc, 1);
  EXPECT_EQ(shop.description->value, "This is a description\nof the `Shop` type.");
  EXPECT_TRUE(shop.description->block);
  expect_loc(shop.loc, 8, 1, 120, 544);
  EXPECT_EQ(names(shop.interfaces), (Strings{"Node", "Named"}));
  ASSERT_EQ(shop.fields.size(), 4u);
  expect_loc(shop.fields[0].loc, 13, 3, 232, 274);
  EXPECT_EQ(shop.fields[0].description->value, "Description of the `id` field.");
  const FieldDefinition& name = shop.fields[1];
  EXPECT_EQ(name.arguments[0].description->value, "Whether to translate.");
  EXPECT_EQ(as<EnumValue>(*name.arguments[0].default_value).value, "EN_US");
  EXPECT_EQ(names(name.arguments[0].directives), (Strings{"onArgumentDefinition"}));
  EXPECT_EQ(type_to_string(shop.fields[2].type), "[Item!]!");
  const auto& where = as<ObjectValue>(*shop.fields[2].arguments[1].default_value);
  EXPECT_EQ(as<FloatValue>(as<ObjectValue>(where.fields[0].value).fields[0].value).raw, "1.5");

  EXPECT_TRUE(def<ObjectTypeDefinition>(doc, 2).fields.empty());
  EXPECT_EQ(def<ObjectTypeExtension>(doc, 4).fields[0].name.value, "seven");
  EXPECT_EQ(names(def<ObjectTypeExtension>(doc, 6).interfaces), (Strings{"Sellable"}));
  EXPECT_EQ(names(def<InterfaceTypeDefinition>(doc, 8).interfaces), (Strings{"Node"}));
  EXPECT_TRUE(def<InterfaceTypeDefinition>(doc, 9).fields.empty());
  EXPECT_EQ(names(def<UnionTypeDefinition>(doc, 12).types),
            (Strings{"Story", "Article", "Advert"}));
  EXPECT_TRUE(def<UnionTypeDefinition>(doc, 14).types.empty());
  EXPECT_EQ(names(def<UnionTypeExtension>(doc, 15).types), (Strings{"Photo", "Video"}));
  EXPECT_EQ(def<ScalarTypeDefinition>(doc, 17).name.value, "Url");
  const auto& site = def<EnumTypeDefinition>(doc, 20);
  ASSERT_EQ(site.values.size(), 3u);
  EXPECT_EQ(site.values[1].description->value, "Block described value");
  EXPECT_EQ(names(site.values[1].directives), (Strings{"deprecated"}));
  EXPECT_EQ(def<EnumTypeExtension>(doc, 22).values[0].name.value, "VR");
  const auto& filter = def<InputObjectTypeDefinition>(doc, 24);
  EXPECT_EQ(filter.fields.size(), 3u);
  EXPECT_TRUE(as<ListValue>(*filter.fields[1].default_value).values.empty());
  EXPECT_EQ(def<InputObjectTypeExtension>(doc, 26).fields[0].name.value, "owner");

  const auto& skip = def<DirectiveDefinition>(doc, 28);
  EXPECT_EQ(skip.description->value, "This is a description of the `@skip` directive");
  EXPECT_EQ(skip.arguments[0].description->value, "This is a description of the `if` argument");
  EXPECT_EQ(skip.locations.size(), 3u);
  EXPECT_EQ(def<DirectiveDefinition>(doc, 29).locations[2].value, "INLINE_FRAGMENT");
  EXPECT_EQ(def<DirectiveDefinition>(doc, 30).locations.size(), 3u);
  const auto& repeatable = def<DirectiveDefinition>(doc, 31);
  EXPECT_TRUE(repeatable.repeatable);
  EXPECT_FALSE(skip.repeatable);
  EXPECT_EQ(names(def<SchemaExtension>(doc, 32).directives), (Strings{"onSchema"}));
  const auto& ext = def<SchemaExtension>(doc, 33);
  expect_loc(ext.loc, 118, 1, 2271, 2331);
  EXPECT_EQ(ext.operation_types[0].type.name.value, "SubscriptionRoot");
}
