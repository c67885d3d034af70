// Tests of the GraphQL parser's errors and limits.
//
// Every message, line and column in the tables below was checked against
// graphql-js 16 under node: the inputs were parsed with graphql-js 16.8.1
// (the October 2021 grammar) and 16.15, and the results pasted here. Where
// 16.15 differs (it accepts descriptions on operations and fragments, from
// a later spec draft) a comment says what 16.15 reports. The limits on bytes
// and nesting depth are ours (graphql-js has none), as are the messages for
// them; the token limit is graphql-js's maxTokens.
#include "core/graphql/parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

using namespace std::string_view_literals;
using namespace pg_gateway::graphql;

namespace {

struct ErrorCase {
  std::string_view src;
  std::string_view message;
  size_t line;
  size_t column;
};

void expect_error(std::string_view src, std::string_view message, size_t line, size_t column,
                  const ParseOptions& options = ParseOptions()) {
  SCOPED_TRACE(std::string(src.substr(0, 200)));
  ParseResult r = parse_document(src, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->message, message);
  EXPECT_EQ(r.error->line, line);
  EXPECT_EQ(r.error->column, column);
  EXPECT_TRUE(r.document.definitions.empty());
}

ParseOptions depth(size_t max_depth) {
  ParseOptions o;
  o.max_depth = max_depth;
  return o;
}

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out.append(s);
  return out;
}

// n nested selection sets: { a { a { ... a } } }
std::string nested_selections(size_t n) { return repeat("{ a ", n) + repeat("} ", n); }

}  // namespace

