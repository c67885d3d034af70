#include "core/util/request_id.hpp"

#include <gtest/gtest.h>

#include "test/unit/test_support.hpp"

#include <string>
#include <unordered_set>

using pg_gateway::util::is_acceptable_request_id;
using pg_gateway::util::RequestIdGenerator;

using pg_gateway::test::is_uuid_v4;

namespace {}  // namespace

TEST(RequestId, AcceptableIds) {
  EXPECT_TRUE(is_acceptable_request_id("a"));
  EXPECT_TRUE(is_acceptable_request_id("abc-123"));
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
  RequestIdGenerator gen;
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = gen.next();
    ASSERT_TRUE(is_uuid_v4(id)) << id;
    ASSERT_TRUE(is_acceptable_request_id(id)) << id;
    ASSERT_TRUE(seen.insert(id).second) << "duplicate id " << id << " after " << i;
  }
}

TEST(RequestId, UuidCheckItselfRejectsOtherShapes) {
  EXPECT_TRUE(is_uuid_v4("123e4567-e89b-42d3-a456-426614174000"));
  EXPECT_FALSE(is_uuid_v4("123e4567-e89b-12d3-a456-426614174000"));  // version 1
  EXPECT_FALSE(is_uuid_v4("123e4567-e89b-42d3-c456-426614174000"));  // variant 110
  EXPECT_FALSE(is_uuid_v4("123E4567-E89B-42D3-A456-426614174000"));  // upper case
  EXPECT_FALSE(is_uuid_v4("123e4567e89b42d3a456426614174000"));      // no dashes
}

TEST(RequestId, SeparateGeneratorsDiffer) {
  RequestIdGenerator a, b;
  EXPECT_NE(a.next(), b.next());
}
