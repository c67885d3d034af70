#include "core/http/server.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

#include "core/http/listen_socket.hpp"
#include "core/util/request_id.hpp"

namespace pg_gateway::http {

namespace {

constexpr uint64_t kListenerTag = uint64_t(1) << 63;
constexpr size_t kReadChunk = 16 * 1024;
// A parked connection keeps reading (so a peer's close is seen) until this
// much unparsed input is buffered behind the parked request; then reading
// pauses until resume(). A RST or error is still reported (EPOLLERR and
// EPOLLHUP need no interest), a bare FIN then only at resume.
constexpr size_t kParkedInputLimit = 4 * kReadChunk;
// The deadline of a connection that has none (parked, nothing to write):
// expire() never reaches it and next_wakeup_ms() ignores it.
constexpr int64_t kNoDeadline = INT64_MAX;

std::string peer_address(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr, buf, sizeof buf);
  else if (ss.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr, buf, sizeof buf);
  return buf;
}

// RFC 9110 Date, cached per second: formatting it per response is measurable.
const std::string& http_date() {
  static thread_local time_t cached_at = 0;
  static thread_local std::string cached;
  time_t now = time(nullptr);
  if (now != cached_at) {
    tm t;
    gmtime_r(&now, &t);
    char buf[64];
    strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &t);
    cached = buf;
    cached_at = now;
  }
  return cached;
}

bool is_valid_header(const Header& h) {
  if (h.name.empty()) return false;
  for (char ch : h.name) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || c == ':') return false;
  }
  for (char ch : h.value)
    if (ch == '\r' || ch == '\n' || ch == '\0') return false;
  return true;
}

}  // namespace

struct HttpServer::Connection {
  uint64_t id = 0;
  int fd = -1;
  std::string remote;
  RequestParser parser;
  std::string in;  // received, not yet fed to the parser
  std::string out;
  size_t out_offset = 0;
  uint32_t events = 0;  // current epoll interest
  int64_t deadline = 0;
  int64_t request_started = 0;  // first byte of the current request
  int64_t body_started = 0;     // end of its headers
  int64_t last_write_progress = 0;
  bool continue_sent = false;
  bool close_after_write = false;
  bool lingering = false;  // final response sent, write side shut, draining input
  bool read_eof = false;
  // Nonzero while parked: handle() deferred the request, resume() answers
  // it. What respond() needs then is kept here. While parked the parser is
  // not fed (it stays between requests), close_after_write and lingering
  // stay false, and the header/body/keep-alive clocks do not run.
  uint64_t parked_ticket = 0;
  bool parked_head = false;
  bool parked_keep_alive = false;  // the request's own wish (version, Connection header)
  int parked_minor = 1;

  explicit Connection(const ParserLimits& limits) : parser(limits) {}
  size_t out_pending() const { return out.size() - out_offset; }
};

HttpServer::HttpServer(ServerConfig config, RequestHandler& handler)
    : config_(std::move(config)), handler_(handler) {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
}

HttpServer::~HttpServer() {
  close_all();
  for (int fd : listeners_) close(fd);
  if (epfd_ >= 0) close(epfd_);
}

void HttpServer::listen() {
  std::vector<int> fds =
      open_listen_sockets(config_.listen_addresses, config_.port, config_.backlog);
  for (size_t i = 0; i < fds.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kListenerTag | i;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fds[i], &ev) != 0) {
      int err = errno;
      for (int fd : fds) close(fd);
      throw ListenError(std::string("could not watch the listening socket: ") + strerror(err), err);
    }
  }
  listeners_ = std::move(fds);
}

void HttpServer::reconfigure(const ServerConfig& config) {
  std::vector<std::string> addresses = config_.listen_addresses;
  int port = config_.port, backlog = config_.backlog;
  config_ = config;
  config_.listen_addresses = std::move(addresses);
  config_.port = port;
  config_.backlog = backlog;
}

void HttpServer::poll(int64_t now_ms) {
  epoll_event events[64];
  int n = epoll_wait(epfd_, events, 64, 0);
  for (int i = 0; i < n; ++i) {
    uint64_t id = events[i].data.u64;
    if (id & kListenerTag) {
      size_t idx = size_t(id & ~kListenerTag);
      if (idx < listeners_.size() && !shutting_down_) accept_ready(listeners_[idx], now_ms);
      continue;
    }
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;  // closed earlier in this batch
    Connection& c = *it->second;
    if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      on_readable(c, now_ms);
      if (!connections_.count(id)) continue;
    }
    if (events[i].events & EPOLLOUT) finish_or_close(c, now_ms);
  }
  // Give connections with leftover pipelined requests another turn.
  std::vector<uint64_t> pending;
  pending.swap(pending_);
  for (uint64_t id : pending) {
    auto it = connections_.find(id);
    if (it != connections_.end()) process_input(*it->second, now_ms);
  }
}

