#include "core/http/request_parser.hpp"

#include <algorithm>

namespace pg_gateway::http {

namespace {

// field-value characters: HTAB, SP, VCHAR, obs-text. No CTLs, no DEL.
bool is_field_value_char(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7F); }

// Calls f(element) for each non-empty element of a comma-separated list.
template <typename F>
bool for_each_list_element(std::string_view v, F&& f) {
  while (true) {
    size_t comma = v.find(',');
    std::string_view elem = trim_ows(v.substr(0, comma));
    if (!elem.empty() && !f(elem)) return false;
    if (comma == std::string_view::npos) return true;
    v.remove_prefix(comma + 1);
  }
}

// True when a comma-separated value has an empty element ("5,", "5,,5").
bool has_empty_list_element(std::string_view v) {
  while (true) {
    size_t comma = v.find(',');
    if (trim_ows(v.substr(0, comma)).empty()) return true;
    if (comma == std::string_view::npos) return false;
    v.remove_prefix(comma + 1);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool RequestParser::fail(int status, std::string message) {
  state_ = State::kError;
  error_status_ = status;
  error_message_ = std::move(message);
  return false;
}

void RequestParser::reset() {
  state_ = State::kRequestLine;
  request_ = Request();
  line_.clear();
  header_bytes_ = 0;
  empty_lines_ = 0;
  trailer_count_ = 0;
  remaining_ = 0;
  chunked_ = false;
  started_ = false;
  error_status_ = 0;
  error_message_.clear();
}

Request RequestParser::take_request() {
  Request r = std::move(request_);
  reset();
  return r;
}

bool RequestParser::take_line(std::string_view data, size_t& pos, size_t limit, int limit_status,
                              std::string_view& line, bool count_as_header) {
  size_t nl = data.find('\n', pos);
  size_t end = (nl == std::string_view::npos) ? data.size() : nl + 1;
  size_t n = end - pos;
  // The line's own limit first, so an over-long request line is 414 however
  // it is split across reads (not 431 when it arrives in one piece).
  if (line_.size() + n > limit + 2) {
    return fail(limit_status, limit_status == 414   ? "request line is too long"
                              : limit_status == 431 ? "header field is too long"
                                                    : "line is too long");
  }
  if (count_as_header) {
    header_bytes_ += n;
    if (header_bytes_ > limits_.max_header_bytes)
      return fail(431, "request header section is larger than the limit of " +
                           std::to_string(limits_.max_header_bytes) + " bytes");
  }
  line_.append(data.substr(pos, n));
  pos = end;
  if (nl == std::string_view::npos) return false;  // need more
  // A line must end in CRLF, and CR may appear nowhere else in it.
  if (line_.size() < 2 || line_[line_.size() - 2] != '\r')
    return fail(400, "line ends with a bare LF; HTTP/1.1 lines end with CRLF");
  line = std::string_view(line_).substr(0, line_.size() - 2);
  if (line.find('\r') != std::string_view::npos) return fail(400, "bare CR in request");
  return true;
}

ParseStatus RequestParser::feed(std::string_view data, size_t& consumed) {
  size_t pos = 0;
  if (!data.empty()) started_ = true;
  while (pos < data.size() || state_ == State::kComplete || state_ == State::kError) {
    std::string_view line;
    switch (state_) {
      case State::kRequestLine:
        if (!take_line(data, pos, limits_.max_request_line, 414, line, true)) break;
        if (line.empty()) {
          // Tolerate a few CRLFs between pipelined requests (RFC 9112 2.2).
          line_.clear();
          if (++empty_lines_ > limits_.max_leading_empty_lines)
            fail(400, "too many empty lines before the request line");
          continue;
        }
        if (parse_request_line(line)) state_ = State::kHeaders;
        line_.clear();
        continue;
      case State::kHeaders:
        if (!take_line(data, pos, limits_.max_header_bytes, 431, line, true)) break;
        if (line.empty()) {
          line_.clear();
          finish_headers();
          continue;
        }
        if (request_.headers.size() >= limits_.max_headers) {
          fail(431, "more than " + std::to_string(limits_.max_headers) + " header fields");
          continue;
        }
        parse_header_line(line, false);
        line_.clear();
        continue;
      case State::kBodyLength: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - pos));
        request_.body.append(data.substr(pos, n));
        pos += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::kComplete;
        continue;
      }
      case State::kChunkSize:
        if (!take_line(data, pos, limits_.max_chunk_line, 400, line, false)) break;
        parse_chunk_size(line);
        line_.clear();
        continue;
      case State::kChunkData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - pos));
        request_.body.append(data.substr(pos, n));
        pos += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::kChunkDataEnd;
        continue;
      }
      case State::kChunkDataEnd:
        // take_line with a zero limit accepts exactly CRLF after the data.
        if (!take_line(data, pos, 0, 400, line, false)) break;
        line_.clear();
        state_ = State::kChunkSize;
        continue;
      case State::kTrailers:
        if (!take_line(data, pos, limits_.max_header_bytes, 431, line, true)) break;
        if (line.empty()) {
          state_ = State::kComplete;
        } else if (++trailer_count_ > limits_.max_headers) {
          fail(431, "more than " + std::to_string(limits_.max_headers) + " trailer fields");
        } else {
          parse_header_line(line, true);
        }
        line_.clear();
        continue;
      case State::kComplete:
        consumed = pos;
        return ParseStatus::kComplete;
      case State::kError:
        consumed = pos;
        return ParseStatus::kError;
    }
    // A line-reading state ran out of input.
    if (state_ == State::kError) continue;
    break;
  }
  consumed = pos;
  return ParseStatus::kNeedMore;
}

