// Tests of the GraphQL lexer (core/graphql/lexer.hpp).
//
// Every expected token value, error message, line and column in the tables
// below was checked against graphql-js 16 (16.8.1, whose lexer is the same
// as 16.15's): the inputs were lexed with graphql-js's Lexer under node and
// the results pasted here. The few exceptions say so where they are.
#include "core/graphql/lexer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

using namespace std::string_view_literals;
using pg_gateway::graphql::block_string_value;
using pg_gateway::graphql::describe_token;
using pg_gateway::graphql::describe_token_kind;
using pg_gateway::graphql::Lexer;
using pg_gateway::graphql::LexResult;
using pg_gateway::graphql::locate;
using pg_gateway::graphql::SyntaxError;
using pg_gateway::graphql::Token;
using pg_gateway::graphql::tokenize;
using pg_gateway::graphql::TokenKind;

namespace {

// The tokens of `src` without the final <EOF>; fails the test on an error.
std::vector<Token> lex_ok(std::string_view src, bool comments = false) {
  LexResult r = tokenize(src, comments);
  EXPECT_FALSE(r.error) << r.error->message;
  if (r.error || r.tokens.empty()) return {};
  EXPECT_EQ(r.tokens.back().kind, TokenKind::kEOF);
  r.tokens.pop_back();
  return r.tokens;
}

std::vector<TokenKind> kinds(const std::vector<Token>& tokens) {
  std::vector<TokenKind> out;
  for (const Token& t : tokens) out.push_back(t.kind);
  return out;
}

struct ValidToken {
  std::string_view src;
  TokenKind kind;
  std::string_view value;
};

struct ErrorCase {
  std::string_view src;
  std::string_view message;
  size_t line;
  size_t column;
};

void expect_error(const ErrorCase& c) {
  SCOPED_TRACE(std::string(c.src));
  LexResult r = tokenize(c.src);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->message, c.message);
  EXPECT_EQ(r.error->line, c.line);
  EXPECT_EQ(r.error->column, c.column);
}

}  // namespace

// ---------------------------------------------------------------------------
// Tokens

TEST(GraphQLLexer, Punctuators) {
  std::vector<Token> t = lex_ok("! $ & ( ) ... : = @ [ ] { | }");
  EXPECT_EQ(kinds(t),
            (std::vector<TokenKind>{TokenKind::kBang, TokenKind::kDollar, TokenKind::kAmp,
                                    TokenKind::kParenL, TokenKind::kParenR, TokenKind::kSpread,
                                    TokenKind::kColon, TokenKind::kEquals, TokenKind::kAt,
                                    TokenKind::kBracketL, TokenKind::kBracketR, TokenKind::kBraceL,
                                    TokenKind::kPipe, TokenKind::kBraceR}));
  ASSERT_EQ(t.size(), 14u);
  EXPECT_EQ(t[5].start, 10u);
  EXPECT_EQ(t[5].end, 13u);
  EXPECT_EQ(t[5].column, 11u);
  for (const Token& tok : t) EXPECT_TRUE(tok.value.empty());
}

TEST(GraphQLLexer, PunctuatorsNeedNoSpaces) {
  std::vector<Token> t = lex_ok("{a(b:$c){...d}}");
  EXPECT_EQ(kinds(t), (std::vector<TokenKind>{
                          TokenKind::kBraceL, TokenKind::kName, TokenKind::kParenL,
                          TokenKind::kName, TokenKind::kColon, TokenKind::kDollar, TokenKind::kName,
                          TokenKind::kParenR, TokenKind::kBraceL, TokenKind::kSpread,
                          TokenKind::kName, TokenKind::kBraceR, TokenKind::kBraceR}));
}

TEST(GraphQLLexer, EveryValueTokenKind) {
  std::vector<Token> t = lex_ok("name 12 -1.5e3 \"str\" \"\"\"block\"\"\"");
  EXPECT_EQ(kinds(t), (std::vector<TokenKind>{TokenKind::kName, TokenKind::kInt, TokenKind::kFloat,
                                              TokenKind::kString, TokenKind::kBlockString}));
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].value, "name");
  EXPECT_EQ(t[1].value, "12");
  EXPECT_EQ(t[2].value, "-1.5e3");
  EXPECT_EQ(t[3].value, "str");
  EXPECT_EQ(t[4].value, "block");
  EXPECT_EQ(t[4].start, 21u);
  EXPECT_EQ(t[4].end, 32u);
}

