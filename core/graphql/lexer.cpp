#include "core/graphql/lexer.hpp"

#include <cstdio>
#include <utility>

#include "core/util/utf8.hpp"

namespace pg_gateway::graphql {

namespace {

bool is_digit(int c) { return c >= '0' && c <= '9'; }
bool is_letter(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_start(int c) { return is_letter(c) || c == '_'; }
bool is_name_continue(int c) { return is_letter(c) || is_digit(c) || c == '_'; }

bool is_scalar_value(int32_t cp) {
  return (cp >= 0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0x10FFFF);
}
bool is_leading_surrogate(int32_t cp) { return cp >= 0xD800 && cp <= 0xDBFF; }
bool is_trailing_surrogate(int32_t cp) { return cp >= 0xDC00 && cp <= 0xDFFF; }

int hex_digit(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// One character decoded from UTF-8. cp is -1 for bytes that do not start a
// valid sequence (then len is 1). A three-byte encoding of a surrogate
// (ED A0..BF xx) decodes to the surrogate, which no caller accepts, so it is
// reported the way graphql-js reports an unpaired surrogate.
struct Decoded {
  int32_t cp = -1;
  size_t len = 1;
};

Decoded decode_utf8(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80) return {c, 1};
  if (c >= 0xC2 && c <= 0xDF) {
    if (!cont(1)) return {};
    return {int32_t((c & 0x1F) << 6 | (b(1) & 0x3F)), 2};
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return {};
    if (c == 0xE0 && b(1) < 0xA0) return {};  // overlong
    return {int32_t((c & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F)), 3};
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return {};
    if (c == 0xF0 && b(1) < 0x90) return {};   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return {};  // above U+10FFFF
    return {int32_t((c & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F)),
            4};
  }
  return {};
}

std::string hex_upper(uint32_t v, int min_digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*X", min_digits, v);
  return buf;
}

// graphql-js's printCodePointAt(): `"a"`, `'"'`, `U+000A`, `U+1F600`, `<EOF>`.
std::string print_code_point_at(std::string_view s, size_t pos) {
  if (pos >= s.size()) return "<EOF>";
  Decoded d = decode_utf8(s, pos);
  if (d.cp < 0) return "invalid UTF-8 byte 0x" + hex_upper(static_cast<unsigned char>(s[pos]), 2);
  if (d.cp >= 0x20 && d.cp <= 0x7E) {
    if (d.cp == '"') return "'\"'";
    return std::string("\"") + static_cast<char>(d.cp) + "\"";
  }
  return "U+" + hex_upper(static_cast<uint32_t>(d.cp), 4);
}

// The source text from `pos` covering `units` UTF-16 code units (what
// JavaScript's body.slice(pos, pos + units) shows), in whole characters and
// with invalid bytes replaced by U+FFFD so that messages stay valid UTF-8.
std::string slice_units(std::string_view s, size_t pos, size_t units) {
  std::string out;
  size_t n = 0;
  while (pos < s.size() && n < units) {
    Decoded d = decode_utf8(s, pos);
    if (d.cp < 0 || !is_scalar_value(d.cp)) {
      out.append("\xEF\xBF\xBD");
    } else {
      out.append(s.substr(pos, d.len));
    }
    n += d.cp > 0xFFFF ? 2 : 1;
    pos += d.len;
  }
  return out;
}

[[noreturn]] void fail(size_t offset, std::string description) {
  throw SyntaxError{std::move(description), offset};
}

struct Escape {
  std::string value;
  size_t size = 0;  // bytes of source consumed
};

// \u{...}: at most 8 hex digits; JavaScript's int32 arithmetic decides when
// the value has overflowed, as in graphql-js.
Escape read_escaped_unicode_variable_width(std::string_view s, size_t pos) {
  int32_t point = 0;
  size_t size = 3;
  auto at = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : -1; };
  while (size < 12) {
    int code = at(pos + size++);
    if (code == '}') {
      if (size < 5 || !is_scalar_value(point)) break;
      Escape e;
      util::append_utf8(e.value, static_cast<uint32_t>(point));
      e.size = size;
      return e;
    }
    int digit = hex_digit(code);
    if (digit < 0) break;
    point =
        static_cast<int32_t>((static_cast<uint32_t>(point) << 4) | static_cast<uint32_t>(digit));
    if (point < 0) break;
  }
  fail(pos, "Invalid Unicode escape sequence: \"" + slice_units(s, pos, size) + "\".");
}

int32_t read_16bit_hex_code(std::string_view s, size_t pos) {
  int32_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    int d = pos + i < s.size() ? hex_digit(static_cast<unsigned char>(s[pos + i])) : -1;
    if (d < 0) return -1;
    v = v << 4 | d;
  }
  return v;
}

// \uXXXX, or a surrogate pair written as two such escapes.
Escape read_escaped_unicode_fixed_width(std::string_view s, size_t pos) {
  int32_t code = read_16bit_hex_code(s, pos + 2);
  Escape e;
  if (is_scalar_value(code)) {
    util::append_utf8(e.value, static_cast<uint32_t>(code));
    e.size = 6;
    return e;
  }
  if (is_leading_surrogate(code) && pos + 7 < s.size() && s[pos + 6] == '\\' && s[pos + 7] == 'u') {
    int32_t trailing = read_16bit_hex_code(s, pos + 8);
    if (is_trailing_surrogate(trailing)) {
      util::append_utf8(
          e.value, static_cast<uint32_t>(0x10000 + ((code - 0xD800) << 10) + (trailing - 0xDC00)));
      e.size = 12;
      return e;
    }
  }
  fail(pos, "Invalid Unicode escape sequence: \"" + slice_units(s, pos, 6) + "\".");
}

Escape read_escaped_character(std::string_view s, size_t pos) {
  int c = pos + 1 < s.size() ? static_cast<unsigned char>(s[pos + 1]) : -1;
  switch (c) {
    case '"':
      return {"\"", 2};
    case '\\':
      return {"\\", 2};
    case '/':
      return {"/", 2};
    case 'b':
      return {"\b", 2};
    case 'f':
      return {"\f", 2};
    case 'n':
      return {"\n", 2};
    case 'r':
      return {"\r", 2};
    case 't':
      return {"\t", 2};
    default:
      break;
  }
  fail(pos, "Invalid character escape sequence: \"" + slice_units(s, pos, 2) + "\".");
}

// UTF-16 code units a byte adds to a column: lead bytes of 4-byte sequences
// count two (a surrogate pair), continuation bytes none.
size_t utf16_units(unsigned char c) {
  if ((c & 0xC0) == 0x80) return 0;
  return c >= 0xF0 ? 2 : 1;
}

}  // namespace