TEST(GraphQLParserErrors, MatchGraphQLJs) {
  const ErrorCase cases[] = {
      {""sv, "Syntax Error: Unexpected <EOF>."sv, 1, 1},
      {"   \n  "sv, "Syntax Error: Unexpected <EOF>."sv, 2, 3},
      {"# just a comment"sv, "Syntax Error: Unexpected <EOF>."sv, 1, 17},
      {"}"sv, "Syntax Error: Unexpected \"}\"."sv, 1, 1},
      {"unknown { a }"sv, "Syntax Error: Unexpected Name \"unknown\"."sv, 1, 1},
      {"\"desc\" query { a }"sv,
       "Syntax Error: Unexpected description, descriptions are supported only on type definitions."sv,
       1, 1},  // 16.15: accepted
      {"\"desc\" { a }"sv, "Syntax Error: Unexpected \"{\"."sv, 1,
       8},  // 16.15: Syntax Error: Unexpected description, descriptions are not supported on
            // shorthand queries.
      {"\"desc\" fragment F on T { a }"sv,
       "Syntax Error: Unexpected description, descriptions are supported only on type definitions."sv,
       1, 1},  // 16.15: accepted
      {"\"\"\"desc\"\"\" extend type T @d"sv,
       "Syntax Error: Unexpected description, descriptions are supported only on type definitions."sv,
       1, 1},  // 16.15: Syntax Error: Unexpected description, only GraphQL definitions support
               // descriptions.
      {"\"desc\""sv, "Syntax Error: Unexpected <EOF>."sv, 1, 7},
      {"123"sv, "Syntax Error: Unexpected Int \"123\"."sv, 1, 1},
      {"{"sv, "Syntax Error: Expected Name, found <EOF>."sv, 1, 2},
      {"{ a"sv, "Syntax Error: Expected Name, found <EOF>."sv, 1, 4},
      {"{ }"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 3},
      {"{ a } }"sv, "Syntax Error: Unexpected \"}\"."sv, 1, 7},
      {"query"sv, "Syntax Error: Expected \"{\", found <EOF>."sv, 1, 6},
      {"query Q"sv, "Syntax Error: Expected \"{\", found <EOF>."sv, 1, 8},
      {"query Q("sv, "Syntax Error: Expected \"$\", found <EOF>."sv, 1, 9},
      {"query Q($)"sv, "Syntax Error: Expected Name, found \")\"."sv, 1, 10},
      {"query Q($a)"sv, "Syntax Error: Expected \":\", found \")\"."sv, 1, 11},
      {"query Q($a:)"sv, "Syntax Error: Expected Name, found \")\"."sv, 1, 12},
      {"query Q($a: Int =)"sv, "Syntax Error: Unexpected \")\"."sv, 1, 18},
      {"query Q($a: [Int) { a }"sv, "Syntax Error: Expected \"]\", found \")\"."sv, 1, 17},
      {"query Q($a: Int!!) { a }"sv, "Syntax Error: Expected \"$\", found \"!\"."sv, 1, 17},
      {"query Q($a: !Int) { a }"sv, "Syntax Error: Expected Name, found \"!\"."sv, 1, 13},
      {"query Q($a: Int) @ { a }"sv, "Syntax Error: Expected Name, found \"{\"."sv, 1, 20},
      {"query Q() { a }"sv, "Syntax Error: Expected \"$\", found \")\"."sv, 1, 9},
      {"query Q { a }\nmutation"sv, "Syntax Error: Expected \"{\", found <EOF>."sv, 2, 9},
      {"subscription S(a: Int) { a }"sv, "Syntax Error: Expected \"$\", found Name \"a\"."sv, 1,
       16},
      {"{ a: }"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 6},
      {"{ a: 1 }"sv, "Syntax Error: Expected Name, found Int \"1\"."sv, 1, 6},
      {"{ a(x) }"sv, "Syntax Error: Expected \":\", found \")\"."sv, 1, 6},
      {"{ a(x:) }"sv, "Syntax Error: Unexpected \")\"."sv, 1, 7},
      {"{ a(x: 1 }"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 10},
      {"{ a() }"sv, "Syntax Error: Expected Name, found \")\"."sv, 1, 5},
      {"{ a @ }"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 7},
      {"{ a @d( }"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 9},
      {"{ a @d(x) }"sv, "Syntax Error: Expected \":\", found \")\"."sv, 1, 9},
      {"{ a x: y: z }"sv, "Syntax Error: Expected Name, found \":\"."sv, 1, 9},
      {"{ ... }"sv, "Syntax Error: Expected \"{\", found \"}\"."sv, 1, 7},
      {"{ ...on }"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 9},
      {"{ ... on }"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 10},
      {"{ ... on T }"sv, "Syntax Error: Expected \"{\", found \"}\"."sv, 1, 12},
      {"{ ... on T @d }"sv, "Syntax Error: Expected \"{\", found \"}\"."sv, 1, 15},
      {"fragment"sv, "Syntax Error: Expected Name, found <EOF>."sv, 1, 9},
      {"fragment F"sv, "Syntax Error: Expected \"on\", found <EOF>."sv, 1, 11},
      {"fragment F on"sv, "Syntax Error: Expected Name, found <EOF>."sv, 1, 14},
      {"fragment F on T"sv, "Syntax Error: Expected \"{\", found <EOF>."sv, 1, 16},
      {"fragment on on T { a }"sv, "Syntax Error: Unexpected Name \"on\"."sv, 1, 10},
      {"fragment F T { a }"sv, "Syntax Error: Expected \"on\", found Name \"T\"."sv, 1, 12},
      {"fragment \"on\" on T { a }"sv, "Syntax Error: Unexpected String \"on\"."sv, 1, 10},
      {"fragment F on T ($a: Int) { a }"sv, "Syntax Error: Expected \"{\", found \"(\"."sv, 1, 17},
      {"{ a(x: $) }"sv, "Syntax Error: Expected Name, found \")\"."sv, 1, 9},
      {"{ a(x: $1) }"sv, "Syntax Error: Expected Name, found Int \"1\"."sv, 1, 9},
      {"{ a(x: {a}) }"sv, "Syntax Error: Expected \":\", found \"}\"."sv, 1, 10},
      {"{ a(x: {a: }) }"sv, "Syntax Error: Unexpected \"}\"."sv, 1, 12},
      {"{ a(x: [1,) }"sv, "Syntax Error: Unexpected \")\"."sv, 1, 11},
      {"{ a(x: @) }"sv, "Syntax Error: Unexpected \"@\"."sv, 1, 8},
      {"{ a(x: }) }"sv, "Syntax Error: Unexpected \"}\"."sv, 1, 8},
      {"query Q($a: Int = $b) { a }"sv,
       "Syntax Error: Unexpected variable \"$b\" in constant value."sv, 1, 19},
      {"query Q($a: Int = [$b]) { a }"sv,
       "Syntax Error: Unexpected variable \"$b\" in constant value."sv, 1, 20},
      {"query Q($a: Int = {x: $b}) { a }"sv,
       "Syntax Error: Unexpected variable \"$b\" in constant value."sv, 1, 23},
      {"query Q($a: Int = $) { a }"sv, "Syntax Error: Unexpected \"$\"."sv, 1, 19},
      {"query Q($a: Int = $\"x\") { a }"sv, "Syntax Error: Unexpected \"$\"."sv, 1, 19},
      {"query Q($a: Int @d(x: $b)) { a }"sv,
       "Syntax Error: Unexpected variable \"$b\" in constant value."sv, 1, 23},
      {"schema"sv, "Syntax Error: Expected \"{\", found <EOF>."sv, 1, 7},
      {"schema {}"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 9},
      {"schema { query }"sv, "Syntax Error: Expected \":\", found \"}\"."sv, 1, 16},
      {"schema { foo: Q }"sv, "Syntax Error: Unexpected Name \"foo\"."sv, 1, 10},
      {"schema { query: [Q] }"sv, "Syntax Error: Expected Name, found \"[\"."sv, 1, 17},
      {"schema @d(x: $v) { query: Q }"sv,
       "Syntax Error: Unexpected variable \"$v\" in constant value."sv, 1, 14},
      {"scalar"sv, "Syntax Error: Expected Name, found <EOF>."sv, 1, 7},
      {"scalar \"S\""sv, "Syntax Error: Expected Name, found String \"S\"."sv, 1, 8},
      {"scalar S @d(x: $v)"sv, "Syntax Error: Unexpected variable \"$v\" in constant value."sv, 1,
       16},
      {"type"sv, "Syntax Error: Expected Name, found <EOF>."sv, 1, 5},
      {"type T {}"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 9},
      {"type T { a }"sv, "Syntax Error: Expected \":\", found \"}\"."sv, 1, 12},
      {"type T { a: }"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 13},
      {"type T { a(): Int }"sv, "Syntax Error: Expected Name, found \")\"."sv, 1, 12},
      {"type T { a(b): Int }"sv, "Syntax Error: Expected \":\", found \")\"."sv, 1, 13},
      {"type T implements { a: Int }"sv, "Syntax Error: Expected Name, found \"{\"."sv, 1, 19},
      {"type T implements A & { a: Int }"sv, "Syntax Error: Expected Name, found \"{\"."sv, 1, 23},
      {"type T { a: [Int }"sv, "Syntax Error: Expected \"]\", found \"}\"."sv, 1, 18},
      {"type T { a: Int! = 1 }"sv, "Syntax Error: Expected Name, found \"=\"."sv, 1, 18},
      {"type T { a(b: Int = $v): Int }"sv,
       "Syntax Error: Unexpected variable \"$v\" in constant value."sv, 1, 21},
      {"interface I { }"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 15},
      {"union U ="sv, "Syntax Error: Expected Name, found <EOF>."sv, 1, 10},
      {"union U = A |"sv, "Syntax Error: Expected Name, found <EOF>."sv, 1, 14},
      {"union U = | | A"sv, "Syntax Error: Expected Name, found \"|\"."sv, 1, 13},
      {"enum E {}"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 9},
      {"enum E { true }"sv,
       "Syntax Error: Name \"true\" is reserved and cannot be used for an enum value."sv, 1, 10},
      {"enum E { false }"sv,
       "Syntax Error: Name \"false\" is reserved and cannot be used for an enum value."sv, 1, 10},
      {"enum E { null }"sv,
       "Syntax Error: Name \"null\" is reserved and cannot be used for an enum value."sv, 1, 10},
      {"enum E { \"d\" \"null\" }"sv,
       "Syntax Error: String \"null\" is reserved and cannot be used for an enum value."sv, 1, 14},
      {"enum E { A B: }"sv, "Syntax Error: Expected Name, found \":\"."sv, 1, 13},
      {"input I {}"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 10},
      {"input I { a }"sv, "Syntax Error: Expected \":\", found \"}\"."sv, 1, 13},
      {"input I { a: Int = $v }"sv, "Syntax Error: Unexpected variable \"$v\" in constant value."sv,
       1, 20},
      {"directive"sv, "Syntax Error: Expected \"@\", found <EOF>."sv, 1, 10},
      {"directive d on FIELD"sv, "Syntax Error: Expected \"@\", found Name \"d\"."sv, 1, 11},
      {"directive @d"sv, "Syntax Error: Expected \"on\", found <EOF>."sv, 1, 13},
      {"directive @d on"sv, "Syntax Error: Expected Name, found <EOF>."sv, 1, 16},
      {"directive @d on FOO"sv, "Syntax Error: Unexpected Name \"FOO\"."sv, 1, 17},
      {"directive @d on FIELD | FOO"sv, "Syntax Error: Unexpected Name \"FOO\"."sv, 1, 25},
      {"directive @d on FIELD |"sv, "Syntax Error: Expected Name, found <EOF>."sv, 1, 24},
      {"directive @d repeatable"sv, "Syntax Error: Expected \"on\", found <EOF>."sv, 1, 24},
      {"directive @d repeatable repeatable on FIELD"sv,
       "Syntax Error: Expected \"on\", found Name \"repeatable\"."sv, 1, 25},
      {"directive @d(a: Int = $x) on FIELD"sv,
       "Syntax Error: Unexpected variable \"$x\" in constant value."sv, 1, 23},
      {"directive @d on field"sv, "Syntax Error: Unexpected Name \"field\"."sv, 1, 17},
      {"extend"sv, "Syntax Error: Unexpected <EOF>."sv, 1, 7},
      {"extend foo"sv, "Syntax Error: Unexpected Name \"foo\"."sv, 1, 8},
      {"extend schema"sv, "Syntax Error: Unexpected <EOF>."sv, 1, 14},
      {"extend schema {}"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 16},
      {"extend scalar S"sv, "Syntax Error: Unexpected <EOF>."sv, 1, 16},
      {"extend type T"sv, "Syntax Error: Unexpected <EOF>."sv, 1, 14},
      {"extend type T {}"sv, "Syntax Error: Expected Name, found \"}\"."sv, 1, 16},
      {"extend interface I"sv, "Syntax Error: Unexpected <EOF>."sv, 1, 19},
      {"extend union U"sv, "Syntax Error: Unexpected <EOF>."sv, 1, 15},
      {"extend enum E"sv, "Syntax Error: Unexpected <EOF>."sv, 1, 14},
      {"extend input I"sv, "Syntax Error: Unexpected <EOF>."sv, 1, 15},
      {"extend directive @d"sv, "Syntax Error: Unexpected Name \"directive\"."sv, 1, 8},
      {"extend \"x\" type T @d"sv, "Syntax Error: Unexpected String \"x\"."sv, 1, 8},
      {"{\n  a(x: \"abc\n}"sv, "Syntax Error: Unterminated string."sv, 2, 12},
      {"{\r\n  a(x: 0x1)\r\n}"sv, "Syntax Error: Invalid number, expected digit but got: \"x\"."sv,
       2, 9},
      {"{\r  b\r  c(x: 1.)\r}"sv, "Syntax Error: Invalid number, expected digit but got: \")\"."sv,
       3, 10},
      {"{ a(x: \"\"\"abc"sv, "Syntax Error: Unterminated string."sv, 1, 14},
      {"{ a(x: 'x') }"sv,
       "Syntax Error: Unexpected single quote character ('), did you mean to use a double quote (\")?"sv,
       1, 8},
      {"{ a(x: \"\\x\") }"sv, "Syntax Error: Invalid character escape sequence: \"\\x\"."sv, 1, 9},
      {"{ a(x: \"\\u{}\") }"sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{}\"."sv, 1,
       9},
      {"{ a(x: \"\\uD800\") }"sv, "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\"."sv,
       1, 9},
      {"{\n  é\n}"sv, "Syntax Error: Unexpected character: U+00E9."sv, 2, 3},
      {"{\n  a(x: \"😀\", y: ?) }"sv, "Syntax Error: Unexpected character: \"?\"."sv, 2, 17},
      {"{ a(x: \"😀\") b(x: 01) }"sv,
       "Syntax Error: Invalid number, unexpected digit after 0: \"1\"."sv, 1, 20},
      {"\xEF\xBB\xBF"
       "{ a(x: $) }"sv,
       "Syntax Error: Expected Name, found \")\"."sv, 1, 10},
  };
  for (const ErrorCase& c : cases) expect_error(c.src, c.message, c.line, c.column);
}

