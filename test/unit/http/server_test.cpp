// Drives HttpServer over real loopback sockets. The server runs its loop in
// one thread (it is not thread-safe: only that thread touches it); the test
// body plays the clients with plain blocking sockets and receive timeouts.
#include "core/http/server.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/http/listen_socket.hpp"
#include "core/util/clock.hpp"

using pg_gateway::http::Header;
using pg_gateway::http::HttpServer;
using pg_gateway::http::iequals;
using pg_gateway::http::ListenError;
using pg_gateway::http::Method;
using pg_gateway::http::Request;
using pg_gateway::http::RequestHandler;
using pg_gateway::http::Response;
using pg_gateway::http::ServerConfig;
using pg_gateway::http::ServerStats;
using pg_gateway::util::monotonic_ms;

namespace {

constexpr int kRecvTimeoutMs = 3000;

std::string pattern_body(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = char('a' + i % 26);
  return s;
}

// Answers "<METHOD> <path> <body length>:<body>" for most paths.
class TestHandler : public RequestHandler {
 public:
  Response handle(Request& r) override {
    if (r.path == "/big") {
      size_t n = r.query.empty() ? 5 * 1024 * 1024 : std::stoul(r.query);
      return Response(200, "application/octet-stream", pattern_body(n));
    }
    if (r.path == "/throw") throw std::runtime_error("handler exploded");
    if (r.path == "/defer" || r.path == "/defer-fixed") {
      // Answered later through HttpServer::resume(); "/defer-fixed" always
      // uses ticket 7 (a handler bug the server must survive).
      Response resp;
      std::lock_guard<std::mutex> lock(mu_);
      resp.defer_ticket = r.path == "/defer" ? next_ticket_++ : 7;
      deferred_.push_back(resp.defer_ticket);
      return resp;
    }
    if (r.path == "/nocontent") return Response(204, "", "");
    if (r.path == "/split") {
      Response resp(200, "text/plain", "ok");
      resp.set_header("X-From-Sql", "a\r\nSet-Cookie: evil=1");
      resp.set_header("Bad Name", "x");
      resp.set_header("X-Fine", "yes");
      return resp;
    }
    std::string body = r.method_text + " " + r.path + " " + std::to_string(r.body.size()) + ":" +
                       r.body.substr(0, 64);
    Response resp(200, "text/plain", body);
    resp.set_header("X-Keep-Alive", r.keep_alive ? "1" : "0");
    return resp;
  }
  void decorate_server_response(Response& r) override { r.set_header("X-Server-Made", "1"); }
  void on_deferred_abandoned(uint64_t ticket) override {
    std::lock_guard<std::mutex> lock(mu_);
    abandoned_.push_back(ticket);
  }

  std::vector<uint64_t> deferred() {
    std::lock_guard<std::mutex> lock(mu_);
    return deferred_;
  }
  std::vector<uint64_t> abandoned() {
    std::lock_guard<std::mutex> lock(mu_);
    return abandoned_;
  }

 private:
  std::mutex mu_;  // handle() runs on the loop thread, the test body reads
  uint64_t next_ticket_ = 1000;
  std::vector<uint64_t> deferred_;
  std::vector<uint64_t> abandoned_;
};

struct ClientResponse {
  int status = -1;  // -1: no complete response (timeout or EOF)
  std::vector<Header> headers;
  std::string body;
  std::string head;  // status line and headers as received

