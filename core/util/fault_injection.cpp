#include "core/util/fault_injection.hpp"

#include <stdexcept>
#include <string>

namespace pg_gateway::util {

namespace {
bool core_fault_armed = false;  // one worker process, one thread
}

void arm_core_fault(bool armed) { core_fault_armed = armed; }

void core_fault_point(std::string_view where) {
  if (core_fault_armed)
    throw std::runtime_error("injected fault at " + std::string(where) +
                             " (pg_gateway.debug_fault = core_exception)");
}

}  // namespace pg_gateway::util
