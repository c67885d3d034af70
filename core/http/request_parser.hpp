// Strict, incremental HTTP/1.1 request parser (RFC 9112).
//
// The parser is fed whatever bytes arrived and copies what it needs, so the
// caller can discard consumed input at once. It rejects anything ambiguous
// rather than guessing: bare CR or LF, obs-fold, whitespace before a colon,
// Content-Length together with Transfer-Encoding, differing Content-Length
// values, unknown transfer codings. Ambiguity is how request smuggling starts,
// and a server inside the database has no proxy in front of it to normalise.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/http/fields.hpp"
#include "core/http/message.hpp"

namespace pg_gateway::http {

struct ParserLimits {
  size_t max_request_line = 8 * 1024;   // over it: 414
  size_t max_header_bytes = 16 * 1024;  // request line + headers; over it: 431
  size_t max_headers = 100;             // over it: 431
  size_t max_body = 1024 * 1024;        // decoded body; over it: 413
  size_t max_chunk_line = 1024;         // one chunk-size line with extensions; over it: 400
  size_t max_leading_empty_lines = 8;   // RFC 9112 2.2 lets a server skip a few
};

enum class ParseStatus { kNeedMore, kComplete, kError };

class RequestParser {
 public:
  explicit RequestParser(const ParserLimits& limits = ParserLimits()) : limits_(limits) {}

  // Consumes a prefix of `data` and reports how far it got in `consumed`.
  // kComplete: a whole request is ready (take_request()); bytes after it in
  // `data` belong to the next request (pipelining). kError: error_status()
  // and error_message() say why; the connection must be closed after the
  // error response, because the framing can no longer be trusted.
  ParseStatus feed(std::string_view data, size_t& consumed);

  // True once the header section has been parsed (for Expect: 100-continue).
  bool headers_complete() const { return state_ > State::kHeaders; }
  // True when the request carries any body bytes still to come.
  bool body_pending() const { return state_ > State::kHeaders && state_ < State::kComplete; }
  // True once any byte of the current request has been seen.
  bool started() const { return started_; }
  const Request& request() const { return request_; }

  Request take_request();  // also resets for the next request
  void reset();
  // New limits take effect from the next request (used after a reload).
  void set_limits(const ParserLimits& limits) { limits_ = limits; }

  int error_status() const { return error_status_; }
  const std::string& error_message() const { return error_message_; }

 private:
  enum class State {
    kRequestLine,
    kHeaders,
    kBodyLength,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kComplete,
    kError
  };

  // Returns false and sets the error; keeps call sites short.
  bool fail(int status, std::string message);
  // Collects one CRLF-terminated line into line_. Returns true with the line
  // (without CRLF) in `line` when complete.
  bool take_line(std::string_view data, size_t& pos, size_t limit, int limit_status,
                 std::string_view& line, bool count_as_header);
  bool parse_request_line(std::string_view line);
  bool parse_header_line(std::string_view line, bool trailer);
  bool finish_headers();
  bool parse_chunk_size(std::string_view line);

  ParserLimits limits_;
  State state_ = State::kRequestLine;
  Request request_;
  std::string line_;
  size_t header_bytes_ = 0;
  size_t empty_lines_ = 0;
  size_t trailer_count_ = 0;
  uint64_t remaining_ = 0;  // body bytes left (length) or in this chunk
  bool chunked_ = false;
  bool started_ = false;
  int error_status_ = 0;
  std::string error_message_;
};

}  // namespace pg_gateway::http