TEST(GraphQLParserErrors, ErrorOffsetIsAByteOffset) {
  ParseResult r = parse_document("{ a(x: \"😀\") b(x: 01) }");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->offset, 21u);
  EXPECT_EQ(r.error->column, 20u) << "the column counts 😀 as two UTF-16 units, not four bytes";
}

// ---------------------------------------------------------------------------
// Limits

TEST(GraphQLParserLimits, MaxTokensLikeGraphQLJs) {
  struct Case {
    std::string_view src;
    size_t max_tokens;
    std::string_view message;
    size_t line;
    size_t column;
  };
  const Case cases[] = {
      {"{ a b }"sv, 3, "Syntax Error: Document contains more that 3 tokens. Parsing aborted."sv, 1,
       7},
      {"query { a }"sv, 2, "Syntax Error: Document contains more that 2 tokens. Parsing aborted."sv,
       1, 9},
      {"{ a ?"sv, 2, "Syntax Error: Unexpected character: \"?\"."sv, 1, 5},
      {"{ a }"sv, 0, "Syntax Error: Document contains more that 0 tokens. Parsing aborted."sv, 1,
       1},
      {"{ a(x: [1, 2, 3]) }"sv, 10,
       "Syntax Error: Document contains more that 10 tokens. Parsing aborted."sv, 1, 17},
      {"{ a(x: [1, 2, 3]) }"sv, 11,
       "Syntax Error: Document contains more that 11 tokens. Parsing aborted."sv, 1, 19},
      {"\"d\" type T { f: Int }"sv, 7,
       "Syntax Error: Document contains more that 7 tokens. Parsing aborted."sv, 1, 21},
      {"\"d\" type T { f: Int }"sv, 6,
       "Syntax Error: Document contains more that 6 tokens. Parsing aborted."sv, 1, 17},
      {"extend type T @d"sv, 4,
       "Syntax Error: Document contains more that 4 tokens. Parsing aborted."sv, 1, 16},
  };
  for (const Case& c : cases) {
    ParseOptions o;
    o.max_tokens = c.max_tokens;
    expect_error(c.src, c.message, c.line, c.column, o);
  }
}