TEST(GraphQLLexer, EmptySourceIsJustEOF) {
  LexResult r = tokenize("");
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.tokens.size(), 1u);
  EXPECT_EQ(r.tokens[0].kind, TokenKind::kEOF);
  EXPECT_EQ(r.tokens[0].line, 1u);
  EXPECT_EQ(r.tokens[0].column, 1u);
  r = tokenize(" \n\t, ");
  ASSERT_EQ(r.tokens.size(), 1u);
  EXPECT_EQ(r.tokens[0].start, 5u);
  EXPECT_EQ(r.tokens[0].line, 2u);
  EXPECT_EQ(r.tokens[0].column, 4u);
}

TEST(GraphQLLexer, SingleTokens) {
  // Each source is exactly one token; value as graphql-js has it.
  const ValidToken cases[] = {
      {"0"sv, TokenKind::kInt, "0"sv},
      {"-0"sv, TokenKind::kInt, "-0"sv},
      {"7"sv, TokenKind::kInt, "7"sv},
      {"-7"sv, TokenKind::kInt, "-7"sv},
      {"1234567890"sv, TokenKind::kInt, "1234567890"sv},
      {"0.0"sv, TokenKind::kFloat, "0.0"sv},
      {"-0.5"sv, TokenKind::kFloat, "-0.5"sv},
      {"1.5"sv, TokenKind::kFloat, "1.5"sv},
      {"1e10"sv, TokenKind::kFloat, "1e10"sv},
      {"1E10"sv, TokenKind::kFloat, "1E10"sv},
      {"1e+10"sv, TokenKind::kFloat, "1e+10"sv},
      {"1e-10"sv, TokenKind::kFloat, "1e-10"sv},
      {"1.5e3"sv, TokenKind::kFloat, "1.5e3"sv},
      {"-1.5E-3"sv, TokenKind::kFloat, "-1.5E-3"sv},
      {"0e0"sv, TokenKind::kFloat, "0e0"sv},
      {"123456789012345678901234567890"sv, TokenKind::kInt, "123456789012345678901234567890"sv},
      {"\"\""sv, TokenKind::kString, ""sv},
      {"\"simple\""sv, TokenKind::kString, "simple"sv},
      {"\" white space \""sv, TokenKind::kString, " white space "sv},
      {"\"quote \\\"\""sv, TokenKind::kString, "quote \""sv},
      {"\"escaped \\n\\r\\b\\t\\f\""sv, TokenKind::kString,
       "escaped \n\r\x08"
       "\t\x0c"
       ""sv},
      {"\"slashes \\\\ \\/\""sv, TokenKind::kString, "slashes \\ /"sv},
      {"\"unicode \\u1234\\u5678\\u90AB\\uCDEF\""sv, TokenKind::kString, "unicode ሴ噸邫췯"sv},
      {"\"\\u{1234}\""sv, TokenKind::kString, "ሴ"sv},
      {"\"\\u{0}\""sv, TokenKind::kString,
       "\x00"
       ""sv},
      {"\"\\u{10FFFF}\""sv, TokenKind::kString, "􏿿"sv},
      {"\"\\u{00000041}\""sv, TokenKind::kString, "A"sv},
      {"\"\\u{1F600}\""sv, TokenKind::kString, "😀"sv},
      {"\"\\uD83D\\uDE00\""sv, TokenKind::kString, "😀"sv},
      {"\"\\uD83D\\uDE00\\uD83D\\uDE00\""sv, TokenKind::kString, "😀😀"sv},
      {"\"é😀\""sv, TokenKind::kString, "é😀"sv},
      {"\"\\u00E9\""sv, TokenKind::kString, "é"sv},
      {"\"\x00"
       "\""sv,
       TokenKind::kString,
       "\x00"
       ""sv},
      {"\"\x07"
       " bell\""sv,
       TokenKind::kString,
       "\x07"
       " bell"sv},
      {"\"tab\there\""sv, TokenKind::kString, "tab\there"sv},
      {"\"\xEF\xBB\xBF"
       "\""sv,
       TokenKind::kString,
       "\xEF\xBB\xBF"
       ""sv},
      {"\"\"\"\"\"\""sv, TokenKind::kBlockString, ""sv},
      {"\"\"\"simple\"\"\""sv, TokenKind::kBlockString, "simple"sv},
      {"\"\"\" white space \"\"\""sv, TokenKind::kBlockString, " white space "sv},
      {"\"\"\"contains \" quote\"\"\""sv, TokenKind::kBlockString, "contains \" quote"sv},
      {"\"\"\"contains \\\"\"\" triple quote\"\"\""sv, TokenKind::kBlockString,
       "contains \"\"\" triple quote"sv},
      {"\"\"\"multi\nline\"\"\""sv, TokenKind::kBlockString, "multi\nline"sv},
      {"\"\"\"multi\rline\r\nnormalized\"\"\""sv, TokenKind::kBlockString,
       "multi\nline\nnormalized"sv},
      {"\"\"\"unescaped \\n\\r\\b\\t\\f\\u1234\"\"\""sv, TokenKind::kBlockString,
       "unescaped \\n\\r\\b\\t\\f\\u1234"sv},
      {"\"\"\"slashes \\\\ \\/\"\"\""sv, TokenKind::kBlockString, "slashes \\\\ \\/"sv},
      {"\"\"\"\n\n        spans\n          multiple\n            lines\n\n        \"\"\""sv,
       TokenKind::kBlockString, "spans\n  multiple\n    lines"sv},
      {"\"\"\"  first\n    second\n      third\"\"\""sv, TokenKind::kBlockString,
       "  first\nsecond\n  third"sv},
      {"\"\"\"\n  \n  \"\"\""sv, TokenKind::kBlockString, ""sv},
      {"\"\"\"   \"\"\""sv, TokenKind::kBlockString, ""sv},
      {"\"\"\"\n\ta\n\t\tb\n\"\"\""sv, TokenKind::kBlockString, "a\n\tb"sv},
      {"\"\"\"\n  a\n    \n  b\n\"\"\""sv, TokenKind::kBlockString, "a\n  \nb"sv},
      {"\"\"\"x\\\"\"\"\"\"\""sv, TokenKind::kBlockString, "x\"\"\""sv},
      {"\"\"\"\"x\"\"\""sv, TokenKind::kBlockString, "\"x"sv},
      {"\"\"\"é😀\n  😀\"\"\""sv, TokenKind::kBlockString, "é😀\n😀"sv},
      {"\"\"\"\r\n  a\r\n  b\r\n\"\"\""sv, TokenKind::kBlockString, "a\nb"sv},
      {"\"\"\"a\x00"
       "b\"\"\""sv,
       TokenKind::kBlockString,
       "a\x00"
       "b"sv},
      {"a"sv, TokenKind::kName, "a"sv},
      {"_"sv, TokenKind::kName, "_"sv},
      {"__typename"sv, TokenKind::kName, "__typename"sv},
      {"a1_B2"sv, TokenKind::kName, "a1_B2"sv},
      {"# a\n# b\nx"sv, TokenKind::kName, "x"sv},
      {"#é😀\nx"sv, TokenKind::kName, "x"sv},
      {"\xEF\xBB\xBF"
       "x"sv,
       TokenKind::kName, "x"sv},
      {",,x,,"sv, TokenKind::kName, "x"sv},
      {"\t x"sv, TokenKind::kName, "x"sv},
      {"\r\r\nx"sv, TokenKind::kName, "x"sv},
  };
  for (const ValidToken& c : cases) {
    SCOPED_TRACE(std::string(c.src));
    std::vector<Token> t = lex_ok(c.src);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].kind, c.kind);
    EXPECT_EQ(t[0].value, c.value);
  }
}

