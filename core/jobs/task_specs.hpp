// The payloads of the built-in network tasks of the job queue (issue 4,
// point 3): task "http" (an outbound HTTP request, optionally signed with
// Standard Webhooks headers) and task "email" (a message sent over SMTP).
// Parsing turns the job's jsonb payload into a validated spec or into one
// user-facing sentence that becomes the job's last_error. Parse failures are
// permanent: the same payload will never parse on a later attempt.
//
// The payloads (every key optional unless marked required; JSON null counts
// as absent; unknown keys are refused so a misspelt option is not ignored):
//
//   http:  { "url": "https://..." (required, http or https, no user:pass@),
//            "method": "POST",      GET POST PUT PATCH DELETE HEAD, any case;
//                                   default POST with a body, GET without
//            "headers": {"Name": "value", ...},
//            "body": "text" | any other JSON value (sent serialised, compact,
//                     with Content-Type: application/json unless given;
//                     a string gets text/plain; charset=utf-8 unless given),
//            "timeout_ms": 30000,   1..300000, the whole transfer
//            "max_response_bytes": 65536,   0..10 MiB of the response body
//                                   kept on the job; the rest is dropped
//            "sign": { "secret": "whsec_..." | ["whsec_new", "whsec_old"],
//                      "id": "msg_..." } }   id defaults to the job id
//
//   email: { "from": mailbox (required), "to": mailbox | [mailbox, ...] (required),
//            "cc": ..., "bcc": ..., "reply_to": ...,
//            "subject": "..." (required, may be empty),
//            "text": "...", "html": "..."   (at least one of the two),
//            "headers": {"X-Name": "value"}, "timeout_ms": 60000 }
//   where mailbox is "a@example.com", "Name <a@example.com>" or
//   {"address": "a@example.com", "name": "Name"}.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/fields.hpp"
#include "core/jobs/email_address.hpp"
#include "core/json/json_value.hpp"
#include "core/signing/standard_webhooks.hpp"

