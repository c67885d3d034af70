// Tests of the GraphQL parser on executable documents (operations,
// fragments, values, type references) and of node locations.
// schema_parser_test.cpp covers the type system and
// parser_errors_test.cpp the errors and limits.
//
// The ASTs here (and those of the kitchen-sink documents, node locations
// included) were also compared with graphql-js 16.8.1's parse() output
// under node, field by field.
#include "core/graphql/parser.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

using namespace pg_gateway::graphql;

namespace {

Document parse_ok(std::string_view src, const ParseOptions& options = ParseOptions()) {
  ParseResult r = parse_document(src, options);
  if (!r.ok()) {
    ADD_FAILURE() << "parse failed: " << r.error->message << " at " << r.error->line << ":"
                  << r.error->column << "\n"
                  << src;
    throw std::runtime_error("parse failed");
  }
  return std::move(r.document);
}

// The alternative T of a variant-holding node, or the end of the test.
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

const Field& field(const SelectionSet& set, size_t i) {
  if (i >= set.selections.size()) throw std::runtime_error("no such selection");
  return as<Field>(set.selections[i]);
}

const Value& arg(const Field& f, std::string_view name) {
  for (const Argument& a : f.arguments)
    if (a.name.value == name) return a.value;
  throw std::runtime_error("no such argument: " + std::string(name));
}

void expect_loc(const Location& loc, size_t line, size_t column, size_t start, size_t end) {
  EXPECT_EQ(loc.line, line);
  EXPECT_EQ(loc.column, column);
  EXPECT_EQ(loc.start, start);
  EXPECT_EQ(loc.end, end);
}

}  // namespace

static_assert(noexcept(parse_document(std::string_view())), "parse_document must not throw");

// ---------------------------------------------------------------------------
// Operations

TEST(GraphQLParser, Shorthand) {
  Document doc = parse_ok("{ a }");
  ASSERT_EQ(doc.definitions.size(), 1u);
  EXPECT_EQ(doc.definitions[0].kind(), DefinitionKind::kOperation);
  EXPECT_TRUE(doc.definitions[0].is_executable());
  const auto& op = def<OperationDefinition>(doc, 0);
  EXPECT_EQ(op.operation, OperationType::kQuery);
  EXPECT_FALSE(op.name);
  EXPECT_TRUE(op.variable_definitions.empty());
  EXPECT_TRUE(op.directives.empty());
  ASSERT_EQ(op.selection_set.selections.size(), 1u);
  EXPECT_EQ(field(op.selection_set, 0).name.value, "a");
  expect_loc(op.loc, 1, 1, 0, 5);
  expect_loc(doc.loc, 1, 1, 0, 5);
}

TEST(GraphQLParser, OperationTypes) {
  Document doc = parse_ok("query { a } mutation M { b } subscription S @live { c } query Q { d }");
  ASSERT_EQ(doc.definitions.size(), 4u);
  EXPECT_EQ(def<OperationDefinition>(doc, 0).operation, OperationType::kQuery);
  EXPECT_FALSE(def<OperationDefinition>(doc, 0).name);
  EXPECT_EQ(def<OperationDefinition>(doc, 1).operation, OperationType::kMutation);
  EXPECT_EQ(def<OperationDefinition>(doc, 1).name->value, "M");
  const auto& sub = def<OperationDefinition>(doc, 2);
  EXPECT_EQ(sub.operation, OperationType::kSubscription);
  ASSERT_EQ(sub.directives.size(), 1u);
  EXPECT_EQ(sub.directives[0].name.value, "live");
  EXPECT_EQ(operation_type_name(sub.operation), "subscription");
  EXPECT_EQ(def<OperationDefinition>(doc, 3).name->value, "Q");
}