TEST(GraphQLParserLimits, TokenCountLikeGraphQLJs) {
  // graphql-js 16.15's document.tokenCount for these documents; comments
  // and <EOF> do not count.
  ParseOptions o;
  o.max_tokens = 3;
  ParseResult r = parse_document("{ a }", o);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.token_count, 3u);
  r = parse_document("# c\n{ a } # d", o);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.token_count, 3u);
  o.max_tokens = 5;
  r = parse_document("extend type T @d", o);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.token_count, 5u);
  r = parse_document(
      "query Q($a: [Int!]! = [1]) @d { ...F ... on T { b } }\nfragment F on T { c }");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.token_count, 35u);
}

TEST(GraphQLParserLimits, MaxBytes) {
  ParseOptions o;
  o.max_bytes = 5;
  EXPECT_TRUE(parse_document("{ a }", o).ok());
  expect_error("{ a }\n", "Syntax Error: Document contains more than 5 bytes. Parsing aborted.", 1,
               6, o);
  o.max_bytes = 3;
  expect_error("{\n  a }", "Syntax Error: Document contains more than 3 bytes. Parsing aborted.", 2,
               2, o);
  // A limit that falls between \r and \n is reported at the \r.
  o.max_bytes = 4;
  expect_error("{ a\r\n}", "Syntax Error: Document contains more than 4 bytes. Parsing aborted.", 1,
               4, o);
  o.max_bytes = 0;
  EXPECT_EQ(parse_document("", o).error->message, "Syntax Error: Unexpected <EOF>.");
  expect_error(" ", "Syntax Error: Document contains more than 0 bytes. Parsing aborted.", 1, 1, o);
  // The default is 1 MiB.
  EXPECT_EQ(ParseOptions().max_bytes, 1024u * 1024u);
  std::string big = "{ a }" + std::string(1024 * 1024, ' ');
  EXPECT_FALSE(parse_document(big).ok());
  EXPECT_TRUE(parse_document(big.substr(0, 1024 * 1024)).ok());
}