namespace pg_gateway::jobs {

// Hard limits (a payload is hostile input read inside a background worker).
inline constexpr size_t kMaxTaskPayloadBytes = 16 * 1024 * 1024;
inline constexpr size_t kMaxUrlLength = 8192;
inline constexpr size_t kMaxHttpHeaders = 64;
inline constexpr size_t kMaxHeaderNameLength = 256;
inline constexpr size_t kMaxHeaderValueLength = 8192;
inline constexpr size_t kMaxHttpBodyBytes = 10 * 1024 * 1024;
inline constexpr int64_t kDefaultHttpTimeoutMs = 30000;
inline constexpr int64_t kMaxTaskTimeoutMs = 300000;
inline constexpr int64_t kDefaultMaxResponseBytes = 64 * 1024;
inline constexpr int64_t kMaxResponseBytesLimit = 10 * 1024 * 1024;
inline constexpr size_t kMaxSigningSecrets = 4;
inline constexpr size_t kMaxEmailRecipients = 100;  // to + cc + bcc
inline constexpr size_t kMaxReplyTo = 10;
inline constexpr size_t kMaxSubjectBytes = 2048;
inline constexpr size_t kMaxEmailBodyBytes = 10 * 1024 * 1024;  // text + html
inline constexpr size_t kMaxEmailHeaders = 32;
inline constexpr size_t kMaxEmailHeaderNameLength = 64;
inline constexpr size_t kMaxEmailHeaderValueBytes = 2048;
inline constexpr int64_t kDefaultEmailTimeoutMs = 60000;

enum class HttpMethod { kGet, kPost, kPut, kPatch, kDelete, kHead };
std::string_view http_method_name(HttpMethod m);  // "GET", ...

struct HttpTaskSigning {
  std::vector<signing::WebhookSecret> secrets;  // 1..kMaxSigningSecrets, first is current
  std::string message_id;                       // valid per is_valid_webhook_message_id
};

struct HttpTaskSpec {
  HttpMethod method = HttpMethod::kGet;
  std::string url;     // as given (validated)
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // lower case; IPv6 literals without brackets
  uint16_t port = 0;   // explicit, or 80 / 443
  // Request headers in payload order, names as written. When there is a
  // body and the payload set no Content-Type, the default one is appended.
  std::vector<http::Header> headers;
  std::optional<std::string> body;  // bytes to send (absent: no body)
  int64_t timeout_ms = kDefaultHttpTimeoutMs;
  size_t max_response_bytes = kDefaultMaxResponseBytes;
  std::optional<HttpTaskSigning> sign;
};

struct EmailTaskSpec {
  EmailAddress from;
  std::vector<EmailAddress> to;  // at least one
  std::vector<EmailAddress> cc;
  std::vector<EmailAddress> bcc;  // envelope only, never in the headers
  std::vector<EmailAddress> reply_to;
  std::string subject;              // UTF-8, no control characters
  std::optional<std::string> text;  // at least one of text / html
  std::optional<std::string> html;
  std::vector<http::Header> headers;  // extra headers (X-..., List-Unsubscribe, ...)
  int64_t timeout_ms = kDefaultEmailTimeoutMs;
};

template <class Spec>
struct TaskSpecResult {
  std::optional<Spec> spec;  // set on success
  std::string error;         // set on failure: "invalid http task payload: ..."
  bool ok() const { return spec.has_value(); }
};

// `job_id` is the job's id as text: the default Standard Webhooks message id
// (kept across retries, as the spec wants for deduplication).
TaskSpecResult<HttpTaskSpec> parse_http_task(const json::Value& payload, std::string_view job_id);
TaskSpecResult<HttpTaskSpec> parse_http_task(std::string_view payload_json,
                                             std::string_view job_id);
TaskSpecResult<EmailTaskSpec> parse_email_task(const json::Value& payload);
TaskSpecResult<EmailTaskSpec> parse_email_task(std::string_view payload_json);

// The headers of one attempt: the spec's headers, then (when signing) the
// three Standard Webhooks headers signed at `now_unix_seconds`. Call it for
// every attempt: the id stays, the timestamp is the attempt's (the spec's
// replay protection), so a retry is never refused as stale.
std::vector<http::Header> http_request_headers(const HttpTaskSpec& spec, int64_t now_unix_seconds);

// One header as a CURLOPT_HTTPHEADER line. libcurl reads "Name:" (empty
// value) as "remove this header", so an empty value is sent as "Name;",
// libcurl's way of sending a header with no value.
std::string curl_header_line(const http::Header& header);

// ---- Retry policy ----
//
// Whether one attempt of an http or email task succeeded, should be retried
// (Graphile Worker's backoff, up to the job's max_attempts) or failed for
// good. A small pure decision so the worker, its tests and the docs agree.
//
// The worker maps libcurl's result to a TransportError:
//   CURLE_OK                                                  -> kNone (decide on the status)
//   CURLE_OPERATION_TIMEDOUT                                  -> kTimeout
//   CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY   -> kResolve
//   CURLE_COULDNT_CONNECT                                     -> kConnect
//   CURLE_SSL_*, CURLE_PEER_FAILED_VERIFICATION               -> kTls
//   CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
//   CURLE_PARTIAL_FILE                                        -> kSendReceive
//   CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL,
//   CURLE_BAD_FUNCTION_ARGUMENT, CURLE_LOGIN_DENIED           -> kInvalidRequest
//   anything else                                             -> kOther

enum class TransportError {
  kNone,            // a response arrived: decide on its status / reply code
  kTimeout,         // the task's timeout_ms elapsed
  kResolve,         // DNS lookup failed
  kConnect,         // connection refused, unreachable
  kTls,             // handshake or certificate verification failed
  kSendReceive,     // connection reset or closed mid-transfer, empty reply
  kInvalidRequest,  // the request itself can never work (bad URL, refused login)
  kOther,           // any other failure
};

enum class AttemptOutcome { kSuccess, kRetry, kPermanentFailure };

struct AttemptVerdict {
  AttemptOutcome outcome;
  std::string reason;  // "HTTP 503: server error, will retry", for last_error and logs
};

// HTTP: 2xx and 3xx succeed (redirects are not followed; a 3xx is the
// receiver's answer); 408, 425, 429 and every 5xx are retried, as are all
// transport errors but kInvalidRequest; the other 4xx fail for good (the
// same request would get the same answer; 410 Gone is how a Standard
// Webhooks receiver says "stop"). A status outside 200..599 fails for good.
AttemptVerdict classify_http_attempt(TransportError error, int status);

// SMTP (the last reply code libcurl saw): 2xx and 3xx succeed, 4xx are
// transient (RFC 5321 4.2.1: try again later), 5xx are permanent (unknown
// mailbox, refused relay, failed authentication). Transport errors as for HTTP.
AttemptVerdict classify_smtp_attempt(TransportError error, int reply_code);

}  // namespace pg_gateway::jobs
