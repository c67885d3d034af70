#include "core/http/listen_socket.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pg_gateway::http {

std::vector<std::string> parse_listen_addresses(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string item =
        list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = item.find_first_not_of(" \t");
    size_t e = item.find_last_not_of(" \t");
    if (b != std::string::npos) {
      item = item.substr(b, e - b + 1);
      if (item == "*") {
        out.push_back("0.0.0.0");
        out.push_back("::");
      } else {
        in_addr a4;
        in6_addr a6;
        if (inet_pton(AF_INET, item.c_str(), &a4) != 1 &&
            inet_pton(AF_INET6, item.c_str(), &a6) != 1)
          throw std::invalid_argument("\"" + item + "\" is not an IPv4 or IPv6 address");
        out.push_back(item);
      }
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.empty()) throw std::invalid_argument("no listen address given");
  return out;
}

namespace {

int open_one(const std::string& address, int port, int backlog) {
  sockaddr_storage ss{};
  socklen_t len;
  int family;
  if (inet_pton(AF_INET, address.c_str(), &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr) == 1) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = family = AF_INET;
    sin->sin_port = htons(uint16_t(port));
    len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, address.c_str(),
                       &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr) == 1) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = family = AF_INET6;
    sin6->sin6_port = htons(uint16_t(port));
    len = sizeof(sockaddr_in6);
  } else {
    throw ListenError("\"" + address + "\" is not an IPv4 or IPv6 address", EINVAL);
  }
  std::string where =
      (family == AF_INET6 ? "[" + address + "]" : address) + ":" + std::to_string(port);

  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    throw ListenError("could not create a socket for " + where + ": " + strerror(errno), errno);
  int one = 1;
  // SO_REUSEPORT lets every HTTP worker own a socket on the same port, and
  // lets a restarted worker bind while old connections sit in TIME_WAIT.
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
      (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)) {
    int err = errno;
    close(fd);
    throw ListenError("could not set socket options on " + where + ": " + strerror(err), err);
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    int err = errno;
    close(fd);
    throw ListenError("could not bind " + where + ": " + strerror(err), err);
  }
  if (listen(fd, backlog) != 0) {
    int err = errno;
    close(fd);
    throw ListenError("could not listen on " + where + ": " + strerror(err), err);
  }
  return fd;
}

}  // namespace

std::vector<int> open_listen_sockets(const std::vector<std::string>& addresses, int port,
                                     int backlog) {
  std::vector<int> fds;
  try {
    for (const std::string& a : addresses) fds.push_back(open_one(a, port, backlog));
  } catch (...) {
    for (int fd : fds) close(fd);
    throw;
  }
  return fds;
}

}  // namespace pg_gateway::http
