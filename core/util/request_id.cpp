#include "core/util/request_id.hpp"

#include <ctime>
#include <sys/random.h>
#include <unistd.h>

namespace pg_gateway::util {

bool is_acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

RequestIdGenerator::RequestIdGenerator() {
  if (getrandom(s_, sizeof s_, 0) != sizeof s_) {
    // Not a security token; uniqueness is all that matters here.
    s_[0] = uint64_t(time(nullptr)) ^ (uint64_t(getpid()) << 32);
    s_[1] = 0x9E3779B97F4A7C15ull ^ uint64_t(clock());
  }
  if (s_[0] == 0 && s_[1] == 0) s_[1] = 1;
}

// xorshift128+: fast, and good enough to make collisions improbable.
uint64_t RequestIdGenerator::next_u64() {
  uint64_t x = s_[0];
  const uint64_t y = s_[1];
  s_[0] = y;
  x ^= x << 23;
  s_[1] = x ^ y ^ (x >> 17) ^ (y >> 26);
  return s_[1] + y;
}

std::string RequestIdGenerator::next() {
  uint64_t hi = next_u64(), lo = next_u64();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
  // 8-4-4-4-12 hex digits; formatted by hand, snprintf showed in profiles.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    out[size_t(pos++)] = kHex[(word >> shift) & 0xF];
  }
  return out;
}

}  // namespace pg_gateway::util
