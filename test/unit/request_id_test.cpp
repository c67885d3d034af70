#include "core/util/request_id.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <unordered_set>

using pg_gateway::util::is_acceptable_request_id;
using pg_gateway::util::RequestIdGenerator;

TEST(RequestId, AcceptableIds) {
  EXPECT_TRUE(is_acceptable_request_id("a"));
  EXPECT_TRUE(is_acceptable_request_id("abc-123"));
  EXPECT_TRUE(is_acceptable_request_id("Root=1-67891233-abcdef012345678912345678"));
  EXPECT_FALSE(is_acceptable_request_id("Root=1"));  // '=' is not in the set
  EXPECT_TRUE(is_acceptable_request_id("A-Z_a-z.0-9:x"));
  EXPECT_TRUE(is_acceptable_request_id("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(is_acceptable_request_id(std::string(128, 'x')));
}

TEST(RequestId, UnacceptableIds) {
  EXPECT_FALSE(is_acceptable_request_id(""));
  EXPECT_FALSE(is_acceptable_request_id(std::string(129, 'x')));
  for (const char* bad : {"a b", "a/b", "a\nb", "a\r\nX-Evil: 1", "caf\xC3\xA9", "a\"b", "a,b",
                          "<script>", "a\tb", "a;b"}) {
    EXPECT_FALSE(is_acceptable_request_id(bad)) << bad;
  }
  EXPECT_FALSE(is_acceptable_request_id(std::string("a\0b", 3)));
}

TEST(RequestId, GeneratedIdsAreUuidV4AndUnique) {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  RequestIdGenerator gen;
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = gen.next();
    ASSERT_EQ(id.size(), 36u) << id;
    if (i < 500) {  // the regex is slow; a sample suffices
      ASSERT_TRUE(std::regex_match(id, uuid)) << id;
    }
    ASSERT_EQ(id[14], '4') << id;
    ASSERT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') << id;
    ASSERT_TRUE(is_acceptable_request_id(id)) << id;
    ASSERT_TRUE(seen.insert(id).second) << "duplicate id " << id << " after " << i;
  }
}

TEST(RequestId, SeparateGeneratorsDiffer) {
  RequestIdGenerator a, b;
  EXPECT_NE(a.next(), b.next());
}
