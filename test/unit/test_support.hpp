// Helpers shared by the core unit tests.
#pragma once
#include "core/core_zone.hpp"

#include <string>

namespace pg_gateway::test {

// 8-4-4-4-12 lower-case hex, version 4, variant 10xx.
inline bool is_uuid_v4(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

}  // namespace pg_gateway::test