  const std::string* get(std::string_view name) const {
    for (const Header& h : headers)
      if (iequals(h.name, name)) return &h.value;
    return nullptr;
  }
  bool has(std::string_view name) const { return get(name) != nullptr; }
  std::string value(std::string_view name) const {
    const std::string* v = get(name);
    return v ? *v : std::string("<absent>");
  }
};

// A blocking client socket with a receive timeout.
class Client {
 public:
  explicit Client(int port, int rcvbuf = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    timeval tv{kRecvTimeoutMs / 1000, (kRecvTimeoutMs % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (rcvbuf > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(uint16_t(port));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect_errno_ = connect(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0 ? 0 : errno;
  }
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connect_errno_ == 0; }
  int connect_errno() const { return connect_errno_; }
  int fd() const { return fd_; }

  bool send_all(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(size_t(n));
    }
    return true;
  }
  void shutdown_write() { shutdown(fd_, SHUT_WR); }

  // Reads one response. HEAD responses (head_request) and 1xx/204/304 have no body.
  ClientResponse read_response(bool head_request = false) {
    ClientResponse r;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return r;
    r.head = buf_.substr(0, end + 4);
    buf_.erase(0, end + 4);
    std::string_view head = r.head;
    size_t eol = head.find("\r\n");
    std::string_view status_line = head.substr(0, eol);
    if (status_line.size() < 12 || status_line.substr(0, 9) != "HTTP/1.1 ") return r;
    int status = std::stoi(std::string(status_line.substr(9, 3)));
    head.remove_prefix(eol + 2);
    while (!head.empty()) {
      eol = head.find("\r\n");
      std::string_view line = head.substr(0, eol);
      head.remove_prefix(eol + 2);
      if (line.empty()) break;
      size_t colon = line.find(':');
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
    }
    bool bodiless = head_request || status < 200 || status == 204 || status == 304;
    if (!bodiless) {
      const std::string* cl = r.get("Content-Length");
      if (!cl) return r;  // the server always sends one; leave status -1
      size_t len = std::stoul(*cl);
      while (buf_.size() < len)
        if (!fill()) return r;
      r.body = buf_.substr(0, len);
      buf_.erase(0, len);
    }
    r.status = status;
    return r;
  }

  // True when the server closed the connection (recv returns 0) with no
  // further bytes and within the receive timeout.
  bool closed_by_peer() {
    if (!buf_.empty()) return false;
    char c;
    ssize_t n;
    do {
      n = recv(fd_, &c, 1, 0);
    } while (n < 0 && errno == EINTR);
    return n == 0;
  }

  // Reads exactly n raw bytes (used for the slow reader).
  bool read_exact(std::string& out, size_t n, size_t piece) {
    out.append(buf_.substr(0, std::min(n, buf_.size())));
    buf_.erase(0, std::min(n, buf_.size()));
    std::vector<char> tmp(piece);
    while (out.size() < n) {
      ssize_t got = recv(fd_, tmp.data(), std::min(piece, n - out.size()), 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      out.append(tmp.data(), size_t(got));
    }
    return true;
  }

  const std::string& buffered() const { return buf_; }

 private:
  bool fill() {
    char tmp[16384];
    while (true) {
      ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf_.append(tmp, size_t(n));
      return true;
    }
  }

  int fd_ = -1;
  int connect_errno_ = 0;
  std::string buf_;
};

bool port_looks_free(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // but not SO_REUSEPORT
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(uint16_t(port));
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0;
  close(fd);
  return ok;
}

std::string get(std::string_view path, std::string_view extra_headers = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

class ServerTest : public ::testing::Test {
 protected:
  void TearDown() override { stop(); }

  // Opens the server on a free loopback port and starts its loop thread.
  void start(ServerConfig config = ServerConfig()) {
    static int attempt_counter = 0;
    config.listen_addresses = {"127.0.0.1"};
    for (int attempt = 0; attempt < 200; ++attempt) {
      int port = 20000 + int((getpid() + attempt_counter++) % 20000);
      if (!port_looks_free(port)) continue;
      config.port = port;
      auto server = std::make_unique<HttpServer>(config, handler_);
      try {
        server->listen();
      } catch (const ListenError&) {
        continue;
      }
      port_ = port;
      server_ = std::move(server);
      break;
    }
    ASSERT_TRUE(server_) << "no free port found";
    thread_ = std::thread([this] { loop(); });
  }

  void stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
  }

  // Runs `f` on the loop thread and waits for it.
  void run_in_loop(std::function<void(HttpServer&)> f) {
    std::atomic<bool> done{false};
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back([&] {
        f(*server_);
        done = true;
      });
    }
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  // Returns after the loop has completed a full turn that started after this call.
  void sync_loop() {
    run_in_loop([](HttpServer&) {});
    run_in_loop([](HttpServer&) {});
  }

  ServerStats stats() {
    ServerStats s;
    run_in_loop([&](HttpServer& srv) { s = srv.stats(); });
    return s;
  }
  size_t connection_count() {
    size_t n = 0;
    run_in_loop([&](HttpServer& srv) { n = srv.connection_count(); });
    return n;
  }

  // Waits (bounded) until the server holds `n` connections.
  bool wait_for_connection_count(size_t n, int64_t within_ms = 2000) {
    int64_t until = monotonic_ms() + within_ms;
    while (monotonic_ms() < until) {
      if (connection_count() == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  // Waits (bounded) until the handler has deferred `n` requests in all and
  // returns the last ticket (0 on timeout).
  uint64_t wait_for_deferred(size_t n, int64_t within_ms = 2000) {
    int64_t until = monotonic_ms() + within_ms;
    while (monotonic_ms() < until) {
      std::vector<uint64_t> d = handler_.deferred();
      if (d.size() >= n) return d[n - 1];
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return 0;
  }
  bool resume(uint64_t ticket, Response r) {
    bool ok = false;
    run_in_loop([&](HttpServer& s) { ok = s.resume(ticket, std::move(r), monotonic_ms()); });
    return ok;
  }
  size_t deferred_count() {
    size_t n = 0;
    run_in_loop([&](HttpServer& s) { n = s.deferred_count(); });
    return n;
  }

  int port_ = 0;
  TestHandler handler_;

 private:
  void loop() {
    int ep = server_->epoll_fd();
    while (!stop_) {
      int64_t now = monotonic_ms();
      int64_t wake = server_->next_wakeup_ms(now);
      int timeout = (wake < 0 || wake > 20) ? 20 : int(wake);
      epoll_event ev[16];
      epoll_wait(ep, ev, 16, timeout);
      now = monotonic_ms();
      server_->poll(now);
      server_->expire(now);
      std::vector<std::function<void()>> tasks;
      {
        std::lock_guard<std::mutex> lock(mu_);
        tasks.swap(tasks_);
      }
      for (auto& t : tasks) t();
    }
  }

  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::function<void()>> tasks_;
};

// ---------------------------------------------------------------------------

TEST_F(ServerTest, ResponseHasContentLengthAndDate) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send_all(get("/hello?x=1")));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.body, "GET /hello 0:");
  EXPECT_EQ(r.value("Content-Length"), std::to_string(r.body.size()));
  ASSERT_TRUE(r.has("Date"));
  EXPECT_EQ(r.get("Date")->size(), 29u) << *r.get("Date");  // "Sun, 06 Nov 1994 08:49:37 GMT"
  EXPECT_NE(r.get("Date")->find(" GMT"), std::string::npos);
  EXPECT_EQ(r.value("Server"), "pg_gateway");
  EXPECT_EQ(r.value("Content-Type"), "text/plain");
  EXPECT_FALSE(r.has("Connection"));  // HTTP/1.1 keep-alive is the default: nothing to say
  EXPECT_FALSE(r.has("X-Server-Made"));
  EXPECT_EQ(r.head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 5; ++i) {
    std::string body = "body" + std::to_string(i);
    ASSERT_TRUE(c.send_all("POST /n" + std::to_string(i) +
                           " HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body));
    ClientResponse r = c.read_response();
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.body, "POST /n" + std::to_string(i) + " 5:" + body);
    EXPECT_EQ(r.value("X-Keep-Alive"), "1");
  }
  ServerStats s = stats();
  EXPECT_EQ(s.connections_accepted, 1u);
  EXPECT_EQ(s.requests, 5u);
  EXPECT_EQ(s.responses_by_class[2], 5u);
  EXPECT_EQ(s.open_connections, 1u);
}

TEST_F(ServerTest, PipelinedRequestsAnsweredInOrder) {
  start();
  Client c(port_);
  std::string all;
  for (int i = 0; i < 5; ++i) all += get("/p" + std::to_string(i));
  all += "POST /p5 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  ASSERT_TRUE(c.send_all(all));
  for (int i = 0; i < 5; ++i) {
    ClientResponse r = c.read_response();
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.body, "GET /p" + std::to_string(i) + " 0:");
  }
  ClientResponse last = c.read_response();
  ASSERT_EQ(last.status, 200);
  EXPECT_EQ(last.body, "POST /p5 3:abc");
}

TEST_F(ServerTest, MorePipelinedRequestsThanPerTurnAllAnsweredInOrder) {
  ServerConfig cfg;
  cfg.max_requests_per_turn = 2;
  start(cfg);
  Client c(port_);
  std::string all;
  for (int i = 0; i < 25; ++i) all += get("/q" + std::to_string(i));
  ASSERT_TRUE(c.send_all(all));
  for (int i = 0; i < 25; ++i) {
    ClientResponse r = c.read_response();
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.body, "GET /q" + std::to_string(i) + " 0:");
  }
  // The connection is still usable afterwards.
  ASSERT_TRUE(c.send_all(get("/after")));
  EXPECT_EQ(c.read_response().body, "GET /after 0:");
}

TEST_F(ServerTest, PipelinedRequestsThenHalfCloseAllAnswered) {
  // A client may send all its requests and then shut down its write side
  // (printf ... | nc -N). Requests already received must still be answered,
  // even those held back by max_requests_per_turn.
  ServerConfig cfg;
  cfg.max_requests_per_turn = 2;
  start(cfg);
  Client c(port_);
  std::string all;
  for (int i = 0; i < 7; ++i) all += get("/h" + std::to_string(i));
  ASSERT_TRUE(c.send_all(all));
  c.shutdown_write();
  for (int i = 0; i < 7; ++i) {
    ClientResponse r = c.read_response();
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.body, "GET /h" + std::to_string(i) + " 0:");
  }
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, HalfCloseWithIncompleteRequestClosesWithoutResponse) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all("GET /incomplete HTTP/1.1\r\nHost: t\r\n"));
  c.shutdown_write();
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, ExpectContinueGets100BeforeBody) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(
      "POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  ClientResponse interim = c.read_response();
  ASSERT_EQ(interim.status, 100) << interim.head;
  EXPECT_EQ(interim.head, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.send_all("hello"));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.body, "POST /upload 5:hello");
  // A second Expect request on the same connection gets its own 100.
  ASSERT_TRUE(c.send_all(
      "POST /again HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
  ASSERT_EQ(c.read_response().status, 100);
  ASSERT_TRUE(c.send_all("ok"));
  EXPECT_EQ(c.read_response().body, "POST /again 2:ok");
}

TEST_F(ServerTest, ExpectContinueWithBodyAlreadySentGetsNoInterim) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(
      "POST /eager HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc"));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.body, "POST /eager 3:abc");
}

