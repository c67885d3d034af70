#include <gtest/gtest.h>

#include <string>

#include "core/util/hmac.hpp"

namespace pg_gateway::util {
namespace {

std::string hmac_hex(const std::string& key, const std::string& data) {
  return digest_hex(hmac_sha256(key, data));
}

// RFC 4231 section 4: the HMAC-SHA-256 results of test cases 1 to 7.
TEST(Hmac, Rfc4231TestCases) {
  EXPECT_EQ(hmac_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_hex(std::string(20, '\xaa'), std::string(50, '\xdd')),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  std::string key4;
  for (int i = 1; i <= 25; ++i) key4 += static_cast<char>(i);
  EXPECT_EQ(hmac_hex(key4, std::string(50, '\xcd')),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  // Test case 5 publishes only the first 128 bits.
  EXPECT_EQ(hmac_hex(std::string(20, '\x0c'), "Test With Truncation").substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
  // Keys longer than the block size are hashed first.
  EXPECT_EQ(
      hmac_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(hmac_hex(std::string(131, '\xaa'),
                     "This is a test using a larger than block-size key and a larger than "
                     "block-size data. The key needs to be hashed before being used by the HMAC "
                     "algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(Hmac, PartsAreConcatenated) {
  EXPECT_EQ(hmac_sha256("Jefe", {"what do ya ", "", "want for nothing?"}),
            hmac_sha256("Jefe", "what do ya want for nothing?"));
  EXPECT_NE(hmac_sha256("Jefe", {"a", "b"}), hmac_sha256("Jefe", {"a", "c"}));
}

TEST(Hmac, KeyOfExactlyOneBlockIsNotHashed) {
  // A 64-byte key is used as is; hashing it would give a different MAC, as
  // would treating it like the 32-byte digest of itself.
  std::string key(64, 'k');
  EXPECT_NE(hmac_sha256(key, "m"), hmac_sha256(std::string(65, 'k'), "m"));
  EXPECT_NE(hmac_sha256(key, "m"), hmac_sha256(key.substr(0, 63), "m"));
}

TEST(Hmac, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "Abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace pg_gateway::util
