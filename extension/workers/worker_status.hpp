// What an HTTP worker knows about its own database connection, shared with
// the route handlers it serves.
#pragma once

#include <string>

namespace pg_gateway {

struct WorkerStatus {
  int index = 0;           // 0-based; shown 1-based to people
  bool connected = false;  // connected to pg_gateway.database
  std::string database;
  // When not connected: machine-readable reason, sentence and hint for /ready.
  std::string unavailable_reason;
  std::string unavailable_message;
  std::string unavailable_hint;
};

}  // namespace pg_gateway