TEST_F(ServerTest, ExpectWithTooLargeBodyGets413Without100) {
  ServerConfig cfg;
  cfg.limits.max_body = 1000;
  start(cfg);
  Client c(port_);
  ASSERT_TRUE(c.send_all(
      "POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n"));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 413) << r.head;
  EXPECT_EQ(r.value("Connection"), "close");
  EXPECT_EQ(r.value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_NE(r.body.find("\"code\":\"PGGW413\""), std::string::npos) << r.body;
  EXPECT_EQ(r.value("X-Server-Made"), "1");  // decorate_server_response ran
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, HeadHasContentLengthButNoBody) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all("HEAD /thing HTTP/1.1\r\nHost: t\r\n\r\n"));
  ClientResponse r = c.read_response(/*head_request=*/true);
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.value("Content-Length"), std::to_string(std::string("HEAD /thing 0:").size()));
  // If any body byte had been sent, the next response would not parse.
  ASSERT_TRUE(c.send_all(get("/next")));
  ClientResponse next = c.read_response();
  ASSERT_EQ(next.status, 200) << next.head;
  EXPECT_EQ(next.body, "GET /next 0:");
}

TEST_F(ServerTest, NoContentHasNoContentLength) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/nocontent") + get("/after")));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 204) << r.head;
  EXPECT_FALSE(r.has("Content-Length"));
  EXPECT_EQ(c.read_response().body, "GET /after 0:");
}

TEST_F(ServerTest, MalformedRequestGets400AndClose) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all("GET / HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n"));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 400) << r.head;
  EXPECT_EQ(r.value("Connection"), "close");
  EXPECT_EQ(r.value("X-Server-Made"), "1");
  EXPECT_NE(r.body.find("\"code\":\"PGGW400\""), std::string::npos) << r.body;
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(stats().parse_errors, 1u);
}

TEST_F(ServerTest, MalformedSecondPipelinedRequestAfterGoodOne) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/good") + "GET /bad HTTP/9.9\r\nHost: t\r\n\r\n" + get("/never")));
  ClientResponse first = c.read_response();
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "GET /good 0:");
  ClientResponse second = c.read_response();
  ASSERT_EQ(second.status, 505) << second.head;
  EXPECT_EQ(second.value("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, HandlerExceptionBecomes500) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/throw") + get("/fine")));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 500) << r.head;
  EXPECT_NE(r.body.find("\"message\":\"internal error\""), std::string::npos) << r.body;
  EXPECT_EQ(r.value("X-Server-Made"), "1");
  // The connection survives: the framing is intact.
  EXPECT_EQ(c.read_response().body, "GET /fine 0:");
}

TEST_F(ServerTest, HeaderTimeoutGets408AndClose) {
  ServerConfig cfg;
  cfg.header_timeout_ms = 200;
  start(cfg);
  Client c(port_);
  int64_t t0 = monotonic_ms();
  ASSERT_TRUE(c.send_all("GET /slo"));
  ClientResponse r = c.read_response();
  int64_t elapsed = monotonic_ms() - t0;
  ASSERT_EQ(r.status, 408) << r.head;
  EXPECT_GE(elapsed, 150);
  EXPECT_LE(elapsed, 1500);
  EXPECT_EQ(r.value("Connection"), "close");
  EXPECT_NE(r.body.find("header_timeout"), std::string::npos) << r.body;
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(stats().timeouts, 1u);
}