std::string_view token_kind_text(TokenKind kind) {
  switch (kind) {
    case TokenKind::kSOF:
      return "<SOF>";
    case TokenKind::kEOF:
      return "<EOF>";
    case TokenKind::kBang:
      return "!";
    case TokenKind::kDollar:
      return "$";
    case TokenKind::kAmp:
      return "&";
    case TokenKind::kParenL:
      return "(";
    case TokenKind::kParenR:
      return ")";
    case TokenKind::kSpread:
      return "...";
    case TokenKind::kColon:
      return ":";
    case TokenKind::kEquals:
      return "=";
    case TokenKind::kAt:
      return "@";
    case TokenKind::kBracketL:
      return "[";
    case TokenKind::kBracketR:
      return "]";
    case TokenKind::kBraceL:
      return "{";
    case TokenKind::kPipe:
      return "|";
    case TokenKind::kBraceR:
      return "}";
    case TokenKind::kName:
      return "Name";
    case TokenKind::kInt:
      return "Int";
    case TokenKind::kFloat:
      return "Float";
    case TokenKind::kString:
      return "String";
    case TokenKind::kBlockString:
      return "BlockString";
    case TokenKind::kComment:
      return "Comment";
  }
  return "";
}

std::string describe_token_kind(TokenKind kind) {
  bool punctuator = kind >= TokenKind::kBang && kind <= TokenKind::kBraceR;
  std::string text(token_kind_text(kind));
  return punctuator ? "\"" + text + "\"" : text;
}

