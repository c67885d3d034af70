// Request ids: echo a well-formed X-Request-Id from the client (so traces
// from a proxy line up), otherwise mint a random UUIDv4.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace pg_gateway::util {

// True for 1..128 characters of [A-Za-z0-9._:-]: safe to echo in a header and a log line.
bool is_acceptable_request_id(std::string_view id);

class RequestIdGenerator {
 public:
  RequestIdGenerator();  // seeds from getrandom()
  std::string next();    // UUIDv4 text

 private:
  uint64_t next_u64();
  uint64_t s_[2];
};

}  // namespace pg_gateway::util