bool RequestParser::parse_request_line(std::string_view line) {
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return fail(400, "malformed request line");
  size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return fail(400, "malformed request line");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);

  if (!is_token(method) || method.size() > 32) return fail(400, "invalid request method");
  if (target.empty()) return fail(400, "empty request target");
  for (char ch : target) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || c == '#') return fail(400, "invalid character in request target");
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
    return fail(400, "malformed HTTP version");
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
    return fail(505, "only HTTP/1.0 and HTTP/1.1 are supported");

  request_.method_text = std::string(method);
  request_.method = parse_method(method);
  request_.version_minor = version[7] - '0';
  request_.keep_alive = request_.version_minor == 1;
  request_.target = std::string(target);

  std::string_view path_and_query = target;
  if (target == "*") {
    if (request_.method != Method::kOptions) return fail(400, "asterisk-form is only for OPTIONS");
    request_.path = "*";
    return true;
  }
  if (target.front() != '/') {
    // absolute-form: scheme "://" authority path-abempty [ "?" query ]
    size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos || !(iequals(target.substr(0, scheme_end), "http") ||
                                                  iequals(target.substr(0, scheme_end), "https")))
      return fail(400, "request target must be origin-form or absolute-form");
    size_t path_start = target.find_first_of("/?", scheme_end + 3);
    if (path_start == scheme_end + 3) return fail(400, "absolute-form target without authority");
    path_and_query =
        path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
    if (path_and_query.front() == '?') {
      request_.path = "/";
      request_.query = std::string(path_and_query.substr(1));
      return true;
    }
  }
  size_t q = path_and_query.find('?');
  request_.path = std::string(path_and_query.substr(0, q));
  if (q != std::string_view::npos) request_.query = std::string(path_and_query.substr(q + 1));
  return true;
}

bool RequestParser::parse_header_line(std::string_view line, bool trailer) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return fail(400, "header field without a colon");
  std::string_view name = line.substr(0, colon);
  // Rejects obs-fold (a line starting with SP/HTAB) and whitespace before ':'.
  if (!is_token(name)) return fail(400, "invalid header field name");
  std::string_view value = trim_ows(line.substr(colon + 1));
  for (char ch : value)
    if (!is_field_value_char(static_cast<unsigned char>(ch)))
      return fail(400, "invalid character in header field value");
  if (trailer) return true;  // trailers are checked, then dropped
  request_.headers.push_back({to_lower(name), std::string(value)});
  return true;
}