std::string describe_token(const Token& token) {
  std::string out = describe_token_kind(token.kind);
  if (token.has_value()) out += " \"" + token.value + "\"";
  return out;
}

SourcePosition Locator::locate(size_t offset) {
  if (offset > src_.size()) offset = src_.size();
  if (offset < pos_) *this = Locator(src_);
  while (pos_ < offset) {
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (c == '\n' || c == '\r') {
      bool crlf = c == '\r' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '\n';
      // An offset between \r and \n (only the max_bytes limit can point
      // there) is reported at the \r; graphql-js's getLocation() would say
      // column 0 of the next line.
      if (crlf && pos_ + 1 == offset) break;
      pos_ += crlf ? 2 : 1;
      ++line_;
      units_ = 0;
      continue;
    }
    units_ += utf16_units(c);
    ++pos_;
  }
  return {line_, units_ + 1};
}

SourcePosition locate(std::string_view source, size_t offset) {
  return Locator(source).locate(offset);
}

GraphQLError to_graphql_error(std::string_view source, const SyntaxError& error) {
  SourcePosition p = locate(source, error.offset);
  return GraphQLError{"Syntax Error: " + error.description, p.line, p.column, error.offset};
}

Lexer::Lexer(std::string_view source) : src_(source), locator_(source) {}

const Token& Lexer::advance() {
  last_end_ = token_.end;
  if (peeked_) {
    token_ = std::move(*peeked_);
    peeked_.reset();
  } else {
    token_ = next_significant(token_);
  }
  return token_;
}

const Token& Lexer::lookahead() {
  if (token_.kind == TokenKind::kEOF) return token_;
  if (!peeked_) peeked_ = next_significant(token_);
  return *peeked_;
}

Token Lexer::next_significant(const Token& after) {
  if (after.kind == TokenKind::kEOF) return after;
  Token t = read_token(after.end);
  while (t.kind == TokenKind::kComment) t = read_token(t.end);
  return t;
}

Token Lexer::make(TokenKind kind, size_t start, size_t end, std::string value) {
  SourcePosition p = locator_.locate(start);
  return Token{kind, start, end, p.line, p.column, std::move(value)};
}

Token Lexer::read_token(size_t pos) {
  const size_t n = src_.size();
  while (pos < n) {
    unsigned char c = static_cast<unsigned char>(src_[pos]);
    switch (c) {
      // Ignored: whitespace, line terminators, commas. The Locator counts lines.
      case '\t':
      case ' ':
      case ',':
      case '\n':
      case '\r':
        ++pos;
        continue;
      case 0xEF:  // U+FEFF, the byte order mark, is ignored wherever it is
        if (at(pos + 1) == 0xBB && at(pos + 2) == 0xBF) {
          pos += 3;
          continue;
        }
        break;
      case '#':
        return read_comment(pos);
      case '!':
        return make(TokenKind::kBang, pos, pos + 1);
      case '$':
        return make(TokenKind::kDollar, pos, pos + 1);
      case '&':
        return make(TokenKind::kAmp, pos, pos + 1);
      case '(':
        return make(TokenKind::kParenL, pos, pos + 1);
      case ')':
        return make(TokenKind::kParenR, pos, pos + 1);
      case '.':
        if (at(pos + 1) == '.' && at(pos + 2) == '.') return make(TokenKind::kSpread, pos, pos + 3);
        break;
      case ':':
        return make(TokenKind::kColon, pos, pos + 1);
      case '=':
        return make(TokenKind::kEquals, pos, pos + 1);
      case '@':
        return make(TokenKind::kAt, pos, pos + 1);
      case '[':
        return make(TokenKind::kBracketL, pos, pos + 1);
      case ']':
        return make(TokenKind::kBracketR, pos, pos + 1);
      case '{':
        return make(TokenKind::kBraceL, pos, pos + 1);
      case '|':
        return make(TokenKind::kPipe, pos, pos + 1);
      case '}':
        return make(TokenKind::kBraceR, pos, pos + 1);
      case '"':
        if (at(pos + 1) == '"' && at(pos + 2) == '"') return read_block_string(pos);
        return read_string(pos);
      default:
        break;
    }
    if (is_digit(c) || c == '-') return read_number(pos, c);
    if (is_name_start(c)) return read_name(pos);
    if (c == '\'')
      fail(pos, "Unexpected single quote character ('), did you mean to use a double quote (\")?");
    Decoded d = decode_utf8(src_, pos);
    fail(pos, std::string(is_scalar_value(d.cp) ? "Unexpected" : "Invalid") +
                  " character: " + print_code_point_at(src_, pos) + ".");
  }
  return make(TokenKind::kEOF, n, n);
}