TEST(GraphQLLexer, NumbersEndAtPunctuatorsAndSpaces) {
  EXPECT_EQ(kinds(lex_ok("1,2")), (std::vector<TokenKind>{TokenKind::kInt, TokenKind::kInt}));
  EXPECT_EQ(kinds(lex_ok("[1]")),
            (std::vector<TokenKind>{TokenKind::kBracketL, TokenKind::kInt, TokenKind::kBracketR}));
  EXPECT_EQ(kinds(lex_ok("1!")), (std::vector<TokenKind>{TokenKind::kInt, TokenKind::kBang}));
  EXPECT_EQ(kinds(lex_ok("-1)")), (std::vector<TokenKind>{TokenKind::kInt, TokenKind::kParenR}));
  EXPECT_EQ(kinds(lex_ok("1e1}")), (std::vector<TokenKind>{TokenKind::kFloat, TokenKind::kBraceR}));
  // A "." after digits always starts a fraction, even in "1..." (as in graphql-js).
  expect_error({"1..."sv, "Syntax Error: Invalid number, expected digit but got: \".\"."sv, 1, 3});
}

TEST(GraphQLLexer, Comments) {
  std::vector<Token> t = lex_ok("# one\nx # two, with \"quotes\"\r\n#\n#é😀", true);
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].kind, TokenKind::kComment);
  EXPECT_EQ(t[0].value, " one");
  EXPECT_EQ(t[1].kind, TokenKind::kName);
  EXPECT_EQ(t[2].value, " two, with \"quotes\"");
  EXPECT_EQ(t[2].line, 2u);
  EXPECT_EQ(t[2].column, 3u);
  EXPECT_EQ(t[3].value, "");
  EXPECT_EQ(t[4].value, "é😀");
  EXPECT_EQ(t[4].end, t[4].start + 7);
  // Without comments only the name is left.
  EXPECT_EQ(kinds(lex_ok("# one\nx # two")), (std::vector<TokenKind>{TokenKind::kName}));
}

