// Socket acquisition for HTTP workers, kept behind one function so the
// strategy can change (DESIGN.md: SO_REUSEPORT per worker today; one socket
// passed with SCM_RIGHTS if head-of-line blocking ever shows in p99).
#pragma once
#include "core/core_zone.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace pg_gateway::http {

// Thrown when a listening socket cannot be opened; what() is a complete,
// user-facing sentence fragment such as
// `could not bind 127.0.0.1:8080: Address already in use`.
class ListenError : public std::runtime_error {
 public:
  ListenError(const std::string& what, int err) : std::runtime_error(what), errno_value(err) {}
  int errno_value;
};

// Splits "127.0.0.1, ::1" into addresses; "*" means every IPv4 and IPv6
// address. Throws std::invalid_argument on an empty or malformed list.
std::vector<std::string> parse_listen_addresses(const std::string& list);

// Opens non-blocking, close-on-exec listening sockets with SO_REUSEADDR and
// SO_REUSEPORT on each address. Either all succeed or none stay open.
std::vector<int> open_listen_sockets(const std::vector<std::string>& addresses, int port,
                                     int backlog);

}  // namespace pg_gateway::http