Token Lexer::read_comment(size_t start) {
  size_t pos = start + 1;
  while (pos < src_.size()) {
    unsigned char c = static_cast<unsigned char>(src_[pos]);
    if (c == '\n' || c == '\r') break;
    if (c < 0x80) {
      ++pos;
      continue;
    }
    // A character that is not a Unicode scalar value ends the comment, and
    // read_token() then rejects it.
    Decoded d = decode_utf8(src_, pos);
    if (!is_scalar_value(d.cp)) break;
    pos += d.len;
  }
  return make(TokenKind::kComment, start, pos,
              std::string(src_.substr(start + 1, pos - start - 1)));
}

// IntValue / FloatValue, with the spec's lookahead restrictions: a number
// may not be followed by a digit (after a leading 0), "." or a NameStart.
Token Lexer::read_number(size_t start, int first) {
  size_t pos = start;
  int code = first;
  bool is_float = false;
  if (code == '-') code = at(++pos);
  if (code == '0') {
    code = at(++pos);
    if (is_digit(code))
      fail(pos,
           "Invalid number, unexpected digit after 0: " + print_code_point_at(src_, pos) + ".");
  } else {
    pos = read_digits(pos, code);
    code = at(pos);
  }
  if (code == '.') {
    is_float = true;
    code = at(++pos);
    pos = read_digits(pos, code);
    code = at(pos);
  }
  if (code == 'E' || code == 'e') {
    is_float = true;
    code = at(++pos);
    if (code == '+' || code == '-') code = at(++pos);
    pos = read_digits(pos, code);
    code = at(pos);
  }
  if (code == '.' || is_name_start(code))
    fail(pos, "Invalid number, expected digit but got: " + print_code_point_at(src_, pos) + ".");
  return make(is_float ? TokenKind::kFloat : TokenKind::kInt, start, pos,
              std::string(src_.substr(start, pos - start)));
}

size_t Lexer::read_digits(size_t pos, int first) {
  if (!is_digit(first))
    fail(pos, "Invalid number, expected digit but got: " + print_code_point_at(src_, pos) + ".");
  ++pos;
  while (is_digit(at(pos))) ++pos;
  return pos;
}

Token Lexer::read_string(size_t start) {
  size_t pos = start + 1;
  size_t chunk_start = pos;
  std::string value;
  while (pos < src_.size()) {
    unsigned char c = static_cast<unsigned char>(src_[pos]);
    if (c == '"') {
      value.append(src_.substr(chunk_start, pos - chunk_start));
      return make(TokenKind::kString, start, pos + 1, std::move(value));
    }
    if (c == '\\') {
      value.append(src_.substr(chunk_start, pos - chunk_start));
      Escape e = at(pos + 1) == 'u'
                     ? (at(pos + 2) == '{' ? read_escaped_unicode_variable_width(src_, pos)
                                           : read_escaped_unicode_fixed_width(src_, pos))
                     : read_escaped_character(src_, pos);
      value.append(e.value);
      pos += e.size;
      chunk_start = pos;
      continue;
    }
    if (c == '\n' || c == '\r') break;
    if (c < 0x80) {
      ++pos;
      continue;
    }
    Decoded d = decode_utf8(src_, pos);
    if (!is_scalar_value(d.cp))
      fail(pos, "Invalid character within String: " + print_code_point_at(src_, pos) + ".");
    pos += d.len;
  }
  fail(pos, "Unterminated string.");
}