TEST(GraphQLLexer, IgnoredTokens) {
  // Commas, tabs, spaces, line terminators and the BOM (anywhere) are ignored.
  std::vector<Token> t = lex_ok(
      "\xEF\xBB\xBF,a,\t,b\xEF\xBB\xBF"
      "c ,,, d");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].value, "a");
  EXPECT_EQ(t[0].start, 4u);
  EXPECT_EQ(t[0].column, 3u) << "the BOM counts one column, like U+FEFF in JavaScript";
  EXPECT_EQ(t[1].value, "b");
  EXPECT_EQ(t[2].value, "c");
  EXPECT_EQ(t[2].start, 12u);
  EXPECT_EQ(t[2].column, 9u);
  EXPECT_EQ(t[3].value, "d");
}

// ---------------------------------------------------------------------------
// Locations

TEST(GraphQLLexer, LinesEndAtLfCrLfAndLoneCr) {
  std::vector<Token> t = lex_ok("a\r\nb\rc\nd\n\re\r\r\nf");
  ASSERT_EQ(t.size(), 6u);
  size_t expected_lines[] = {1, 2, 3, 4, 6, 8};
  for (size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(t[i].line, expected_lines[i]) << t[i].value;
    EXPECT_EQ(t[i].column, 1u) << t[i].value;
  }
  EXPECT_EQ(t[5].start, 14u);
}

TEST(GraphQLLexer, ColumnsCountUtf16CodeUnits) {
  // é is one UTF-16 unit (two bytes), 😀 two units (four bytes).
  std::vector<Token> t = lex_ok("\"é😀\" x\n  \"😀\" y");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[1].value, "x");
  EXPECT_EQ(t[1].start, 9u);
  EXPECT_EQ(t[1].column, 7u);
  EXPECT_EQ(t[3].line, 2u);
  EXPECT_EQ(t[3].column, 8u);
}

TEST(GraphQLLexer, BlockStringsAdvanceTheLineCount) {
  std::vector<Token> t = lex_ok("\"\"\"\n\n\"\"\"\nname");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].line, 1u);
  EXPECT_EQ(t[1].line, 4u);
  EXPECT_EQ(t[1].column, 1u);
  t = lex_ok("x \"\"\"a\r\n  b\"\"\"\r  c");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].column, 3u);
  EXPECT_EQ(t[1].value, "a\nb");
  EXPECT_EQ(t[2].line, 3u);
  EXPECT_EQ(t[2].column, 3u);
}

TEST(GraphQLLexer, Locate) {
  std::string_view src = "ab\r\ncd\ref\ngh😀ij";
  EXPECT_EQ(locate(src, 0).line, 1u);
  EXPECT_EQ(locate(src, 0).column, 1u);
  EXPECT_EQ(locate(src, 2).column, 3u);
  EXPECT_EQ(locate(src, 4).line, 2u);
  EXPECT_EQ(locate(src, 4).column, 1u);
  EXPECT_EQ(locate(src, 7).line, 3u);
  EXPECT_EQ(locate(src, 10).line, 4u);
  EXPECT_EQ(locate(src, 16).column, 5u);  // after the emoji
  EXPECT_EQ(locate(src, src.size()).column, 7u);
  EXPECT_EQ(locate(src, 1000).column, 7u) << "offsets past the end are clamped";
  // Between \r and \n: the position of the \r.
  EXPECT_EQ(locate(src, 3).line, 1u);
  EXPECT_EQ(locate(src, 3).column, 3u);
}