TEST_F(ServerTest, HeaderTimeoutCountsFromFirstByteNotLastByte) {
  ServerConfig cfg;
  cfg.header_timeout_ms = 300;
  start(cfg);
  Client c(port_);
  int64_t t0 = monotonic_ms();
  // Keep trickling: the deadline must not move.
  std::string req = get("/trickle");
  for (size_t i = 0; i < 8 && i < req.size(); ++i) {
    ASSERT_TRUE(c.send_all(req.substr(i, 1)));
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
  }
  ClientResponse r = c.read_response();
  int64_t elapsed = monotonic_ms() - t0;
  ASSERT_EQ(r.status, 408) << r.head;
  EXPECT_LE(elapsed, 1500);
}

TEST_F(ServerTest, BodyTimeoutGets408) {
  ServerConfig cfg;
  cfg.body_timeout_ms = 200;
  start(cfg);
  Client c(port_);
  ASSERT_TRUE(c.send_all("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 408) << r.head;
  EXPECT_NE(r.body.find("body_timeout"), std::string::npos) << r.body;
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, IdleKeepAliveConnectionClosed) {
  ServerConfig cfg;
  cfg.keepalive_timeout_ms = 200;
  start(cfg);
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/one")));
  ASSERT_EQ(c.read_response().status, 200);
  int64_t t0 = monotonic_ms();
  EXPECT_TRUE(c.closed_by_peer());
  int64_t elapsed = monotonic_ms() - t0;
  EXPECT_GE(elapsed, 150);
  EXPECT_LE(elapsed, 1500);
  EXPECT_TRUE(wait_for_connection_count(0));
  EXPECT_EQ(stats().timeouts, 0u);  // an idle close is not a timeout error
}

TEST_F(ServerTest, SlowlorisDoesNotStarveFreshClients) {
  ServerConfig cfg;
  cfg.header_timeout_ms = 10000;  // the trickling clients are not timed out during the test
  start(cfg);
  std::vector<std::unique_ptr<Client>> slow;
  std::string req = get("/slow");
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<Client>(port_));
    ASSERT_TRUE(slow.back()->connected());
    ASSERT_TRUE(slow.back()->send_all(req.substr(0, 1)));
  }
  for (size_t step = 1; step < 6; ++step) {
    for (auto& s : slow) ASSERT_TRUE(s->send_all(req.substr(step, 1)));
    int64_t t0 = monotonic_ms();
    Client fresh(port_);
    ASSERT_TRUE(fresh.connected());
    ASSERT_TRUE(fresh.send_all(get("/fresh")));
    ClientResponse r = fresh.read_response();
    ASSERT_EQ(r.status, 200) << r.head;
    EXPECT_EQ(r.body, "GET /fresh 0:");
    EXPECT_LT(monotonic_ms() - t0, 500);
  }
  // The slow ones are still waiting, not answered.
  EXPECT_GE(connection_count(), 20u);  // (finished fresh clients may still be lingering)
  for (auto& s : slow) EXPECT_TRUE(s->buffered().empty());
  // And each can still finish its request.
  for (auto& s : slow) ASSERT_TRUE(s->send_all(req.substr(6)));
  for (auto& s : slow) {
    ClientResponse r = s->read_response();
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "GET /slow 0:");
  }
}

TEST_F(ServerTest, MaxConnectionsAnswers503WithRetryAfter) {
  ServerConfig cfg;
  cfg.max_connections = 2;
  start(cfg);
  auto a = std::make_unique<Client>(port_);
  Client b(port_);
  // A request on each makes sure both were accepted and are counted.
  ASSERT_TRUE(a->send_all(get("/a")));
  ASSERT_EQ(a->read_response().status, 200);
  ASSERT_TRUE(b.send_all(get("/b")));
  ASSERT_EQ(b.read_response().status, 200);

  Client third(port_);
  ASSERT_TRUE(third.connected());
  ClientResponse r = third.read_response();
  ASSERT_EQ(r.status, 503) << r.head;
  EXPECT_EQ(r.value("Retry-After"), "1");
  EXPECT_EQ(r.value("Connection"), "close");
  EXPECT_EQ(r.value("X-Server-Made"), "1");
  EXPECT_NE(r.body.find("\"code\":\"PGGW503\""), std::string::npos) << r.body;
  EXPECT_TRUE(third.closed_by_peer());
  ServerStats s = stats();
  EXPECT_EQ(s.connections_rejected, 1u);
  EXPECT_EQ(s.connections_accepted, 2u);

  // The existing connections are unaffected.
  ASSERT_TRUE(b.send_all(get("/b2")));
  EXPECT_EQ(b.read_response().body, "GET /b2 0:");

  // Once one closes, a new client gets in.
  a.reset();
  ASSERT_TRUE(wait_for_connection_count(1));
  Client fourth(port_);
  ASSERT_TRUE(fourth.send_all(get("/d")));
  ClientResponse d = fourth.read_response();
  ASSERT_EQ(d.status, 200) << d.head;
  EXPECT_EQ(d.body, "GET /d 0:");
}

TEST_F(ServerTest, BeginShutdownClosesIdleStopsAcceptingFinishesInFlight) {
  start();
  Client idle(port_);
  ASSERT_TRUE(idle.send_all(get("/idle")));
  ASSERT_EQ(idle.read_response().status, 200);

  Client busy(port_);
  ASSERT_TRUE(busy.send_all(
      "POST /busy HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n"));
  // The 100 proves the server has parsed the headers: the request is in flight.
  ASSERT_EQ(busy.read_response().status, 100);
  ASSERT_TRUE(busy.send_all("01234"));

  bool shutting = false;
  run_in_loop([&](HttpServer& s) {
    s.begin_shutdown(monotonic_ms());
    shutting = s.shutting_down();
  });
  EXPECT_TRUE(shutting);

  EXPECT_TRUE(idle.closed_by_peer());
  Client refused(port_);
  EXPECT_FALSE(refused.connected());
  EXPECT_EQ(refused.connect_errno(), ECONNREFUSED);

  ASSERT_TRUE(busy.send_all("56789"));
  ClientResponse r = busy.read_response();
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.body, "POST /busy 10:0123456789");
  EXPECT_EQ(r.value("Connection"), "close");
  EXPECT_TRUE(busy.closed_by_peer());
}