TEST(GraphQLParser, VariableDefinitions) {
  Document doc = parse_ok(
      "query Q($a: Int = 1 @d(x: 2), $b: [String!]! = [\"x\"], $c: In = {f: [1, ENUM]}, $d: ID) "
      "{ f(a: $a) }");
  const auto& op = def<OperationDefinition>(doc, 0);
  ASSERT_EQ(op.variable_definitions.size(), 4u);

  const VariableDefinition& a = op.variable_definitions[0];
  EXPECT_EQ(a.variable.name.value, "a");
  expect_loc(a.variable.loc, 1, 9, 8, 10);
  EXPECT_EQ(type_to_string(a.type), "Int");
  ASSERT_TRUE(a.default_value);
  EXPECT_EQ(as<IntValue>(*a.default_value).raw, "1");
  ASSERT_EQ(a.directives.size(), 1u);
  EXPECT_EQ(a.directives[0].name.value, "d");
  EXPECT_EQ(as<IntValue>(a.directives[0].arguments[0].value).raw, "2");
  expect_loc(a.loc, 1, 9, 8, 28);

  const VariableDefinition& b = op.variable_definitions[1];
  EXPECT_EQ(type_to_string(b.type), "[String!]!");
  EXPECT_EQ(as<StringValue>(as<ListValue>(*b.default_value).values[0]).value, "x");

  const VariableDefinition& c = op.variable_definitions[2];
  const auto& obj = as<ObjectValue>(*c.default_value);
  ASSERT_EQ(obj.fields.size(), 1u);
  EXPECT_EQ(obj.fields[0].name.value, "f");
  EXPECT_EQ(as<ListValue>(obj.fields[0].value).values.size(), 2u);
  EXPECT_EQ(as<EnumValue>(as<ListValue>(obj.fields[0].value).values[1]).value, "ENUM");

  EXPECT_FALSE(op.variable_definitions[3].default_value);
  EXPECT_TRUE(op.variable_definitions[3].directives.empty());
  EXPECT_EQ(as<Variable>(arg(field(op.selection_set, 0), "a")).name.value, "a");
}

// ---------------------------------------------------------------------------
// Selections

TEST(GraphQLParser, FieldsAliasesArgumentsDirectives) {
  Document doc =
      parse_ok("{ plain alias: name(x: 1, y: $v) @include(if: $v) @skip(if: false) { id } }");
  const SelectionSet& set = def<OperationDefinition>(doc, 0).selection_set;
  ASSERT_EQ(set.selections.size(), 2u);
  EXPECT_EQ(set.selections[0].kind(), SelectionKind::kField);

  const Field& plain = field(set, 0);
  EXPECT_FALSE(plain.alias);
  EXPECT_EQ(plain.name.value, "plain");
  EXPECT_TRUE(plain.arguments.empty());
  EXPECT_TRUE(plain.directives.empty());
  EXPECT_FALSE(plain.selection_set);

  const Field& f = field(set, 1);
  ASSERT_TRUE(f.alias);
  EXPECT_EQ(f.alias->value, "alias");
  EXPECT_EQ(f.name.value, "name");
  expect_loc(f.alias->loc, 1, 9, 8, 13);
  expect_loc(f.name.loc, 1, 16, 15, 19);
  ASSERT_EQ(f.arguments.size(), 2u);
  EXPECT_EQ(f.arguments[0].name.value, "x");
  EXPECT_EQ(f.arguments[1].name.value, "y");
  expect_loc(f.arguments[1].loc, 1, 27, 26, 31);
  ASSERT_EQ(f.directives.size(), 2u);
  EXPECT_EQ(f.directives[0].name.value, "include");
  EXPECT_EQ(f.directives[1].name.value, "skip");
  EXPECT_EQ(as<BooleanValue>(f.directives[1].arguments[0].value).value, false);
  expect_loc(f.directives[0].loc, 1, 34, 33, 49);
  ASSERT_TRUE(f.selection_set);
  EXPECT_EQ(field(*f.selection_set, 0).name.value, "id");
  expect_loc(f.loc, 1, 9, 8, 73);
  EXPECT_EQ(f.loc.start, set.selections[1].loc().start);
}

