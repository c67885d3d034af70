#include "core/json/json_value.hpp"

#include <gtest/gtest.h>

#include <string>

using pg_gateway::json::parse;
using pg_gateway::json::ParseLimits;
using pg_gateway::json::Value;

namespace {

Value ok(std::string_view text) {
  auto r = parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.error << " at " << r.error_offset;
  return r.ok() ? *r.value : Value();
}

void bad(std::string_view text, std::string_view expected_error = "") {
  auto r = parse(text);
  EXPECT_FALSE(r.ok()) << text;
  if (!expected_error.empty()) {
    EXPECT_EQ(r.error, expected_error) << text;
  }
}

}  // namespace

TEST(JsonParse, Scalars) {
  EXPECT_TRUE(ok("null").is_null());
  EXPECT_TRUE(ok(" true ").as_bool());
  EXPECT_FALSE(ok("false").as_bool());
  EXPECT_EQ(ok("\"hi\"").text(), "hi");
  EXPECT_EQ(ok("0").as_int64(), 0);
  EXPECT_EQ(ok("-12").as_int64(), -12);
  EXPECT_EQ(ok("9223372036854775807").as_int64(), INT64_MAX);
  EXPECT_FALSE(ok("9223372036854775808").as_int64().has_value());
  EXPECT_EQ(ok("9223372036854775808").text(), "9223372036854775808");  // kept exact
  EXPECT_DOUBLE_EQ(*ok("1.5e3").as_double(), 1500.0);
  EXPECT_FALSE(ok("1.5").as_int64().has_value());
  EXPECT_EQ(ok("-0.0e-0").text(), "-0.0e-0");
}

TEST(JsonParse, ContainersKeepOrderAndLastDuplicateWins) {
  Value v = ok(R"({"b":1,"a":[true,null,{"x":"y"}],"b":2})");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.members().size(), 3u);
  EXPECT_EQ(v.members()[0].first, "b");
  EXPECT_EQ(v.find("b")->as_int64(), 2);
  const Value* a = v.find("a");
  ASSERT_TRUE(a && a->is_array());
  EXPECT_EQ(a->items().size(), 3u);
  EXPECT_EQ(a->items()[2].find("x")->text(), "y");
  EXPECT_EQ(v.find("missing"), nullptr);
  EXPECT_TRUE(ok("[]").items().empty());
  EXPECT_TRUE(ok("{ }").members().empty());
}

TEST(JsonParse, StringEscapes) {
  EXPECT_EQ(ok(R"("a\"b\\c\/d\b\f\n\r\t")").text(), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(ok(R"("\u00e9\u20AC")").text(), "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(ok(R"("\ud83d\ude00")").text(), "\xF0\x9F\x98\x80");  // surrogate pair
  EXPECT_EQ(ok(R"("\ud83d")").text(), "\xEF\xBF\xBD");            // lone high surrogate
  EXPECT_EQ(ok(R"("\ude00x")").text(), "\xEF\xBF\xBDx");          // lone low surrogate
  EXPECT_EQ(ok(R"("\ud83dA")").text(),
            "\xEF\xBF\xBD"
            "A");
  EXPECT_EQ(ok("\"\xE2\x82\xAC\"").text(), "\xE2\x82\xAC");  // raw UTF-8
  EXPECT_EQ(ok(R"("\u0000")").text(), std::string(1, '\0'));
}

TEST(JsonParse, RejectsWhatRfc8259Rejects) {
  bad("", "unexpected end of JSON input");
  bad("nul", "invalid literal");
  bad("01", "invalid number: leading zero");
  bad("1.", "invalid number: digit expected after '.'");
  bad("1e", "invalid number: digit expected in exponent");
  bad("-", "invalid number");
  bad("+1", "unexpected character '+'");
  bad(".5");
  bad("[1,]");
  bad("[1 2]", "expected ',' or ']'");
  bad("{\"a\" 1}", "expected ':'");
  bad("{a:1}", "expected a string key");
  bad("{\"a\":1,}", "expected a string key");
  bad("\"abc", "unterminated string");
  bad("\"a\x01\"", "control character in string");
  bad("\"\\x\"", "invalid escape '\\x'");
  bad("\"\\u12G4\"", "invalid \\u escape");
  bad("\"\xC3\"", "invalid UTF-8 in string");
  bad("\"\xED\xA0\x80\"", "invalid UTF-8 in string");  // encoded surrogate
  bad("\"\xC0\xAF\"", "invalid UTF-8 in string");      // overlong
  bad("{} x", "unexpected data after the JSON value");
  bad("/* c */ 1");
  bad("NaN");
  bad("'single'");
}

TEST(JsonParse, ErrorOffsetPointsAtTheProblem) {
  auto r = parse("[1, 2, x]");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error_offset, 7u);
}

TEST(JsonParse, DepthIsBounded) {
  ParseLimits limits;
  limits.max_depth = 5;
  EXPECT_TRUE(parse("[[[[[1]]]]]", limits).ok());
  auto r = parse("[[[[[[1]]]]]]", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "JSON nested too deeply");
  // The default limit protects the stack against hostile nesting.
  std::string deep(100000, '[');
  EXPECT_FALSE(parse(deep).ok());
  std::string deep_obj;
  for (int i = 0; i < 100000; ++i) deep_obj += "{\"a\":";
  EXPECT_FALSE(parse(deep_obj).ok());
}

TEST(JsonValue, DumpRoundTrips) {
  std::string text = R"({"a":[1,-2.5e3,true,false,null],"s":"q\"\n\u0001","o":{}})";
  Value v = ok(text);
  EXPECT_EQ(v.dump(), R"({"a":[1,-2.5e3,true,false,null],"s":"q\"\n\u0001","o":{}})");
  EXPECT_EQ(ok(v.dump()), v);
  EXPECT_FALSE(ok("[1]") == ok("[2]"));
  EXPECT_FALSE(ok("{\"a\":1}") == ok("{\"b\":1}"));
}