// ---------------------------------------------------------------------------
// Errors

TEST(GraphQLLexer, NumberErrors) {
  const ErrorCase cases[] = {
      {"1 .. 2"sv, "Syntax Error: Unexpected character: \".\"."sv, 1, 3},
      {"00"sv, "Syntax Error: Invalid number, unexpected digit after 0: \"0\"."sv, 1, 2},
      {"01"sv, "Syntax Error: Invalid number, unexpected digit after 0: \"1\"."sv, 1, 2},
      {"-01"sv, "Syntax Error: Invalid number, unexpected digit after 0: \"1\"."sv, 1, 3},
      {"0x1"sv, "Syntax Error: Invalid number, expected digit but got: \"x\"."sv, 1, 2},
      {"0xF"sv, "Syntax Error: Invalid number, expected digit but got: \"x\"."sv, 1, 2},
      {"1a"sv, "Syntax Error: Invalid number, expected digit but got: \"a\"."sv, 1, 2},
      {"1."sv, "Syntax Error: Invalid number, expected digit but got: <EOF>."sv, 1, 3},
      {"1.e1"sv, "Syntax Error: Invalid number, expected digit but got: \"e\"."sv, 1, 3},
      {"1.2e"sv, "Syntax Error: Invalid number, expected digit but got: <EOF>."sv, 1, 5},
      {"1e"sv, "Syntax Error: Invalid number, expected digit but got: <EOF>."sv, 1, 3},
      {"1e+"sv, "Syntax Error: Invalid number, expected digit but got: <EOF>."sv, 1, 4},
      {"1E-"sv, "Syntax Error: Invalid number, expected digit but got: <EOF>."sv, 1, 4},
      {".5"sv, "Syntax Error: Unexpected character: \".\"."sv, 1, 1},
      {"1.2.3"sv, "Syntax Error: Invalid number, expected digit but got: \".\"."sv, 1, 4},
      {"-"sv, "Syntax Error: Invalid number, expected digit but got: <EOF>."sv, 1, 2},
      {"-a"sv, "Syntax Error: Invalid number, expected digit but got: \"a\"."sv, 1, 2},
      {"--1"sv, "Syntax Error: Invalid number, expected digit but got: \"-\"."sv, 1, 2},
      {"1_"sv, "Syntax Error: Invalid number, expected digit but got: \"_\"."sv, 1, 2},
      {"1e5e"sv, "Syntax Error: Invalid number, expected digit but got: \"e\"."sv, 1, 4},
      {"1.5_"sv, "Syntax Error: Invalid number, expected digit but got: \"_\"."sv, 1, 4},
      {"0.x"sv, "Syntax Error: Invalid number, expected digit but got: \"x\"."sv, 1, 3},
      {"1.a"sv, "Syntax Error: Invalid number, expected digit but got: \"a\"."sv, 1, 3},
      {"12.34.56"sv, "Syntax Error: Invalid number, expected digit but got: \".\"."sv, 1, 6},
      {"1e1.5"sv, "Syntax Error: Invalid number, expected digit but got: \".\"."sv, 1, 4},
      {"0b1"sv, "Syntax Error: Invalid number, expected digit but got: \"b\"."sv, 1, 2},
      {"1é"sv, "Syntax Error: Unexpected character: U+00E9."sv, 1, 2},
      {"ab-c"sv, "Syntax Error: Invalid number, expected digit but got: \"c\"."sv, 1, 4},
      {"."sv, "Syntax Error: Unexpected character: \".\"."sv, 1, 1},
      {".."sv, "Syntax Error: Unexpected character: \".\"."sv, 1, 1},
      {". . ."sv, "Syntax Error: Unexpected character: \".\"."sv, 1, 1},
      {"...."sv, "Syntax Error: Unexpected character: \".\"."sv, 1, 4},
  };
  for (const ErrorCase& c : cases) expect_error(c);
}