TEST(GraphQLParser, FragmentsSpreadsAndInlineFragments) {
  Document doc = parse_ok(
      "{ ...F ...G @d ... on T { a } ... @skip(if: true) { b } ... { c } }\n"
      "fragment F on T @onFragment { x }");
  const SelectionSet& set = def<OperationDefinition>(doc, 0).selection_set;
  ASSERT_EQ(set.selections.size(), 5u);

  const auto& spread = as<FragmentSpread>(set.selections[0]);
  EXPECT_EQ(spread.name.value, "F");
  EXPECT_TRUE(spread.directives.empty());
  expect_loc(spread.loc, 1, 3, 2, 6);
  const auto& spread2 = as<FragmentSpread>(set.selections[1]);
  EXPECT_EQ(spread2.directives.size(), 1u);

  const auto& typed = as<InlineFragment>(set.selections[2]);
  EXPECT_EQ(set.selections[2].kind(), SelectionKind::kInlineFragment);
  ASSERT_TRUE(typed.type_condition);
  EXPECT_EQ(typed.type_condition->name.value, "T");
  EXPECT_EQ(field(typed.selection_set, 0).name.value, "a");

  const auto& directed = as<InlineFragment>(set.selections[3]);
  EXPECT_FALSE(directed.type_condition);
  EXPECT_EQ(directed.directives[0].name.value, "skip");

  const auto& bare = as<InlineFragment>(set.selections[4]);
  EXPECT_FALSE(bare.type_condition);
  EXPECT_TRUE(bare.directives.empty());

  const auto& frag = def<FragmentDefinition>(doc, 1);
  EXPECT_EQ(doc.definitions[1].kind(), DefinitionKind::kFragment);
  EXPECT_EQ(frag.name.value, "F");
  EXPECT_EQ(frag.type_condition.name.value, "T");
  expect_loc(frag.type_condition.loc, 2, 15, 82, 83);
  EXPECT_EQ(frag.directives[0].name.value, "onFragment");
  expect_loc(frag.loc, 2, 1, 68, 101);
}

TEST(GraphQLParser, KeywordsAreNames) {
  Document doc = parse_ok(
      "query query { query mutation subscription fragment on: type(input: enum) extend }\n"
      "fragment schema on directive { scalar(true: true, null: null) }");
  const auto& op = def<OperationDefinition>(doc, 0);
  EXPECT_EQ(op.name->value, "query");
  const SelectionSet& set = op.selection_set;
  ASSERT_EQ(set.selections.size(), 6u);
  EXPECT_EQ(field(set, 3).name.value, "fragment");
  EXPECT_EQ(field(set, 4).alias->value, "on");
  EXPECT_EQ(field(set, 4).name.value, "type");
  EXPECT_EQ(as<EnumValue>(arg(field(set, 4), "input")).value, "enum");
  const auto& frag = def<FragmentDefinition>(doc, 1);
  EXPECT_EQ(frag.name.value, "schema");
  EXPECT_EQ(frag.type_condition.name.value, "directive");
  EXPECT_EQ(as<BooleanValue>(arg(field(frag.selection_set, 0), "true")).value, true);
  EXPECT_EQ(arg(field(frag.selection_set, 0), "null").kind(), ValueKind::kNull);
}

// ---------------------------------------------------------------------------
// Values

TEST(GraphQLParser, EveryValueKind) {
  Document doc = parse_ok(
      "{ f(v: $var, i: -0, j: 123456789012345678901234567890, fl: 1.5e-3, s: "
      "\"a\\u00e9\\u{1F600}\", "
      "b: \"\"\"\n  x\n    y\n\"\"\", t: true, fa: false, n: null, e: RED, l: [1, [2], []], "
      "o: {a: 1, b: {c: $var}, d: {}}) }");
  const Field& f = field(def<OperationDefinition>(doc, 0).selection_set, 0);
  EXPECT_EQ(arg(f, "v").kind(), ValueKind::kVariable);
  EXPECT_EQ(as<Variable>(arg(f, "v")).name.value, "var");
  EXPECT_EQ(as<IntValue>(arg(f, "i")).raw, "-0");
  EXPECT_EQ(as<IntValue>(arg(f, "j")).raw, "123456789012345678901234567890");
  EXPECT_EQ(as<FloatValue>(arg(f, "fl")).raw, "1.5e-3");
  EXPECT_EQ(arg(f, "fl").kind(), ValueKind::kFloat);
  EXPECT_EQ(as<StringValue>(arg(f, "s")).value, "aé😀");
  EXPECT_FALSE(as<StringValue>(arg(f, "s")).block);
  EXPECT_EQ(as<StringValue>(arg(f, "b")).value, "x\n  y");
  EXPECT_TRUE(as<StringValue>(arg(f, "b")).block);
  EXPECT_TRUE(as<BooleanValue>(arg(f, "t")).value);
  EXPECT_FALSE(as<BooleanValue>(arg(f, "fa")).value);
  EXPECT_EQ(arg(f, "n").kind(), ValueKind::kNull);
  EXPECT_EQ(as<EnumValue>(arg(f, "e")).value, "RED");
  const auto& l = as<ListValue>(arg(f, "l"));
  ASSERT_EQ(l.values.size(), 3u);
  EXPECT_EQ(as<IntValue>(as<ListValue>(l.values[1]).values[0]).raw, "2");
  EXPECT_TRUE(as<ListValue>(l.values[2]).values.empty());
  const auto& o = as<ObjectValue>(arg(f, "o"));
  ASSERT_EQ(o.fields.size(), 3u);
  EXPECT_EQ(o.fields[1].name.value, "b");
  EXPECT_EQ(as<Variable>(as<ObjectValue>(o.fields[1].value).fields[0].value).name.value, "var");
  EXPECT_TRUE(as<ObjectValue>(o.fields[2].value).fields.empty());
}

