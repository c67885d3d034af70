#include "core/http/request_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

using pg_gateway::http::Method;
using pg_gateway::http::ParserLimits;
using pg_gateway::http::ParseStatus;
using pg_gateway::http::Request;
using pg_gateway::http::RequestParser;

namespace {

struct Outcome {
  ParseStatus status = ParseStatus::kNeedMore;
  size_t consumed = 0;
  int error_status = 0;
  std::string error_message;
  Request request;
};

// Feeds `input` in one call; takes the request when complete.
Outcome parse(std::string_view input, const ParserLimits& limits = ParserLimits()) {
  RequestParser p(limits);
  Outcome o;
  o.status = p.feed(input, o.consumed);
  o.error_status = p.error_status();
  o.error_message = p.error_message();
  if (o.status == ParseStatus::kComplete) o.request = p.take_request();
  return o;
}

// Feeds `input` in pieces of `piece` bytes until the parser stops asking for
// more; `consumed` counts from the start of `input`.
Outcome parse_in_pieces(std::string_view input, size_t piece,
                        const ParserLimits& limits = ParserLimits()) {
  RequestParser p(limits);
  Outcome o;
  size_t pos = 0;
  while (pos < input.size()) {
    size_t n = std::min(piece, input.size() - pos);
    size_t consumed = 0;
    o.status = p.feed(input.substr(pos, n), consumed);
    EXPECT_LE(consumed, n);
    pos += consumed;
    if (o.status != ParseStatus::kNeedMore) break;
    EXPECT_EQ(consumed, n) << "kNeedMore must consume everything it was given";
  }
  o.consumed = pos;
  o.error_status = p.error_status();
  o.error_message = p.error_message();
  if (o.status == ParseStatus::kComplete) o.request = p.take_request();
  return o;
}

// Expects `input` to be rejected with `status`, both in one chunk and byte by byte.
void expect_rejected(std::string_view input, int status,
                     const ParserLimits& limits = ParserLimits()) {
  SCOPED_TRACE(input.size() > 200 ? std::string(input.substr(0, 200)) + "..." : std::string(input));
  Outcome whole = parse(input, limits);
  EXPECT_EQ(whole.status, ParseStatus::kError);
  EXPECT_EQ(whole.error_status, status) << whole.error_message;
  EXPECT_FALSE(whole.error_message.empty());
  Outcome bytes = parse_in_pieces(input, 1, limits);
  EXPECT_EQ(bytes.status, ParseStatus::kError);
  EXPECT_EQ(bytes.error_status, status) << bytes.error_message;
}

const std::string* header(const Request& r, std::string_view name) { return r.header(name); }

}  // namespace

// ---------------------------------------------------------------------------
// Accepted requests

TEST(RequestParser, SimpleGet) {
  std::string in = "GET /hello HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\n\r\n";
  Outcome o = parse(in);
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  EXPECT_EQ(o.consumed, in.size());
  EXPECT_EQ(o.request.method, Method::kGet);
  EXPECT_EQ(o.request.method_text, "GET");
  EXPECT_EQ(o.request.target, "/hello");
  EXPECT_EQ(o.request.path, "/hello");
  EXPECT_EQ(o.request.query, "");
  EXPECT_EQ(o.request.version_minor, 1);
  EXPECT_TRUE(o.request.keep_alive);
  EXPECT_FALSE(o.request.expect_continue);
  EXPECT_TRUE(o.request.body.empty());
  ASSERT_EQ(o.request.headers.size(), 2u);
  EXPECT_EQ(o.request.headers[0].name, "host");
  EXPECT_EQ(o.request.headers[0].value, "example.com");
  EXPECT_EQ(o.request.headers[1].name, "user-agent");
}

