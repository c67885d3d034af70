// The one way pg_gateway's workers sleep: WaitEventSetWait on the process
// latch, postmaster death (the worker exits at once) and one socket, which
// is an epoll fd standing for every socket the core watches (a WaitEventSet
// cannot drop sockets, an epoll set can).
#pragma once

#include "extension/pg/pg_api.hpp"

#include <optional>
#include <string>

namespace pg_gateway::pg {

struct Wakeup {
  bool latch = false;   // the latch was set (and has been reset)
  bool socket = false;  // the socket is readable
  bool timed_out() const { return !latch && !socket; }
};

// Created once per process in TopMemoryContext; nothing to free, so no
// destructor.
class WaitSet {
 public:
  // socket_fd < 0: latch and postmaster death only (the log writer).
  explicit WaitSet(int socket_fd);
  Wakeup wait(long timeout_ms);

 private:
  WaitEventSet* set_;
};

// Absorbs procsignal barriers (DROP DATABASE waits for them) and other
// interrupts while idle. A stray cancel raises an ERROR there; its message
// is returned for the caller to log, and the worker goes on.
std::optional<std::string> absorb_interrupts();

// Applies a pending SIGHUP (postgresql.conf reload); true when it did.
bool reload_config_if_requested();

}  // namespace pg_gateway::pg
