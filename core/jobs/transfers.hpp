// Outbound HTTP transfers of the job queue's "http" task, on libcurl's multi
// interface, driven by the job worker's own wait loop.
//
// libcurl never sleeps and never calls back into anything but this file:
// its socket callback puts the transfer sockets into one epoll set (the
// worker adds that epoll fd to its WaitEventSet), its timer callback records
// when libcurl wants to be called next, and its data callbacks copy bytes
// into the transfer's buffers. The worker calls poll() after waking, which
// hands sockets and timeouts to libcurl and returns the finished transfers.
// No PostgreSQL code runs under a libcurl callback (this is core code: it
// cannot).
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/http/fields.hpp"
#include "core/jobs/email_message.hpp"
#include "core/jobs/task_specs.hpp"

namespace pg_gateway::jobs {

// Where the email task sends mail (superuser-set GUCs, see gucs.cpp).
struct SmtpSettings {
  std::string url;  // smtp://host:port or smtps://host:port
  std::string username;
  std::string password;
};

struct TransferResult {
  int64_t job_id = 0;
  bool email = false;      // an SMTP transfer: status is the last SMTP reply code
  std::string message_id;  // email: the Message-ID header sent
  TransportError error = TransportError::kNone;
  std::string error_text;             // libcurl's message when error != kNone
  int status = 0;                     // HTTP status of the response
  std::vector<http::Header> headers;  // response headers (names lower-cased), at most 100
  std::string body;                   // at most the spec's max_response_bytes
  bool body_truncated = false;
  int64_t elapsed_ms = 0;

  // http: {"status": 200, "headers": {...}, "body": "...", "truncated": false,
  //  "elapsed_ms": 12}; a body that is not UTF-8 is "body_base64".
  // email: {"smtp_reply": 250, "message_id": "<...>", "recipients": n, "elapsed_ms": 12}.
  std::string result_json() const;
  size_t recipients = 0;  // email
};

class TransferSet {
 public:
  TransferSet();
  ~TransferSet();
  TransferSet(const TransferSet&) = delete;
  TransferSet& operator=(const TransferSet&) = delete;

  // Readable when some transfer socket needs attention.
  int epoll_fd() const { return epoll_fd_; }
  size_t in_flight() const { return transfers_.size(); }
  // Milliseconds until libcurl wants poll() called even without socket
  // activity (a timeout, a retry of a connect), or -1 for none.
  int64_t next_timeout_ms(int64_t now_ms) const;

  // Starts the request of `spec` for the job; `now_unix_seconds` is the
  // Standard Webhooks timestamp when the spec signs.
  void start_http(int64_t job_id, const HttpTaskSpec& spec, int64_t now_unix_seconds,
                  int64_t now_ms);
  // Starts sending the message of `spec` for the job over SMTP.
  void start_email(int64_t job_id, const EmailTaskSpec& spec, const SmtpSettings& smtp,
                   int64_t now_unix_seconds, int64_t now_ms);
  // Lets libcurl work on ready sockets and due timers; returns the
  // transfers that finished.
  std::vector<TransferResult> poll(int64_t now_ms);
  // Aborts every transfer (shutdown); they are returned with kOther and
  // `reason` as error_text.
  std::vector<TransferResult> abort_all(const std::string& reason);

  struct Transfer;  // one easy handle and its buffers (transfers.cpp)

 private:
  void add(std::unique_ptr<Transfer> t);

  void* multi_ = nullptr;  // CURLM*
  int epoll_fd_ = -1;
  int64_t timer_due_ms_ = -1;  // absolute, monotonic
  int64_t last_now_ms_ = 0;
  std::map<void*, std::unique_ptr<Transfer>> transfers_;  // by CURL*

  friend int on_curl_socket(void*, int, int, void*, void*);
  friend int on_curl_timer(void*, long, void*);
};

}  // namespace pg_gateway::jobs
