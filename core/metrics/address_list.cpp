// CIDR lists for the /metrics access check (see address_list.hpp).
#include "core/metrics/address_list.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace pg_gateway::metrics {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// An address in 16 bytes; IPv4 (and IPv4-mapped IPv6) in the first four
// with v6 false.
bool parse_address(std::string_view text, bool* v6, std::array<uint8_t, 16>* out) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
  std::string s(text);
  out->fill(0);
  in_addr a4;
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    *v6 = false;
    std::memcpy(out->data(), &a4, 4);
    return true;
  }
  in6_addr a6;
  if (inet_pton(AF_INET6, s.c_str(), &a6) != 1) return false;
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(&a6, mapped, 12) == 0) {
    *v6 = false;
    std::memcpy(out->data(), reinterpret_cast<const uint8_t*>(&a6) + 12, 4);
    return true;
  }
  *v6 = true;
  std::memcpy(out->data(), &a6, 16);
  return true;
}

bool prefix_equal(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  int whole = bits / 8;
  if (std::memcmp(a.data(), b.data(), size_t(whole)) != 0) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  uint8_t mask = uint8_t(0xff << (8 - rest));
  return (a[size_t(whole)] & mask) == (b[size_t(whole)] & mask);
}

}  // namespace

AddressList AddressList::parse(std::string_view text) {
  AddressList list;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    if (item.empty()) continue;
    Block b;
    size_t slash = item.find('/');
    std::string_view addr = item.substr(0, slash);
    if (!parse_address(addr, &b.v6, &b.bytes))
      throw std::invalid_argument("\"" + std::string(item) +
                                  "\" is not an IP address or CIDR block");
    int max = b.v6 ? 128 : 32;
    b.prefix = max;
    if (slash != std::string_view::npos) {
      std::string_view p = item.substr(slash + 1);
      if (p.empty() || p.size() > 3)
        throw std::invalid_argument("\"" + std::string(item) + "\" has a bad prefix length");
      int n = 0;
      for (char c : p) {
        if (c < '0' || c > '9')
          throw std::invalid_argument("\"" + std::string(item) + "\" has a bad prefix length");
        n = n * 10 + (c - '0');
      }
      // ::ffff:a.b.c.d/n is an IPv4 block of n - 96 bits.
      if (!b.v6 && addr.find(':') != std::string_view::npos) n -= 96;
      if (n < 0 || n > max)
        throw std::invalid_argument("\"" + std::string(item) + "\" has a bad prefix length");
      b.prefix = n;
    }
    list.blocks_.push_back(b);
  }
  return list;
}

bool AddressList::contains(std::string_view address) const {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  if (!parse_address(address, &v6, &bytes)) return false;
  for (const Block& b : blocks_)
    if (b.v6 == v6 && prefix_equal(b.bytes, bytes, b.prefix)) return true;
  return false;
}

}  // namespace pg_gateway::metrics
