// The RFC 5322 message the email task uploads over SMTP with libcurl
// (CURLOPT_READFUNCTION / CURLOPT_UPLOAD), and its SMTP envelope
// (CURLOPT_MAIL_FROM, CURLOPT_MAIL_RCPT).
//
// The message: Date, From, To, Cc, Reply-To, Subject, Message-ID,
// MIME-Version, the payload's extra headers, then a text/plain or text/html
// part (charset utf-8, quoted-printable or base64), or both in a
// multipart/alternative (text first, html preferred). Bcc recipients are in
// the envelope only. The output is 7-bit ASCII with CRLF line ends; header
// lines are folded to 76 characters where a space allows it (a long address
// or a long ASCII word such as a URL keeps a longer line, always within
// RFC 5322's 998) and body lines have at most 76; no field of the spec can
// add a line break of its own (see mime_encoding.hpp).
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "core/jobs/task_specs.hpp"

namespace pg_gateway::jobs {

struct EmailEnvelope {
  // Bare addresses: libcurl puts MAIL FROM / RCPT TO arguments in <> itself
  // when they do not start with '<'.
  std::string mail_from;
  std::vector<std::string> recipients;  // to, cc, bcc in order, duplicates removed
};

struct EmailMessageOptions {
  int64_t date_unix_seconds = 0;  // the Date header (UTC)
  std::string job_id;             // names the message in its Message-ID (required)
  // The Message-ID's domain; empty: the domain of the From address.
  std::string message_id_domain;
  // Optional extra text for the Message-ID when job ids alone may repeat
  // (a cluster rebuilt from scratch restarts its ids; some receivers drop a
  // message whose Message-ID they have seen). Retries of one job must pass
  // the same value, so that a duplicate delivery stays recognisable.
  std::string message_id_unique;
};

struct EmailMessage {
  std::string data;        // the message to upload
  std::string message_id;  // "<...@...>", as in the header
  EmailEnvelope envelope;
};

// Builds the message of a parsed spec. Deterministic: the same spec and
// options give the same bytes (the multipart boundary is derived from the
// content). Throws std::invalid_argument for a spec that did not come from
// parse_email_task and breaks its rules (an invalid address, a header name
// that is not a token).
EmailMessage build_email_message(const EmailTaskSpec& spec, const EmailMessageOptions& options);

// "Thu, 01 Jan 1970 00:00:00 +0000" (RFC 5322 3.3), for years 1970..9999
// (earlier or later times are clamped).
std::string rfc5322_date(int64_t unix_seconds);

}  // namespace pg_gateway::jobs
