// libFuzzer target for the JSON writer.
//
// 1. append_quoted() of arbitrary bytes must be a valid JSON string literal:
//    quoted, no raw control characters, only valid escapes, valid UTF-8; and
//    when the input was valid UTF-8, decoding it must give the input back.
// 2. A document built with Writer from fuzzer-chosen operations (kept
//    structurally legal) must be valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_writer.hpp"

using pg_gateway::json::append_quoted;
using pg_gateway::json::Writer;

namespace {

[[noreturn]] void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "invariant violated: %s [%.*s]\n", what, int(detail.size()), detail.data());
  std::abort();
}

// Independent strict UTF-8 check (no overlongs, surrogates, or > U+10FFFF).
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

// Parses a JSON string literal at s[i] (which must be '"'); on success
// advances i past it and returns true with the decoded bytes in `decoded`.
bool parse_string(std::string_view s, size_t& i, std::string* decoded) {
  if (i >= s.size() || s[i] != '"') return false;
  ++i;
  size_t start = i;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') {
      if (!valid_utf8(s.substr(start, i - start))) return false;
      ++i;
      return true;
    }
    if (c < 0x20) return false;  // raw control character
    if (c == '\\') {
      if (i + 1 >= s.size()) return false;
      char e = s[i + 1];
      char plain = 0;
      switch (e) {
        case '"':
          plain = '"';
          break;
        case '\\':
          plain = '\\';
          break;
        case '/':
          plain = '/';
          break;
        case 'b':
          plain = '\b';
          break;
        case 'f':
          plain = '\f';
          break;
        case 'n':
          plain = '\n';
          break;
        case 'r':
          plain = '\r';
          break;
        case 't':
          plain = '\t';
          break;
        case 'u': {
          if (i + 6 > s.size()) return false;
          uint32_t cp = 0;
          for (size_t k = 2; k < 6; ++k) {
            int h = hexval(s[i + k]);
            if (h < 0) return false;
            cp = cp * 16 + uint32_t(h);
          }
          if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // the writer never needs surrogates
          if (decoded) append_utf8(*decoded, cp);
          i += 6;
          continue;
        }
        default:
          return false;
      }
      if (decoded) decoded->push_back(plain);
      i += 2;
      continue;
    }
    if (decoded) decoded->push_back(char(c));
    ++i;
  }
  return false;  // unterminated
}

bool parse_value(std::string_view s, size_t& i, int depth);

bool parse_number(std::string_view s, size_t& i) {
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  }
  return true;  // the writer only writes integers
}

bool parse_literal(std::string_view s, size_t& i, std::string_view lit) {
  if (s.substr(i, lit.size()) != lit) return false;
  i += lit.size();
  return true;
}

bool parse_value(std::string_view s, size_t& i, int depth) {
  if (depth > 10000 || i >= s.size()) return false;
  switch (s[i]) {
    case '"':
      return parse_string(s, i, nullptr);
    case '{':
      ++i;
      if (i < s.size() && s[i] == '}') return ++i, true;
      while (true) {
        if (!parse_string(s, i, nullptr)) return false;
        if (i >= s.size() || s[i] != ':') return false;
        ++i;
        if (!parse_value(s, i, depth + 1)) return false;
        if (i < s.size() && s[i] == ',') {
          ++i;
          continue;
        }
        if (i < s.size() && s[i] == '}') return ++i, true;
        return false;
      }
    case '[':
      ++i;
      if (i < s.size() && s[i] == ']') return ++i, true;
      while (true) {
        if (!parse_value(s, i, depth + 1)) return false;
        if (i < s.size() && s[i] == ',') {
          ++i;
          continue;
        }
        if (i < s.size() && s[i] == ']') return ++i, true;
        return false;
      }
    case 't':
      return parse_literal(s, i, "true");
    case 'f':
      return parse_literal(s, i, "false");
    case 'n':
      return parse_literal(s, i, "null");
    default:
      return parse_number(s, i);
  }
}

void check_quoted(std::string_view input) {
  std::string out = "prefix";
  append_quoted(out, input);
  if (out.compare(0, 6, "prefix") != 0) fail("append_quoted must append", out);
  std::string_view q = std::string_view(out).substr(6);
  if (q.size() < 2 || q.front() != '"' || q.back() != '"') fail("not quoted", q);
  for (char c : q)
    if (static_cast<unsigned char>(c) < 0x20) fail("raw control character in output", q);
  size_t i = 0;
  std::string decoded;
  if (!parse_string(q, i, &decoded)) fail("not a valid JSON string", q);
  if (i != q.size()) fail("trailing bytes after the string", q);
  if (!valid_utf8(decoded)) fail("decoded string is not valid UTF-8", q);
  if (valid_utf8(input) && decoded != input) fail("valid UTF-8 input did not round-trip", q);
  if (!valid_utf8(input) && decoded == input) fail("invalid UTF-8 passed through", q);
}

// Builds a document from the fuzzer's bytes, keeping it structurally legal.
void check_writer(const uint8_t* data, size_t size) {
  Writer w;
  enum State { kArray, kObjectKey, kObjectValue };  // per open container
  std::vector<State> stack;
  bool done = false;  // a complete top-level value was written
  size_t i = 0;
  auto next_string = [&]() {
    size_t len = i < size ? data[i++] % 16 : 0;
    len = std::min(len, size - i);
    std::string_view s(reinterpret_cast<const char*>(data) + i, len);
    i += len;
    return s;
  };
  auto value_written = [&] {
    if (stack.empty())
      done = true;
    else if (stack.back() == kObjectValue)
      stack.back() = kObjectKey;
  };
  while (i < size && !done && stack.size() < 64) {
    uint8_t op = data[i++];
    if (!stack.empty() && stack.back() == kObjectKey) {
      if (op % 4 == 0) {
        w.end_object();
        stack.pop_back();
        value_written();
      } else {
        w.key(next_string());
        stack.back() = kObjectValue;
      }
      continue;
    }
    switch (op % 10) {
      case 0:
        w.begin_object();
        stack.push_back(kObjectKey);
        break;
      case 1:
        w.begin_array();
        stack.push_back(kArray);
        break;
      case 2:
        if (!stack.empty() && stack.back() == kArray) {
          w.end_array();
          stack.pop_back();
        } else {
          w.null();
        }
        value_written();
        break;
      case 3:
        w.value(next_string());
        value_written();
        break;
      case 4: {
        int64_t n = 0;
        for (int k = 0; k < 8 && i < size; ++k) n = int64_t((uint64_t(n) << 8) | data[i++]);
        w.value(n);
        value_written();
        break;
      }
      case 5:
        w.value(bool(op & 0x10));
        value_written();
        break;
      case 6:
        w.null();
        value_written();
        break;
      case 7:
        w.raw("[1,\"r\"]");
        value_written();
        break;
      default:
        w.value(std::string(next_string()).c_str());
        value_written();
        break;
    }
  }
  // Complete and close whatever is still open.
  while (!stack.empty()) {
    if (stack.back() == kObjectValue) w.null();
    if (stack.back() == kArray)
      w.end_array();
    else
      w.end_object();
    stack.pop_back();
    value_written();
  }
  std::string doc = w.take();
  if (doc.empty()) return;  // no value chosen at all
  size_t pos = 0;
  if (!parse_value(doc, pos, 0) || pos != doc.size()) fail("Writer produced invalid JSON", doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_quoted(std::string_view(reinterpret_cast<const char*>(data), size));
  check_writer(data, size);
  return 0;
}
