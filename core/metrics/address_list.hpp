// pg_gateway.metrics_allowed_addresses: a comma-separated list of CIDR
// blocks (IPv4 and IPv6; a bare address is a /32 or /128) and the check of
// a client's address against it. An IPv4-mapped IPv6 address
// (::ffff:127.0.0.1, what a dual-stack socket reports) is checked as the
// IPv4 address it carries.
#pragma once
#include "core/core_zone.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace pg_gateway::metrics {

class AddressList {
 public:
  // Throws std::invalid_argument naming the first item that is not a CIDR.
  static AddressList parse(std::string_view text);
  // `address` as the server formats peers (inet_ntop); false when it does
  // not parse.
  bool contains(std::string_view address) const;
  bool empty() const { return blocks_.empty(); }

 private:
  struct Block {
    bool v6 = false;
    std::array<uint8_t, 16> bytes{};
    int prefix = 0;
  };
  std::vector<Block> blocks_;
};

}  // namespace pg_gateway::metrics
