#include <gtest/gtest.h>

#include <string>

#include "core/util/base64.hpp"
#include "core/util/sha256.hpp"

namespace pg_gateway::util {
namespace {

TEST(Base64, EncodesPostGraphileIds) {
  EXPECT_EQ(base64_encode("[\"Post\",1]"), "WyJQb3N0IiwxXQ==");
  EXPECT_EQ(base64_encode("[\"PostTag\",6,7]"), "WyJQb3N0VGFnIiw2LDdd");
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
}

TEST(Base64, DecodesLikeNodeBuffer) {
  EXPECT_EQ(base64_decode("WyJQb3N0IiwxXQ==").value(), "[\"Post\",1]");
  EXPECT_EQ(base64_decode("WyJQb3N0IiwxXQ").value(), "[\"Post\",1]");  // no padding
  EXPECT_EQ(base64_decode("Zm8-").value(), base64_decode("Zm8+").value());
  EXPECT_FALSE(base64_decode("not a cursor!").has_value());
  for (const char* s : {"", "a", "ab", "abc", "\xff\x00\x10 binary"}) {
    std::string in(s);
    EXPECT_EQ(base64_decode(base64_encode(in)).value(), in);
  }
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // 55, 56 and 64 bytes: the padding boundaries.
  EXPECT_EQ(sha256_hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, PostGraphileCursorDigests) {
  // From the conventions page: first 10 hex digits of sha256(JSON of the ORDER BY expressions).
  EXPECT_EQ(sha256_hex("[\"__posts__.\\\"id\\\"\"]").substr(0, 10), "310607ccd2");
  EXPECT_EQ(sha256_hex("[\"__posts__.\\\"author_id\\\"\",\"__posts__.\\\"published_at\\\"\","
                       "\"__posts__.\\\"id\\\"\"]")
                .substr(0, 10),
            "5bfd2856c4");
}

}  // namespace
}  // namespace pg_gateway::util