TEST(GraphQLParserLimits, DepthOfSelectionSets) {
  EXPECT_TRUE(parse_document("{ a { b { c } } }", depth(3)).ok());
  expect_error("{ a { b { c { d } } } }",
               "Syntax Error: Document is nested deeper than 3 levels. Parsing aborted.", 1, 13,
               depth(3));
  // Siblings do not add up; inline fragments nest like fields.
  EXPECT_TRUE(parse_document("{ a { b } c { d } ... on T { e } }", depth(2)).ok());
  expect_error("{ ... on T { a } }",
               "Syntax Error: Document is nested deeper than 1 levels. Parsing aborted.", 1, 12,
               depth(1));
  expect_error("query Q { a }\nfragment F on T { a { b } }",
               "Syntax Error: Document is nested deeper than 1 levels. Parsing aborted.", 2, 21,
               depth(1));
}

TEST(GraphQLParserLimits, DepthOfValues) {
  EXPECT_TRUE(parse_document("{ a(x: [1], y: {z: 2}) }", depth(2)).ok());
  expect_error("{ a(x: [[1]]) }",
               "Syntax Error: Document is nested deeper than 2 levels. Parsing aborted.", 1, 9,
               depth(2));
  expect_error("{ a(x: {b: {c: 1}}) }",
               "Syntax Error: Document is nested deeper than 2 levels. Parsing aborted.", 1, 12,
               depth(2));
  expect_error("{ a(x: [{b: [1]}]) }",
               "Syntax Error: Document is nested deeper than 3 levels. Parsing aborted.", 1, 13,
               depth(3));
  // Values outside selection sets: default values, directives, type system.
  EXPECT_TRUE(parse_document("query Q($v: T = [[1]]) { a }", depth(2)).ok());
  expect_error("query Q($v: T = [[[1]]]) { a }",
               "Syntax Error: Document is nested deeper than 2 levels. Parsing aborted.", 1, 19,
               depth(2));
  expect_error("type T @d(x: {a: {b: 1}}) { f: Int }",
               "Syntax Error: Document is nested deeper than 1 levels. Parsing aborted.", 1, 18,
               depth(1));
}