TEST(GraphQLParser, ValueLocations) {
  Document doc = parse_ok("{ f(a: [1, {b: \"c\"}], d: $e) }");
  const Field& f = field(def<OperationDefinition>(doc, 0).selection_set, 0);
  const Value& list = arg(f, "a");
  expect_loc(list.loc, 1, 8, 7, 20);
  const auto& items = as<ListValue>(list).values;
  expect_loc(items[0].loc, 1, 9, 8, 9);
  expect_loc(items[1].loc, 1, 12, 11, 19);
  expect_loc(as<ObjectValue>(items[1]).fields[0].loc, 1, 13, 12, 18);
  expect_loc(as<ObjectValue>(items[1]).fields[0].value.loc, 1, 16, 15, 18);
  expect_loc(arg(f, "d").loc, 1, 26, 25, 27);
  expect_loc(as<Variable>(arg(f, "d")).loc, 1, 26, 25, 27);
  expect_loc(as<Variable>(arg(f, "d")).name.loc, 1, 27, 26, 27);
}

// ---------------------------------------------------------------------------
// Type references

TEST(GraphQLParser, TypeReferences) {
  Document doc = parse_ok("query ($a: Int, $b: Int!, $c: [Int], $d: [Int!]!, $e: [[Int]!]) { f }");
  const auto& vars = def<OperationDefinition>(doc, 0).variable_definitions;
  ASSERT_EQ(vars.size(), 5u);
  EXPECT_EQ(vars[0].type.kind, TypeRef::Kind::kNamed);
  EXPECT_EQ(vars[0].type.name.value, "Int");
  EXPECT_FALSE(vars[0].type.inner);
  EXPECT_EQ(vars[1].type.kind, TypeRef::Kind::kNonNull);
  EXPECT_EQ(vars[1].type.inner->kind, TypeRef::Kind::kNamed);
  EXPECT_EQ(vars[2].type.kind, TypeRef::Kind::kList);

  // [Int!]!  ->  NonNull(List(NonNull(Named Int)))
  const TypeRef& d = vars[3].type;
  EXPECT_EQ(type_to_string(d), "[Int!]!");
  ASSERT_EQ(d.kind, TypeRef::Kind::kNonNull);
  ASSERT_EQ(d.inner->kind, TypeRef::Kind::kList);
  ASSERT_EQ(d.inner->inner->kind, TypeRef::Kind::kNonNull);
  ASSERT_EQ(d.inner->inner->inner->kind, TypeRef::Kind::kNamed);
  EXPECT_EQ(d.inner->inner->inner->name.value, "Int");
  expect_loc(d.loc, 1, 42, 41, 48);
  expect_loc(d.inner->loc, 1, 42, 41, 47);
  expect_loc(d.inner->inner->loc, 1, 43, 42, 46);
  expect_loc(d.inner->inner->inner->loc, 1, 43, 42, 45);

  EXPECT_EQ(type_to_string(vars[4].type), "[[Int]!]");
}

// ---------------------------------------------------------------------------
// Locations across lines