TEST_F(ServerTest, LingeringConnectionClosedWhenPeerCloses) {
  ServerConfig cfg;
  cfg.linger_ms = 10000;  // only the peer's close can end it within the test
  start(cfg);
  auto c = std::make_unique<Client>(port_);
  ASSERT_TRUE(c->send_all(get("/x", "Connection: close\r\n")));
  ASSERT_EQ(c->read_response().status, 200);
  EXPECT_TRUE(c->closed_by_peer());
  EXPECT_EQ(connection_count(), 1u);  // write side shut, draining input
  c.reset();
  EXPECT_TRUE(wait_for_connection_count(0));
}

TEST_F(ServerTest, BeginShutdownAnswersRequestsAlreadyReceivedThenCloses) {
  ServerConfig cfg;
  cfg.header_timeout_ms = 5000;
  start(cfg);
  Client c(port_);
  // A request whose headers are not complete yet: in flight.
  ASSERT_TRUE(c.send_all("GET /first HTTP/1.1\r\nHost: t\r\n"));
  // Two loop turns after the send: the server has read it (loopback delivers at once).
  sync_loop();
  run_in_loop([&](HttpServer& s) { s.begin_shutdown(monotonic_ms()); });
  // The rest of it and a pipelined second request arrive in one segment:
  // both were received, so both are answered, and only the last closes.
  ASSERT_TRUE(c.send_all("\r\n" + get("/second")));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.body, "GET /first 0:");
  EXPECT_EQ(r.value("Connection"), "<absent>");
  ClientResponse r2 = c.read_response();
  ASSERT_EQ(r2.status, 200) << r2.head;
  EXPECT_EQ(r2.body, "GET /second 0:");
  EXPECT_EQ(r2.value("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, Http10GetsConnectionClose) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all("GET /old HTTP/1.0\r\n\r\n"));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.head.rfind("HTTP/1.1 200", 0), 0u);  // we always answer as HTTP/1.1
  EXPECT_EQ(r.value("Connection"), "close");
  EXPECT_EQ(r.value("X-Keep-Alive"), "0");
  EXPECT_EQ(r.body, "GET /old 0:");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, Http10KeepAliveIsHonoured) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all("GET /ka1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.value("Connection"), "keep-alive");
  ASSERT_TRUE(c.send_all("GET /ka2 HTTP/1.0\r\n\r\n"));
  ClientResponse r2 = c.read_response();
  ASSERT_EQ(r2.status, 200) << r2.head;
  EXPECT_EQ(r2.value("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, ConnectionCloseFromHttp11Client) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/bye", "Connection: close\r\n") + get("/ignored")));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.value("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());  // the pipelined request after "close" is not served
}

TEST_F(ServerTest, LargeResponseDeliveredToSlowReader) {
  start();
  Client c(port_, /*rcvbuf=*/8192);
  ASSERT_TRUE(c.send_all(get("/big") + get("/after-big")));
  // Do not read for a while: the server must hit EAGAIN and wait for EPOLLOUT,
  // and keep serving other clients meanwhile.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  {
    Client other(port_);
    ASSERT_TRUE(other.send_all(get("/other")));
    ClientResponse o = other.read_response();
    ASSERT_EQ(o.status, 200);
    EXPECT_EQ(o.body, "GET /other 0:");
  }
  std::string head;
  // Read the head, then the body in small pieces with pauses.
  ClientResponse r;
  {
    std::string raw;
    while (raw.find("\r\n\r\n") == std::string::npos) {
      std::string one;
      ASSERT_TRUE(c.read_exact(one, 1, 1));
      raw += one;
    }
    head = raw;
  }
  const size_t expected_size = 5 * 1024 * 1024;
  EXPECT_NE(head.find("Content-Length: " + std::to_string(expected_size) + "\r\n"),
            std::string::npos)
      << head;
  std::string body;
  while (body.size() < expected_size) {
    size_t want = std::min<size_t>(256 * 1024, expected_size - body.size());
    ASSERT_TRUE(c.read_exact(body, body.size() + want, 4096)) << body.size();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(body.size(), expected_size);
  EXPECT_TRUE(body == pattern_body(expected_size)) << "body content differs";
  ClientResponse after = c.read_response();
  ASSERT_EQ(after.status, 200) << after.head;
  EXPECT_EQ(after.body, "GET /after-big 0:");
}

TEST_F(ServerTest, OutputBackpressureKeepsPipelinedResponsesInOrder) {
  ServerConfig cfg;
  cfg.max_output_buffer = 64 * 1024;  // stop reading long before the responses drain
  start(cfg);
  Client c(port_, /*rcvbuf=*/8192);
  std::string all;
  const int n = 6;
  for (int i = 0; i < n; ++i) all += get("/big?" + std::to_string(300000 + i));
  all += get("/tail");
  ASSERT_TRUE(c.send_all(all));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i = 0; i < n; ++i) {
    ClientResponse r = c.read_response();
    ASSERT_EQ(r.status, 200) << i;
    ASSERT_EQ(r.body.size(), size_t(300000 + i)) << i;
    EXPECT_TRUE(r.body == pattern_body(300000 + i)) << i;
  }
  ClientResponse tail = c.read_response();
  ASSERT_EQ(tail.status, 200);
  EXPECT_EQ(tail.body, "GET /tail 0:");
}