TEST(GraphQLLexer, StringErrors) {
  const ErrorCase cases[] = {
      {"\"unterminated"sv, "Syntax Error: Unterminated string."sv, 1, 14},
      {"\"multi\nline\""sv, "Syntax Error: Unterminated string."sv, 1, 7},
      {"\"multi\rline\""sv, "Syntax Error: Unterminated string."sv, 1, 7},
      {"\"\\z\""sv, "Syntax Error: Invalid character escape sequence: \"\\z\"."sv, 1, 2},
      {"\"\\x\""sv, "Syntax Error: Invalid character escape sequence: \"\\x\"."sv, 1, 2},
      {"\"\\\""sv, "Syntax Error: Unterminated string."sv, 1, 4},
      {"\"\\"sv, "Syntax Error: Invalid character escape sequence: \"\\\"."sv, 1, 2},
      {"\"\\u\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u\"\"."sv, 1, 2},
      {"\"\\u1\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u1\"\"."sv, 1, 2},
      {"\"\\u12\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u12\"\"."sv, 1, 2},
      {"\"\\u123\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u123\"\"."sv, 1, 2},
      {"\"\\uXXXX\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\uXXXX\"."sv, 1, 2},
      {"\"\\u{\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{\"\"."sv, 1, 2},
      {"\"\\u{}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{}\"."sv, 1, 2},
      {"\"\\u{G}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{G\"."sv, 1, 2},
      {"\"\\u{110000}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{110000}\"."sv, 1,
       2},
      {"\"\\u{FFFFFFFF}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{FFFFFFFF\"."sv,
       1, 2},
      {"\"\\u{7FFFFFFF}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{7FFFFFFF}\"."sv,
       1, 2},
      {"\"\\u{0FFFFFFF}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{0FFFFFFF}\"."sv,
       1, 2},
      {"\"\\u{000000041}\""sv,
       "Syntax Error: Invalid Unicode escape sequence: \"\\u{000000041\"."sv, 1, 2},
      {"\"\\u{41\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{41\"\"."sv, 1, 2},
      {"\"\\u{D800}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{D800}\"."sv, 1, 2},
      {"\"\\u{DFFF}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{DFFF}\"."sv, 1, 2},
      {"\"\\uD800\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\"."sv, 1, 2},
      {"\"\\uDBFF\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\uDBFF\"."sv, 1, 2},
      {"\"\\uDC00\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\uDC00\"."sv, 1, 2},
      {"\"\\uD800\\u0041\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\"."sv, 1,
       2},
      {"\"\\uD800\\uD800\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\"."sv, 1,
       2},
      {"\"\\uD800x\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\"."sv, 1, 2},
      {"\"\\uD800\\\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\"."sv, 1, 2},
      {"\"\\uD800\\u{DC00}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\"."sv, 1,
       2},
      {"\"\\u{é}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{é\"."sv, 1, 2},
      {"\"\\é\""sv, "Syntax Error: Invalid character escape sequence: \"\\é\"."sv, 1, 2},
      {"\"\\u12é4\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u12é4\"."sv, 1, 2},
      {"\"\"\"x\\\"\"\""sv, "Syntax Error: Unterminated string."sv, 1, 9},
      {"\"\"\"\\\\\"\"\"\"\""sv, "Syntax Error: Unterminated string."sv, 1, 11},
      {"\"\"\"unterminated"sv, "Syntax Error: Unterminated string."sv, 1, 16},
      {"\"\"\"unterminated\n\n"sv, "Syntax Error: Unterminated string."sv, 3, 1},
  };
  for (const ErrorCase& c : cases) expect_error(c);
}