TEST(GraphQLParserLimits, DepthOfListTypes) {
  EXPECT_TRUE(parse_document("query ($a: [[Int]]) { a }", depth(2)).ok());
  expect_error("query ($a: [[[Int]]]) { a }",
               "Syntax Error: Document is nested deeper than 2 levels. Parsing aborted.", 1, 14,
               depth(2));
  expect_error("type T { f(a: [[Int!]!]!): Int }",
               "Syntax Error: Document is nested deeper than 1 levels. Parsing aborted.", 1, 16,
               depth(1));
}

TEST(GraphQLParserLimits, DefaultDepthIs256) {
  EXPECT_EQ(ParseOptions().max_depth, 256u);
  EXPECT_TRUE(parse_document(nested_selections(256)).ok());
  ParseResult r = parse_document(nested_selections(257));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->message,
            "Syntax Error: Document is nested deeper than 256 levels. Parsing aborted.");
  EXPECT_EQ(r.error->column, 256u * 4 + 1);
  // A field's arguments nest inside its selection sets.
  std::string src =
      repeat("{ a ", 250) + "{ b(x: " + repeat("[", 6) + repeat("]", 6) + ") }" + repeat("} ", 250);
  EXPECT_FALSE(parse_document(src).ok());
}

TEST(GraphQLParserLimits, HostileNestingFailsCleanly) {
  // Far deeper than any stack would take unchecked; each fails at the limit.
  ParseOptions o;
  o.max_bytes = 8 * 1024 * 1024;
  const std::string inputs[] = {
      "{ a(x: " + repeat("[", 1000000),
      "{ a(x: " + repeat("{a:", 1000000),
      "query ($a: " + repeat("[", 1000000),
      repeat("{ a ", 1000000),
      repeat("{a", 1000000),
  };
  for (const std::string& src : inputs) {
    ParseResult r = parse_document(src, o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->message,
              "Syntax Error: Document is nested deeper than 256 levels. Parsing aborted.");
  }
}

