#include "core/naming/inflection.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace pg_gateway::naming;

TEST(Inflection, SplitsWordsLikeLodash) {
  EXPECT_EQ(split_words("published_at"), (std::vector<std::string>{"published", "at"}));
  EXPECT_EQ(split_words("XMLHttpRequest"), (std::vector<std::string>{"XML", "Http", "Request"}));
  EXPECT_EQ(split_words("address2_line"), (std::vector<std::string>{"address", "2", "line"}));
  EXPECT_EQ(split_words("the_1st_place"), (std::vector<std::string>{"the", "1st", "place"}));
  EXPECT_EQ(split_words("ID"), (std::vector<std::string>{"ID"}));
  EXPECT_EQ(split_words("foo--bar  baz"), (std::vector<std::string>{"foo", "bar", "baz"}));
}

TEST(Inflection, CamelCaseKeepsOuterUnderscores) {
  EXPECT_EQ(camel_case("published_at"), "publishedAt");
  EXPECT_EQ(camel_case("id"), "id");
  EXPECT_EQ(camel_case("row_id"), "rowId");
  EXPECT_EQ(camel_case("ID"), "id");
  EXPECT_EQ(camel_case("userID"), "userId");
  EXPECT_EQ(camel_case("address2_line"), "address2Line");
  EXPECT_EQ(camel_case("_private_field_"), "_privateField_");
  EXPECT_EQ(camel_case("__typename"), "__typename");
  EXPECT_EQ(upper_camel_case("post_tags"), "PostTags");
  EXPECT_EQ(upper_camel_case("user_follow"), "UserFollow");
  EXPECT_EQ(upper_camel_case("users_full_name"), "UsersFullName");
  EXPECT_EQ(upper_first("postStat"), "PostStat");
  EXPECT_EQ(upper_first("_x"), "_X");
}

TEST(Inflection, ConstantCaseForEnumValues) {
  EXPECT_EQ(constant_case("publishedAt"), "PUBLISHED_AT");
  EXPECT_EQ(constant_case("rowId"), "ROW_ID");
  EXPECT_EQ(constant_case("primary_key"), "PRIMARY_KEY");
  EXPECT_EQ(constant_case("Natural"), "NATURAL");
  EXPECT_EQ(constant_case("enterprise-plus"), "ENTERPRISE_PLUS");
  EXPECT_EQ(constant_case("2fa"), "_2FA");
  EXPECT_EQ(constant_case("a__b"), "A_B");
}

TEST(Inflection, PluralizesTableNames) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"user", "users"},
      {"post", "posts"},
      {"comment", "comments"},
      {"post_tag", "post_tags"},
      {"category", "categories"},
      {"person", "people"},
      {"status", "statuses"},
      {"address", "addresses"},
      {"box", "boxes"},
      {"church", "churches"},
      {"dish", "dishes"},
      {"quiz", "quizzes"},
      {"day", "days"},
      {"key", "keys"},
      {"child", "children"},
      {"leaf", "leaves"},
      {"knife", "knives"},
      {"roof", "roofs"},
      {"hero", "heroes"},
      {"photo", "photos"},
      {"analysis", "analyses"},
      {"matrix", "matrices"},
      {"index", "indices"},
      {"datum", "data"},
      {"sheep", "sheep"},
      {"news", "news"},
      {"series", "series"},
      {"cactus", "cacti"},
      {"bus", "buses"},
      {"userFollow", "userFollows"},
      {"PostTag", "PostTags"},
      {"USER", "USERS"},
      {"order_item", "order_items"},
  };
  for (const auto& [singular, plural] : cases) {
    EXPECT_EQ(pluralize(singular), plural) << singular;
    EXPECT_EQ(singularize(plural), singular) << plural;
  }
}

TEST(Inflection, SingularizeLeavesSingularWordsAlone) {
  for (const char* w :
       {"status", "address", "bus", "analysis", "user", "class", "news", "post_tag"})
    EXPECT_EQ(singularize(w), w);
  EXPECT_EQ(singularize("follows"), "follow");
  EXPECT_EQ(singularize("messages"), "message");
  EXPECT_EQ(singularize("post_revisions"), "post_revision");
  EXPECT_EQ(singularize("places"), "place");
  EXPECT_EQ(singularize("movies"), "movie");
  EXPECT_EQ(singularize("shoes"), "shoe");
  EXPECT_EQ(singularize(""), "");
}
