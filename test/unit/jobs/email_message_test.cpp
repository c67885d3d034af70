// The email builder's output is parsed back here with small decoders of our
// own (header unfolding, RFC 2047 encoded-words, quoted-printable, base64,
// multipart): expectations are hard-coded, nothing depends on another MIME
// library at test time. The decoders were cross-checked once against
// Python's email package while writing these tests.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/jobs/email_message.hpp"
#include "core/jobs/mime_encoding.hpp"
#include "core/util/base64.hpp"

namespace pg_gateway::jobs {
namespace {

// ---- decoders ----

struct Parsed {
  std::vector<std::pair<std::string, std::string>> headers;  // unfolded, value without leading SP
  std::string body;
  const std::string* get(std::string_view name) const {
    for (const auto& [n, v] : headers)
      if (http::iequals(n, name)) return &v;
    return nullptr;
  }
  int count(std::string_view name) const {
    int c = 0;
    for (const auto& [n, v] : headers) c += http::iequals(n, name) ? 1 : 0;
    return c;
  }
};

Parsed parse_message(const std::string& data) {
  Parsed p;
  size_t end = data.find("\r\n\r\n");
  EXPECT_NE(end, std::string::npos);
  std::string head = data.substr(0, end + 2);
  p.body = data.substr(end + 4);
  // Unfold: CRLF followed by white space is removed (RFC 5322 2.2.3).
  std::string unfolded;
  for (size_t i = 0; i < head.size(); ++i) {
    if (head.compare(i, 2, "\r\n") == 0 && i + 2 < head.size() &&
        (head[i + 2] == ' ' || head[i + 2] == '\t')) {
      ++i;
      continue;
    }
    unfolded += head[i];
  }
  size_t pos = 0;
  while (pos < unfolded.size()) {
    size_t eol = unfolded.find("\r\n", pos);
    std::string line = unfolded.substr(pos, eol - pos);
    pos = eol + 2;
    size_t colon = line.find(':');
    EXPECT_NE(colon, std::string::npos) << line;
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    p.headers.emplace_back(line.substr(0, colon), value);
  }
  return p;
}

std::string qp_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=') {
      out += s[i];
    } else if (s.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;  // soft line break
    } else {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

std::string b64_decode_lines(const std::string& s) {
  std::string joined;
  for (char c : s)
    if (c != '\r' && c != '\n') joined += c;
  return util::base64_decode(joined).value();
}

// RFC 2047 decoding of an unfolded header value: encoded-words are decoded,
// white space between two adjacent encoded-words is dropped.
std::string decode_words(const std::string& v) {
  std::string out;
  std::string pending_space;
  bool last_was_word = false;
  size_t i = 0;
  while (i < v.size()) {
    if (v.compare(i, 2, "=?") == 0) {
      size_t q1 = v.find('?', i + 2);
      size_t q2 = v.find('?', q1 + 1);
      size_t close = v.find("?=", q2 + 1);
      EXPECT_EQ(v.substr(i + 2, q1 - i - 2), "UTF-8");
      char enc = v[q1 + 1];
      std::string text = v.substr(q2 + 1, close - q2 - 1);
      EXPECT_LE(close + 2 - i, 75u) << "encoded-word longer than 75";
      std::string decoded;
      if (enc == 'B') {
        decoded = util::base64_decode(text).value();
      } else {
        for (size_t k = 0; k < text.size(); ++k) {
          if (text[k] == '_') {
            decoded += ' ';
          } else if (text[k] == '=') {
            decoded += static_cast<char>(std::stoi(text.substr(k + 1, 2), nullptr, 16));
            k += 2;
          } else {
            decoded += text[k];
          }
        }
      }
      if (!last_was_word) out += pending_space;
      pending_space.clear();
      out += decoded;
      last_was_word = true;
      i = close + 2;
    } else if (v[i] == ' ' || v[i] == '\t') {
      pending_space += v[i++];
    } else {
      out += pending_space;
      pending_space.clear();
      out += v[i++];
      last_was_word = false;
    }
  }
  return out + pending_space;
}

// Every line break is CRLF, and no line is longer than `max_line`.
void expect_clean_lines(const std::string& data, size_t max_line = 76) {
  size_t line = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    ASSERT_LT(c, 0x80) << "non-ASCII byte at " << i;
    if (c == '\r') {
      ASSERT_TRUE(i + 1 < data.size() && data[i + 1] == '\n') << "bare CR at " << i;
      ++i;
      line = 0;
      continue;
    }
    ASSERT_NE(c, '\n') << "bare LF at " << i;
    ++line;
    ASSERT_LE(line, max_line) << "long line ending at " << i << ": "
                              << data.substr(i + 1 - line, line);
  }
  ASSERT_TRUE(data.size() >= 2 && data.compare(data.size() - 2, 2, "\r\n") == 0);
}

// The decoded content of a body part given its transfer encoding.
std::string decode_body(const std::string& cte, const std::string& body) {
  if (cte == "quoted-printable") return qp_decode(body);
  EXPECT_EQ(cte, "base64");
  return b64_decode_lines(body);
}

// A single-part message ends with CRLF: the text's own last line break, or
// one added after it.
std::string with_final_crlf(std::string text) {
  if (text.size() < 2 || text.compare(text.size() - 2, 2, "\r\n") != 0) text += "\r\n";
  return text;
}

EmailAddress addr(std::string address, std::string name = "") {
  return EmailAddress{std::move(address), std::move(name)};
}

EmailTaskSpec basic_spec() {
  EmailTaskSpec s;
  s.from = addr("billing@acme.example", "Acme Billing");
  s.to = {addr("jane@example.org")};
  s.subject = "Your invoice";
  s.text = "Hello Jane,\nyour invoice is attached.\n";
  return s;
}

EmailMessageOptions options() {
  EmailMessageOptions o;
  o.date_unix_seconds = 1700000000;
  o.job_id = "42";
  return o;
}

// ---- tests ----

TEST(EmailMessage, TextOnlyExactBytes) {
  EmailMessage m = build_email_message(basic_spec(), options());
  EXPECT_EQ(m.data,
            "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
            "From: Acme Billing <billing@acme.example>\r\n"
            "To: jane@example.org\r\n"
            "Subject: Your invoice\r\n"
            "Message-ID: <pg_gateway.job.42@acme.example>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Hello Jane,\r\n"
            "your invoice is attached.\r\n");
  EXPECT_EQ(m.message_id, "<pg_gateway.job.42@acme.example>");
  EXPECT_EQ(m.envelope.mail_from, "billing@acme.example");
  EXPECT_EQ(m.envelope.recipients, std::vector<std::string>{"jane@example.org"});
}

TEST(EmailMessage, Dates) {
  EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(rfc5322_date(951782400), "Tue, 29 Feb 2000 00:00:00 +0000");
  EXPECT_EQ(rfc5322_date(1614265330), "Thu, 25 Feb 2021 15:02:10 +0000");
  EXPECT_EQ(rfc5322_date(253402300799), "Fri, 31 Dec 9999 23:59:59 +0000");
  EXPECT_EQ(rfc5322_date(-5), rfc5322_date(0));
  EXPECT_EQ(rfc5322_date(INT64_MAX), rfc5322_date(253402300799));
}

TEST(EmailMessage, BccOnlyInTheEnvelope) {
  EmailTaskSpec s = basic_spec();
  s.to = {addr("a@example.org"), addr("b@example.org", "B")};
  s.cc = {addr("c@example.org"), addr("a@example.org")};
  s.bcc = {addr("secret@hidden.example"), addr("b@example.org")};
  s.reply_to = {addr("help@acme.example", "Support")};
  EmailMessage m = build_email_message(s, options());
  EXPECT_EQ(m.data.find("secret@hidden.example"), std::string::npos);
  EXPECT_EQ(m.data.find("Bcc"), std::string::npos);
  Parsed p = parse_message(m.data);
  EXPECT_EQ(*p.get("To"), "a@example.org, B <b@example.org>");
  EXPECT_EQ(*p.get("Cc"), "c@example.org, a@example.org");
  EXPECT_EQ(*p.get("Reply-To"), "Support <help@acme.example>");
  EXPECT_EQ(m.envelope.recipients,
            (std::vector<std::string>{"a@example.org", "b@example.org", "c@example.org",
                                      "secret@hidden.example"}));
}

TEST(EmailMessage, EncodedWordsRoundTrip) {
  EmailTaskSpec s = basic_spec();
  s.subject = "Grüße aus Köln — 東京からのお知らせ 🎉 and some more words to force folding here";
  s.from = addr("a@acme.example", "Jürgen Müller-Lüdenscheidt");
  s.to = {addr("x@example.org", "山田 太郎"), addr("y@example.org", "Doe, Jane"),
          addr("z@example.org", "=?UTF-8?B?Zm9v?= not a word")};
  s.headers = {{"X-Note", "Café in town tonight"}};
  EmailMessage m = build_email_message(s, options());
  expect_clean_lines(m.data);
  Parsed p = parse_message(m.data);
  EXPECT_EQ(decode_words(*p.get("Subject")), s.subject);
  EXPECT_EQ(decode_words(*p.get("From")), "Jürgen Müller-Lüdenscheidt <a@acme.example>");
  EXPECT_EQ(decode_words(*p.get("To")),
            "山田 太郎 <x@example.org>, \"Doe, Jane\" <y@example.org>, "
            "=?UTF-8?B?Zm9v?= not a word <z@example.org>");
  EXPECT_EQ(decode_words(*p.get("X-Note")), "Café in town tonight");
  // The look-alike encoded word in a name is itself encoded, not passed through.
  EXPECT_EQ(p.get("To")->find("=?UTF-8?B?Zm9v?="), std::string::npos);
  // Mostly-ASCII text is Q-encoded (readable), CJK is B-encoded (shorter).
  EXPECT_NE(p.get("X-Note")->find("=?UTF-8?Q?"), std::string::npos);
  mime::FoldedHeader h("Subject");
  mime::add_encoded_words(h, "東京からのお知らせ");
  EXPECT_EQ(std::move(h).finish(), "Subject: =?UTF-8?B?5p2x5Lqs44GL44KJ44Gu44GK55+l44KJ44Gb?=\r\n");
}

TEST(EmailMessage, EncodedWordsNeverSplitACharacter) {
  // 4-byte characters against every possible starting column.
  for (size_t pad = 0; pad < 40; ++pad) {
    std::string text(pad, 'x');
    for (int i = 0; i < 30; ++i) text += "😀";
    mime::FoldedHeader h("X-" + std::string(pad, 'h'));
    mime::add_encoded_words(h, text);
    std::string field = std::move(h).finish();
    expect_clean_lines(field);
    Parsed p = parse_message(field + "\r\n");
    EXPECT_EQ(decode_words(p.headers.at(0).second), text) << pad;
    // Each word decodes to valid UTF-8 on its own: no word ends inside a character.
    size_t pos = 0;
    while ((pos = field.find("=?UTF-8?", pos)) != std::string::npos) {
      size_t end = field.find("?=", pos + 10);
      std::string one = decode_words(field.substr(pos, end + 2 - pos));
      for (size_t i = 0; i < one.size();) {
        unsigned char c = static_cast<unsigned char>(one[i]);
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        ASSERT_LE(i + len, one.size()) << "word split a character: " << field;
        i += len;
      }
      pos = end;
    }
  }
}

TEST(EmailMessage, LongAsciiSubjectIsFoldedNotEncoded) {
  EmailTaskSpec s = basic_spec();
  s.subject.clear();
  for (int i = 0; i < 40; ++i)
    s.subject += (i ? " " : "") + std::string("word") + std::to_string(i);
  EmailMessage m = build_email_message(s, options());
  expect_clean_lines(m.data);
  Parsed p = parse_message(m.data);
  EXPECT_EQ(*p.get("Subject"), s.subject);  // plain words, only folded
  EXPECT_EQ(p.get("Subject")->find("=?"), std::string::npos);
  // Long words (a URL), runs of spaces and leading/trailing spaces stay as
  // written; the line may pass 76 but not 998.
  std::string url = "<https://acme.example/unsubscribe?token=" + std::string(120, 't') + ">";
  for (std::string subject : {std::string(100, 'a'), std::string("a  b   c"), std::string(" lead"),
                              std::string("trail  "), url + " " + url}) {
    s.subject = subject;
    m = build_email_message(s, options());
    expect_clean_lines(m.data, 998);
    EXPECT_EQ(*parse_message(m.data).get("Subject"), subject);
  }
  s.subject = "";
  s.headers = {{"List-Unsubscribe", url}};
  m = build_email_message(s, options());
  EXPECT_NE(m.data.find("\r\nList-Unsubscribe: " + url + "\r\n"), std::string::npos);
  s.headers.clear();
  // "=?", tabs, non-ASCII, white space alone and words beyond 900 go encoded.
  for (std::string subject : {std::string("=?x?= y"), std::string("tab\there"), std::string("é"),
                              std::string("   "), std::string(901, 'w')}) {
    s.subject = subject;
    m = build_email_message(s, options());
    expect_clean_lines(m.data);
    EXPECT_NE(parse_message(m.data).get("Subject")->find("=?UTF-8?"), std::string::npos);
    EXPECT_EQ(decode_words(*parse_message(m.data).get("Subject")), subject);
  }
}

TEST(EmailMessage, NoHeaderInjection) {
  // Specs built by hand (the parser refuses these): CR/LF anywhere in text
  // fields must end up encoded, never as a line break of the message.
  EmailTaskSpec s = basic_spec();
  s.subject = "Hi\r\nBcc: evil@attacker.example";
  s.from.display_name = "Evil\r\nBcc: evil@attacker.example";
  s.to = {addr("jane@example.org", "Jane\nX-Injected: 1")};
  s.headers = {{"X-Custom", "v\r\nBcc: evil@attacker.example"}};
  s.text = "body\r\n.\r\nBcc: evil@attacker.example";
  EmailMessage m = build_email_message(s, options());
  expect_clean_lines(m.data);
  Parsed p = parse_message(m.data);
  EXPECT_EQ(p.count("Bcc"), 0);
  EXPECT_EQ(p.count("X-Injected"), 0);
  std::vector<std::string> names;
  for (const auto& [n, v] : p.headers) names.push_back(n);
  EXPECT_EQ(names,
            (std::vector<std::string>{"Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                                      "X-Custom", "Content-Type", "Content-Transfer-Encoding"}));
  EXPECT_EQ(decode_words(*p.get("Subject")), s.subject);
  EXPECT_EQ(decode_words(*p.get("X-Custom")), "v\r\nBcc: evil@attacker.example");
  EXPECT_EQ(decode_words(*p.get("From")), s.from.display_name + " <billing@acme.example>");
  // The body's lone "." line is escaped, so no SMTP hop sees an end of data.
  EXPECT_EQ(m.data.find("\r\n.\r\n"), std::string::npos);
  EXPECT_EQ(decode_body("quoted-printable", p.body), "body\r\n.\r\nBcc: evil@attacker.example\r\n");
  // Invalid addresses and header names are refused, not written.
  s = basic_spec();
  s.to = {addr("jane@example.org\r\nBcc: x@y.z")};
  EXPECT_THROW(build_email_message(s, options()), std::invalid_argument);
  s = basic_spec();
  s.headers = {{"X-A\r\nBcc", "x"}};
  EXPECT_THROW(build_email_message(s, options()), std::invalid_argument);
  s = basic_spec();
  s.bcc = {addr("bad address@x.y")};
  EXPECT_THROW(build_email_message(s, options()), std::invalid_argument);
}

TEST(EmailMessage, QuotedPrintableBody) {
  std::string line(200, 'a');
  std::string text = "=start\tand trailing space \n.leading dot\r\nnaïve\r" + line + "\n";
  EmailTaskSpec s = basic_spec();
  s.text = text;
  EmailMessage m = build_email_message(s, options());
  expect_clean_lines(m.data);
  Parsed p = parse_message(m.data);
  EXPECT_EQ(*p.get("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(decode_body("quoted-printable", p.body), with_final_crlf(mime::to_crlf(text)));
  EXPECT_NE(p.body.find("=3Dstart\tand trailing space=20\r\n=2Eleading dot\r\nna=C3=AFve\r\n"),
            std::string::npos)
      << p.body;
  // Exactly at the limit: 75 characters stay on one line, 76 get a soft break.
  EXPECT_EQ(mime::quoted_printable(std::string(75, 'x')), std::string(75, 'x'));
  EXPECT_EQ(mime::quoted_printable(std::string(76, 'x')), std::string(75, 'x') + "=\r\nx");
  // An escape is never cut by a soft break, and a dot after a soft break is escaped.
  EXPECT_EQ(mime::quoted_printable(std::string(74, 'x') + "=."),
            std::string(74, 'x') + "=\r\n=3D.");
  EXPECT_EQ(mime::quoted_printable(std::string(75, 'x') + "."), std::string(75, 'x') + "=\r\n=2E");
  EXPECT_EQ(mime::quoted_printable(std::string("a\0b", 3)), "a=00b");
  EXPECT_EQ(mime::to_crlf("a\rb\nc\r\nd\n\re"), "a\r\nb\r\nc\r\nd\r\n\r\ne");
}

TEST(EmailMessage, Base64BodyForMostlyNonAscii) {
  EmailTaskSpec s = basic_spec();
  s.text = std::nullopt;
  s.html =
      "<p>東京からのお知らせ。東京からのお知らせ。東京からのお知らせ。東京からのお知らせ。</p>\n";
  EmailMessage m = build_email_message(s, options());
  expect_clean_lines(m.data);
  Parsed p = parse_message(m.data);
  EXPECT_EQ(*p.get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(*p.get("Content-Transfer-Encoding"), "base64");
  EXPECT_EQ(decode_body("base64", p.body), mime::to_crlf(*s.html));
  // Without a final line break in the text, one is added after the base64.
  s.html = "東京からのお知らせ。東京からのお知らせ。";
  m = build_email_message(s, options());
  expect_clean_lines(m.data);
  EXPECT_EQ(decode_body("base64", parse_message(m.data).body), *s.html);
  EXPECT_EQ(mime::base64_lines(std::string(57, 'a')).size(), 76u);
  EXPECT_EQ(mime::base64_lines(std::string(58, 'a')).find("\r\n"), 76u);
}

TEST(EmailMessage, MultipartAlternative) {
  EmailTaskSpec s = basic_spec();
  // Text that tries to contain a boundary delimiter.
  s.text = "Plain version\n--=_pg_gateway_0123\n--";
  s.html = "<p>HTML version</p>";
  EmailMessage m = build_email_message(s, options());
  expect_clean_lines(m.data);
  Parsed p = parse_message(m.data);
  const std::string& ct = *p.get("Content-Type");
  ASSERT_EQ(ct.rfind("multipart/alternative; boundary=\"", 0), 0u) << ct;
  EXPECT_NE(m.data.find("multipart/alternative;\r\n boundary="), std::string::npos);
  std::string boundary = ct.substr(ct.find('"') + 1);
  boundary.pop_back();
  EXPECT_EQ(boundary.rfind("=_pg_gateway_", 0), 0u);
  EXPECT_EQ(p.get("Content-Transfer-Encoding"), nullptr);
  // Split the body at the delimiter lines (RFC 2046 5.1.1).
  std::string delimiter = "\r\n--" + boundary;
  std::string body = "\r\n" + p.body;
  std::vector<std::string> parts;
  size_t pos = body.find(delimiter);
  ASSERT_NE(pos, std::string::npos);
  while (true) {
    size_t line_end = body.find("\r\n", pos + delimiter.size());
    bool close = body.compare(pos + delimiter.size(), 2, "--") == 0;
    if (close) {
      EXPECT_EQ(body.substr(pos + delimiter.size()), "--\r\n");
      break;
    }
    size_t next = body.find(delimiter, line_end);
    ASSERT_NE(next, std::string::npos);
    parts.push_back(body.substr(line_end + 2, next - line_end - 2));
    pos = next;
  }
  ASSERT_EQ(parts.size(), 2u);
  Parsed text = parse_message(parts[0]);
  Parsed html = parse_message(parts[1]);
  EXPECT_EQ(*text.get("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(*html.get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(decode_body(*text.get("Content-Transfer-Encoding"), text.body), mime::to_crlf(*s.text));
  EXPECT_EQ(decode_body(*html.get("Content-Transfer-Encoding"), html.body), *s.html);
  // Deterministic: the same input gives the same bytes.
  EXPECT_EQ(build_email_message(s, options()).data, m.data);
}

TEST(EmailMessage, MessageIds) {
  EmailMessageOptions o = options();
  o.job_id = "9.1 <x>";
  o.message_id_unique = "cluster 7";
  o.message_id_domain = "mail.example.net";
  EmailMessage m = build_email_message(basic_spec(), o);
  EXPECT_EQ(m.message_id, "<pg_gateway.job.9=2E1=20=3Cx=3E.cluster=207@mail.example.net>");
  o.message_id_domain = "bad domain";
  EXPECT_THROW(build_email_message(basic_spec(), o), std::invalid_argument);
  o = options();
  o.job_id.clear();
  EXPECT_THROW(build_email_message(basic_spec(), o), std::invalid_argument);
  o = options();
  o.job_id = std::string(1000, '\n');
  m = build_email_message(basic_spec(), o);
  expect_clean_lines(m.data, 998);
}

TEST(EmailMessage, LongAddressesStayUnderTheHardLimit) {
  EmailTaskSpec s = basic_spec();
  std::string local(64, 'l');
  std::string domain =
      std::string(63, 'd') + "." + std::string(63, 'e') + "." + std::string(60, 'f');
  s.to.clear();
  for (int i = 0; i < 5; ++i)
    s.to.push_back(addr(local + "@" + domain, "Name " + std::to_string(i)));
  EmailMessage m = build_email_message(s, options());
  expect_clean_lines(m.data, 998);
  Parsed p = parse_message(m.data);
  std::string last = "Name 4 <" + local + "@" + domain + ">";
  EXPECT_EQ(p.get("To")->substr(p.get("To")->size() - last.size()), last);
  // The long address is on a line of its own, after its display name.
  EXPECT_NE(m.data.find("\r\n <" + local + "@" + domain + ">"), std::string::npos);
}

}  // namespace
}  // namespace pg_gateway::jobs