TEST(GraphQLLexer, CharacterErrors) {
  const ErrorCase cases[] = {
      {"'"sv,
       "Syntax Error: Unexpected single quote character ('), did you mean to use a double quote (\")?"sv,
       1, 1},
      {"?"sv, "Syntax Error: Unexpected character: \"?\"."sv, 1, 1},
      {"^"sv, "Syntax Error: Unexpected character: \"^\"."sv, 1, 1},
      {"~"sv, "Syntax Error: Unexpected character: \"~\"."sv, 1, 1},
      {"%"sv, "Syntax Error: Unexpected character: \"%\"."sv, 1, 1},
      {"*"sv, "Syntax Error: Unexpected character: \"*\"."sv, 1, 1},
      {"+"sv, "Syntax Error: Unexpected character: \"+\"."sv, 1, 1},
      {"\\"sv, "Syntax Error: Unexpected character: \"\\\"."sv, 1, 1},
      {"/"sv, "Syntax Error: Unexpected character: \"/\"."sv, 1, 1},
      {"<"sv, "Syntax Error: Unexpected character: \"<\"."sv, 1, 1},
      {">"sv, "Syntax Error: Unexpected character: \">\"."sv, 1, 1},
      {";"sv, "Syntax Error: Unexpected character: \";\"."sv, 1, 1},
      {"`"sv, "Syntax Error: Unexpected character: \"`\"."sv, 1, 1},
      {"\x00"
       ""sv,
       "Syntax Error: Unexpected character: U+0000."sv, 1, 1},
      {"\x01"
       ""sv,
       "Syntax Error: Unexpected character: U+0001."sv, 1, 1},
      {"\x0b"
       ""sv,
       "Syntax Error: Unexpected character: U+000B."sv, 1, 1},
      {"\x0c"
       ""sv,
       "Syntax Error: Unexpected character: U+000C."sv, 1, 1},
      {"\x7f"
       ""sv,
       "Syntax Error: Unexpected character: U+007F."sv, 1, 1},
      {"\xC2\xA0"sv, "Syntax Error: Unexpected character: U+00A0."sv, 1, 1},
      {"\xE2\x80\xA8"sv, "Syntax Error: Unexpected character: U+2028."sv, 1, 1},
      {"é"sv, "Syntax Error: Unexpected character: U+00E9."sv, 1, 1},
      {"😀"sv, "Syntax Error: Unexpected character: U+1F600."sv, 1, 1},
      {"\xEF\xBF\xBD"sv, "Syntax Error: Unexpected character: U+FFFD."sv, 1, 1},
      {"x 😀"sv, "Syntax Error: Unexpected character: U+1F600."sv, 1, 3},
      {"# 😀\n 😀"sv, "Syntax Error: Unexpected character: U+1F600."sv, 2, 2},
      // graphql-js reports an unpaired surrogate in a JavaScript string like
      // this; here it is the surrogate's three-byte UTF-8 form.
      {"\xED\xA0\x80"sv, "Syntax Error: Invalid character: U+D800."sv, 1, 1},
      {"\"\xED\xA0\x80\""sv, "Syntax Error: Invalid character within String: U+D800."sv, 1, 2},
      {"\"\"\"\xED\xB0\x80\"\"\""sv, "Syntax Error: Invalid character within String: U+DC00."sv, 1,
       4},
      {"# \xED\xA0\x80\nx"sv, "Syntax Error: Invalid character: U+D800."sv, 1, 3},
  };
  for (const ErrorCase& c : cases) expect_error(c);
}

TEST(GraphQLLexer, EscapesCutThroughAnAstralCharacter) {
  // Not graphql-js's text: JavaScript cuts 😀 in half (a lone surrogate) in
  // these messages; we quote the whole character.
  expect_error({"\"\\😀\""sv, "Syntax Error: Invalid character escape sequence: \"\\😀\"."sv, 1, 2});
  expect_error(
      {"\"\\u{12😀}\""sv, "Syntax Error: Invalid Unicode escape sequence: \"\\u{12😀\"."sv, 1, 2});
}

TEST(GraphQLLexer, InvalidUtf8) {
  // No JavaScript string has these; they fail where graphql-js would fail on
  // an unpaired surrogate, naming the byte.
  const ErrorCase cases[] = {
      {"\xFF"sv, "Syntax Error: Invalid character: invalid UTF-8 byte 0xFF."sv, 1, 1},
      {"x \xC3"sv, "Syntax Error: Invalid character: invalid UTF-8 byte 0xC3."sv, 1, 3},
      {"\xC0\x80"sv, "Syntax Error: Invalid character: invalid UTF-8 byte 0xC0."sv, 1, 1},
      {"\xE0\x80\x80"sv, "Syntax Error: Invalid character: invalid UTF-8 byte 0xE0."sv, 1, 1},
      {"\xF4\x90\x80\x80"sv, "Syntax Error: Invalid character: invalid UTF-8 byte 0xF4."sv, 1, 1},
      {"\x80"sv, "Syntax Error: Invalid character: invalid UTF-8 byte 0x80."sv, 1, 1},
      {"\"ab\xFE\""sv, "Syntax Error: Invalid character within String: invalid UTF-8 byte 0xFE."sv,
       1, 4},
      {"\"\"\"\n\xE2\x82\"\"\""sv,
       "Syntax Error: Invalid character within String: invalid UTF-8 byte 0xE2."sv, 2, 1},
      {"# comment \xFF\nx"sv, "Syntax Error: Invalid character: invalid UTF-8 byte 0xFF."sv, 1, 11},
      {"1\xFF"sv, "Syntax Error: Invalid character: invalid UTF-8 byte 0xFF."sv, 1, 2},
      {"-\xFF"sv,
       "Syntax Error: Invalid number, expected digit but got: invalid UTF-8 byte 0xFF."sv, 1, 2},
      // Invalid bytes in an escape's quoted text become U+FFFD.
      {"\"\\\xFF\""sv, "Syntax Error: Invalid character escape sequence: \"\\\xEF\xBF\xBD\"."sv, 1,
       2},
  };
  for (const ErrorCase& c : cases) expect_error(c);
}

