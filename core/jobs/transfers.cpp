#include "core/jobs/transfers.hpp"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "core/json/json_writer.hpp"
#include "core/util/base64.hpp"
#include "core/util/utf8.hpp"

namespace pg_gateway::jobs {

constexpr size_t kMaxResponseHeaders = 100;
constexpr size_t kMaxResponseHeaderBytes = 64 * 1024;

struct TransferSet::Transfer {
  int64_t job_id = 0;
  bool email = false;
  std::string message_id;
  size_t recipients = 0;
  size_t upload_offset = 0;  // email: how much of request_body libcurl has read
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;  // http headers, or email recipients
  std::string request_body;
  size_t max_body = 0;
  int64_t started_ms = 0;
  std::vector<http::Header> response_headers;
  size_t header_bytes = 0;
  std::string body;
  bool truncated = false;
  char error[CURL_ERROR_SIZE] = {0};
};

namespace {

// Called once per process: libcurl's global state (and OpenSSL's) before
// any easy handle exists.
void global_init() {
  static const bool done = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
    return true;
  }();
  (void)done;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<TransferSet::Transfer*>(user);
  size_t n = size * count;
  size_t room = t->body.size() < t->max_body ? t->max_body - t->body.size() : 0;
  if (n > room) t->truncated = true;
  t->body.append(data, n < room ? n : room);
  return n;  // keep reading (and dropping): the status and timing still count
}

// The SMTP upload: the message, in the pieces libcurl asks for (it does
// the dot-stuffing and the final "." itself).
size_t on_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<TransferSet::Transfer*>(user);
  size_t room = size * count;
  size_t left = t->request_body.size() - t->upload_offset;
  size_t n = left < room ? left : room;
  std::memcpy(buffer, t->request_body.data() + t->upload_offset, n);
  t->upload_offset += n;
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<TransferSet::Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  // A new status line (after a 100 Continue) starts a new header block.
  if (line.rfind("HTTP/", 0) == 0) {
    t->response_headers.clear();
    t->header_bytes = 0;
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || t->response_headers.size() >= kMaxResponseHeaders ||
      t->header_bytes + n > kMaxResponseHeaderBytes)
    return n;
  t->header_bytes += n;
  http::Header h;
  h.name = std::string(line.substr(0, colon));
  for (char& c : h.name)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ' ||
                            value.back() == '\t'))
    value.remove_suffix(1);
  h.value = std::string(value);
  t->response_headers.push_back(std::move(h));
  return n;
}

TransportError transport_error(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return TransportError::kNone;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportError::kResolve;
    case CURLE_COULDNT_CONNECT:
      return TransportError::kConnect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return TransportError::kTls;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return TransportError::kSendReceive;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_LOGIN_DENIED:
      return TransportError::kInvalidRequest;
    default:
      return TransportError::kOther;
  }
}

}  // namespace

