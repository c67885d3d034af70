// libFuzzer target for the strict incremental HTTP/1.1 request parser.
//
// Input layout: the first two bytes seed the sizes of the pieces the rest is
// fed in (seed files in corpus/http_parser/ start with two such bytes); the
// rest is the byte stream a client would send, possibly several pipelined
// requests.
//
// Besides memory safety (ASan/UBSan), it checks invariants and a
// differential property: feeding the stream in random pieces must give the
// same requests and the same final verdict (including the error status) as
// feeding it all at once.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/request_parser.hpp"

#include "test/fuzz/fuzz_check.hpp"

using pg_gateway::http::Method;
using pg_gateway::http::ParserLimits;
using pg_gateway::http::ParseStatus;
using pg_gateway::http::Request;
using pg_gateway::http::RequestParser;

namespace {

ParserLimits small_limits() {
  ParserLimits l;
  l.max_request_line = 200;
  l.max_header_bytes = 600;
  l.max_headers = 12;
  l.max_body = 300;
  l.max_chunk_line = 40;
  l.max_leading_empty_lines = 3;
  return l;
}

bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

// Checks what any accepted request must satisfy, and renders it for comparison.
std::string check_and_render(const Request& r, const ParserLimits& lim) {
  CHECK(r.body.size() <= lim.max_body, std::to_string(r.body.size()));
  CHECK(!r.method_text.empty() && r.method_text.size() <= 32);
  for (char c : r.method_text) CHECK(is_tchar(static_cast<unsigned char>(c)), r.method_text);
  CHECK(r.version_minor == 0 || r.version_minor == 1);
  CHECK(!r.target.empty() && r.target.size() <= lim.max_request_line);
  for (char c : r.target) {
    unsigned char u = static_cast<unsigned char>(c);
    CHECK(u > 0x20 && u < 0x7F && u != '#', r.target);
  }
  CHECK(r.path == "*" || (!r.path.empty() && r.path[0] == '/'), r.path);
  if (r.path == "*") CHECK(r.method == Method::kOptions);
  CHECK(r.headers.size() <= lim.max_headers);
  int hosts = 0;
  for (const auto& h : r.headers) {
    CHECK(!h.name.empty());
    for (char c : h.name) {
      CHECK(is_tchar(static_cast<unsigned char>(c)), h.name);
      CHECK(!(c >= 'A' && c <= 'Z'), h.name);  // lower-cased
    }
    for (char c : h.value) {
      unsigned char u = static_cast<unsigned char>(c);
      CHECK(u == '\t' || (u >= 0x20 && u != 0x7F), h.value);
    }
    if (!h.value.empty()) {
      CHECK(h.value.front() != ' ' && h.value.front() != '\t');
      CHECK(h.value.back() != ' ' && h.value.back() != '\t');
    }
    if (h.name == "host") ++hosts;
  }
  if (r.version_minor == 1) CHECK(hosts == 1);
  CHECK(hosts <= 1);
  if (r.expect_continue) CHECK(r.version_minor == 1);

  std::string out = r.method_text + ' ' + r.target + ' ' + r.path + '?' + r.query + ' ' +
                    std::to_string(r.version_minor) + (r.keep_alive ? " ka" : " close") +
                    (r.expect_continue ? " 100" : "") + '\n';
  for (const auto& h : r.headers) out += h.name + ':' + h.value + '\n';
  out += std::to_string(r.body.size()) + ':' + r.body + '\n';
  return out;
}

struct Trace {
  std::vector<std::string> requests;
  std::vector<size_t> request_ends;  // offset just past each request
  std::string verdict;               // "more" or "error NNN"
};

// Feeds `in` in pieces whose sizes come from `next_piece` (0 means "feed an
// empty piece"), collecting every complete request.
template <typename NextPiece>
Trace run(std::string_view in, const ParserLimits& lim, NextPiece next_piece) {
  Trace t;
  RequestParser p(lim);
  size_t pos = 0;
  bool last_was_empty = false;
  while (true) {
    size_t want = next_piece();
    if (want == 0 && last_was_empty) want = 1;  // always make progress
    last_was_empty = want == 0;
    size_t n = std::min(want, in.size() - pos);
    if (n == 0 && pos == in.size()) {
      // Input exhausted; a final empty feed must not change anything but
      // still reports a ready request.
      size_t consumed = 12345;
      ParseStatus st = p.feed(std::string_view(), consumed);
      CHECK(consumed == 0);
      if (st != ParseStatus::kComplete) {
        if (st == ParseStatus::kError) {
          t.verdict = "error " + std::to_string(p.error_status());
        } else {
          t.verdict = "more";
        }
        return t;
      }
      t.requests.push_back(check_and_render(p.take_request(), lim));
      t.request_ends.push_back(pos);
      continue;
    }
    // Copy the piece so ASan sees any read past its end.
    std::string piece(in.substr(pos, n));
    size_t consumed = 12345;
    bool was_started = p.started();
    ParseStatus st = p.feed(piece, consumed);
    CHECK(consumed <= n, std::to_string(consumed) + " > " + std::to_string(n));
    pos += consumed;
    if (!piece.empty()) CHECK(p.started() || st == ParseStatus::kComplete || was_started);
    switch (st) {
      case ParseStatus::kNeedMore:
        CHECK(consumed == n, "kNeedMore must consume its whole input");
        CHECK(p.error_status() == 0);
        if (p.body_pending()) CHECK(p.headers_complete());
        break;
      case ParseStatus::kComplete: {
        CHECK(p.headers_complete());
        CHECK(!p.body_pending());
        Request r = p.take_request();
        CHECK(!p.started() && !p.headers_complete());
        t.requests.push_back(check_and_render(r, lim));
        t.request_ends.push_back(pos);
        break;
      }
      case ParseStatus::kError: {
        int s = p.error_status();
        CHECK(s >= 400 && s <= 599, std::to_string(s));
        CHECK(!p.error_message().empty());
        // An errored parser stays errored and consumes nothing more.
        size_t again = 12345;
        CHECK(p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n", again) == ParseStatus::kError);
        CHECK(again == 0);
        CHECK(p.error_status() == s);
        t.verdict = "error " + std::to_string(s);
        return t;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint32_t state = uint32_t(data[0]) | (uint32_t(data[1]) << 8);
  std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);
  const ParserLimits lim = small_limits();

  Trace whole = run(in, lim, [] { return size_t(1) << 30; });

  // Piece sizes: mostly small (1..16), sometimes larger, sometimes empty.
  Trace pieces = run(in, lim, [&state] {
    state = state * 1103515245u + 12345u;
    uint32_t r = state >> 16;
    switch (r & 7) {
      case 0:
        return size_t(0);
      case 1:
        return size_t(1);
      case 2:
        return size_t(1 + (r >> 3) % 200);
      default:
        return size_t(1 + (r >> 3) % 16);
    }
  });

  if (whole.requests != pieces.requests || whole.request_ends != pieces.request_ends ||
      whole.verdict != pieces.verdict) {
    std::string d = "whole: " + std::to_string(whole.requests.size()) + " requests, " +
                    whole.verdict + "; pieces: " + std::to_string(pieces.requests.size()) +
                    " requests, " + pieces.verdict;
    pg_gateway::fuzz::fail("incremental parse differs from one-shot parse", d);
  }
  return 0;
}
