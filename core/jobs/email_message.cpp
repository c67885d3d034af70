#include "core/jobs/email_message.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/http/fields.hpp"
#include "core/jobs/mime_encoding.hpp"
#include "core/jobs/spec_reader.hpp"
#include "core/util/sha256.hpp"

namespace pg_gateway::jobs {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kMaxDateSeconds = 253402300799;  // 9999-12-31T23:59:59Z
constexpr size_t kMaxMessageIdPart = 64;
constexpr std::string_view kBoundaryPrefix = "=_pg_gateway_";

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, for
// non-negative day counts).
void civil_from_days(int64_t days, int64_t& year, int& month, int& day) {
  days += 719468;
  int64_t era = days / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = yoe + era * 400 + (month <= 2 ? 1 : 0);
}

void append_two_digits(std::string& out, int64_t n) {
  out += static_cast<char>('0' + n / 10);
  out += static_cast<char>('0' + n % 10);
}

void check_address(const EmailAddress& a) {
  if (auto p = email_address_problem(a.address))
    throw std::invalid_argument("email message: invalid address: " + *p);
}

std::string mailbox_list_field(std::string_view name, const std::vector<EmailAddress>& list) {
  mime::FoldedHeader h(name);
  for (size_t i = 0; i < list.size(); ++i) {
    check_address(list[i]);
    if (list[i].display_name.empty()) {
      h.add(list[i].address);
    } else {
      mime::add_phrase(h, list[i].display_name);
      h.add("<" + list[i].address + ">");
    }
    if (i + 1 < list.size()) h.attach(",");
  }
  return std::move(h).finish();
}

std::string unstructured_field(std::string_view name, std::string_view value) {
  mime::FoldedHeader h(name);
  mime::add_unstructured(h, value);
  return std::move(h).finish();
}

/* A Message-ID's left part is a dot-atom; job ids and the uniqueness text
 * are user-influenced, so anything but letters, digits, '-' and '_' is
 * written as =XX (atext), and each part is cut at 64 bytes, which keeps the
 * header far below 998 characters. */
void append_id_part(std::string& out, std::string_view part) {
  part = part.substr(0, kMaxMessageIdPart);
  for (char ch : part) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_';
    if (keep) {
      out += ch;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '=';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

std::string make_message_id(const EmailTaskSpec& spec, const EmailMessageOptions& options) {
  std::string domain = options.message_id_domain;
  if (domain.empty()) domain = std::string(email_domain(spec.from.address));
  // The domain must be one an address could have (letters, digits, '-', '.'
  // or an address literal): it lands in a header unencoded.
  if (email_address_problem("x@" + domain))
    throw std::invalid_argument("email message: invalid Message-ID domain");
  if (options.job_id.empty()) throw std::invalid_argument("email message: empty job id");
  std::string id = "<pg_gateway.job.";
  append_id_part(id, options.job_id);
  if (!options.message_id_unique.empty()) {
    id += '.';
    append_id_part(id, options.message_id_unique);
  }
  id += "@" + domain + ">";
  return id;
}

// One body part: its Content-Type / Content-Transfer-Encoding headers, an
// empty line, and the encoded content (no final CRLF: that belongs to the
// next boundary line or ends the message).
struct EncodedPart {
  std::string headers;
  std::string content;
};

EncodedPart encode_text_part(std::string_view subtype, std::string_view text) {
  std::string canonical = mime::to_crlf(text);
  EncodedPart part;
  part.headers = "Content-Type: text/" + std::string(subtype) + "; charset=utf-8\r\n";
  if (mime::prefer_quoted_printable(canonical)) {
    part.headers += "Content-Transfer-Encoding: quoted-printable\r\n";
    part.content = mime::quoted_printable(canonical);
  } else {
    part.headers += "Content-Transfer-Encoding: base64\r\n";
    part.content = mime::base64_lines(canonical);
  }
  return part;
}

/* The boundary starts with "=_", which neither encoding can produce inside
 * a part (quoted-printable follows '=' with hex digits or a line break;
 * base64 has no '_'), and is derived from the content so the output is
 * deterministic. It is still checked against both parts, and changed, in
 * case that reasoning is ever invalidated by a change of encoding. */
std::string choose_boundary(const EncodedPart& text, const EncodedPart& html) {
  std::string digest = util::sha256_hex(text.content + "\n" + html.content).substr(0, 24);
  for (int attempt = 0;; ++attempt) {
    std::string boundary = std::string(kBoundaryPrefix) + digest;
    if (attempt > 0) boundary += "_" + std::to_string(attempt);
    std::string delimiter = "--" + boundary;
    if (text.content.find(delimiter) == std::string::npos &&
        html.content.find(delimiter) == std::string::npos)
      return boundary;
  }
}

void append_envelope_recipients(std::vector<std::string>& out,
                                const std::vector<EmailAddress>& list) {
  for (const EmailAddress& a : list) {
    check_address(a);
    bool seen = std::find(out.begin(), out.end(), a.address) != out.end();
    if (!seen) out.push_back(a.address);
  }
}

}  // namespace

std::string rfc5322_date(int64_t unix_seconds) {
  static constexpr const char* kWeekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t t = std::clamp<int64_t>(unix_seconds, 0, kMaxDateSeconds);
  int64_t days = t / kSecondsPerDay;
  int64_t secs = t % kSecondsPerDay;
  int64_t year = 0;
  int month = 0, day = 0;
  civil_from_days(days, year, month, day);
  std::string out = kWeekdays[days % 7];
  out += ", ";
  append_two_digits(out, day);
  out += ' ';
  out += kMonths[month - 1];
  out += ' ';
  out += std::to_string(year);
  out += ' ';
  append_two_digits(out, secs / 3600);
  out += ':';
  append_two_digits(out, secs / 60 % 60);
  out += ':';
  append_two_digits(out, secs % 60);
  out += " +0000";
  return out;
}

/* Header order follows RFC 5322 3.6's table (trace and origination fields
 * first); none of the payload's extra headers can repeat one of ours, the
 * parser refuses those names, and the builder checks them again because
 * it may be handed a spec built by other code. */
EmailMessage build_email_message(const EmailTaskSpec& spec, const EmailMessageOptions& options) {
  if (spec.to.empty() && spec.cc.empty() && spec.bcc.empty())
    throw std::invalid_argument("email message: no recipient");
  check_address(spec.from);
  EmailMessage out;
  out.message_id = make_message_id(spec, options);

  std::string& m = out.data;
  m += "Date: " + rfc5322_date(options.date_unix_seconds) + "\r\n";
  m += mailbox_list_field("From", {spec.from});
  if (!spec.to.empty()) m += mailbox_list_field("To", spec.to);
  if (!spec.cc.empty()) m += mailbox_list_field("Cc", spec.cc);
  if (!spec.reply_to.empty()) m += mailbox_list_field("Reply-To", spec.reply_to);
  m += unstructured_field("Subject", spec.subject);
  m += "Message-ID: " + out.message_id + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  for (const http::Header& h : spec.headers) {
    if (!http::is_token(h.name) || h.name.size() > kMaxEmailHeaderNameLength)
      throw std::invalid_argument("email message: invalid header name");
    m += unstructured_field(h.name, h.value);
  }

  if (spec.text && spec.html) {
    EncodedPart text = encode_text_part("plain", *spec.text);
    EncodedPart html = encode_text_part("html", *spec.html);
    std::string boundary = choose_boundary(text, html);
    m += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
    for (const EncodedPart* part : {&text, &html})
      m += "--" + boundary + "\r\n" + part->headers + "\r\n" + part->content + "\r\n";
    m += "--" + boundary + "--\r\n";
  } else {
    EncodedPart part = spec.html ? encode_text_part("html", *spec.html)
                                 : encode_text_part("plain", spec.text.value_or(""));
    // The message must end with a line break; a text ending in one has it.
    m += part.headers + "\r\n" + part.content;
    if (m.compare(m.size() - 2, 2, "\r\n") != 0) m += "\r\n";
  }

  out.envelope.mail_from = spec.from.address;
  append_envelope_recipients(out.envelope.recipients, spec.to);
  append_envelope_recipients(out.envelope.recipients, spec.cc);
  append_envelope_recipients(out.envelope.recipients, spec.bcc);
  return out;
}

}  // namespace pg_gateway::jobs