TEST_F(ServerTest, OutputBackpressureThenHalfCloseAllAnswered) {
  ServerConfig cfg;
  cfg.max_output_buffer = 64 * 1024;
  start(cfg);
  Client c(port_, /*rcvbuf=*/8192);
  std::string all;
  for (int i = 0; i < 4; ++i) all += get("/big?200000");
  all += get("/tail");
  ASSERT_TRUE(c.send_all(all));
  c.shutdown_write();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i = 0; i < 4; ++i) {
    ClientResponse r = c.read_response();
    ASSERT_EQ(r.status, 200) << i;
    ASSERT_EQ(r.body.size(), 200000u) << i;
  }
  ClientResponse tail = c.read_response();
  ASSERT_EQ(tail.status, 200);
  EXPECT_EQ(tail.body, "GET /tail 0:");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, NextWakeupReflectsDeadlines) {
  ServerConfig cfg;
  cfg.keepalive_timeout_ms = 5000;
  start(cfg);
  int64_t none = 0;
  run_in_loop([&](HttpServer& s) { none = s.next_wakeup_ms(monotonic_ms()); });
  EXPECT_EQ(none, -1);  // nothing scheduled without connections
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/x")));
  ASSERT_EQ(c.read_response().status, 200);
  int64_t wake = 0;
  run_in_loop([&](HttpServer& s) { wake = s.next_wakeup_ms(monotonic_ms()); });
  EXPECT_GT(wake, 4000);
  EXPECT_LE(wake, 5000);
}

// ---------------------------------------------------------------------------
// serialize() without sockets

TEST(ServerSerialize, StatusLineHeadersAndBody) {
  Response r(201, "application/json", "{}");
  r.set_header("Location", "/x/1");
  std::string s = HttpServer::serialize(r, false, true, 1);
  EXPECT_EQ(s.rfind("HTTP/1.1 201 Created\r\nDate: ", 0), 0u) << s;
  EXPECT_NE(s.find("\r\nServer: pg_gateway\r\n"), std::string::npos);
  EXPECT_NE(s.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(s.find("\r\nLocation: /x/1\r\n"), std::string::npos);
  EXPECT_NE(s.find("\r\nContent-Length: 2\r\n"), std::string::npos);
  EXPECT_EQ(s.find("Connection:"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 6), "\r\n\r\n{}");
}

TEST(ServerSerialize, HeadKeepsContentLengthDropsBody) {
  Response r(200, "text/plain", "hello");
  std::string s = HttpServer::serialize(r, true, true, 1);
  EXPECT_NE(s.find("\r\nContent-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 4), "\r\n\r\n");
}

TEST(ServerSerialize, BodilessStatusesHaveNoContentLength) {
  for (int status : {204, 304}) {
    Response r(status, "", "ignored");
    std::string s = HttpServer::serialize(r, false, true, 1);
    EXPECT_EQ(s.find("Content-Length"), std::string::npos) << status;
    EXPECT_EQ(s.substr(s.size() - 4), "\r\n\r\n") << status;
  }
}

TEST(ServerSerialize, ConnectionHeaderByVersionAndKeepAlive) {
  Response r(200, "", "x");
  EXPECT_NE(HttpServer::serialize(r, false, false, 1).find("\r\nConnection: close\r\n"),
            std::string::npos);
  EXPECT_NE(HttpServer::serialize(r, false, false, 0).find("\r\nConnection: close\r\n"),
            std::string::npos);
  EXPECT_NE(HttpServer::serialize(r, false, true, 0).find("\r\nConnection: keep-alive\r\n"),
            std::string::npos);
  EXPECT_EQ(HttpServer::serialize(r, false, true, 1).find("Connection:"), std::string::npos);
}

}  // namespace

// ---------------------------------------------------------------------------
// Behaviours added after review

TEST_F(ServerTest, HeaderValuesThatCouldSplitTheResponseAreDropped) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/split") + get("/after")));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_FALSE(r.has("Set-Cookie")) << r.head;
  EXPECT_FALSE(r.has("X-From-Sql")) << r.head;
  EXPECT_EQ(r.head.find("Bad Name"), std::string::npos) << r.head;
  EXPECT_EQ(r.value("X-Fine"), "yes");
  ClientResponse after = c.read_response();
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, "GET /after 0:");
}

TEST_F(ServerTest, ServerMadeErrorKeepsTheClientsRequestId) {
  ServerConfig cfg;
  cfg.limits.max_body = 10;
  start(cfg);
  Client c(port_);
  ASSERT_TRUE(
      c.send_all("POST /x HTTP/1.1\r\nHost: t\r\nX-Request-Id: trace-42\r\n"
                 "Content-Length: 11\r\n\r\n"));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 413) << r.head;
  EXPECT_EQ(r.value("X-Request-Id"), "trace-42");
  EXPECT_EQ(r.value("X-Server-Made"), "1");
  // A malformed id is not echoed; the handler decorates instead.
  Client d(port_);
  ASSERT_TRUE(
      d.send_all("POST /x HTTP/1.1\r\nHost: t\r\nX-Request-Id: bad id\r\n"
                 "Content-Length: 11\r\n\r\n"));
  ClientResponse r2 = d.read_response();
  ASSERT_EQ(r2.status, 413) << r2.head;
  EXPECT_EQ(r2.value("X-Request-Id"), "<absent>");
}

TEST_F(ServerTest, ReaderThatStopsReadingIsClosedAfterBodyTimeout) {
  ServerConfig cfg;
  cfg.body_timeout_ms = 300;
  start(cfg);
  Client c(port_, /*rcvbuf=*/4096);
  // 8 MB will not fit in the socket buffers: the write stalls, and the
  // deadline must not move while nothing is written.
  ASSERT_TRUE(c.send_all(get("/big?8388608")));
  int64_t t0 = monotonic_ms();
  EXPECT_TRUE(wait_for_connection_count(0, 3000)) << "stalled connection still open";
  int64_t elapsed = monotonic_ms() - t0;
  EXPECT_GE(elapsed, 250);
  EXPECT_GE(stats().timeouts, 1u);
}

TEST_F(ServerTest, ReconfiguredLimitsApplyToTheNextRequestOnAnOpenConnection) {
  start();
  Client c(port_);
  std::string body(100, 'x');
  std::string post = "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n" + body;
  ASSERT_TRUE(c.send_all(post));
  ASSERT_EQ(c.read_response().status, 200);
  run_in_loop([](HttpServer& s) {
    ServerConfig smaller;
    smaller.limits.max_body = 50;
    s.reconfigure(smaller);
  });
  ASSERT_TRUE(c.send_all(post));
  EXPECT_EQ(c.read_response().status, 413);
}

// ---------------------------------------------------------------------------
// Deferred (parked) responses

