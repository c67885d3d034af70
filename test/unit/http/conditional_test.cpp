#include "core/http/conditional.hpp"

#include <gtest/gtest.h>

namespace pg_gateway::http {
namespace {

std::array<uint8_t, 32> digest(uint8_t fill) {
  std::array<uint8_t, 32> d{};
  d.fill(fill);
  return d;
}

TEST(StrongEtag, IsQuotedBase64urlOfEighteenBytes) {
  std::string tag = strong_etag(digest(0xff));
  EXPECT_EQ(tag, "\"________________________\"");
  EXPECT_EQ(tag.size(), 26u);
  EXPECT_NE(strong_etag(digest(1)), strong_etag(digest(2)));
}

TEST(IfNoneMatch, MatchesTheSameTagStrongOrWeak) {
  EXPECT_TRUE(if_none_match_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches("  \"abc\"  ", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"abd\"", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"ab\"", "\"abc\""));
}

TEST(IfNoneMatch, ListsAndStar) {
  EXPECT_TRUE(if_none_match_matches("\"x\", W/\"y\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches(", \"abc\",,", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"x\", \"y\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches("*", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches(" * ", "\"abc\""));
}

TEST(IfNoneMatch, MalformedHeadersMatchNothing) {
  EXPECT_FALSE(if_none_match_matches("", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("abc", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"abc", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"abc\" \"abc\"", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("*, \"abc\"", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("w/\"abc\"", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"a\"bc\"", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches(std::string_view("\"ab\0c\"", 6), "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"abc\"", ""));
}

}  // namespace
}  // namespace pg_gateway::http
