#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/jobs/task_specs.hpp"

namespace pg_gateway::jobs {
namespace {

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

HttpTaskSpec http_ok(const std::string& payload, std::string_view job_id = "42") {
  auto r = parse_http_task(payload, job_id);
  EXPECT_TRUE(r.ok()) << payload << "\n" << r.error;
  return r.spec.value_or(HttpTaskSpec{});
}

// The error for a payload that must be refused.
std::string http_error(const std::string& payload) {
  auto r = parse_http_task(payload, "42");
  EXPECT_FALSE(r.ok()) << payload;
  EXPECT_EQ(r.error.rfind("invalid http task payload: ", 0), 0u) << r.error;
  return r.error;
}

EmailTaskSpec email_ok(const std::string& payload) {
  auto r = parse_email_task(payload);
  EXPECT_TRUE(r.ok()) << payload << "\n" << r.error;
  return r.spec.value_or(EmailTaskSpec{});
}

std::string email_error(const std::string& payload) {
  auto r = parse_email_task(payload);
  EXPECT_FALSE(r.ok()) << payload;
  EXPECT_EQ(r.error.rfind("invalid email task payload: ", 0), 0u) << r.error;
  return r.error;
}

const std::string* header(const std::vector<http::Header>& headers, std::string_view name) {
  for (const auto& h : headers)
    if (http::iequals(h.name, name)) return &h.value;
  return nullptr;
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

TEST(HttpTaskSpec, Defaults) {
  HttpTaskSpec s = http_ok(R"({"url": "https://example.com/hook"})");
  EXPECT_EQ(s.method, HttpMethod::kGet);
  EXPECT_EQ(s.url, "https://example.com/hook");
  EXPECT_EQ(s.scheme, "https");
  EXPECT_EQ(s.host, "example.com");
  EXPECT_EQ(s.port, 443);
  EXPECT_TRUE(s.headers.empty());
  EXPECT_FALSE(s.body.has_value());
  EXPECT_EQ(s.timeout_ms, 30000);
  EXPECT_EQ(s.max_response_bytes, 65536u);
  EXPECT_FALSE(s.sign.has_value());
}

TEST(HttpTaskSpec, JsonBodyIsSerialisedAndDefaultsToPost) {
  HttpTaskSpec s =
      http_ok(R"({"url": "http://h:8080/x?a=1#f", "body": {"a": [1, 2.50, "é"], "b": null}})");
  EXPECT_EQ(s.method, HttpMethod::kPost);
  EXPECT_EQ(s.body.value(), R"({"a":[1,2.50,"é"],"b":null})");
  ASSERT_NE(header(s.headers, "content-type"), nullptr);
  EXPECT_EQ(*header(s.headers, "content-type"), "application/json");
  EXPECT_EQ(s.port, 8080);
  EXPECT_EQ(s.scheme, "http");
  // Scalars and arrays are JSON bodies too.
  EXPECT_EQ(http_ok(R"({"url": "http://h/", "body": [true]})").body.value(), "[true]");
  EXPECT_EQ(http_ok(R"({"url": "http://h/", "body": 12})").body.value(), "12");
}

TEST(HttpTaskSpec, StringBodyAndExplicitContentType) {
  HttpTaskSpec s = http_ok(R"({"url": "http://h/", "method": "put", "body": "a=1&b=2",
                               "headers": {"content-TYPE": "application/x-www-form-urlencoded"}})");
  EXPECT_EQ(s.method, HttpMethod::kPut);
  EXPECT_EQ(s.body.value(), "a=1&b=2");
  ASSERT_EQ(s.headers.size(), 1u);  // no second Content-Type
  EXPECT_EQ(s.headers[0].name, "content-TYPE");
  s = http_ok(R"({"url": "http://h/", "body": "plain"})");
  EXPECT_EQ(*header(s.headers, "Content-Type"), "text/plain; charset=utf-8");
  // A JSON body with the user's content type keeps it.
  s = http_ok(
      R"({"url": "http://h/", "body": {}, "headers": {"Content-Type": "application/cloudevents+json"}})");
  EXPECT_EQ(*header(s.headers, "Content-Type"), "application/cloudevents+json");
  // null is "no body".
  s = http_ok(R"({"url": "http://h/", "body": null})");
  EXPECT_FALSE(s.body.has_value());
  EXPECT_EQ(s.method, HttpMethod::kGet);
}

TEST(HttpTaskSpec, Methods) {
  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}) {
    HttpTaskSpec s = http_ok(std::string(R"({"url": "http://h/", "method": ")") + m + "\"}");
    EXPECT_EQ(http_method_name(s.method), m);
  }
  EXPECT_EQ(http_ok(R"({"url": "http://h/", "method": "get", "body": "x"})").method,
            HttpMethod::kGet);
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "method": "TRACE"})"),
                  "\"method\" must be one of GET, POST, PUT, PATCH, DELETE, "
                  "HEAD (got \"TRACE\")");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "method": "HEAD", "body": "x"})"),
                  "cannot be sent with method HEAD");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "method": 1})"),
                  "\"method\" must be a string");
}

TEST(HttpTaskSpec, UrlValidation) {
  EXPECT_EQ(http_ok(R"({"url": "HTTPS://Example.COM:8443"})").host, "example.com");
  EXPECT_EQ(http_ok(R"({"url": "http://[::1]:9000/p"})").host, "::1");
  EXPECT_EQ(http_ok(R"({"url": "http://[::1]:9000/p"})").port, 9000);
  EXPECT_EQ(http_ok(R"({"url": "http://127.0.0.1/p"})").port, 80);
  EXPECT_CONTAINS(http_error(R"({})"), "\"url\" is required");
  EXPECT_CONTAINS(http_error(R"({"url": "ftp://h/"})"),
                  "must use the http or https scheme, not \"ftp\"");
  EXPECT_CONTAINS(http_error(R"({"url": "file:///etc/passwd"})"), "http or https");
  EXPECT_CONTAINS(http_error(R"({"url": "gopher://h/"})"), "http or https");
  EXPECT_CONTAINS(http_error(R"({"url": "example.com/x"})"), "absolute");
  EXPECT_CONTAINS(http_error(R"({"url": "https://user:pw@h/"})"), "must not contain credentials");
  http_ok(R"({"url": "https://h/@x?y=a@b"})");
  EXPECT_CONTAINS(http_error(R"({"url": "https://h/a b"})"), "percent-encode");
  EXPECT_CONTAINS(http_error(R"({"url": "https://h/\r\nX: y"})"), "percent-encode");
  EXPECT_CONTAINS(http_error(R"({"url": "https://h/é"})"), "percent-encode");
  EXPECT_CONTAINS(http_error(R"({"url": "https:///path"})"), "has no host");
  EXPECT_CONTAINS(http_error(R"({"url": "https://h:0/"})"), "port");
  EXPECT_CONTAINS(http_error(R"({"url": "https://h:65536/"})"), "port");
  EXPECT_CONTAINS(http_error(R"({"url": "https://h:/"})"), "empty port");
  EXPECT_CONTAINS(http_error(R"({"url": "https://h:8a/"})"), "port");
  EXPECT_CONTAINS(http_error(R"({"url": "https://[::1/"})"), "']'");
  EXPECT_CONTAINS(http_error(R"({"url": "https://[fe80::1%25eth0]/"})"), "invalid IPv6");
  EXPECT_CONTAINS(http_error(R"({"url": "https://h%2fx/"})"), "host");
  EXPECT_CONTAINS(http_error(R"({"url": ""})"), "must not be empty");
  EXPECT_CONTAINS(http_error(R"({"url": 5})"), "\"url\" must be a string, not a number");
  EXPECT_CONTAINS(http_error("{\"url\": \"http://h/" + std::string(9000, 'a') + "\"}"), "too long");
}

TEST(HttpTaskSpec, Headers) {
  HttpTaskSpec s = http_ok(
      R"({"url": "http://h/", "headers": {"Authorization": "Bearer x", "X-Empty": "", "X-Tab": "a\tb"}})");
  ASSERT_EQ(s.headers.size(), 3u);
  EXPECT_EQ(s.headers[0].name, "Authorization");
  EXPECT_EQ(s.headers[0].value, "Bearer x");
  EXPECT_EQ(curl_header_line(s.headers[0]), "Authorization: Bearer x");
  EXPECT_EQ(curl_header_line(s.headers[1]),
            "X-Empty;");  // libcurl's syntax for an empty value
  for (const char* bad : {R"("X-A": "a\r\nX-Injected: 1")", R"("X-A": "a\nb")", R"("X-A": "a\rb")",
                          R"("X-A": "a\u0000b")", R"("X-A": "a\u007fb")"})
    EXPECT_CONTAINS(http_error(std::string(R"({"url": "http://h/", "headers": {)") + bad + "}}"),
                    "line break or another control character");
  for (const char* bad :
       {R"("X A": "v")", R"("X-A\r\nB": "v")", R"("": "v")", R"("X:A": "v")", R"("é": "v")"})
    EXPECT_CONTAINS(http_error(std::string(R"({"url": "http://h/", "headers": {)") + bad + "}}"),
                    "invalid header");
  for (const char* owned : {"Host", "content-length", "Transfer-Encoding", "Connection", "TE",
                            "Upgrade", "Keep-Alive", "Trailer", "Proxy-Connection"})
    EXPECT_CONTAINS(
        http_error(std::string(R"({"url": "http://h/", "headers": {")") + owned + R"(": "x"}})"),
        "must not set header");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "headers": {"X-A": "1", "x-a": "2"}})"),
                  "twice");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "headers": {"X-A": 1}})"), "not a string");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "headers": ["X-A: 1"]})"),
                  "must be an object");
  std::string many = R"({"url": "http://h/", "headers": {)";
  for (int i = 0; i < 65; ++i)
    many += (i ? "," : "") + std::string("\"X-") + std::to_string(i) + "\": \"v\"";
  EXPECT_CONTAINS(http_error(many + "}}"), "too many headers");
  // Without "sign", webhook-* headers may be set by hand.
  http_ok(R"({"url": "http://h/", "headers": {"webhook-id": "x"}})");
}

TEST(HttpTaskSpec, NumbersAndUnknownKeys) {
  EXPECT_EQ(http_ok(R"({"url": "http://h/", "timeout_ms": 1})").timeout_ms, 1);
  EXPECT_EQ(http_ok(R"({"url": "http://h/", "timeout_ms": 300000})").timeout_ms, 300000);
  EXPECT_EQ(http_ok(R"({"url": "http://h/", "timeout_ms": 5000.0})").timeout_ms, 5000);
  EXPECT_EQ(http_ok(R"({"url": "http://h/", "timeout_ms": 5e3})").timeout_ms, 5000);
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "timeout_ms": 0})"),
                  "\"timeout_ms\" must be an integer from 1 to 300000 (got 0)");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "timeout_ms": 300001})"), "from 1 to 300000");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "timeout_ms": 1.5})"), "from 1 to 300000");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "timeout_ms": 1e300})"), "from 1 to 300000");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "timeout_ms": -1e300})"), "from 1 to 300000");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "timeout_ms": 99999999999999999999999})"),
                  "from 1 to 300000");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "timeout_ms": "5000"})"), "not a string");
  EXPECT_EQ(http_ok(R"({"url": "http://h/", "max_response_bytes": 0})").max_response_bytes, 0u);
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "max_response_bytes": 10485761})"),
                  "max_response_bytes");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "timeout": 5})"),
                  "unknown key \"timeout\" (expected one of: url, method, "
                  "headers, body, timeout_ms, "
                  "max_response_bytes, sign)");
  EXPECT_CONTAINS(http_error(R"([1])"), "must be a JSON object, not an array");
  EXPECT_CONTAINS(http_error(R"({"url": )"), "not valid JSON");
  // A hostile key is shortened and its control characters masked in the
  // message.
  std::string e =
      http_error("{\"url\": \"http://h/\", \"\\r\\n" + std::string(200, 'k') + "\": 1}");
  EXPECT_EQ(e.find('\r'), std::string::npos);
  EXPECT_LT(e.size(), 300u);
}

TEST(HttpTaskSpec, Signing) {
  HttpTaskSpec s =
      http_ok(std::string(R"({"url": "http://h/", "body": {"a": 1}, "sign": {"secret": ")") +
                  kSecret + "\"}}",
              "42");
  ASSERT_TRUE(s.sign.has_value());
  EXPECT_EQ(s.sign->message_id, "42");
  ASSERT_EQ(s.sign->secrets.size(), 1u);
  auto headers = http_request_headers(s, 1700000000);
  ASSERT_EQ(headers.size(), 4u);  // Content-Type + the three webhook headers
  EXPECT_EQ(*header(headers, "webhook-id"), "42");
  EXPECT_EQ(*header(headers, "webhook-timestamp"), "1700000000");
  EXPECT_EQ(*header(headers, "webhook-signature"),
            signing::sign_webhook(s.sign->secrets[0], "42", 1700000000, R"({"a":1})"));
  // The signature verifies with the receiver's library logic.
  std::vector<signing::WebhookSecret> secrets = {s.sign->secrets[0]};
  EXPECT_TRUE(signing::verify_webhook(headers, *s.body, secrets, 1700000005).ok());
  // Each attempt is signed at its own time, with the same id.
  auto later = http_request_headers(s, 1700000600);
  EXPECT_EQ(*header(later, "webhook-id"), "42");
  EXPECT_TRUE(signing::verify_webhook(later, *s.body, secrets, 1700000600).ok());

  // Explicit id, two secrets (rotation), no body (signs the empty string).
  s = http_ok(std::string(R"({"url": "http://h/", "sign": {"id": "msg_1", "secret": [")") +
              kSecret + R"(", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"]}})");
  EXPECT_EQ(s.sign->message_id, "msg_1");
  EXPECT_EQ(s.sign->secrets.size(), 2u);
  headers = http_request_headers(s, 1);
  EXPECT_EQ(std::count(header(headers, "webhook-signature")->begin(),
                       header(headers, "webhook-signature")->end(), ' '),
            1);

  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "sign": {}})"), "\"sign.secret\" is required");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "sign": "whsec_x"})"),
                  "\"sign\" must be an object");
  std::string bad =
      http_error(R"({"url": "http://h/", "sign": {"secret": "whsec_not base64 at all!!"}})");
  EXPECT_CONTAINS(bad, "\"sign.secret\" is not usable: webhook secret is not valid base64");
  EXPECT_EQ(bad.find("not base64 at all"),
            std::string::npos);  // secrets never echoed
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "sign": {"secret": []}})"), "1 to 4 secrets");
  EXPECT_CONTAINS(http_error(R"({"url": "http://h/", "sign": {"secret": [1]}})"), "only strings");
  EXPECT_CONTAINS(http_error(std::string(R"({"url": "http://h/", "sign": {"secret": ")") + kSecret +
                             R"(", "id": "a.b"}})"),
                  "\"sign.id\" must be");
  EXPECT_CONTAINS(http_error(std::string(R"({"url": "http://h/", "sign": {"secret": ")") + kSecret +
                             R"(", "ids": "a"}})"),
                  "unknown key \"ids\" in \"sign\"");
  EXPECT_CONTAINS(
      http_error(
          std::string(
              R"({"url": "http://h/", "headers": {"Webhook-Signature": "v1,x"}, "sign": {"secret": ")") +
          kSecret + "\"}}"),
      "\"sign\" produces it");
  auto no_id = parse_http_task(
      std::string(R"({"url": "http://h/", "sign": {"secret": ")") + kSecret + "\"}}", "");
  EXPECT_FALSE(no_id.ok());
  EXPECT_CONTAINS(no_id.error, "\"sign.id\" is required");
}

TEST(EmailTaskSpec, Minimal) {
  EmailTaskSpec s = email_ok(
      R"({"from": "a@example.com", "to": "b@example.org", "subject": "Hi", "text": "Hello"})");
  EXPECT_EQ(s.from.address, "a@example.com");
  EXPECT_EQ(s.from.display_name, "");
  ASSERT_EQ(s.to.size(), 1u);
  EXPECT_EQ(s.to[0].address, "b@example.org");
  EXPECT_EQ(s.subject, "Hi");
  EXPECT_EQ(s.text.value(), "Hello");
  EXPECT_FALSE(s.html.has_value());
  EXPECT_EQ(s.timeout_ms, 60000);
}

TEST(EmailTaskSpec, AddressForms) {
  EmailTaskSpec s = email_ok(R"({
    "from": "Acme Billing <billing@acme.example>",
    "to": ["x@a.example", "\"Doe, Jane \\\"JD\\\"\" <jane@b.example>", {"address": "j@c.example", "name": "Jürgen <J>"}],
    "cc": {"address": "cc@d.example"}, "bcc": ["hidden@e.example"], "reply_to": "  Support <help@acme.example>  ",
    "subject": "", "html": "<p>x</p>"})");
  EXPECT_EQ(s.from.display_name, "Acme Billing");
  EXPECT_EQ(s.from.address, "billing@acme.example");
  ASSERT_EQ(s.to.size(), 3u);
  EXPECT_EQ(s.to[1].display_name, "Doe, Jane \"JD\"");
  EXPECT_EQ(s.to[1].address, "jane@b.example");
  EXPECT_EQ(s.to[2].display_name, "Jürgen <J>");
  EXPECT_EQ(s.cc.at(0).address, "cc@d.example");
  EXPECT_EQ(s.bcc.at(0).address, "hidden@e.example");
  EXPECT_EQ(s.reply_to.at(0).display_name, "Support");
  EXPECT_EQ(s.subject, "");
}

TEST(EmailTaskSpec, AddressValidation) {
  EXPECT_FALSE(email_address_problem("user.name+tag@sub.example.co").has_value());
  EXPECT_FALSE(email_address_problem("user@localhost").has_value());
  EXPECT_FALSE(email_address_problem("user@[192.0.2.1]").has_value());
  EXPECT_FALSE(email_address_problem("user@[IPv6:2001:db8::1]").has_value());
  EXPECT_FALSE(email_address_problem("o'brien@xn--bcher-kva.example").has_value());
  EXPECT_FALSE(email_address_problem(std::string(64, 'a') + "@" + std::string(63, 'b') + ".com")
                   .has_value());
  struct Case {
    std::string address;
    const char* why;
  };
  for (const Case& c : std::vector<Case>{
           {"", "empty"},
           {"plainaddress", "no '@'"},
           {"a@b@c.com", "more than one '@'"},
           {"@example.com", "before '@' is empty"},
           {"a@", "domain after '@' is empty"},
           {".a@example.com", "begin or end with '.'"},
           {"a..b@example.com", "\"..\""},
           {"a b@example.com", "needs quoting"},
           {"\"a b\"@example.com", "needs quoting"},
           {"a\r\n@example.com", "needs quoting"},
           {"a@exa mple.com", "only letters, digits"},
           {"a@example.com\r\nRCPT TO:<x@y>", "more than one"},
           {"a@example.com\r\nRCPT TO:x", "only letters, digits"},
           {"a@-example.com", "begins or ends with '-'"},
           {"a@example..com", "empty label"},
           {"a@example.com.", "empty label"},
           {"a@bücher.example", "xn--"},
           {"jürgen@example.com", "non-ASCII"},
           {std::string(65, 'a') + "@example.com", "longer than 64"},
           {"a@" + std::string(64, 'b') + ".com", "longer than 63"},
           {"a@" + std::string(260, 'b'), "longer than 254"},
           {"a@[1.2.3.4", "']'"},
           {"a@[]", "literal"},
           {"a@[evil]", "not an IP address"},
       }) {
    auto p = email_address_problem(c.address);
    ASSERT_TRUE(p.has_value()) << c.address;
    EXPECT_CONTAINS(*p, c.why);
  }
  EXPECT_CONTAINS(email_error(R"({"from": "x", "to": "b@c.d", "subject": "", "text": ""})"),
                  "\"from\" \"x\" is not a valid email address: it has no '@'");
  EXPECT_CONTAINS(
      email_error(R"({"from": "a@b.c", "to": ["b@c.d", "bad"], "subject": "", "text": ""})"),
      "\"to[1]\" \"bad\" is not a valid email address");
  EXPECT_CONTAINS(
      email_error(
          R"({"from": "a@b.c", "to": {"address": "b@c.d", "name": "x\r\nBcc: y@z.w"}, "subject": "", "text": ""})"),
      "\"to.name\" must not contain control characters");
  EXPECT_CONTAINS(
      email_error(
          R"({"from": "Evil\r\nBcc: y@z.w <a@b.c>", "to": "b@c.d", "subject": "", "text": ""})"),
      "display name that must not contain control characters");
  EXPECT_CONTAINS(
      email_error(R"({"from": "a@b.c", "to": "b@c.d, e@f.g", "subject": "", "text": ""})"),
      "(give several addresses as a JSON array)");
  EXPECT_CONTAINS(email_error(R"({"from": "a@b.c>", "to": "b@c.d", "subject": "", "text": ""})"),
                  "'>' without a matching '<'");
  EXPECT_CONTAINS(email_error(R"({"from": 1, "to": "b@c.d", "subject": "", "text": ""})"),
                  "\"from\" must be an address string or an object");
  EXPECT_CONTAINS(
      email_error(
          R"({"from": {"address": "a@b.c", "nam": "x"}, "to": "b@c.d", "subject": "", "text": ""})"),
      "unknown key \"nam\" in \"from\"");
}

TEST(EmailTaskSpec, RequiredFieldsAndLimits) {
  EXPECT_CONTAINS(email_error(R"({"to": "b@c.d", "subject": "", "text": ""})"),
                  "\"from\" is required");
  EXPECT_CONTAINS(email_error(R"({"from": "a@b.c", "subject": "", "text": ""})"),
                  "\"to\" is required");
  EXPECT_CONTAINS(email_error(R"({"from": "a@b.c", "to": [], "subject": "", "text": ""})"),
                  "\"to\" is required");
  EXPECT_CONTAINS(email_error(R"({"from": "a@b.c", "to": "b@c.d", "text": ""})"),
                  "\"subject\" is required");
  EXPECT_CONTAINS(email_error(R"({"from": "a@b.c", "to": "b@c.d", "subject": ""})"),
                  "\"text\" or \"html\"");
  EXPECT_CONTAINS(
      email_error(R"({"from": "a@b.c", "to": "b@c.d", "subject": "a\r\nBcc: x@y.z", "text": ""})"),
      "\"subject\" must be one line");
  EXPECT_CONTAINS(
      email_error(R"({"from": "a@b.c", "to": "b@c.d", "subject": "", "text": "", "body": "x"})"),
      "unknown key \"body\"");
  std::string many = "[";
  for (int i = 0; i < 60; ++i)
    many += (i ? "," : "") + std::string("\"r") + std::to_string(i) + "@x.y\"";
  many += "]";
  EXPECT_CONTAINS(email_error(R"({"from": "a@b.c", "to": )" + many + R"(, "cc": )" + many +
                              R"(, "subject": "", "text": ""})"),
                  "too many recipients");
  EXPECT_CONTAINS(email_error(R"({"from": "a@b.c", "to": "b@c.d", "subject": ")" +
                              std::string(3000, 's') + R"(", "text": ""})"),
                  "\"subject\" is too long");
}

TEST(EmailTaskSpec, ExtraHeaders) {
  EmailTaskSpec s = email_ok(R"({"from": "a@b.c", "to": "b@c.d", "subject": "", "text": "",
                                 "headers": {"List-Unsubscribe": "<mailto:u@b.c>", "X-Job": "7"}})");
  ASSERT_EQ(s.headers.size(), 2u);
  EXPECT_EQ(s.headers[0].name, "List-Unsubscribe");
  for (const char* owned : {"Bcc", "from", "Subject", "Message-ID", "Content-Type",
                            "Content-Transfer-Encoding", "MIME-Version", "Date", "Return-Path"})
    EXPECT_CONTAINS(
        email_error(
            std::string(
                R"({"from": "a@b.c", "to": "b@c.d", "subject": "", "text": "", "headers": {")") +
            owned + R"(": "x"}})"),
        "must not set header");
  EXPECT_CONTAINS(
      email_error(
          R"({"from": "a@b.c", "to": "b@c.d", "subject": "", "text": "", "headers": {"X-A": "a\r\nBcc: x@y.z"}})"),
      "control character");
}

TEST(RetryPolicy, Http) {
  using O = AttemptOutcome;
  using E = TransportError;
  for (int s : {200, 201, 204, 299, 301, 304, 399})
    EXPECT_EQ(classify_http_attempt(E::kNone, s).outcome, O::kSuccess) << s;
  for (int s : {408, 425, 429, 500, 502, 503, 504, 599})
    EXPECT_EQ(classify_http_attempt(E::kNone, s).outcome, O::kRetry) << s;
  for (int s : {400, 401, 403, 404, 405, 410, 413, 422, 499})
    EXPECT_EQ(classify_http_attempt(E::kNone, s).outcome, O::kPermanentFailure) << s;
  for (int s : {0, 100, 199, 600, -1})
    EXPECT_EQ(classify_http_attempt(E::kNone, s).outcome, O::kPermanentFailure) << s;
  for (E e : {E::kTimeout, E::kResolve, E::kConnect, E::kTls, E::kSendReceive, E::kOther})
    EXPECT_EQ(classify_http_attempt(e, 0).outcome, O::kRetry);
  EXPECT_EQ(classify_http_attempt(E::kInvalidRequest, 0).outcome, O::kPermanentFailure);
  // A transport error wins over whatever status was left from a previous
  // attempt.
  EXPECT_EQ(classify_http_attempt(E::kTimeout, 200).outcome, O::kRetry);
  EXPECT_EQ(classify_http_attempt(E::kNone, 503).reason, "HTTP 503: server error, will retry");
  EXPECT_CONTAINS(classify_http_attempt(E::kTimeout, 0).reason, "timed out");
}

TEST(RetryPolicy, Smtp) {
  using O = AttemptOutcome;
  using E = TransportError;
  EXPECT_EQ(classify_smtp_attempt(E::kNone, 250).outcome, O::kSuccess);
  EXPECT_EQ(classify_smtp_attempt(E::kNone, 421).outcome, O::kRetry);
  EXPECT_EQ(classify_smtp_attempt(E::kNone, 451).outcome, O::kRetry);
  EXPECT_EQ(classify_smtp_attempt(E::kNone, 550).outcome, O::kPermanentFailure);
  EXPECT_EQ(classify_smtp_attempt(E::kNone, 535).outcome, O::kPermanentFailure);
  EXPECT_EQ(classify_smtp_attempt(E::kConnect, 0).outcome, O::kRetry);
  EXPECT_EQ(classify_smtp_attempt(E::kInvalidRequest, 0).outcome, O::kPermanentFailure);
}

}  // namespace
}  // namespace pg_gateway::jobs