// libcurl tells which socket to watch for what; the epoll set mirrors it.
int on_curl_socket(void* easy, int fd, int what, void* user, void* socketp) {
  (void)easy;
  (void)socketp;
  auto* set = static_cast<TransferSet*>(user);
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(set->epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    return 0;
  }
  epoll_event ev{};
  ev.data.fd = fd;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) ev.events |= EPOLLIN;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) ev.events |= EPOLLOUT;
  if (epoll_ctl(set->epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT)
    epoll_ctl(set->epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  return 0;
}

// libcurl wants to be called after `timeout_ms` (-1: no timer, 0: at once).
int on_curl_timer(void* multi, long timeout_ms, void* user) {
  (void)multi;
  auto* set = static_cast<TransferSet*>(user);
  set->timer_due_ms_ = timeout_ms < 0 ? -1 : set->last_now_ms_ + timeout_ms;
  return 0;
}

std::string TransferResult::result_json() const {
  json::Writer w;
  w.begin_object();
  if (email) {
    w.key("smtp_reply").value(int64_t(status));
    w.key("message_id").value(message_id);
    w.key("recipients").value(int64_t(recipients));
    w.key("elapsed_ms").value(elapsed_ms);
    w.end_object();
    return w.take();
  }
  w.key("status").value(int64_t(status));
  w.key("headers").begin_object();
  for (const http::Header& h : headers) w.key(h.name).value(h.value);
  w.end_object();
  bool utf8 = true;
  for (size_t i = 0; i < body.size() && utf8;) {
    size_t n = util::valid_utf8_length(body, i);
    if (n == 0 || (n == 1 && body[i] == '\0')) utf8 = false;
    i += n ? n : 1;
  }
  if (utf8)
    w.key("body").value(body);
  else
    w.key("body_base64").value(util::base64_encode(body));
  w.key("truncated").value(body_truncated);
  w.key("elapsed_ms").value(elapsed_ms);
  w.end_object();
  return w.take();
}

TransferSet::TransferSet() {
  global_init();
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + strerror(errno));
  multi_ = curl_multi_init();
  if (!multi_) {
    close(epoll_fd_);
    throw std::runtime_error("curl_multi_init failed");
  }
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, on_curl_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

TransferSet::~TransferSet() {
  abort_all("shutting down");
  curl_multi_cleanup(multi_);
  close(epoll_fd_);
}

int64_t TransferSet::next_timeout_ms(int64_t now_ms) const {
  if (timer_due_ms_ < 0) return -1;
  return timer_due_ms_ > now_ms ? timer_due_ms_ - now_ms : 0;
}

void TransferSet::start_http(int64_t job_id, const HttpTaskSpec& spec, int64_t now_unix_seconds,
                             int64_t now_ms) {
  last_now_ms_ = now_ms;
  auto t = std::make_unique<Transfer>();
  t->job_id = job_id;
  t->max_body = spec.max_response_bytes;
  t->started_ms = now_ms;
  t->easy = curl_easy_init();
  if (!t->easy) throw std::runtime_error("curl_easy_init failed");
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, spec.url.c_str());
  // Only what the payload asked for: no redirects, no other schemes, no
  // signals (the worker's own handlers stay in charge).
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(spec.timeout_ms));
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_USERAGENT, "pg_gateway");
  std::string method(http_method_name(spec.method));
  if (spec.method == HttpMethod::kHead)
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  else if (spec.method != HttpMethod::kGet && spec.method != HttpMethod::kPost)
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (spec.body) {
    t->request_body = *spec.body;
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request_body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(t->request_body.size()));
    if (spec.method == HttpMethod::kGet) curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "GET");
  } else if (spec.method == HttpMethod::kPost) {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
  }
  for (const http::Header& h : http_request_headers(spec, now_unix_seconds))
    t->headers = curl_slist_append(t->headers, curl_header_line(h).c_str());
  // libcurl adds "Expect: 100-continue" to larger bodies; a webhook
  // receiver need not support it.
  t->headers = curl_slist_append(t->headers, "Expect:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  add(std::move(t));
}

void TransferSet::start_email(int64_t job_id, const EmailTaskSpec& spec, const SmtpSettings& smtp,
                              int64_t now_unix_seconds, int64_t now_ms) {
  if (smtp.url.empty())
    throw std::runtime_error("pg_gateway.smtp_url is not set, so email tasks cannot be sent");
  EmailMessageOptions options;
  options.date_unix_seconds = now_unix_seconds;
  options.job_id = std::to_string(job_id);
  EmailMessage message = build_email_message(spec, options);
  last_now_ms_ = now_ms;
  auto t = std::make_unique<Transfer>();
  t->job_id = job_id;
  t->email = true;
  t->message_id = message.message_id;
  t->recipients = message.envelope.recipients.size();
  t->request_body = std::move(message.data);
  t->started_ms = now_ms;
  t->easy = curl_easy_init();
  if (!t->easy) throw std::runtime_error("curl_easy_init failed");
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, smtp.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(spec.timeout_ms));
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  if (!smtp.username.empty()) {
    curl_easy_setopt(e, CURLOPT_USERNAME, smtp.username.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, smtp.password.c_str());
  }
  // smtp:// upgrades with STARTTLS when the server offers it.
  curl_easy_setopt(e, CURLOPT_USE_SSL, long(CURLUSESSL_TRY));
  curl_easy_setopt(e, CURLOPT_MAIL_FROM, message.envelope.mail_from.c_str());
  for (const std::string& rcpt : message.envelope.recipients)
    t->headers = curl_slist_append(t->headers, rcpt.c_str());
  curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t->headers);
  curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(e, CURLOPT_READFUNCTION, on_upload);
  curl_easy_setopt(e, CURLOPT_READDATA, t.get());
  curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, curl_off_t(t->request_body.size()));
  add(std::move(t));
}