TEST_F(ServerTest, DeferredRequestAnsweredByResumeThenKeepAlive) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/defer")));
  uint64_t ticket = wait_for_deferred(1);
  ASSERT_NE(ticket, 0u);
  EXPECT_EQ(deferred_count(), 1u);
  ServerStats before = stats();
  EXPECT_EQ(before.requests, 1u);
  EXPECT_EQ(before.deferred, 1u);
  EXPECT_EQ(before.responses_by_class[2], 0u);  // nothing produced yet
  EXPECT_EQ(c.buffered(), "");

  Response later(201, "text/plain", "done later");
  later.set_header("X-Later", "yes");
  ASSERT_TRUE(resume(ticket, std::move(later)));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 201) << r.head;
  EXPECT_EQ(r.body, "done later");
  EXPECT_EQ(r.value("X-Later"), "yes");
  EXPECT_EQ(r.value("Content-Length"), "10");
  EXPECT_FALSE(r.has("Connection"));
  EXPECT_EQ(deferred_count(), 0u);

  ASSERT_TRUE(c.send_all(get("/second")));
  ClientResponse r2 = c.read_response();
  ASSERT_EQ(r2.status, 200);
  EXPECT_EQ(r2.body, "GET /second 0:");
  ServerStats s = stats();
  EXPECT_EQ(s.requests, 2u);
  EXPECT_EQ(s.deferred, 1u);
  EXPECT_EQ(s.responses_by_class[2], 2u);
  EXPECT_EQ(s.connections_accepted, 1u);
  EXPECT_TRUE(handler_.abandoned().empty());
}

TEST_F(ServerTest, PipelinedRequestsBehindParkedOneWaitAndComeInOrder) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/a") + get("/defer") + get("/b") + get("/c")));
  uint64_t ticket = wait_for_deferred(1);
  ASSERT_NE(ticket, 0u);
  ClientResponse a = c.read_response();
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "GET /a 0:");
  sync_loop();
  EXPECT_EQ(stats().requests, 2u);  // /b and /c not handed over while parked
  EXPECT_EQ(c.buffered(), "");

  ASSERT_TRUE(resume(ticket, Response(200, "text/plain", "deferred")));
  ClientResponse d = c.read_response();
  ASSERT_EQ(d.status, 200);
  EXPECT_EQ(d.body, "deferred");
  ClientResponse b = c.read_response();
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(b.body, "GET /b 0:");
  ClientResponse cc = c.read_response();
  ASSERT_EQ(cc.status, 200);
  EXPECT_EQ(cc.body, "GET /c 0:");
  EXPECT_EQ(stats().requests, 4u);
}

TEST_F(ServerTest, PipelinedDeferredRequestsEachWaitForTheirTurn) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/defer") + get("/defer") + get("/tail")));
  uint64_t first = wait_for_deferred(1);
  ASSERT_NE(first, 0u);
  sync_loop();
  EXPECT_EQ(handler_.deferred().size(), 1u);
  ASSERT_TRUE(resume(first, Response(200, "text/plain", "one")));
  uint64_t second = wait_for_deferred(2);
  ASSERT_NE(second, 0u);
  EXPECT_NE(second, first);
  ClientResponse r1 = c.read_response();
  EXPECT_EQ(r1.body, "one");
  EXPECT_FALSE(resume(first, Response(200, "text/plain", "again")));  // used up
  ASSERT_TRUE(resume(second, Response(200, "text/plain", "two")));
  EXPECT_EQ(c.read_response().body, "two");
  EXPECT_EQ(c.read_response().body, "GET /tail 0:");
}

TEST_F(ServerTest, ResumeOfUnknownTicketIsFalse) {
  start();
  EXPECT_FALSE(resume(12345, Response(200, "text/plain", "x")));
  EXPECT_FALSE(resume(0, Response(200, "text/plain", "x")));
  EXPECT_EQ(deferred_count(), 0u);
}

TEST_F(ServerTest, ClientClosingWhileParkedAbandonsOnce) {
  start();
  auto c = std::make_unique<Client>(port_);
  ASSERT_TRUE(c->send_all(get("/defer")));
  uint64_t ticket = wait_for_deferred(1);
  ASSERT_NE(ticket, 0u);
  c.reset();
  EXPECT_TRUE(wait_for_connection_count(0));
  sync_loop();
  EXPECT_EQ(handler_.abandoned(), std::vector<uint64_t>{ticket});
  EXPECT_EQ(deferred_count(), 0u);
  EXPECT_FALSE(resume(ticket, Response(200, "text/plain", "late")));
  EXPECT_EQ(handler_.abandoned().size(), 1u);
  EXPECT_EQ(stats().responses_by_class[2], 0u);
}