TEST(RequestParser, HeaderNamesLowerCasedValuesTrimmed) {
  Outcome o = parse("GET / HTTP/1.1\r\nHOST:   h  \r\nX-Thing:\tv a l\t\r\nX-Empty:\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  ASSERT_NE(header(o.request, "host"), nullptr);
  EXPECT_EQ(*header(o.request, "host"), "h");
  ASSERT_NE(header(o.request, "x-thing"), nullptr);
  EXPECT_EQ(*header(o.request, "x-thing"), "v a l");
  ASSERT_NE(header(o.request, "x-empty"), nullptr);
  EXPECT_EQ(*header(o.request, "x-empty"), "");
  EXPECT_EQ(header(o.request, "X-Thing"), nullptr);  // lookups are by lower-case name
}

TEST(RequestParser, MethodsRecognisedCaseSensitively) {
  struct {
    const char* token;
    Method m;
  } cases[] = {
      {"GET", Method::kGet},         {"HEAD", Method::kHead},   {"POST", Method::kPost},
      {"PUT", Method::kPut},         {"PATCH", Method::kPatch}, {"DELETE", Method::kDelete},
      {"OPTIONS", Method::kOptions}, {"get", Method::kOther},   {"PROPFIND", Method::kOther}};
  for (const auto& c : cases) {
    Outcome o = parse(std::string(c.token) + " / HTTP/1.1\r\nHost: h\r\n\r\n");
    ASSERT_EQ(o.status, ParseStatus::kComplete) << c.token;
    EXPECT_EQ(o.request.method, c.m) << c.token;
    EXPECT_EQ(o.request.method_text, c.token);
  }
}

TEST(RequestParser, KeepAliveDefaults) {
  EXPECT_TRUE(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n").request.keep_alive);
  Outcome h10 = parse("GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(h10.status, ParseStatus::kComplete) << h10.error_message;
  EXPECT_EQ(h10.request.version_minor, 0);
  EXPECT_FALSE(h10.request.keep_alive);
  EXPECT_TRUE(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").request.keep_alive);
  EXPECT_TRUE(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: CLOSE\r\n\r\n").request.keep_alive);
  EXPECT_TRUE(
      parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n").request.keep_alive);
  // "close" wins whatever the order.
  EXPECT_FALSE(parse("GET / HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n")
                   .request.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(
      parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade, close\r\n\r\n").request.keep_alive);
}

TEST(RequestParser, HostOptionalInHttp10) {
  Outcome o = parse("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(o.status, ParseStatus::kComplete);
  Outcome with = parse("GET / HTTP/1.0\r\nHost: h\r\n\r\n");
  EXPECT_EQ(with.status, ParseStatus::kComplete);
}

TEST(RequestParser, ByteAtATimeMatchesOneChunk) {
  std::string in =
      "POST /api/items?x=1&y=2 HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
      "Content-Length: 13\r\n\r\n{\"a\":\"hello\"}";
  Outcome whole = parse(in);
  Outcome bytes = parse_in_pieces(in, 1);
  ASSERT_EQ(whole.status, ParseStatus::kComplete) << whole.error_message;
  ASSERT_EQ(bytes.status, ParseStatus::kComplete) << bytes.error_message;
  EXPECT_EQ(whole.consumed, in.size());
  EXPECT_EQ(bytes.consumed, in.size());
  EXPECT_EQ(bytes.request.method, whole.request.method);
  EXPECT_EQ(bytes.request.target, whole.request.target);
  EXPECT_EQ(bytes.request.path, "/api/items");
  EXPECT_EQ(bytes.request.query, "x=1&y=2");
  EXPECT_EQ(bytes.request.body, "{\"a\":\"hello\"}");
  EXPECT_EQ(bytes.request.body, whole.request.body);
  ASSERT_EQ(bytes.request.headers.size(), whole.request.headers.size());
  for (size_t i = 0; i < whole.request.headers.size(); ++i) {
    EXPECT_EQ(bytes.request.headers[i].name, whole.request.headers[i].name);
    EXPECT_EQ(bytes.request.headers[i].value, whole.request.headers[i].value);
  }
  // Every piece size in between gives the same answer too.
  for (size_t piece = 2; piece < in.size(); ++piece) {
    Outcome o = parse_in_pieces(in, piece);
    ASSERT_EQ(o.status, ParseStatus::kComplete) << piece;
    EXPECT_EQ(o.request.body, whole.request.body) << piece;
    EXPECT_EQ(o.request.query, "x=1&y=2") << piece;
  }
}

TEST(RequestParser, PipelinedRequestsInOneBuffer) {
  std::string r1 = "GET /one HTTP/1.1\r\nHost: h\r\n\r\n";
  std::string r2 = "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
  std::string r3 = "GET /three HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  std::string all = r1 + r2 + r3;
  RequestParser p;
  std::string_view rest = all;
  size_t consumed = 0;

  ASSERT_EQ(p.feed(rest, consumed), ParseStatus::kComplete);
  EXPECT_EQ(consumed, r1.size());
  Request a = p.take_request();
  EXPECT_EQ(a.path, "/one");
  EXPECT_FALSE(p.started());
  rest.remove_prefix(consumed);

  ASSERT_EQ(p.feed(rest, consumed), ParseStatus::kComplete);
  EXPECT_EQ(consumed, r2.size());
  Request b = p.take_request();
  EXPECT_EQ(b.path, "/two");
  EXPECT_EQ(b.body, "abc");
  rest.remove_prefix(consumed);

  ASSERT_EQ(p.feed(rest, consumed), ParseStatus::kComplete);
  EXPECT_EQ(consumed, r3.size());
  Request c = p.take_request();
  EXPECT_EQ(c.path, "/three");
  EXPECT_FALSE(c.keep_alive);
  rest.remove_prefix(consumed);
  EXPECT_TRUE(rest.empty());
}

TEST(RequestParser, CompleteIsStickyUntilTaken) {
  RequestParser p;
  std::string in = "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /next";
  size_t consumed = 0;
  ASSERT_EQ(p.feed(in, consumed), ParseStatus::kComplete);
  size_t first = consumed;
  // Feeding again without take_request() consumes nothing.
  ASSERT_EQ(p.feed(std::string_view(in).substr(first), consumed), ParseStatus::kComplete);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(p.take_request().path, "/");
  EXPECT_EQ(p.feed(std::string_view(in).substr(first), consumed), ParseStatus::kNeedMore);
  EXPECT_EQ(consumed, in.size() - first);
  EXPECT_TRUE(p.started());
  EXPECT_FALSE(p.headers_complete());
}

TEST(RequestParser, EmptyLinesBetweenPipelinedRequestsTolerated) {
  std::string in = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
  Outcome o = parse(in);
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  EXPECT_EQ(o.consumed, in.size());
  EXPECT_EQ(o.request.path, "/");
}

TEST(RequestParser, ContentLengthBody) {
  std::string in = "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789TRAILING";
  Outcome o = parse(in);
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  EXPECT_EQ(o.request.body, "0123456789");
  EXPECT_EQ(o.consumed, in.size() - std::string("TRAILING").size());
}

TEST(RequestParser, ZeroContentLength) {
  Outcome o = parse("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  EXPECT_TRUE(o.request.body.empty());
}

TEST(RequestParser, BodyStateFlags) {
  RequestParser p;
  size_t consumed = 0;
  std::string head = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n";
  EXPECT_FALSE(p.started());
  ASSERT_EQ(p.feed(head.substr(0, 5), consumed), ParseStatus::kNeedMore);
  EXPECT_TRUE(p.started());
  EXPECT_FALSE(p.headers_complete());
  EXPECT_FALSE(p.body_pending());
  ASSERT_EQ(p.feed(head.substr(5), consumed), ParseStatus::kNeedMore);
  EXPECT_TRUE(p.headers_complete());
  EXPECT_TRUE(p.body_pending());
  ASSERT_EQ(p.feed("ab", consumed), ParseStatus::kNeedMore);
  EXPECT_TRUE(p.body_pending());
  ASSERT_EQ(p.feed("cd", consumed), ParseStatus::kComplete);
  EXPECT_FALSE(p.body_pending());
  EXPECT_EQ(p.take_request().body, "abcd");
  EXPECT_FALSE(p.started());
  EXPECT_FALSE(p.headers_complete());
}

TEST(RequestParser, IdenticalDuplicateContentLengthsAccepted) {
  Outcome two =
      parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_EQ(two.status, ParseStatus::kComplete) << two.error_message;
  EXPECT_EQ(two.request.body, "abc");
  Outcome list = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc");
  ASSERT_EQ(list.status, ParseStatus::kComplete) << list.error_message;
  EXPECT_EQ(list.request.body, "abc");
}

TEST(RequestParser, ChunkedBodyWithExtensionsAndTrailers) {
  std::string in =
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n"
      "1 ; ext\r\n \r\n"
      "A\r\n0123456789\r\n"
      "0;last\r\nX-Trailer: t\r\nX-Other: o\r\n\r\n";
  Outcome o = parse(in);
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  EXPECT_EQ(o.consumed, in.size());
  EXPECT_EQ(o.request.body, "hello 0123456789");
  // Trailers are checked, then dropped: they never reach the headers.
  EXPECT_EQ(header(o.request, "x-trailer"), nullptr);
  ASSERT_NE(header(o.request, "transfer-encoding"), nullptr);
}

TEST(RequestParser, ChunkedCaseInsensitiveAndHexDigits) {
  Outcome o = parse(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "a\r\n0123456789\r\nB\r\nabcdefghijk\r\n0\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  EXPECT_EQ(o.request.body, "0123456789abcdefghijk");
}

TEST(RequestParser, ChunkedSplitAtEveryByte) {
  std::string in =
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;a=b\r\nabc\r\n4\r\ndefg\r\n0\r\nT: v\r\n\r\n"
      "GET /after HTTP/1.1\r\nHost: h\r\n\r\n";
  size_t first_len = in.find("GET /after");
  for (size_t split = 0; split <= in.size(); ++split) {
    RequestParser p;
    size_t consumed = 0;
    std::string_view a = std::string_view(in).substr(0, split);
    std::string_view b = std::string_view(in).substr(split);
    ParseStatus st = p.feed(a, consumed);
    size_t total = consumed;
    if (st == ParseStatus::kNeedMore) {
      ASSERT_EQ(consumed, a.size()) << split;
      st = p.feed(b, consumed);
      total += consumed;
    }
    ASSERT_EQ(st, ParseStatus::kComplete) << "split at " << split << ": " << p.error_message();
    EXPECT_EQ(total, first_len) << split;
    EXPECT_EQ(p.take_request().body, "abcdefg") << split;
  }
  Outcome bytes = parse_in_pieces(in, 1);
  ASSERT_EQ(bytes.status, ParseStatus::kComplete);
  EXPECT_EQ(bytes.consumed, first_len);
  EXPECT_EQ(bytes.request.body, "abcdefg");
}

TEST(RequestParser, ExpectContinueFlag) {
  RequestParser p;
  size_t consumed = 0;
  std::string head =
      "POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n";
  ASSERT_EQ(p.feed(head, consumed), ParseStatus::kNeedMore);
  EXPECT_TRUE(p.headers_complete());
  EXPECT_TRUE(p.body_pending());
  EXPECT_TRUE(p.request().expect_continue);
  ASSERT_EQ(p.feed("12345", consumed), ParseStatus::kComplete);
  Request r = p.take_request();
  EXPECT_TRUE(r.expect_continue);
  EXPECT_EQ(r.body, "12345");
}

TEST(RequestParser, ExpectContinueIgnoredWithoutBodyOrInHttp10) {
  Outcome nobody = parse("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
  ASSERT_EQ(nobody.status, ParseStatus::kComplete);
  EXPECT_FALSE(nobody.request.expect_continue);
  RequestParser p;
  size_t consumed = 0;
  ASSERT_EQ(
      p.feed("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", consumed),
      ParseStatus::kNeedMore);
  EXPECT_FALSE(p.request().expect_continue);
}

TEST(RequestParser, AbsoluteFormTarget) {
  Outcome o =
      parse("GET http://example.com:8080/a/b?c=d HTTP/1.1\r\nHost: example.com:8080\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  EXPECT_EQ(o.request.target, "http://example.com:8080/a/b?c=d");
  EXPECT_EQ(o.request.path, "/a/b");
  EXPECT_EQ(o.request.query, "c=d");

  Outcome no_path = parse("GET HTTPS://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n");
  ASSERT_EQ(no_path.status, ParseStatus::kComplete) << no_path.error_message;
  EXPECT_EQ(no_path.request.path, "/");
  EXPECT_EQ(no_path.request.query, "");

  Outcome query_only = parse("GET http://example.com?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
  ASSERT_EQ(query_only.status, ParseStatus::kComplete) << query_only.error_message;
  EXPECT_EQ(query_only.request.path, "/");
  EXPECT_EQ(query_only.request.query, "q=1");

  expect_rejected("GET http:///nohost HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET ftp://example.com/ HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET relative/path HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

TEST(RequestParser, AsteriskFormOnlyForOptions) {
  Outcome o = parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  EXPECT_EQ(o.request.method, Method::kOptions);
  EXPECT_EQ(o.request.path, "*");
  expect_rejected("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected("POST * HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

TEST(RequestParser, QuerySplit) {
  Outcome o = parse("GET /p/q?a=1&b=%20?c HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::kComplete);
  EXPECT_EQ(o.request.path, "/p/q");
  EXPECT_EQ(o.request.query, "a=1&b=%20?c");
  Outcome empty_q = parse("GET /p? HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(empty_q.status, ParseStatus::kComplete);
  EXPECT_EQ(empty_q.request.path, "/p");
  EXPECT_EQ(empty_q.request.query, "");
}

TEST(RequestParser, ResetClearsError) {
  RequestParser p;
  size_t consumed = 0;
  ASSERT_EQ(p.feed("GET / HTTP/2.0\r\n", consumed), ParseStatus::kError);
  EXPECT_EQ(p.error_status(), 505);
  // An errored parser stays errored.
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n", consumed), ParseStatus::kError);
  EXPECT_EQ(consumed, 0u);
  p.reset();
  EXPECT_EQ(p.error_status(), 0);
  EXPECT_TRUE(p.error_message().empty());
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n", consumed), ParseStatus::kComplete);
}

TEST(RequestParser, LimitsAreInclusive) {
  ParserLimits lim;
  lim.max_request_line = 20;  // "GET /aaaaaa HTTP/1.1" is exactly 20
  lim.max_headers = 2;
  lim.max_body = 5;
  Outcome o = parse("GET /aaaaaa HTTP/1.1\r\nHost: h\r\nA: b\r\n\r\n", lim);
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  Outcome body = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n12345", lim);
  ASSERT_EQ(body.status, ParseStatus::kComplete) << body.error_message;
  Outcome chunked = parse(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
      "chunked\r\n\r\n2\r\n12\r\n3\r\n345\r\n0\r\n\r\n",
      lim);
  ASSERT_EQ(chunked.status, ParseStatus::kComplete) << chunked.error_message;
  EXPECT_EQ(chunked.request.body, "12345");
}

// ---------------------------------------------------------------------------
// Rejections, each with its exact status

TEST(RequestParserReject, BareLf) {
  expect_rejected("GET / HTTP/1.1\nHost: h\r\n\r\n", 400);
  expect_rejected("GET / HTTP/1.1\r\nHost: h\n\r\n", 400);
  expect_rejected("GET / HTTP/1.1\r\nHost: h\r\n\n", 400);
}

TEST(RequestParserReject, BareCr) {
  expect_rejected("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400);
  expect_rejected("GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

TEST(RequestParserReject, ObsFold) {
  expect_rejected("GET / HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n b\r\n\r\n", 400);
  expect_rejected("GET / HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n\tb: c\r\n\r\n", 400);
}

TEST(RequestParserReject, WhitespaceBeforeColon) {
  expect_rejected("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400);
  expect_rejected("GET / HTTP/1.1\r\nHost: h\r\nContent-Length\t: 0\r\n\r\n", 400);
}

TEST(RequestParserReject, MalformedHeaderLines) {
  expect_rejected("GET / HTTP/1.1\r\nHost: h\r\nNoColonHere\r\n\r\n", 400);
  expect_rejected("GET / HTTP/1.1\r\nHost: h\r\n: empty-name\r\n\r\n", 400);
  expect_rejected("GET / HTTP/1.1\r\nHost: h\r\nBad(Name): v\r\n\r\n", 400);
}

TEST(RequestParserReject, MissingHostInHttp11) {
  expect_rejected("GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n", 400);
  expect_rejected("GET / HTTP/1.1\r\n\r\n", 400);
}

TEST(RequestParserReject, TwoHosts) {
  expect_rejected("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  expect_rejected("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400);
  expect_rejected("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400);
}

TEST(RequestParserReject, ContentLengthWithTransferEncoding) {
  expect_rejected(
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n",
      400);
  expect_rejected(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
      "0\r\n\r\n",
      400);
}

TEST(RequestParserReject, ConflictingContentLengths) {
  expect_rejected(
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd", 400);
}

TEST(RequestParserReject, NonDigitContentLength) {
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n", 400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\nabcde", 400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n", 400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n", 400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", 400);
}

TEST(RequestParserReject, EmptyContentLengthNextToValidOne) {
  // An empty (or empty-element) Content-Length next to a valid one is as
  // ambiguous as two different values: reject, whatever the order.
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length:\r\n\r\nabc",
                  400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\nContent-Length: 3\r\n\r\nabc",
                  400);
}

TEST(RequestParserReject, ContentLengthOverLimit) {
  ParserLimits lim;
  lim.max_body = 100;
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n", 413, lim);
  Outcome ok = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n", lim);
  EXPECT_EQ(ok.status, ParseStatus::kNeedMore);
}

TEST(RequestParserReject, HugeContentLength) {
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551615\r\n\r\n",
                  413);
  expect_rejected(
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999999\r\n\r\n", 413);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9999999999999999999\r\n\r\n", 413);
}

TEST(RequestParserReject, ChunkSizeOverLimit) {
  ParserLimits lim;
  lim.max_body = 16;
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n", 413,
                  lim);
  // More hex digits than fit any limit (and than fit in 64 bits).
  expect_rejected(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n",
      413);
}

TEST(RequestParserReject, BodyOverLimitViaChunks) {
  ParserLimits lim;
  lim.max_body = 10;
  expect_rejected(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "6\r\n123456\r\n5\r\n12345\r\n0\r\n\r\n",
      413, lim);
}

TEST(RequestParserReject, InvalidChunkSizeLine) {
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  expect_rejected(head + "zz\r\n", 400);
  expect_rejected(head + "\r\n", 400);
  expect_rejected(head + "5 x\r\nhello\r\n0\r\n\r\n", 400);
  expect_rejected(head + "0x5\r\nhello\r\n0\r\n\r\n", 400);
  expect_rejected(head + "5;a=\x01\r\nhello\r\n0\r\n\r\n", 400);
  ParserLimits lim;
  lim.max_chunk_line = 16;
  expect_rejected(head + "5;" + std::string(40, 'x') + "\r\nhello\r\n0\r\n\r\n", 400, lim);
}

TEST(RequestParserReject, UnknownTransferCoding) {
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n", 501);
}

TEST(RequestParserReject, ChunkedNotLast) {
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400);
  expect_rejected(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
      "chunked\r\n\r\n",
      400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n", 400);
}

TEST(RequestParserReject, TransferEncodingInHttp10) {
  expect_rejected("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
}

TEST(RequestParserReject, UnsupportedVersion) {
  expect_rejected("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505);
  expect_rejected("GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505);
  expect_rejected("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505);
}

TEST(RequestParserReject, GarbageVersion) {
  expect_rejected("GET / HTTP/1.1x\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET / http/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET / HTTP/11\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET / HTTP/a.b\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET / FOO\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET /\r\n\r\n", 400);  // HTTP/0.9 simple request
}

TEST(RequestParserReject, MalformedRequestLine) {
  expect_rejected("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400);
  expect_rejected(" GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET\r\n\r\n", 400);
}

TEST(RequestParserReject, RequestLineTooLong) {
  ParserLimits lim;
  lim.max_request_line = 64;
  expect_rejected("GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", 414, lim);
  // Rejected as soon as the limit is passed, without waiting for the line end.
  RequestParser p(lim);
  size_t consumed = 0;
  EXPECT_EQ(p.feed("GET /" + std::string(200, 'a'), consumed), ParseStatus::kError);
  EXPECT_EQ(p.error_status(), 414);
  // Default limit (8 KiB).
  expect_rejected("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", 414);
  // Longer than the whole header section limit too: still 414, whether it
  // arrives in one read or trickles in.
  expect_rejected("GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", 414);
}

TEST(RequestParserReject, HeaderSectionTooLarge) {
  ParserLimits lim;
  lim.max_header_bytes = 256;
  std::string in = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 20; ++i) in += "X-H" + std::to_string(i) + ": 0123456789\r\n";
  in += "\r\n";
  expect_rejected(in, 431, lim);
  // One single huge field.
  expect_rejected("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(1000, 'v') + "\r\n\r\n", 431,
                  lim);
  // Default limit (16 KiB) across several fields.
  std::string big = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 20; ++i)
    big += "X-H" + std::to_string(i) + ": " + std::string(1000, 'v') + "\r\n";
  big += "\r\n";
  expect_rejected(big, 431);
}

TEST(RequestParserReject, TrailersCountTowardsHeaderLimit) {
  ParserLimits lim;
  lim.max_header_bytes = 128;
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: " +
                      std::string(200, 't') + "\r\n\r\n",
                  431, lim);
  expect_rejected(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
      400);
}

TEST(RequestParserReject, TooManyHeaders) {
  ParserLimits lim;
  lim.max_headers = 5;
  std::string ok = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 4; ++i) ok += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(parse(ok + "\r\n", lim).status, ParseStatus::kComplete);
  expect_rejected(ok + "X-Extra: v\r\n\r\n", 431, lim);
  std::string many = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 101; ++i) many += "X: v\r\n";
  expect_rejected(many + "\r\n", 431);
}

TEST(RequestParserReject, ControlCharactersInHeaderValue) {
  expect_rejected(
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01"
      "b\r\n\r\n",
      400);
  expect_rejected(
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f"
      "b\r\n\r\n",
      400);
  expect_rejected(std::string("GET / HTTP/1.1\r\nHost: h\r\nX: a") + '\0' + "b\r\n\r\n", 400);
  // HTAB and obs-text are allowed.
  Outcome o = parse("GET / HTTP/1.1\r\nHost: h\r\nX: a\tb\xC3\xA9\r\n\r\n");
  ASSERT_EQ(o.status, ParseStatus::kComplete) << o.error_message;
  EXPECT_EQ(*header(o.request, "x"), "a\tb\xC3\xA9");
}

TEST(RequestParserReject, InvalidMethodToken) {
  expect_rejected("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GE\"T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected("G\x01T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected(std::string(33, 'A') + " / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  EXPECT_EQ(parse(std::string(32, 'A') + " / HTTP/1.1\r\nHost: h\r\n\r\n").status,
            ParseStatus::kComplete);
}

TEST(RequestParserReject, FragmentInTarget) {
  expect_rejected("GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

TEST(RequestParserReject, NonAsciiInTarget) {
  expect_rejected("GET /caf\xC3\xA9 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  expect_rejected("GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

TEST(RequestParserReject, ExpectationOtherThanContinue) {
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx",
                  417);
  expect_rejected("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue, foo\r\n\r\n", 417);
}

TEST(RequestParserReject, TooManyLeadingEmptyLines) {
  ParserLimits lim;  // default: 8 tolerated
  std::string eight, nine;
  for (int i = 0; i < 8; ++i) eight += "\r\n";
  nine = eight + "\r\n";
  EXPECT_EQ(parse(eight + "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status, ParseStatus::kComplete);
  expect_rejected(nine + "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
  lim.max_leading_empty_lines = 0;
  expect_rejected("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400, lim);
}

TEST(RequestParserReject, MissingCrlfAfterChunkData) {
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  expect_rejected(head + "3\r\nabcX\r\n0\r\n\r\n", 400);
  expect_rejected(head + "3\r\nabc0\r\n\r\n", 400);
  expect_rejected(head + "3\r\nabc\n0\r\n\r\n", 400);
  expect_rejected(head + "3\r\nabcde\r\n", 400);
}

TEST(RequestParserReject, EmptyTarget) { expect_rejected("GET  HTTP/1.1\r\nHost: h\r\n\r\n", 400); }

TEST(RequestParserReject, ErrorReportsConsumedWithinInput) {
  std::string in = "GET / HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\nGET / HTTP/1.1\r\n";
  RequestParser p;
  size_t consumed = 0;
  ASSERT_EQ(p.feed(in, consumed), ParseStatus::kError);
  EXPECT_LE(consumed, in.size());
  EXPECT_EQ(p.error_status(), 400);
}

// ---------------------------------------------------------------------------
// Stricter framing added after review

TEST(RequestParser, ContentLengthListWithEmptyElementsRejected) {
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5,\r\n\r\nhello", 400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5,,5\r\n\r\nhello", 400);
  expect_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ,5\r\n\r\nhello", 400);
  Outcome ok = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\nhello");
  ASSERT_EQ(ok.status, ParseStatus::kComplete) << ok.error_message;
  EXPECT_EQ(ok.request.body, "hello");
}

TEST(RequestParser, TrailersCountTowardsTheFieldLimit) {
  ParserLimits limits;
  limits.max_headers = 3;
  std::string in =
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n";
  for (int i = 0; i < 4; ++i) in += "T" + std::to_string(i) + ": v\r\n";
  in += "\r\n";
  expect_rejected(in, 431, limits);
}
