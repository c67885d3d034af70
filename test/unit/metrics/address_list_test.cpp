#include "core/metrics/address_list.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace pg_gateway::metrics {
namespace {

TEST(AddressList, DefaultLoopback) {
  AddressList l = AddressList::parse("127.0.0.1/32,::1/128");
  EXPECT_TRUE(l.contains("127.0.0.1"));
  EXPECT_TRUE(l.contains("::1"));
  EXPECT_TRUE(l.contains("::ffff:127.0.0.1"));
  EXPECT_FALSE(l.contains("127.0.0.2"));
  EXPECT_FALSE(l.contains("::2"));
  EXPECT_FALSE(l.contains("garbage"));
  EXPECT_FALSE(l.contains(""));
}

TEST(AddressList, Prefixes) {
  AddressList l = AddressList::parse(" 10.0.0.0/8 , 192.168.1.128/25,, fd00::/8 ");
  EXPECT_TRUE(l.contains("10.200.3.4"));
  EXPECT_FALSE(l.contains("11.0.0.1"));
  EXPECT_TRUE(l.contains("192.168.1.200"));
  EXPECT_FALSE(l.contains("192.168.1.127"));
  EXPECT_TRUE(l.contains("fd12::1"));
  EXPECT_FALSE(l.contains("fe80::1"));
  EXPECT_TRUE(AddressList::parse("0.0.0.0/0").contains("8.8.8.8"));
  EXPECT_FALSE(AddressList::parse("0.0.0.0/0").contains("::1"));
  EXPECT_TRUE(AddressList::parse("").empty());
  EXPECT_FALSE(AddressList::parse("").contains("127.0.0.1"));
}

TEST(AddressList, RejectsBadItems) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/a", "localhost", "1.2.3"})
    EXPECT_THROW(AddressList::parse(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace pg_gateway::metrics