TEST_F(ServerTest, ClientResetWhileParkedAbandons) {
  start();
  auto c = std::make_unique<Client>(port_);
  ASSERT_TRUE(c->send_all(get("/defer") + get("/behind")));
  uint64_t ticket = wait_for_deferred(1);
  ASSERT_NE(ticket, 0u);
  linger lg{1, 0};  // close() sends RST
  setsockopt(c->fd(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  c.reset();
  EXPECT_TRUE(wait_for_connection_count(0));
  EXPECT_EQ(handler_.abandoned(), std::vector<uint64_t>{ticket});
  EXPECT_FALSE(resume(ticket, Response(200, "text/plain", "late")));
}

TEST_F(ServerTest, ParkedConnectionOutlivesItsTimeoutsAndDoesNotSpin) {
  ServerConfig cfg;
  cfg.header_timeout_ms = 100;
  cfg.body_timeout_ms = 100;
  cfg.keepalive_timeout_ms = 100;
  start(cfg);
  Client c(port_);
  // A parked request and the start of another one behind it: that one's
  // header clock starts only when it is parsed, after resume.
  ASSERT_TRUE(c.send_all(get("/defer") + "GET /partial HTTP/1.1\r\n"));
  uint64_t ticket = wait_for_deferred(1);
  ASSERT_NE(ticket, 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(connection_count(), 1u);
  EXPECT_EQ(stats().timeouts, 0u);
  int64_t wake = 0;
  run_in_loop([&](HttpServer& s) { wake = s.next_wakeup_ms(monotonic_ms()); });
  EXPECT_EQ(wake, -1);  // the parked connection schedules nothing

  ASSERT_TRUE(resume(ticket, Response(200, "text/plain", "finally")));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "finally");
  ClientResponse timeout = c.read_response();  // the partial request's clock now runs
  EXPECT_EQ(timeout.status, 408) << timeout.head;
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, BeginShutdownKeepsParkedConnectionAndClosesAfterResume) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/defer")));
  uint64_t ticket = wait_for_deferred(1);
  ASSERT_NE(ticket, 0u);
  Client idle(port_);
  ASSERT_TRUE(idle.send_all(get("/idle")));
  ASSERT_EQ(idle.read_response().status, 200);

  run_in_loop([&](HttpServer& s) { s.begin_shutdown(monotonic_ms()); });
  EXPECT_TRUE(idle.closed_by_peer());
  sync_loop();
  EXPECT_EQ(connection_count(), 1u);
  EXPECT_EQ(deferred_count(), 1u);
  EXPECT_TRUE(handler_.abandoned().empty());

  ASSERT_TRUE(resume(ticket, Response(200, "text/plain", "last")));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "last");
  EXPECT_EQ(r.value("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_EQ(deferred_count(), 0u);
  EXPECT_TRUE(handler_.abandoned().empty());
}

TEST_F(ServerTest, CloseAllAbandonsParkedConnections) {
  start();
  Client a(port_), b(port_);
  ASSERT_TRUE(a.send_all(get("/defer")));
  uint64_t ta = wait_for_deferred(1);
  ASSERT_TRUE(b.send_all(get("/defer")));
  uint64_t tb = wait_for_deferred(2);
  ASSERT_NE(ta, 0u);
  ASSERT_NE(tb, 0u);
  run_in_loop([](HttpServer& s) { s.close_all(); });
  std::vector<uint64_t> abandoned = handler_.abandoned();
  std::sort(abandoned.begin(), abandoned.end());
  EXPECT_EQ(abandoned, (std::vector<uint64_t>{std::min(ta, tb), std::max(ta, tb)}));
  EXPECT_EQ(deferred_count(), 0u);
  EXPECT_TRUE(a.closed_by_peer());
  EXPECT_TRUE(b.closed_by_peer());
  EXPECT_FALSE(resume(ta, Response(200, "text/plain", "x")));
  EXPECT_EQ(handler_.abandoned().size(), 2u);
}

TEST_F(ServerTest, DeferredHeadKeepsContentLengthWithoutBody) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all("HEAD /defer HTTP/1.1\r\nHost: t\r\n\r\n"));
  uint64_t ticket = wait_for_deferred(1);
  ASSERT_NE(ticket, 0u);
  ASSERT_TRUE(resume(ticket, Response(200, "text/plain", "hello")));
  ClientResponse r = c.read_response(true);
  ASSERT_EQ(r.status, 200) << r.head;
  EXPECT_EQ(r.value("Content-Length"), "5");
  ASSERT_TRUE(c.send_all(get("/after")));
  ClientResponse r2 = c.read_response();  // no stray body bytes in between
  ASSERT_EQ(r2.status, 200) << r2.head;
  EXPECT_EQ(r2.body, "GET /after 0:");
}

TEST_F(ServerTest, Http10DeferredGetsConnectionClose) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all("GET /defer HTTP/1.0\r\n\r\n"));
  uint64_t ticket = wait_for_deferred(1);
  ASSERT_NE(ticket, 0u);
  ASSERT_TRUE(resume(ticket, Response(200, "text/plain", "ten")));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.value("Connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, ResumeWithADeferredResponseBecomes500) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/defer")));
  uint64_t ticket = wait_for_deferred(1);
  ASSERT_NE(ticket, 0u);
  Response again;
  again.defer_ticket = ticket + 1;
  ASSERT_TRUE(resume(ticket, std::move(again)));
  ClientResponse r = c.read_response();
  ASSERT_EQ(r.status, 500) << r.head;
  EXPECT_EQ(r.value("X-Server-Made"), "1");
  EXPECT_EQ(deferred_count(), 0u);
  EXPECT_EQ(stats().responses_by_class[5], 1u);
  ASSERT_TRUE(c.send_all(get("/still")));
  EXPECT_EQ(c.read_response().body, "GET /still 0:");
  EXPECT_TRUE(handler_.abandoned().empty());
}

TEST_F(ServerTest, TicketAlreadyParkedGets500) {
  start();
  Client a(port_), b(port_);
  ASSERT_TRUE(a.send_all(get("/defer-fixed")));
  ASSERT_EQ(wait_for_deferred(1), 7u);
  ASSERT_TRUE(b.send_all(get("/defer-fixed")));
  ClientResponse rb = b.read_response();
  EXPECT_EQ(rb.status, 500) << rb.head;
  EXPECT_EQ(deferred_count(), 1u);
  ASSERT_TRUE(resume(7, Response(200, "text/plain", "first")));
  EXPECT_EQ(a.read_response().body, "first");
}

TEST_F(ServerTest, ParkedConnectionBuffersBoundedInput) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send_all(get("/defer")));
  uint64_t ticket = wait_for_deferred(1);
  ASSERT_NE(ticket, 0u);
  // Many pipelined requests behind the parked one: more than the server
  // buffers while parked, so some wait in the socket until resume.
  std::string many;
  for (int i = 0; i < 3000; ++i) many += get("/m" + std::to_string(i));
  ASSERT_TRUE(c.send_all(many));
  sync_loop();
  EXPECT_EQ(stats().requests, 1u);
  ASSERT_TRUE(resume(ticket, Response(200, "text/plain", "head of line")));
  EXPECT_EQ(c.read_response().body, "head of line");
  for (int i = 0; i < 3000; ++i) {
    ClientResponse r = c.read_response();
    ASSERT_EQ(r.status, 200) << i;
    ASSERT_EQ(r.body, "GET /m" + std::to_string(i) + " 0:");
  }
}
