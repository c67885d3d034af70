// The token bucket behind pg_gateway.rate_limit (core/http/rate_limit.hpp).
#include <gtest/gtest.h>

#include <vector>

#include "core/http/rate_limit.hpp"

using namespace pg_gateway::http;

TEST(RateLimit, BurstThenRefillAtTheRate) {
  std::vector<RateBucket> table(64);
  RatePolicy p{2, 5};  // 2 per second, bursts of 5
  uint64_t alice = rate_key("ip", "10.0.0.1");
  for (int i = 0; i < 5; ++i) {
    RateDecision d = take_token(table.data(), table.size(), alice, 0, p);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 4 - i);
  }
  RateDecision refused = take_token(table.data(), table.size(), alice, 0, p);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1);  // half a second, rounded up
  // Another client has its own bucket.
  EXPECT_TRUE(take_token(table.data(), table.size(), rate_key("sub", "10.0.0.1"), 0, p).allowed);
  // Half a second later one token is back, and only one.
  EXPECT_TRUE(take_token(table.data(), table.size(), alice, 500000, p).allowed);
  EXPECT_FALSE(take_token(table.data(), table.size(), alice, 500000, p).allowed);
  // The bucket never holds more than the burst.
  RateDecision later = take_token(table.data(), table.size(), alice, 3600000000, p);
  EXPECT_EQ(later.remaining, 4);
  EXPECT_EQ(later.reset, 1);  // one token short of full: half a second, rounded up
}

TEST(RateLimit, AFullTableEvictsTheLongestIdleClient) {
  std::vector<RateBucket> table(8);
  RatePolicy p{1, 1};
  for (int i = 0; i < 8; ++i)
    EXPECT_TRUE(
        take_token(table.data(), table.size(), rate_key("ip", std::to_string(i)), i, p).allowed);
  // A ninth client takes the slot of the one idle longest ("0"), which
  // then starts again with a full bucket; the others keep theirs.
  EXPECT_TRUE(take_token(table.data(), table.size(), rate_key("ip", "8"), 10, p).allowed);
  EXPECT_FALSE(take_token(table.data(), table.size(), rate_key("ip", "7"), 11, p).allowed);
  EXPECT_TRUE(take_token(table.data(), table.size(), rate_key("ip", "0"), 12, p).allowed);
}

TEST(RateLimit, Headers) {
  Response r;
  RatePolicy p{1, 60};
  add_rate_headers(r, RateDecision{false, 0, 3, 60}, p);
  EXPECT_EQ(*r.find_header("RateLimit-Policy"), "\"pg_gateway\";q=60;w=60");
  EXPECT_EQ(*r.find_header("RateLimit"), "\"pg_gateway\";r=0;t=3");
  EXPECT_EQ(*r.find_header("Retry-After"), "3");
  Response off;
  add_rate_headers(off, RateDecision{}, RatePolicy{});
  EXPECT_EQ(off.find_header("RateLimit"), nullptr);
}