TEST(GraphQLParser, LocationsAcrossLineTerminators) {
  // \n, \r\n and a lone \r each end a line; the BOM and 😀 (in a comment)
  // take one and two UTF-16 columns.
  std::string src = "\xEF\xBB\xBFquery Q {\r\n  a\r  # 😀 comment\n  b(x: 1)\n}\n";
  Document doc = parse_ok(src);
  const auto& op = def<OperationDefinition>(doc, 0);
  expect_loc(op.loc, 1, 2, 3, 46);
  expect_loc(op.name->loc, 1, 8, 9, 10);
  const Field& a = field(op.selection_set, 0);
  expect_loc(a.loc, 2, 3, 16, 17);
  const Field& b = field(op.selection_set, 1);
  expect_loc(b.loc, 4, 3, 37, 44);
  expect_loc(b.arguments[0].value.loc, 4, 8, 42, 43);
  expect_loc(doc.loc, 1, 1, 0, src.size());
}

TEST(GraphQLParser, ColumnsAfterAstralCharactersInStrings) {
  Document doc = parse_ok("{ a(x: \"😀😀\", y: 1) }");
  const Field& f = field(def<OperationDefinition>(doc, 0).selection_set, 0);
  // Byte offsets count the 4 bytes of each emoji; columns count 2 units.
  expect_loc(f.arguments[1].loc, 1, 16, 19, 23);
}

// ---------------------------------------------------------------------------
// Kitchen sink

// Our own document in the spirit of graphql-js's kitchen-sink query: every
// executable production, with commas, comments and escapes around.
constexpr std::string_view kKitchenSinkQuery = R"gql(# Everything an executable document can hold.
query fetchEverything($id: ID!, $filter: OrderFilter = {status: [OPEN, PAID], minTotal: 9.5}, $site: Site = WEB) @onQuery {
  shopper: customer(id: $id) {
    id,
    ... on Member @onInlineFragment {
      orders(first: 10, after: $cursor, ratio: -1.5e-3) @include(if: $withOrders) {
        total
        ...orderFields @onFragmentSpread
      }
    }
    ... @skip(if: $anonymous) {
      email
    }
    ... {
      createdAt
    }
  }
}

mutation placeOrder @onMutation {
  placeOrder(input: {items: [{sku: "A-1", qty: 2}, {sku: "B\u00e9\u{1F600}", qty: 0}]}) @onField {
    order {
      id @onField
    }
  }
}

subscription OrderUpdates($customer: ID! @onVariableDefinition) @onSubscription {
  orderUpdated(customer: $customer) {
    order { status total }
  }
}

fragment orderFields on Order @onFragmentDefinition {
  lines(
    limit: $limit
    sort: [{field: "price", dir: DESC}]
    note: """
      A block string with \""" inside
        and indentation
    """
  )
}

{
  unnamed(truthy: true, falsy: false, nullish: null, empty: [], emptyObject: {})
  query
}

query { __typename }
)gql";

