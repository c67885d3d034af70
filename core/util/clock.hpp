// Monotonic milliseconds, the only clock the server loop uses for deadlines.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <ctime>

namespace pg_gateway::util {

inline int64_t monotonic_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace pg_gateway::util
