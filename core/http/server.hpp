// The HTTP/1.1 connection engine of one worker process.
//
// It owns the listening sockets, the client sockets and one epoll instance
// holding all of them. It never blocks: the owner sleeps (in PostgreSQL's
// WaitEventSet, which watches epoll_fd() as one socket) and calls poll() and
// expire() when woken. Requests are handed to the RequestHandler one at a
// time, in arrival order per connection, so pipelined responses come back in
// order without any reordering buffer.
//
// A handler may also answer later (Response::defer_ticket): the connection
// is then parked, nothing behind it on that connection reaches the handler,
// and HttpServer::resume() sends the answer when the owner has it, while
// the loop keeps serving every other connection in the meantime.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/http/message.hpp"
#include "core/http/request_parser.hpp"

namespace pg_gateway::http {

struct ServerConfig {
  std::vector<std::string> listen_addresses{"127.0.0.1"};
  int port = 8080;
  int backlog = 1024;
  int max_connections = 256;  // per worker; beyond it: 503 and close
  ParserLimits limits;
  int64_t header_timeout_ms = 10000;           // first byte of a request to end of headers
  int64_t body_timeout_ms = 30000;             // end of headers to end of body; also write stalls
  int64_t keepalive_timeout_ms = 75000;        // idle between requests
  int64_t linger_ms = 2000;                    // draining input after a final response
  size_t max_requests_per_turn = 16;           // pipelined requests served before others get a turn
  size_t max_output_buffer = 4 * 1024 * 1024;  // stop reading a connection beyond this
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Produces the response for one complete request. Must not throw; the
  // server still turns an escaping exception into a 500 as a last resort.
  virtual Response handle(Request& request) = 0;
  // Lets the handler decorate responses the server makes by itself (parse
  // errors, 408, 503 at capacity), e.g. with a request id.
  virtual void decorate_server_response(Response& response) { (void)response; }
  // True once the process has been asked to stop (the owner's signal
  // handler knows before the server's loop does). Asked after each
  // handler call, so a request that was running when SIGTERM came gets
  // Connection: close unless more requests from that client are waiting.
  virtual bool draining() const { return false; }
  // A parked request (handle() returned a nonzero defer_ticket) whose
  // connection closed before resume(): the peer went away, a read error,
  // its output stalled past body_timeout, close_all() or the destructor.
  // The owner drops its wait entry; resume(ticket) would now return false.
  // Called at most once per ticket, never for one that was resumed, after
  // the server has forgotten the connection. Must not throw (an exception
  // is swallowed) and should not call back into the server.
  virtual void on_deferred_abandoned(uint64_t ticket) { (void)ticket; }
};

struct ServerStats {
  uint64_t connections_accepted = 0;
  uint64_t connections_rejected = 0;  // over max_connections
  uint64_t requests = 0;              // handed to the handler, deferred ones included
  uint64_t responses_by_class[6] = {0, 0, 0, 0, 0, 0};  // index status/100
  uint64_t parse_errors = 0;
  uint64_t timeouts = 0;
  uint64_t open_connections = 0;
  uint64_t deferred = 0;  // handle() answers that parked their connection
};

class HttpServer {
 public:
  HttpServer(ServerConfig config, RequestHandler& handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Opens the listening sockets. Throws ListenError.
  void listen();
  bool listening() const { return !listeners_.empty(); }
  int epoll_fd() const { return epfd_; }

  // Serves whatever is ready now; never blocks.
  void poll(int64_t now_ms);
  // Closes connections whose deadline has passed.
  void expire(int64_t now_ms);
  // Milliseconds until poll()/expire() must run again: 0 when work is
  // pending, -1 when nothing is scheduled.
  int64_t next_wakeup_ms(int64_t now_ms) const;

  // Graceful shutdown: stop accepting, close idle connections, let requests
  // in flight finish with Connection: close.
  void begin_shutdown(int64_t now_ms);
  bool shutting_down() const { return shutting_down_; }
  size_t connection_count() const { return connections_.size(); }
  // Closes every connection; parked ones are abandoned (on_deferred_abandoned).
  void close_all();

  // Gives the answer of a parked request: sent exactly as handle()'s would
  // have been (keep-alive decided now, so a shutdown or drain begun
  // meanwhile makes it Connection: close), then pipelined requests waiting
  // behind it are served. False when the ticket is unknown: never parked,
  // already resumed, or its connection is gone (then it was abandoned).
  // A `response` that is itself deferred is answered as a 500. Never throws.
  bool resume(uint64_t ticket, Response response, int64_t now_ms);
  // Connections parked waiting for resume().
  size_t deferred_count() const { return parked_.size(); }

  // Applies reloadable settings (everything but addresses, port, backlog).
  void reconfigure(const ServerConfig& config);
  const ServerStats& stats() const { return stats_; }

  // Serializes a response; HEAD responses keep Content-Length but no body.
  static std::string serialize(const Response& response, bool head_request, bool keep_alive,
                               int request_minor_version);

 private:
  struct Connection;

  void accept_ready(int listen_fd, int64_t now_ms);
  void reject_over_capacity(int fd);
  void on_readable(Connection& c, int64_t now_ms);
  void process_input(Connection& c, int64_t now_ms);
  void respond(Connection& c, Response response, bool head, bool keep_alive, int minor,
               int64_t now_ms);
  void fail_request(Connection& c, int status, const std::string& message, int64_t now_ms);
  void decorate(Response& r, const Request* partial);
  bool flush(Connection& c, int64_t now_ms);
  void finish_or_close(Connection& c, int64_t now_ms);
  void update_interest(Connection& c);
  void update_deadline(Connection& c, int64_t now_ms);
  void close_connection(uint64_t id);
  bool park(Connection& c, uint64_t ticket, bool head, bool keep_alive, int minor);

  ServerConfig config_;
  RequestHandler& handler_;
  int epfd_ = -1;
  std::vector<int> listeners_;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<uint64_t> pending_;  // connections with unparsed pipelined input
  // ticket -> connection id of every parked connection. Invariant: an entry
  // exists exactly while that connection exists with parked_ticket == ticket.
  std::unordered_map<uint64_t, uint64_t> parked_;
  uint64_t next_id_ = 1;
  bool shutting_down_ = false;
  ServerStats stats_;
};

}  // namespace pg_gateway::http