bool RequestParser::finish_headers() {
  bool has_length = false, has_te = false;
  uint64_t length = 0;
  int host_count = 0;
  for (const Header& h : request_.headers) {
    if (h.name == "host") {
      ++host_count;
    } else if (h.name == "content-length") {
      // 1*DIGIT, or a list of identical values (RFC 9110 8.6); nothing looser.
      if (has_empty_list_element(h.value)) return fail(400, "invalid Content-Length");
      bool any = false;  // this field has a value (an empty one is invalid even after a valid one)
      bool ok = for_each_list_element(h.value, [&](std::string_view v) {
        any = true;
        if (v.size() > 19) {  // more than 10^19: far over any limit
          fail(413, "request body is larger than the limit of " + std::to_string(limits_.max_body) +
                        " bytes");
          return false;
        }
        uint64_t n = 0;
        for (char c : v) {
          if (c < '0' || c > '9') return fail(400, "invalid Content-Length");
          n = n * 10 + uint64_t(c - '0');
        }
        if (has_length && n != length) return fail(400, "conflicting Content-Length values");
        has_length = true;
        length = n;
        return true;
      });
      if (!ok) return false;
      if (!any) return fail(400, "invalid Content-Length");
    } else if (h.name == "transfer-encoding") {
      bool ok = for_each_list_element(h.value, [&](std::string_view v) {
        if (chunked_) return fail(400, "chunked must be the final transfer coding, once");
        if (!iequals(v, "chunked"))
          return fail(501, "transfer coding \"" + std::string(v) + "\" is not supported");
        chunked_ = true;
        return true;
      });
      if (!ok) return false;
      has_te = true;
    } else if (h.name == "connection") {
      for_each_list_element(h.value, [&](std::string_view v) {
        if (iequals(v, "close"))
          request_.keep_alive = false;
        else if (iequals(v, "keep-alive") && request_.version_minor == 0)
          request_.keep_alive = true;
        return true;
      });
    } else if (h.name == "expect") {
      if (!iequals(h.value, "100-continue"))
        return fail(417, "only the 100-continue expectation is supported");
      request_.expect_continue = request_.version_minor == 1;
    }
  }
  // A "close" anywhere wins over keep-alive, whatever the order.
  for (const Header& h : request_.headers)
    if (h.name == "connection")
      for_each_list_element(h.value, [&](std::string_view v) {
        if (iequals(v, "close")) request_.keep_alive = false;
        return true;
      });

  if (request_.version_minor == 1 && host_count != 1)
    return fail(400, host_count == 0 ? "missing Host header" : "more than one Host header");
  if (host_count > 1) return fail(400, "more than one Host header");
  if (has_te) {
    if (request_.version_minor == 0) return fail(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (has_length) return fail(400, "both Content-Length and Transfer-Encoding");
    if (!chunked_) return fail(400, "invalid Transfer-Encoding");
    state_ = State::kChunkSize;
    return true;
  }
  if (has_length) {
    if (length > limits_.max_body)
      return fail(413, "request body is larger than the limit of " +
                           std::to_string(limits_.max_body) + " bytes");
    remaining_ = length;
    // Reserve only a little up front: a header alone must not make us allocate.
    request_.body.reserve(static_cast<size_t>(std::min<uint64_t>(length, 64 * 1024)));
    state_ = length == 0 ? State::kComplete : State::kBodyLength;
    return true;
  }
  request_.expect_continue = false;  // nothing to continue with
  state_ = State::kComplete;
  return true;
}

bool RequestParser::parse_chunk_size(std::string_view line) {
  size_t i = 0;
  uint64_t size = 0;
  while (i < line.size() && hex_value(line[i]) >= 0) {
    if (i >= 15) {
      return fail(413, "request body is larger than the limit of " +
                           std::to_string(limits_.max_body) + " bytes");
    }
    size = size * 16 + uint64_t(hex_value(line[i]));
    ++i;
  }
  if (i == 0) return fail(400, "invalid chunk size");
  std::string_view rest = line.substr(i);
  if (!rest.empty()) {
    // chunk-ext: BWS ";" ... ; we only check it holds no control characters.
    std::string_view ext = trim_ows(rest);
    if (ext.empty() || ext.front() != ';') return fail(400, "invalid chunk size");
    for (char ch : ext)
      if (!is_field_value_char(static_cast<unsigned char>(ch)))
        return fail(400, "invalid character in chunk extension");
  }
  if (size == 0) {
    state_ = State::kTrailers;
    return true;
  }
  if (size > limits_.max_body || request_.body.size() + size > limits_.max_body)
    return fail(413, "request body is larger than the limit of " +
                         std::to_string(limits_.max_body) + " bytes");
  remaining_ = size;
  state_ = State::kChunkData;
  return true;
}

}  // namespace pg_gateway::http
