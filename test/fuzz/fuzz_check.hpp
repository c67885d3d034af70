// The fuzz targets' invariant check: CHECK(cond, detail) prints what was
// violated and aborts, which libFuzzer reports as a crash with the input
// that caused it (unlike assert, it is not compiled out).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace pg_gateway::fuzz {

[[noreturn]] inline void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "invariant violated: %s %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace pg_gateway::fuzz

#define CHECK(cond, ...)                                       \
  do {                                                         \
    if (!(cond)) pg_gateway::fuzz::fail(#cond, ##__VA_ARGS__); \
  } while (0)
