// Test-only fault points inside the core. Production builds carry them, as
// PostgreSQL carries injection points: they cost one load and a branch, and
// are armed only through the superuser-only pg_gateway.debug_fault.
#pragma once
#include "core/core_zone.hpp"

#include <string_view>

namespace pg_gateway::util {

void arm_core_fault(bool armed);
// Throws std::runtime_error naming `where` when armed.
void core_fault_point(std::string_view where);

}  // namespace pg_gateway::util
