#include "core/webhooks/hmac_digests.hpp"
#include "core/webhooks/verifier_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg_gateway::webhooks {
namespace {

// RFC 2202 test case 2 (HMAC-SHA1) and RFC 4231 test case 2 (HMAC-SHA512);
// the empty-key values were computed with Python's hmac module.
TEST(HmacDigests, PublishedVectors) {
  EXPECT_EQ(hex_encode(hmac_sha1_bytes("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(hex_encode(hmac_sha512_bytes("Jefe", "what do ya want for nothing?")),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  EXPECT_EQ(hex_encode(hmac_sha1_bytes("", "")), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
  EXPECT_EQ(hex_encode(hmac_sha512_bytes("", "")),
            "b936cee86c9f87aa5d3c6f2e84cb5a4239a5fe50480a6ec66b70ab5b1f4ac673"
            "0c6c515421b327ec1d69402e53dfb49ad7381eb067b338fd7b0cb22247225d47");
}

TEST(HmacDigests, HexDecodeIsStrict) {
  EXPECT_EQ(decode_hex("00ffAb"), std::string("\x00\xff\xab", 3));
  EXPECT_EQ(decode_hex(""), std::string());
  EXPECT_FALSE(decode_hex("abc").has_value());
  EXPECT_FALSE(decode_hex("0x00").has_value());
  EXPECT_FALSE(decode_hex("zz").has_value());
  EXPECT_FALSE(decode_hex(" 00").has_value());
  EXPECT_EQ(hex_encode(std::string("\x00\xff", 2)), "00ff");
}

TEST(HmacDigests, UnixSecondsAndTolerance) {
  EXPECT_EQ(parse_unix_seconds("1531420618"), 1531420618);
  EXPECT_EQ(parse_unix_seconds("0"), 0);
  EXPECT_FALSE(parse_unix_seconds("").has_value());
  EXPECT_FALSE(parse_unix_seconds("-1").has_value());
  EXPECT_FALSE(parse_unix_seconds("1e9").has_value());
  EXPECT_FALSE(parse_unix_seconds("1234567890123456").has_value());  // over 15 digits
  VerifyOptions o{.now_s = 1000, .tolerance_s = 10};
  EXPECT_TRUE(within_tolerance(990, o));
  EXPECT_TRUE(within_tolerance(1010, o));
  EXPECT_FALSE(within_tolerance(989, o));
  EXPECT_FALSE(within_tolerance(1011, o));
  EXPECT_TRUE(has_control_bytes("a\r"));
  EXPECT_TRUE(has_control_bytes(std::string("a\0", 2)));
  EXPECT_FALSE(has_control_bytes("a b\t"));
}

}  // namespace
}  // namespace pg_gateway::webhooks