TEST(GraphQLParser, KitchenSinkQuery) {
  ParseResult r = parse_document(kKitchenSinkQuery);
  ASSERT_TRUE(r.ok()) << r.error->message << " at " << r.error->line << ":" << r.error->column;
  EXPECT_EQ(r.token_count, 227u) << "graphql-js 16.15's document.tokenCount";
  const Document& doc = r.document;
  ASSERT_EQ(doc.definitions.size(), 6u);

  const auto& q = def<OperationDefinition>(doc, 0);
  EXPECT_EQ(q.name->value, "fetchEverything");
  ASSERT_EQ(q.variable_definitions.size(), 3u);
  EXPECT_EQ(type_to_string(q.variable_definitions[0].type), "ID!");
  const auto& filter = as<ObjectValue>(*q.variable_definitions[1].default_value);
  EXPECT_EQ(filter.fields[0].name.value, "status");
  EXPECT_EQ(as<FloatValue>(filter.fields[1].value).raw, "9.5");
  EXPECT_EQ(as<EnumValue>(*q.variable_definitions[2].default_value).value, "WEB");
  EXPECT_EQ(q.directives[0].name.value, "onQuery");
  expect_loc(q.loc, 2, 1, 46, 487);

  const Field& shopper = field(q.selection_set, 0);
  EXPECT_EQ(shopper.alias->value, "shopper");
  EXPECT_EQ(shopper.name.value, "customer");
  const auto& sels = shopper.selection_set->selections;
  ASSERT_EQ(sels.size(), 4u);
  const auto& member = as<InlineFragment>(sels[1]);
  EXPECT_EQ(member.type_condition->name.value, "Member");
  EXPECT_EQ(member.directives[0].name.value, "onInlineFragment");
  const Field& orders = field(member.selection_set, 0);
  EXPECT_EQ(as<FloatValue>(arg(orders, "ratio")).raw, "-1.5e-3");
  EXPECT_EQ(orders.directives[0].name.value, "include");
  const auto& spread = as<FragmentSpread>(orders.selection_set->selections[1]);
  EXPECT_EQ(spread.name.value, "orderFields");
  EXPECT_EQ(spread.directives[0].name.value, "onFragmentSpread");
  EXPECT_EQ(spread.loc.line, 8u);
  EXPECT_EQ(spread.loc.column, 9u);
  EXPECT_FALSE(as<InlineFragment>(sels[2]).type_condition);
  EXPECT_EQ(as<InlineFragment>(sels[2]).directives[0].name.value, "skip");
  EXPECT_TRUE(as<InlineFragment>(sels[3]).directives.empty());

  const auto& m = def<OperationDefinition>(doc, 1);
  EXPECT_EQ(m.operation, OperationType::kMutation);
  const auto& items =
      as<ListValue>(as<ObjectValue>(arg(field(m.selection_set, 0), "input")).fields[0].value);
  EXPECT_EQ(as<StringValue>(as<ObjectValue>(items.values[1]).fields[0].value).value, "Bé😀");

  const auto& s = def<OperationDefinition>(doc, 2);
  EXPECT_EQ(s.operation, OperationType::kSubscription);
  EXPECT_EQ(s.variable_definitions[0].directives[0].name.value, "onVariableDefinition");

  const auto& frag = def<FragmentDefinition>(doc, 3);
  const Field& lines = field(frag.selection_set, 0);
  EXPECT_EQ(as<StringValue>(arg(lines, "note")).value,
            "A block string with \"\"\" inside\n  and indentation");
  EXPECT_TRUE(as<StringValue>(arg(lines, "note")).block);

  const auto& anon = def<OperationDefinition>(doc, 4);
  EXPECT_FALSE(anon.name);
  EXPECT_EQ(field(anon.selection_set, 0).arguments.size(), 5u);
  EXPECT_EQ(field(anon.selection_set, 1).name.value, "query");
  EXPECT_EQ(field(def<OperationDefinition>(doc, 5).selection_set, 0).name.value, "__typename");
}

// ---------------------------------------------------------------------------
// The AST as a value

TEST(GraphQLParser, AstCopiesAreDeep) {
  Document doc = parse_ok("query ($a: [[Int!]]) { f(x: [1]) { g } }");
  Document copy = doc;
  auto& op = std::get<OperationDefinition>(copy.definitions[0].node);
  op.variable_definitions[0].type.inner->inner->inner->name.value = "Float";
  std::get<Field>(op.selection_set.selections[0].node).name.value = "h";
  const auto& orig = def<OperationDefinition>(doc, 0);
  EXPECT_EQ(type_to_string(orig.variable_definitions[0].type), "[[Int!]]");
  EXPECT_EQ(type_to_string(op.variable_definitions[0].type), "[[Float!]]");
  EXPECT_EQ(field(orig.selection_set, 0).name.value, "f");
  Document moved = std::move(copy);
  EXPECT_EQ(field(def<OperationDefinition>(moved, 0).selection_set, 0).name.value, "h");
  static_assert(std::is_nothrow_move_constructible_v<Box<TypeRef>>);
}

TEST(GraphQLParser, DefinitionKindNames) {
  EXPECT_EQ(definition_kind_name(DefinitionKind::kOperation), "OperationDefinition");
  EXPECT_EQ(definition_kind_name(DefinitionKind::kInputObjectTypeExtension),
            "InputObjectTypeExtension");
  EXPECT_EQ(operation_type_name(OperationType::kMutation), "mutation");
}

TEST(GraphQLParser, ManyDefinitionsAndFields) {
  // 20,000 fields: linear time, well under the default token limit.
  std::string src = "{";
  for (int i = 0; i < 20000; ++i) src += " f" + std::to_string(i);
  src += " }";
  Document doc = parse_ok(src);
  const auto& set = def<OperationDefinition>(doc, 0).selection_set;
  ASSERT_EQ(set.selections.size(), 20000u);
  EXPECT_EQ(field(set, 19999).name.value, "f19999");
}