// Hands a configured transfer to the multi handle; it is owned by the set
// from here on (and freed if libcurl refuses it).
void TransferSet::add(std::unique_ptr<Transfer> t) {
  CURL* key = t->easy;
  curl_easy_setopt(key, CURLOPT_PRIVATE, t.get());
  transfers_.emplace(key, std::move(t));
  if (curl_multi_add_handle(multi_, key) != CURLM_OK) {
    auto it = transfers_.find(key);
    curl_slist_free_all(it->second->headers);
    curl_easy_cleanup(key);
    transfers_.erase(it);
    throw std::runtime_error("curl_multi_add_handle failed");
  }
}

std::vector<TransferResult> TransferSet::poll(int64_t now_ms) {
  last_now_ms_ = now_ms;
  int running = 0;
  epoll_event events[32];
  int n = epoll_wait(epoll_fd_, events, 32, 0);
  for (int i = 0; i < n; ++i) {
    int mask = 0;
    if (events[i].events & EPOLLIN) mask |= CURL_CSELECT_IN;
    if (events[i].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
    if (events[i].events & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
    curl_multi_socket_action(multi_, events[i].data.fd, mask, &running);
  }
  if (timer_due_ms_ >= 0 && now_ms >= timer_due_ms_) {
    timer_due_ms_ = -1;
    curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  }
  std::vector<TransferResult> done;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* e = msg->easy_handle;
    auto it = transfers_.find(e);
    if (it == transfers_.end()) continue;
    Transfer& t = *it->second;
    TransferResult r;
    r.job_id = t.job_id;
    r.email = t.email;
    r.message_id = t.message_id;
    r.recipients = t.recipients;
    r.error = transport_error(msg->data.result);
    // An SMTP server's refusal is a reply code, not a transport failure:
    // the retry policy decides on the code.
    if (t.email && (msg->data.result == CURLE_RECV_ERROR || msg->data.result == CURLE_SEND_ERROR ||
                    msg->data.result == CURLE_LOGIN_DENIED)) {
      long code = 0;
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
      if (code >= 400) r.error = TransportError::kNone;
    }
    if (msg->data.result != CURLE_OK)
      r.error_text = t.error[0] ? t.error : curl_easy_strerror(msg->data.result);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    r.status = int(status);
    r.headers = std::move(t.response_headers);
    r.body = std::move(t.body);
    r.body_truncated = t.truncated;
    r.elapsed_ms = now_ms - t.started_ms;
    curl_multi_remove_handle(multi_, e);
    curl_slist_free_all(t.headers);
    curl_easy_cleanup(e);
    transfers_.erase(it);
    done.push_back(std::move(r));
  }
  return done;
}

std::vector<TransferResult> TransferSet::abort_all(const std::string& reason) {
  std::vector<TransferResult> out;
  for (auto& [key, t] : transfers_) {
    TransferResult r;
    r.job_id = t->job_id;
    r.email = t->email;
    r.error = TransportError::kOther;
    r.error_text = reason;
    curl_multi_remove_handle(multi_, t->easy);
    curl_slist_free_all(t->headers);
    curl_easy_cleanup(t->easy);
    out.push_back(std::move(r));
  }
  transfers_.clear();
  return out;
}

}  // namespace pg_gateway::jobs