Token Lexer::read_block_string(size_t start) {
  size_t pos = start + 3;
  size_t chunk_start = pos;
  std::string current;
  std::vector<std::string> lines;
  while (pos < src_.size()) {
    unsigned char c = static_cast<unsigned char>(src_[pos]);
    if (c == '"' && at(pos + 1) == '"' && at(pos + 2) == '"') {
      current.append(src_.substr(chunk_start, pos - chunk_start));
      lines.push_back(std::move(current));
      return make(TokenKind::kBlockString, start, pos + 3, block_string_value(lines));
    }
    if (c == '\\' && at(pos + 1) == '"' && at(pos + 2) == '"' && at(pos + 3) == '"') {
      // \""" stands for """: keep the quotes, drop the backslash.
      current.append(src_.substr(chunk_start, pos - chunk_start));
      chunk_start = pos + 1;
      pos += 4;
      continue;
    }
    if (c == '\n' || c == '\r') {
      current.append(src_.substr(chunk_start, pos - chunk_start));
      lines.push_back(std::move(current));
      current.clear();
      pos += (c == '\r' && at(pos + 1) == '\n') ? 2 : 1;
      chunk_start = pos;
      continue;
    }
    if (c < 0x80) {
      ++pos;
      continue;
    }
    Decoded d = decode_utf8(src_, pos);
    if (!is_scalar_value(d.cp))
      fail(pos, "Invalid character within String: " + print_code_point_at(src_, pos) + ".");
    pos += d.len;
  }
  fail(pos, "Unterminated string.");
}

Token Lexer::read_name(size_t start) {
  size_t pos = start + 1;
  while (is_name_continue(at(pos))) ++pos;
  return make(TokenKind::kName, start, pos, std::string(src_.substr(start, pos - start)));
}

std::string block_string_value(const std::vector<std::string>& lines) {
  auto leading_whitespace = [](const std::string& line) {
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    return i;
  };
  size_t common_indent = std::string::npos;
  size_t first_non_empty = std::string::npos;
  size_t last_non_empty = 0;
  bool any_non_empty = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t indent = leading_whitespace(lines[i]);
    if (indent == lines[i].size()) continue;  // blank line
    if (first_non_empty == std::string::npos) first_non_empty = i;
    last_non_empty = i;
    any_non_empty = true;
    if (i != 0 && indent < common_indent) common_indent = indent;
  }
  std::string out;
  if (!any_non_empty) return out;
  for (size_t i = first_non_empty; i <= last_non_empty; ++i) {
    if (i != first_non_empty) out.push_back('\n');
    const std::string& line = lines[i];
    if (i == 0) {
      out.append(line);
    } else if (common_indent < line.size()) {
      out.append(line, common_indent, std::string::npos);
    }
  }
  return out;
}

LexResult tokenize(std::string_view source, bool include_comments) {
  LexResult result;
  Lexer lexer(source);
  size_t pos = 0;
  try {
    while (true) {
      Token t = lexer.read_token(pos);
      pos = t.end;
      TokenKind kind = t.kind;
      if (kind != TokenKind::kComment || include_comments) result.tokens.push_back(std::move(t));
      if (kind == TokenKind::kEOF) break;
    }
  } catch (const SyntaxError& e) {
    result.error = to_graphql_error(source, e);
  }
  return result;
}

}  // namespace pg_gateway::graphql