TEST(GraphQLParserLimits, DepthCeiling) {
  // Whatever the options say, nesting stops at kMaxDepthCeiling.
  ParseOptions o;
  o.max_depth = SIZE_MAX;
  o.max_bytes = 1 << 20;
  EXPECT_TRUE(parse_document(nested_selections(kMaxDepthCeiling), o).ok());
  ParseResult r = parse_document(nested_selections(kMaxDepthCeiling + 1), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->message, "Syntax Error: Document is nested deeper than " +
                                  std::to_string(kMaxDepthCeiling) + " levels. Parsing aborted.");
  std::string lists =
      "{ a(x: " + repeat("[", kMaxDepthCeiling - 1) + repeat("]", kMaxDepthCeiling - 1) + ") }";
  EXPECT_TRUE(parse_document(lists, o).ok());
}

TEST(GraphQLParserErrors, EveryPrefixFailsCleanlyOrParses) {
  // Cutting a document anywhere gives a parse or an error with a position
  // inside the source, never a crash.
  const std::string_view src =
      "query Q($v: [In!]! = [{a: 1.5e3, b: \"s\\u{1F600}\"}]) @d(x: $v) {\n"
      "  alias: f(a: $v, b: \"\"\"\n    block \\\"\"\" \"\"\") { ...F ... on T { g } }\n"
      "}\n"
      "\"desc\" type T implements I & J @d { f(a: Int = 1): [T!]! }\n"
      "extend union U = | A | B\n"
      "directive @d(x: Int) repeatable on FIELD | QUERY\n";
  ASSERT_TRUE(parse_document(src).ok());
  size_t failures = 0;
  for (size_t n = 0; n < src.size(); ++n) {
    ParseResult r = parse_document(src.substr(0, n));
    if (r.ok()) continue;
    ++failures;
    EXPECT_GE(r.error->line, 1u);
    EXPECT_GE(r.error->column, 1u);
    EXPECT_LE(r.error->offset, n);
    EXPECT_EQ(r.error->message.rfind("Syntax Error: ", 0), 0u) << r.error->message;
  }
  EXPECT_GT(failures, src.size() / 2);
}
