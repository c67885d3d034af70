// libFuzzer target for the job task payloads: arbitrary bytes go to both
// spec parsers (http and email) as JSON text. Whatever they accept must
// satisfy the specs' promises, and an accepted email spec is built into a
// message that must be well-formed whatever the input: 7-bit, CRLF only,
// lines within 998 characters, exactly the header fields we mean to write
// (no injected Bcc or other field), bcc only in the envelope. Inputs that
// start with a 0x01 byte skip the parser and feed the builder a spec made
// directly from raw bytes (CR, LF, NUL, invalid UTF-8 in the subject, the
// names and the bodies), to check that the builder is safe on its own.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/jobs/email_message.hpp"
#include "core/jobs/task_specs.hpp"

namespace {

using namespace pg_gateway;

void check(bool ok) {
  if (!ok) abort();
}

bool has_line_break_or_nul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

void check_http(const jobs::HttpTaskSpec& spec) {
  check(spec.scheme == "http" || spec.scheme == "https");
  check(!spec.host.empty() && spec.port != 0);
  check(!has_line_break_or_nul(spec.url));
  check(spec.timeout_ms >= 1 && spec.timeout_ms <= jobs::kMaxTaskTimeoutMs);
  check(!spec.body || spec.body->size() <= jobs::kMaxHttpBodyBytes);
  std::vector<http::Header> headers = jobs::http_request_headers(spec, 1700000000);
  for (const http::Header& h : headers) {
    std::string line = jobs::curl_header_line(h);
    check(!has_line_break_or_nul(line));
    check(!http::iequals(h.name, "host") && !http::iequals(h.name, "content-length") &&
          !http::iequals(h.name, "transfer-encoding"));
  }
  if (spec.sign) {
    // What we sign verifies with the receiving side's logic.
    auto v =
        signing::verify_webhook(headers, spec.body.value_or(""), spec.sign->secrets, 1700000000);
    check(v.ok());
  }
}

// Unfolded header names of a message's header section, in order.
std::vector<std::string> header_names(std::string_view data) {
  std::vector<std::string> names;
  size_t end = data.find("\r\n\r\n");
  check(end != std::string_view::npos);
  size_t pos = 0;
  while (pos < end + 2) {
    size_t eol = data.find("\r\n", pos);
    std::string_view line = data.substr(pos, eol - pos);
    pos = eol + 2;
    check(!line.empty());
    if (line[0] == ' ' || line[0] == '\t') {
      check(!names.empty());
      check(line.find_first_not_of(" \t") != std::string_view::npos);  // no whitespace-only line
      continue;
    }
    size_t colon = line.find(':');
    check(colon != std::string_view::npos && colon > 0);
    names.emplace_back(line.substr(0, colon));
  }
  return names;
}

void check_email(const jobs::EmailTaskSpec& spec) {
  jobs::EmailMessageOptions options;
  options.date_unix_seconds = 1700000000;
  options.job_id = "17";
  jobs::EmailMessage m;
  try {
    m = jobs::build_email_message(spec, options);
  } catch (const std::invalid_argument&) {
    return;  // hand-built specs may break the rules; refusing them is fine
  }
  const std::string& d = m.data;
  check(d.size() >= 2 && d.compare(d.size() - 2, 2, "\r\n") == 0);
  size_t line = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(d[i]);
    check(c < 0x80 && c != 0);
    if (c == '\r') {
      check(i + 1 < d.size() && d[i + 1] == '\n');
      ++i;
      line = 0;
      continue;
    }
    check(c != '\n');
    check(++line <= 998);
  }
  std::vector<std::string> expected = {"Date", "From"};
  if (!spec.to.empty()) expected.push_back("To");
  if (!spec.cc.empty()) expected.push_back("Cc");
  if (!spec.reply_to.empty()) expected.push_back("Reply-To");
  for (const char* n : {"Subject", "Message-ID", "MIME-Version"}) expected.push_back(n);
  for (const http::Header& h : spec.headers) expected.push_back(h.name);
  expected.push_back("Content-Type");
  if (!(spec.text && spec.html)) expected.push_back("Content-Transfer-Encoding");
  check(header_names(d) == expected);
  size_t rcpt = spec.to.size() + spec.cc.size() + spec.bcc.size();
  check(!m.envelope.recipients.empty() && m.envelope.recipients.size() <= rcpt);
  for (const jobs::EmailAddress& b : spec.bcc) {
    bool listed = false;
    for (const std::string& r : m.envelope.recipients) listed = listed || r == b.address;
    check(listed);
  }
}

// Splits raw bytes at 0x00 into fields of a hand-made spec.
jobs::EmailTaskSpec raw_spec(std::string_view bytes) {
  std::vector<std::string> f;
  size_t pos = 0;
  while (f.size() < 6) {
    size_t nul = bytes.find('\0', pos);
    f.emplace_back(bytes.substr(pos, nul == std::string_view::npos ? nul : nul - pos));
    if (nul == std::string_view::npos) break;
    pos = nul + 1;
  }
  f.resize(6);
  jobs::EmailTaskSpec s;
  s.from = {"from@example.com", f[0]};
  s.to = {{"to@example.com", f[1]}};
  s.bcc = {{"hidden@example.net", ""}};
  s.subject = f[2];
  if (!f[3].empty()) s.text = f[3];
  if (!f[4].empty() || !s.text) s.html = f[4];
  if (!f[5].empty()) s.headers.push_back({"X-Raw", f[5]});
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text[0] == '\x01') {
    check_email(raw_spec(text.substr(1)));
    return 0;
  }
  auto http_spec = jobs::parse_http_task(text, "1");
  if (http_spec.ok())
    check_http(*http_spec.spec);
  else
    check(!http_spec.error.empty());
  auto email_spec = jobs::parse_email_task(text);
  if (email_spec.ok())
    check_email(*email_spec.spec);
  else
    check(!email_spec.error.empty());
  return 0;
}