void HttpServer::accept_ready(int listen_fd, int64_t now_ms) {
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd =
        accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a transient error (ECONNABORTED, EMFILE): retry later
    if (connections_.size() >= size_t(config_.max_connections)) {
      reject_over_capacity(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_unique<Connection>(config_.limits);
    c->id = next_id_++;
    c->fd = fd;
    c->remote = peer_address(ss);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = c->id;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close(fd);
      continue;
    }
    c->events = EPOLLIN;
    c->deadline = now_ms + config_.keepalive_timeout_ms;
    ++stats_.connections_accepted;
    connections_.emplace(c->id, std::move(c));
    stats_.open_connections = connections_.size();
  }
}

// At capacity we still answer, so clients see a clear 503 instead of a hang.
void HttpServer::reject_over_capacity(int fd) {
  Response r = json_error(503, "PGGW503", "this HTTP worker is at its connection limit",
                          "pg_gateway.max_connections = " + std::to_string(config_.max_connections),
                          "retry shortly, or raise pg_gateway.max_connections");
  r.set_header("Retry-After", "1");
  r.close = true;
  decorate(r, nullptr);
  std::string bytes = serialize(r, false, false, 1);
  ssize_t ignored = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)ignored;
  // Closing with unread input makes the kernel send RST, which can destroy
  // the 503 before the client reads it: half-close, drain what already
  // arrived, then close.
  shutdown(fd, SHUT_WR);
  char sink[4096];
  for (int i = 0; i < 16 && recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
  }
  close(fd);
  ++stats_.connections_rejected;
  ++stats_.responses_by_class[5];
}