TEST(GraphQLLexer, ValidUtf8IsAcceptedInStringsAndComments) {
  std::vector<Token> t = lex_ok(
      "\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F"
      "\xBF\xBF\" # \xE2\x82\xAC");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].value, "\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
}

// ---------------------------------------------------------------------------
// The Lexer class and helpers

TEST(GraphQLLexer, AdvanceSkipsCommentsAndStopsAtEOF) {
  Lexer lx("a # c\n b");
  EXPECT_EQ(lx.token().kind, TokenKind::kSOF);
  EXPECT_EQ(lx.lookahead().value, "a");
  EXPECT_EQ(lx.token().kind, TokenKind::kSOF) << "lookahead does not move";
  EXPECT_EQ(lx.advance().value, "a");
  EXPECT_EQ(lx.lookahead().value, "b");
  EXPECT_EQ(lx.advance().value, "b");
  EXPECT_EQ(lx.last_token_end(), 1u);
  EXPECT_EQ(lx.advance().kind, TokenKind::kEOF);
  EXPECT_EQ(lx.last_token_end(), 8u);
  EXPECT_EQ(lx.advance().kind, TokenKind::kEOF);
  EXPECT_EQ(lx.lookahead().kind, TokenKind::kEOF);
  EXPECT_EQ(lx.token().start, 8u);
}

TEST(GraphQLLexer, AdvanceThrowsSyntaxError) {
  Lexer lx("a ?");
  lx.advance();
  try {
    lx.advance();
    FAIL() << "no exception";
  } catch (const SyntaxError& e) {
    EXPECT_EQ(e.description, "Unexpected character: \"?\".");
    EXPECT_EQ(e.offset, 2u);
  }
}

TEST(GraphQLLexer, TokenDescriptions) {
  EXPECT_EQ(describe_token_kind(TokenKind::kBraceL), "\"{\"");
  EXPECT_EQ(describe_token_kind(TokenKind::kSpread), "\"...\"");
  EXPECT_EQ(describe_token_kind(TokenKind::kName), "Name");
  EXPECT_EQ(describe_token_kind(TokenKind::kEOF), "<EOF>");
  EXPECT_EQ(describe_token_kind(TokenKind::kBlockString), "BlockString");
  Token t;
  t.kind = TokenKind::kString;
  t.value = "x";
  EXPECT_EQ(describe_token(t), "String \"x\"");
  t.kind = TokenKind::kAmp;
  t.value.clear();
  EXPECT_EQ(describe_token(t), "\"&\"");
}

TEST(GraphQLLexer, BlockStringValue) {
  // The examples of the spec's BlockStringValue() and graphql-js's tests.
  using V = std::vector<std::string>;
  EXPECT_EQ(block_string_value(V{""}), "");
  EXPECT_EQ(block_string_value(V{"", "  Hello,", "    World!", "", "  Yours,", "    GraphQL.", ""}),
            "Hello,\n  World!\n\nYours,\n  GraphQL.");
  EXPECT_EQ(block_string_value(V{"  first", "  second"}), "  first\nsecond");
  EXPECT_EQ(block_string_value(V{"", "", "  ", "  a", "  ", "", " "}), "a");
  EXPECT_EQ(block_string_value(V{"\t\ta", "\t\t  b", "\t\t\tc"}), "\t\ta\n b\nc");
  EXPECT_EQ(block_string_value(V{"a", "   ", "    b"}), "a\n\nb");
  EXPECT_EQ(block_string_value(V{"   ", "   "}), "");
}
