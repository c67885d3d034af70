#include "core/json/json_writer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

using pg_gateway::json::append_quoted;
using pg_gateway::json::Writer;

namespace {

std::string json_quoted(std::string_view s) {
  std::string out;
  append_quoted(out, s);
  return out;
}

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

TEST(JsonQuote, PlainAndEmpty) {
  EXPECT_EQ(json_quoted(""), "\"\"");
  EXPECT_EQ(json_quoted("hello world"), "\"hello world\"");
  EXPECT_EQ(json_quoted("/path?a=1&b=<2>"), "\"/path?a=1&b=<2>\"");
}

TEST(JsonQuote, AppendsToExistingContent) {
  std::string out = "[";
  append_quoted(out, "a");
  EXPECT_EQ(out, "[\"a\"");
}

TEST(JsonQuote, QuotesAndBackslash) {
  EXPECT_EQ(json_quoted("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(json_quoted("C:\\dir\\"), R"("C:\\dir\\")");
  EXPECT_EQ(json_quoted("\\\""), R"("\\\"")");
}

TEST(JsonQuote, ShortEscapes) {
  EXPECT_EQ(json_quoted("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
}

TEST(JsonQuote, OtherControlCharactersAsUnicodeEscapes) {
  EXPECT_EQ(json_quoted("\x01"), R"("\u0001")");
  EXPECT_EQ(json_quoted("\x1f"), R"("\u001f")");
  EXPECT_EQ(json_quoted("\x7f"), "\"\x7f\"");  // raw, like JSON.stringify
  EXPECT_EQ(json_quoted(std::string_view("a\0b", 3)), R"("a\u0000b")");
  for (int c = 0; c < 0x20; ++c) {
    std::string q = json_quoted(std::string(1, char(c)));
    for (char ch : q) EXPECT_GE(static_cast<unsigned char>(ch), 0x20) << c;
  }
}

TEST(JsonQuote, ValidMultibyteKept) {
  EXPECT_EQ(json_quoted("caf\xC3\xA9"), "\"caf\xC3\xA9\"");            // é, 2 bytes
  EXPECT_EQ(json_quoted("\xE2\x82\xAC"), "\"\xE2\x82\xAC\"");          // €, 3 bytes
  EXPECT_EQ(json_quoted("\xF0\x9D\x84\x9E"), "\"\xF0\x9D\x84\x9E\"");  // U+1D11E, 4 bytes
  EXPECT_EQ(json_quoted("\xC2\x80"), "\"\xC2\x80\"");                  // U+0080, lowest 2-byte
  EXPECT_EQ(json_quoted("\xEF\xBF\xBF"), "\"\xEF\xBF\xBF\"");          // U+FFFF
  EXPECT_EQ(json_quoted("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\"");  // U+10FFFF, the last
  EXPECT_EQ(json_quoted("\xED\x9F\xBF"), "\"\xED\x9F\xBF\"");          // U+D7FF, before surrogates
}

TEST(JsonQuote, InvalidUtf8Replaced) {
  EXPECT_EQ(json_quoted("\xFF"), "\"" + kReplacement + "\"");
  EXPECT_EQ(json_quoted("a\xFE"
                        "b"),
            "\"a" + kReplacement + "b\"");
  // Lone continuation byte.
  EXPECT_EQ(json_quoted("\x80"), "\"" + kReplacement + "\"");
  // Truncated sequences, at the end and before ASCII.
  EXPECT_EQ(json_quoted("\xC3"), "\"" + kReplacement + "\"");
  EXPECT_EQ(json_quoted("\xE2\x82"), "\"" + kReplacement + kReplacement + "\"");
  EXPECT_EQ(json_quoted("\xC3"
                        "A"),
            "\"" + kReplacement + "A\"");
  EXPECT_EQ(json_quoted("\xF0\x9D\x84"), "\"" + kReplacement + kReplacement + kReplacement + "\"");
  // Overlong encodings.
  EXPECT_EQ(json_quoted("\xC0\xAF"), "\"" + kReplacement + kReplacement + "\"");
  EXPECT_EQ(json_quoted("\xC1\xBF"), "\"" + kReplacement + kReplacement + "\"");
  EXPECT_EQ(json_quoted("\xE0\x80\xAF"), "\"" + kReplacement + kReplacement + kReplacement + "\"");
  EXPECT_EQ(json_quoted("\xF0\x80\x80\xAF"),
            "\"" + kReplacement + kReplacement + kReplacement + kReplacement + "\"");
  // UTF-16 surrogates and code points above U+10FFFF.
  EXPECT_EQ(json_quoted("\xED\xA0\x80"), "\"" + kReplacement + kReplacement + kReplacement + "\"");
  EXPECT_EQ(json_quoted("\xF4\x90\x80\x80"),
            "\"" + kReplacement + kReplacement + kReplacement + kReplacement + "\"");
  EXPECT_EQ(json_quoted("\xF5\x80\x80\x80"),
            "\"" + kReplacement + kReplacement + kReplacement + kReplacement + "\"");
  // A valid sequence right after an invalid byte survives.
  EXPECT_EQ(json_quoted("\xFF\xC3\xA9"), "\"" + kReplacement + "\xC3\xA9\"");
  // The replacement character itself is valid input and kept as is.
  EXPECT_EQ(json_quoted(kReplacement), "\"" + kReplacement + "\"");
}

TEST(JsonQuote, QuoteCharacterInsideMultibyteContextNotEscapedTwice) {
  // A byte sequence ending in an invalid lead followed by '"' must still escape the quote.
  EXPECT_EQ(json_quoted("\xC3\""), "\"" + kReplacement + "\\\"\"");
  EXPECT_EQ(json_quoted("\xE2\\"), "\"" + kReplacement + "\\\\\"");
}

TEST(JsonWriter, EmptyContainers) {
  Writer a;
  a.begin_object().end_object();
  EXPECT_EQ(a.str(), "{}");
  Writer b;
  b.begin_array().end_array();
  EXPECT_EQ(b.str(), "[]");
}

TEST(JsonWriter, ScalarValues) {
  Writer w;
  w.begin_array()
      .value(int64_t{0})
      .value(int64_t{-42})
      .value(std::numeric_limits<int64_t>::max())
      .value(std::numeric_limits<int64_t>::min())
      .value(true)
      .value(false)
      .null()
      .value("text")
      .value(std::string_view("view"))
      .end_array();
  EXPECT_EQ(w.str(),
            "[0,-42,9223372036854775807,-9223372036854775808,true,false,null,\"text\",\"view\"]");
}

TEST(JsonWriter, NestedObjectsAndArraysCommas) {
  Writer w;
  w.begin_object();
  w.key("a").begin_array().value(int64_t{1}).value(int64_t{2});
  w.begin_object().key("b").null().end_object();
  w.end_array();
  w.key("c").begin_object().key("d").value(true).key("e").value("x").end_object();
  w.key("f").begin_array().end_array();
  w.key("g")
      .begin_array()
      .begin_array()
      .end_array()
      .begin_array()
      .value(int64_t{1})
      .end_array()
      .end_array();
  w.key("h").value(int64_t{7});
  w.end_object();
  EXPECT_EQ(w.str(), R"({"a":[1,2,{"b":null}],"c":{"d":true,"e":"x"},"f":[],"g":[[],[1]],"h":7})");
}

TEST(JsonWriter, ObjectsInsideArrayAndSiblings) {
  Writer w;
  w.begin_array();
  for (int i = 0; i < 3; ++i) w.begin_object().key("i").value(int64_t{i}).end_object();
  w.end_array();
  EXPECT_EQ(w.str(), R"([{"i":0},{"i":1},{"i":2}])");
}

TEST(JsonWriter, KeysAreEscaped) {
  Writer w;
  w.begin_object().key("we\"ird\n").value("v\x01").key("\xFF").value(int64_t{1}).end_object();
  EXPECT_EQ(w.str(), "{\"we\\\"ird\\n\":\"v\\u0001\",\"" + kReplacement + "\":1}");
}

TEST(JsonWriter, RawInsertsWithCommas) {
  Writer w;
  w.begin_object().key("a").raw("[1,2]").key("b").raw("{\"x\":null}").end_object();
  EXPECT_EQ(w.str(), R"({"a":[1,2],"b":{"x":null}})");
  Writer arr;
  arr.begin_array().raw("1").raw("\"two\"").value(int64_t{3}).end_array();
  EXPECT_EQ(arr.str(), R"([1,"two",3])");
}

TEST(JsonWriter, TakeMovesOut) {
  Writer w;
  w.begin_object().key("k").value("v").end_object();
  std::string s = w.take();
  EXPECT_EQ(s, R"({"k":"v"})");
}

namespace pg_gateway::json {
namespace {

TEST(JsonMinify, DropsWhitespaceOutsideStringsOnly) {
  std::string out;
  append_minified(out, "{\"a b\" : [1, 2, {\"c\" : \"x, y : \\\" z\"}], \"d\\\\\" : null}");
  EXPECT_EQ(out, "{\"a b\":[1,2,{\"c\":\"x, y : \\\" z\"}],\"d\\\\\":null}");
  Writer w;
  w.begin_array().raw_minified("{\"k\" : \"v\"}").raw_minified(" 1 ").end_array();
  EXPECT_EQ(w.str(), "[{\"k\":\"v\"},1]");
}

}  // namespace
}  // namespace pg_gateway::json