void HttpServer::on_readable(Connection& c, int64_t now_ms) {
  char buf[kReadChunk];
  while (true) {
    // Backpressure: a client that pipelines faster than it reads stops
    // being read until its responses drain.
    if (!c.lingering && c.out_pending() >= config_.max_output_buffer) break;
    ssize_t n = recv(c.fd, buf, sizeof buf, 0);
    if (n > 0) {
      if (!c.lingering) c.in.append(buf, size_t(n));  // lingering: discard
      // A short read means the socket is drained for now (level-triggered
      // epoll reports it again otherwise): saves the recv() that would only
      // return EAGAIN, one of three syscalls per keep-alive request.
      if (size_t(n) < sizeof buf) break;
      if (c.in.size() >= 4 * kReadChunk) break;  // parse before reading more
      continue;
    }
    if (n == 0) {
      c.read_eof = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    close_connection(c.id);  // ECONNRESET and friends
    return;
  }
  if (c.lingering) {
    if (c.read_eof) close_connection(c.id);
    return;
  }
  process_input(c, now_ms);
}

void HttpServer::process_input(Connection& c, int64_t now_ms) {
  uint64_t id = c.id;
  size_t served = 0;
  while (!c.in.empty() && !c.close_after_write && c.parked_ticket == 0) {
    if (c.out_pending() >= config_.max_output_buffer) break;
    if (served >= config_.max_requests_per_turn) {
      pending_.push_back(id);
      break;
    }
    bool was_started = c.parser.started();
    bool had_headers = c.parser.headers_complete();
    if (!was_started) c.parser.set_limits(config_.limits);  // a reload applies to new requests
    size_t consumed = 0;
    ParseStatus st = c.parser.feed(c.in, consumed);
    c.in.erase(0, consumed);
    if (!was_started && c.parser.started()) c.request_started = now_ms;
    if (!had_headers && c.parser.headers_complete()) c.body_started = now_ms;
    if (st == ParseStatus::kError) {
      ++stats_.parse_errors;
      fail_request(c, c.parser.error_status(), c.parser.error_message(), now_ms);
      break;
    }
    if (st == ParseStatus::kNeedMore) {
      if (c.parser.body_pending() && c.parser.request().expect_continue && !c.continue_sent) {
        c.out.append("HTTP/1.1 100 Continue\r\n\r\n");
        c.continue_sent = true;
      }
      break;
    }
    Request req = c.parser.take_request();
    c.continue_sent = false;
    req.remote_addr = c.remote;
    bool head = req.method == Method::kHead;
    int minor = req.version_minor;
    ++stats_.requests;
    ++served;
    Response resp;
    try {
      resp = handler_.handle(req);
    } catch (const std::exception& e) {
      resp = json_error(500, "PGGW500", "internal error", e.what());
      decorate(resp, &req);
    } catch (...) {
      resp = json_error(500, "PGGW500", "internal error");
      decorate(resp, &req);
    }
    if (resp.defer_ticket != 0) {
      if (park(c, resp.defer_ticket, head, req.keep_alive, minor)) break;
      // A ticket already parked elsewhere: a handler bug, answered here.
      resp =
          json_error(500, "PGGW500", "internal error", "deferred response ticket already in use");
      decorate(resp, &req);
    }
    // While shutting down, requests already received are still answered;
    // the last one closes. After a half-close, likewise.
    bool more_buffered = !c.in.empty();
    bool stopping = shutting_down_ || handler_.draining();
    bool keep_alive = req.keep_alive && (more_buffered || (!stopping && !c.read_eof));
    respond(c, std::move(resp), head, keep_alive, minor, now_ms);
  }
  // A parked connection whose peer sent EOF: we cannot tell a half-close
  // from a client that gave up without writing to it, and a deferred
  // answer is typically seconds away, so it counts as gone (abandoned).
  if (c.parked_ticket != 0 && c.read_eof) {
    close_connection(id);
    return;
  }
  // A peer that half-closed sends nothing more: answer the complete requests
  // still buffered (held back by max_requests_per_turn or backpressure; they
  // get another turn via pending_ or EPOLLOUT), then close. A request still
  // incomplete once the buffer is empty will never finish.
  if (c.read_eof && !c.close_after_write && c.in.empty()) c.close_after_write = true;
  update_deadline(c, now_ms);
  finish_or_close(c, now_ms);
}

// Parks `c` under `ticket` after handle() deferred its request. False when
// the ticket is already parked (the caller answers 500 instead): two
// connections must never wait for one answer.
bool HttpServer::park(Connection& c, uint64_t ticket, bool head, bool keep_alive, int minor) {
  if (!parked_.emplace(ticket, c.id).second) return false;
  c.parked_ticket = ticket;
  c.parked_head = head;
  c.parked_keep_alive = keep_alive;
  c.parked_minor = minor;
  ++stats_.deferred;
  return true;
}

// The other half of a deferred request. The keep-alive decision is the one
// process_input() would make now: input buffered behind it keeps the
// connection open to answer it; otherwise a shutdown, a drain or EOF makes
// this the last response. Then the connection carries on exactly as after
// a synchronous answer (pipelined input gets its turn, output is flushed).
// Meant for the owner's loop, beside poll() and expire(), not for the
// handler's callbacks (re-entering process_input() from handle() would
// nest handler calls).
bool HttpServer::resume(uint64_t ticket, Response response, int64_t now_ms) {
  auto pit = parked_.find(ticket);
  if (pit == parked_.end()) return false;
  uint64_t id = pit->second;
  parked_.erase(pit);
  auto it = connections_.find(id);
  if (it == connections_.end()) return false;  // cannot happen: closing unparks
  Connection& c = *it->second;
  c.parked_ticket = 0;
  try {
    if (response.defer_ticket != 0) {
      // Deferring again would need a new ticket from handle(); refuse.
      response = json_error(500, "PGGW500", "internal error", "resumed with a deferred response");
      decorate(response, nullptr);
    }
    bool more_buffered = !c.in.empty();
    bool stopping = shutting_down_ || handler_.draining();
    bool keep_alive = c.parked_keep_alive && (more_buffered || (!stopping && !c.read_eof));
    respond(c, std::move(response), c.parked_head, keep_alive, c.parked_minor, now_ms);
    process_input(c, now_ms);  // may close c or park it again
  } catch (...) {
    // Out of memory serializing: the answer is lost; so is the connection.
    // Unparked above, so this is not reported as abandoned.
    close_connection(id);
    return false;
  }
  return true;
}

void HttpServer::respond(Connection& c, Response response, bool head, bool keep_alive, int minor,
                         int64_t now_ms) {
  // The write-stall clock starts when output is queued on an idle buffer
  // and moves only when send() makes progress.
  if (c.out_pending() == 0) c.last_write_progress = now_ms;
  if (response.close || !keep_alive) {
    response.close = true;
    c.close_after_write = true;
  }
  int cls = response.status / 100;
  if (cls >= 1 && cls <= 5) ++stats_.responses_by_class[cls];
  c.out.append(serialize(response, head, !response.close, minor));
}

void HttpServer::fail_request(Connection& c, int status, const std::string& message,
                              int64_t now_ms) {
  // After a framing error we cannot find the next request: answer and close.
  std::string code = "PGGW" + std::to_string(status);
  Response r = json_error(status, code, message);
  r.close = true;
  decorate(r, &c.parser.request());
  c.in.clear();
  respond(c, std::move(r), false, false, 1, now_ms);
}

// Responses the server makes itself keep the client's request id when the
// headers got far enough to carry one, then the handler adds the rest.
void HttpServer::decorate(Response& r, const Request* partial) {
  if (partial) {
    const std::string* id = partial->header("x-request-id");
    if (id && util::is_acceptable_request_id(*id)) r.set_header("X-Request-Id", *id);
  }
  handler_.decorate_server_response(r);
}

bool HttpServer::flush(Connection& c, int64_t now_ms) {
  while (c.out_pending() > 0) {
    ssize_t n = send(c.fd, c.out.data() + c.out_offset, c.out_pending(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out_offset += size_t(n);
      c.last_write_progress = now_ms;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return false;  // EPIPE, ECONNRESET
  }
  if (c.out_pending() == 0) {
    c.out.clear();
    c.out_offset = 0;
  } else if (c.out_offset > (1u << 20)) {
    c.out.erase(0, c.out_offset);
    c.out_offset = 0;
  }
  return true;
}

// Writes what it can, then decides the connection's next state.
void HttpServer::finish_or_close(Connection& c, int64_t now_ms) {
  if (!flush(c, now_ms)) {
    close_connection(c.id);
    return;
  }
  if (c.out_pending() == 0 && c.close_after_write && !c.lingering) {
    // Half-close and drain briefly, so a client still sending does not get
    // a RST that destroys the response before it reads it.
    shutdown(c.fd, SHUT_WR);
    c.lingering = true;
    c.deadline = now_ms + config_.linger_ms;
    if (c.read_eof) {
      close_connection(c.id);
      return;
    }
  }
  // Not while parked: it would not be parsed, and a connection that stays
  // in pending_ makes next_wakeup_ms() return 0 forever.
  if (c.out_pending() == 0 && !c.close_after_write && !c.in.empty() && c.parked_ticket == 0 &&
      c.out_pending() < config_.max_output_buffer) {
    // Input held back by backpressure can be parsed now.
    bool queued = false;
    for (uint64_t p : pending_) queued |= p == c.id;
    if (!queued) pending_.push_back(c.id);
  }
  update_deadline(c, now_ms);
  update_interest(c);
}

void HttpServer::update_interest(Connection& c) {
  uint32_t want = 0;
  bool parked_full = c.parked_ticket != 0 && c.in.size() >= kParkedInputLimit;
  bool reading_allowed = c.lingering || (!c.close_after_write && !c.read_eof && !parked_full &&
                                         c.out_pending() < config_.max_output_buffer);
  if (reading_allowed && !(c.lingering && c.read_eof)) want |= EPOLLIN;
  if (c.out_pending() > 0) want |= EPOLLOUT;
  if (want == c.events) return;
  epoll_event ev{};
  ev.events = want;
  ev.data.u64 = c.id;
  epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
  c.events = want;
}

void HttpServer::update_deadline(Connection& c, int64_t now_ms) {
  if (c.lingering) return;
  if (c.out_pending() > 0) {
    // Also while parked: a peer not reading earlier responses is stalled
    // whatever the handler is waiting for.
    c.deadline = c.last_write_progress + config_.body_timeout_ms;
  } else if (c.parked_ticket != 0) {
    // The handler owns the deadline of a deferred request (it resumes with
    // a 504 or the like); the parser is idle, so no other clock applies.
    c.deadline = kNoDeadline;
  } else if (c.parser.headers_complete()) {
    c.deadline = c.body_started + config_.body_timeout_ms;
  } else if (c.parser.started()) {
    c.deadline = c.request_started + config_.header_timeout_ms;
  } else {
    c.deadline = now_ms + config_.keepalive_timeout_ms;
  }
}

void HttpServer::expire(int64_t now_ms) {
  std::vector<uint64_t> expired;
  for (auto& [id, c] : connections_)
    if (c->deadline <= now_ms) expired.push_back(id);
  for (uint64_t id : expired) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;
    Connection& c = *it->second;
    if (c.lingering || c.out_pending() > 0 || !c.parser.started()) {
      // Idle keep-alive, finished linger, or a reader that stopped reading.
      if (c.out_pending() > 0 || c.parser.started()) ++stats_.timeouts;
      close_connection(id);
      continue;
    }
    // A request that did not arrive in time: say so, then close.
    ++stats_.timeouts;
    c.in.clear();
    Response r = json_error(408, "PGGW408",
                            c.parser.headers_complete()
                                ? "request body not received within pg_gateway.body_timeout"
                                : "request headers not received within pg_gateway.header_timeout");
    r.close = true;
    decorate(r, &c.parser.request());
    respond(c, std::move(r), false, false, 1, now_ms);
    c.deadline = now_ms + config_.linger_ms;
    finish_or_close(c, now_ms);
    if (connections_.count(id) && !c.lingering) {
      // Could not even send the 408: the peer is not reading.
      close_connection(id);
    }
  }
}

int64_t HttpServer::next_wakeup_ms(int64_t now_ms) const {
  if (!pending_.empty()) return 0;
  int64_t best = -1;
  for (const auto& [id, c] : connections_) {
    if (c->deadline == kNoDeadline) continue;  // parked: resume() is what wakes it
    int64_t d = c->deadline - now_ms;
    if (d < 0) d = 0;
    if (best < 0 || d < best) best = d;
  }
  return best;
}

void HttpServer::begin_shutdown(int64_t now_ms) {
  if (shutting_down_) return;
  shutting_down_ = true;
  for (int fd : listeners_) {
    epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
  }
  listeners_.clear();
  std::vector<uint64_t> idle;
  for (auto& [id, c] : connections_) {
    // A parked request is in flight: resume() answers it with
    // Connection: close (unless more requests are buffered behind it).
    if (c->parked_ticket != 0) continue;
    bool request_started = c->parser.started() || !c->in.empty();
    if (!request_started && c->out_pending() == 0) {
      idle.push_back(id);
    } else if (!request_started) {
      c->close_after_write = true;  // its last response is on the way out
    } else if (!c->in.empty()) {
      pending_.push_back(id);  // requests received but not served yet
    }
  }
  for (uint64_t id : idle) close_connection(id);
  // Connections mid-request keep reading; their response carries Connection: close.
  (void)now_ms;
}

void HttpServer::close_all() {
  std::vector<uint64_t> ids;
  for (auto& [id, c] : connections_) ids.push_back(id);
  for (uint64_t id : ids) close_connection(id);
}

void HttpServer::close_connection(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  uint64_t ticket = it->second->parked_ticket;
  epoll_ctl(epfd_, EPOLL_CTL_DEL, it->second->fd, nullptr);
  close(it->second->fd);
  connections_.erase(it);
  stats_.open_connections = connections_.size();
  if (ticket != 0) {
    // Every way a parked connection ends, other than resume(), passes here.
    // The bookkeeping is consistent before the handler hears of it.
    parked_.erase(ticket);
    try {
      handler_.on_deferred_abandoned(ticket);
    } catch (...) {
    }
  }
}

std::string HttpServer::serialize(const Response& r, bool head_request, bool keep_alive,
                                  int request_minor_version) {
  std::string out;
  out.reserve(256 + r.body.size());
  out.append("HTTP/1.1 ");
  out.append(std::to_string(r.status));
  out.push_back(' ');
  out.append(reason_phrase(r.status));
  out.append("\r\nDate: ");
  out.append(http_date());
  out.append("\r\nServer: pg_gateway\r\n");
  for (const Header& h : r.headers) {
    // A name that is not a token, or a value with CR, LF or NUL, would let
    // data from SQL split the response: such a header is dropped.
    if (!is_valid_header(h)) continue;
    out.append(h.name);
    out.append(": ");
    out.append(h.value);
    out.append("\r\n");
  }
  // RFC 9110 8.6: no Content-Length in 1xx and 204 responses.
  bool bodiless_status = r.status == 204 || r.status == 304 || r.status < 200;
  if (!bodiless_status) {
    out.append("Content-Length: ");
    out.append(std::to_string(r.body.size()));
    out.append("\r\n");
  }
  if (!keep_alive)
    out.append("Connection: close\r\n");
  else if (request_minor_version == 0)
    out.append("Connection: keep-alive\r\n");
  out.append("\r\n");
  if (!head_request && !bodiless_status) out.append(r.body);
  return out;
}

}  // namespace pg_gateway::http
