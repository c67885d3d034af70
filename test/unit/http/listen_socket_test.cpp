#include "core/http/listen_socket.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

using pg_gateway::http::ListenError;
using pg_gateway::http::open_listen_sockets;
using pg_gateway::http::parse_listen_addresses;

namespace {

size_t open_fd_count() {
  size_t n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return 0;
  while (readdir(d)) ++n;
  closedir(d);
  return n;
}

// A plain listener on an ephemeral loopback port, without SO_REUSEPORT.
int plain_listener(int& port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0 || listen(fd, 4) != 0) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof sin;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  port = ntohs(sin.sin_port);
  return fd;
}

}  // namespace

TEST(ParseListenAddresses, Star) {
  EXPECT_EQ(parse_listen_addresses("*"), (std::vector<std::string>{"0.0.0.0", "::"}));
  EXPECT_EQ(parse_listen_addresses(" * "), (std::vector<std::string>{"0.0.0.0", "::"}));
}

TEST(ParseListenAddresses, List) {
  EXPECT_EQ(parse_listen_addresses("127.0.0.1, ::1"),
            (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(parse_listen_addresses("127.0.0.1"), (std::vector<std::string>{"127.0.0.1"}));
  EXPECT_EQ(parse_listen_addresses("\t10.0.0.1 ,, ::ffff:1.2.3.4,"),
            (std::vector<std::string>{"10.0.0.1", "::ffff:1.2.3.4"}));
}

TEST(ParseListenAddresses, Rejects) {
  for (const char* bad : {"localhost", "", " ", " , ", "1.2.3.256", "1.2.3",
                          "127.0.0.1, example.com", "[::1]", "127.0.0.1:80"}) {
    EXPECT_THROW(parse_listen_addresses(bad), std::invalid_argument) << '"' << bad << '"';
  }
}

TEST(OpenListenSockets, OpensNonBlockingCloexecSocket) {
  int port = 0;
  int probe = plain_listener(port);  // find a free port, then release it
  ASSERT_GE(probe, 0);
  close(probe);
  std::vector<int> fds = open_listen_sockets({"127.0.0.1"}, port, 16);
  ASSERT_EQ(fds.size(), 1u);
  int fl = fcntl(fds[0], F_GETFL);
  EXPECT_TRUE(fl & O_NONBLOCK);
  int fdfl = fcntl(fds[0], F_GETFD);
  EXPECT_TRUE(fdfl & FD_CLOEXEC);
  // SO_REUSEPORT: a second worker can bind the same port.
  std::vector<int> again = open_listen_sockets({"127.0.0.1"}, port, 16);
  ASSERT_EQ(again.size(), 1u);
  // And a client can connect.
  int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = htons(uint16_t(port));
  EXPECT_EQ(connect(c, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  close(c);
  for (int fd : fds) close(fd);
  for (int fd : again) close(fd);
}

TEST(OpenListenSockets, BindConflictIsListenErrorAndLeaksNothing) {
  int port = 0;
  int holder = plain_listener(port);  // no SO_REUSEPORT: nobody else may bind
  ASSERT_GE(holder, 0);
  size_t before = open_fd_count();
  try {
    open_listen_sockets({"127.0.0.1"}, port, 16);
    ADD_FAILURE() << "expected ListenError";
  } catch (const ListenError& e) {
    EXPECT_EQ(e.errno_value, EADDRINUSE);
    EXPECT_EQ(
        std::string(e.what()).rfind("could not bind 127.0.0.1:" + std::to_string(port) + ": ", 0),
        0u)
        << e.what();
  }
  EXPECT_EQ(open_fd_count(), before);
  close(holder);
}

TEST(OpenListenSockets, AllOrNothing) {
  int port = 0;
  int probe = plain_listener(port);
  ASSERT_GE(probe, 0);
  close(probe);
  size_t before = open_fd_count();
  EXPECT_THROW(open_listen_sockets({"127.0.0.1", "not-an-address"}, port, 16), ListenError);
  EXPECT_EQ(open_fd_count(), before);  // the first socket was closed again
}
