#include "core/jobs/mime_encoding.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/util/base64.hpp"
#include "core/util/utf8.hpp"

namespace pg_gateway::jobs::mime {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";
constexpr std::string_view kQPrefix = "=?UTF-8?Q?";
constexpr std::string_view kBPrefix = "=?UTF-8?B?";
constexpr std::string_view kWordSuffix = "?=";
// Quoted-printable lines keep one column for a soft break's '='.
constexpr size_t kMaxQpLineContent = 75;
constexpr size_t kBase64LineLength = 76;

void append_hex_escape(std::string& out, unsigned char c) {
  out += '=';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// RFC 2047 5(3): the characters an encoded-word may carry literally in a
// phrase (the strictest context), besides the space written as '_'.
bool is_q_literal(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '!' ||
         c == '*' || c == '+' || c == '-' || c == '/';
}

size_t q_cost(unsigned char c) { return (c == ' ' || is_q_literal(c)) ? 1 : 3; }

void append_q(std::string& out, std::string_view bytes) {
  for (char ch : bytes) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == ' ')
      out += '_';
    else if (is_q_literal(c))
      out += ch;
    else
      append_hex_escape(out, c);
  }
}

// Length of the character at s[i]; an invalid byte counts as a character of
// its own, so malformed input is still carried (as bytes) and never split
// inside a valid sequence.
size_t char_length(std::string_view s, size_t i) {
  size_t n = util::valid_utf8_length(s, i);
  return n == 0 ? 1 : n;
}

size_t b_length(size_t bytes) { return (bytes + 2) / 3 * 4; }

bool is_printable_ascii(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7E) return false;
  return true;
}

/* Words separated by single spaces, none empty or longer than
 * kMaxPlainWord, no "=?" (a receiver would try to decode it as an
 * encoded-word), and every character accepted by `allowed`. */
template <class Allowed>
bool is_plain_words(std::string_view s, Allowed allowed) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (s.find("  ") != std::string_view::npos || s.find("=?") != std::string_view::npos)
    return false;
  size_t word = 0;
  for (char c : s) {
    if (c == ' ') {
      word = 0;
      continue;
    }
    if (!allowed(c) || ++word > kMaxPlainWord) return false;
  }
  return true;
}

void add_words(FoldedHeader& header, std::string_view s) {
  while (true) {
    size_t space = s.find(' ');
    header.add(s.substr(0, space));
    if (space == std::string_view::npos) return;
    s.remove_prefix(space + 1);
  }
}

/* Cuts unstructured text into the tokens FoldedHeader::add joins with one
 * space: each token is a word with the extra spaces that preceded it (all
 * of them for the first word, whose separator is the conventional space
 * after the colon, which readers drop), and spaces after the last word stay
 * on the last token. Unfolding then gives back the text exactly, and no
 * folded line is white space alone. Returns no tokens for text without a
 * word. */
std::vector<std::string_view> spaced_tokens(std::string_view s) {
  std::vector<std::string_view> tokens;
  size_t pos = 0;
  while (true) {
    size_t word = s.find_first_not_of(' ', pos);
    if (word == std::string_view::npos) break;
    size_t begin = tokens.empty() ? 0 : pos + 1;
    size_t end = s.find(' ', word);
    if (end == std::string_view::npos) end = s.size();
    tokens.push_back(s.substr(begin, end - begin));
    pos = end;
  }
  if (!tokens.empty() && pos < s.size()) {
    std::string_view& last = tokens.back();
    last = std::string_view(last.data(), s.data() + s.size() - last.data());
  }
  return tokens;
}

// RFC 5322 atext.
bool is_atext(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

}  // namespace

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

/* Works line by line on the CRLF text. Within a line a byte is literal when
 * it is printable ASCII other than '=', or a space/tab that is not the
 * line's last byte (trailing whitespace would be stripped in transit).
 * Before a token that would pass column 75 a soft break "=" CRLF is
 * written; a '.' that then starts the new line is escaped like one at the
 * start of a real line. Lone CR or LF bytes (input not normalised) are
 * escaped, never passed through. */
std::string quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t line_begin = 0;
  while (line_begin <= text.size()) {
    size_t line_end = text.find("\r\n", line_begin);
    bool last = line_end == std::string_view::npos;
    std::string_view line =
        text.substr(line_begin, last ? std::string_view::npos : line_end - line_begin);
    size_t column = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      bool whitespace = c == ' ' || c == '\t';
      bool literal = (c >= 33 && c <= 126 && c != '=') || (whitespace && i + 1 < line.size());
      size_t width = literal ? 1 : 3;
      if (column + width > kMaxQpLineContent) {
        out += "=\r\n";
        column = 0;
      }
      if (column == 0 && c == '.') {
        literal = false;
        width = 3;
      }
      if (literal)
        out += static_cast<char>(c);
      else
        append_hex_escape(out, c);
      column += width;
    }
    if (last) break;
    out += "\r\n";
    line_begin = line_end + 2;
  }
  return out;
}

std::string base64_lines(std::string_view bytes) {
  std::string encoded = util::base64_encode(bytes);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / kBase64LineLength * 2 + 2);
  for (size_t i = 0; i < encoded.size(); i += kBase64LineLength) {
    if (i > 0) out += "\r\n";
    out.append(encoded, i, kBase64LineLength);
  }
  return out;
}

/* Quoted-printable costs two extra bytes per escaped byte, base64 a third of
 * the whole: QP wins while fewer than one byte in six needs escaping. */
bool prefer_quoted_printable(std::string_view text) {
  size_t escaped = 0;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '=' || (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c >= 0x7F) ++escaped;
  }
  return escaped * 6 < text.size() || text.empty();
}

FoldedHeader::FoldedHeader(std::string_view name) {
  out_.append(name);
  out_ += ':';
}

/* Folding is only ever done right before a token, so no line consists of
 * white space alone; an empty token is ignored for the same reason. A token
 * too long for any line is not moved off the field name's line, where
 * folding would only add a line; after another token it is, so long tokens
 * never pile up on one line. */
void FoldedHeader::add(std::string_view token) {
  if (token.empty()) return;
  bool fits_fresh_line = 1 + token.size() <= kMaxHeaderLine;
  if (column() + 1 + token.size() > kMaxHeaderLine && (fits_fresh_line || has_token_)) {
    out_ += "\r\n";
    line_start_ = out_.size();
  }
  out_ += ' ';
  out_.append(token);
  has_token_ = true;
}

void FoldedHeader::attach(std::string_view text) { out_.append(text); }

std::string FoldedHeader::finish() && {
  out_ += "\r\n";
  return std::move(out_);
}

/* Chooses Q or B once for the whole text (whichever is shorter overall),
 * then cuts the text into words greedily: each takes as many whole
 * characters as fit in the room left on the current line (at most 75), and
 * a word that cannot hold even one character there starts a new line.
 * Adjacent encoded-words are separated by folding white space, which
 * decoders drop, so the text round-trips exactly. */
void add_encoded_words(FoldedHeader& header, std::string_view text) {
  size_t q_total = 0;
  for (char c : text) q_total += q_cost(static_cast<unsigned char>(c));
  bool use_q = q_total <= b_length(text.size());
  std::string_view prefix = use_q ? kQPrefix : kBPrefix;
  size_t overhead = prefix.size() + kWordSuffix.size();

  size_t i = 0;
  while (i < text.size()) {
    size_t room = kMaxHeaderLine - std::min(kMaxHeaderLine, header.column() + 1);
    size_t budget = std::min(kMaxEncodedWord, room);
    size_t first = char_length(text, i);
    size_t first_cost = 0;
    for (size_t k = 0; k < first; ++k)
      first_cost += q_cost(static_cast<unsigned char>(text[i + k]));
    size_t first_size = overhead + (use_q ? first_cost : b_length(first));
    if (first_size > budget) budget = kMaxEncodedWord;  // the word goes to a new line

    size_t end = i;
    size_t q_size = 0;
    while (end < text.size()) {
      size_t len = char_length(text, end);
      size_t cost = 0;
      for (size_t k = 0; k < len; ++k) cost += q_cost(static_cast<unsigned char>(text[end + k]));
      size_t size = overhead + (use_q ? q_size + cost : b_length(end + len - i));
      if (size > budget) break;
      q_size += cost;
      end += len;
    }
    std::string word(prefix);
    std::string_view chunk = text.substr(i, end - i);
    if (use_q)
      append_q(word, chunk);
    else
      word += util::base64_encode(chunk);
    word += kWordSuffix;
    header.add(word);
    i = end;
  }
}

/* Text is kept as written when it is printable ASCII without "=?" and no
 * token is longer than kMaxLongWord: structured headers passed as extra
 * headers (List-Unsubscribe: <https://...long URL...>) must not be turned
 * into encoded-words, which only unstructured text and phrases may carry.
 * A long token makes a line longer than 76 (RFC 5322 2.1.1's SHOULD) but
 * within the 998 it requires. Anything else is encoded. */
void add_unstructured(FoldedHeader& header, std::string_view text) {
  if (text.empty()) return;
  std::vector<std::string_view> tokens = spaced_tokens(text);
  bool plain =
      !tokens.empty() && is_printable_ascii(text) && text.find("=?") == std::string_view::npos;
  for (std::string_view t : tokens) plain = plain && t.size() <= kMaxLongWord;
  if (!plain) {
    add_encoded_words(header, text);
    return;
  }
  for (std::string_view t : tokens) header.add(t);
}

/* Atoms when the name is ordinary words; a quoted-string when it is
 * printable ASCII that needs quoting (commas, dots, parentheses) and short
 * enough to stay on one line; encoded-words otherwise. A quoted-string is
 * never folded inside, so it is limited to kMaxPlainWord. */
void add_phrase(FoldedHeader& header, std::string_view text) {
  if (text.empty()) return;
  if (is_plain_words(text, is_atext)) {
    add_words(header, text);
    return;
  }
  if (is_printable_ascii(text) && text.size() <= kMaxPlainWord &&
      text.find("=?") == std::string_view::npos) {
    std::string quoted = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    quoted += '"';
    header.add(quoted);
    return;
  }
  add_encoded_words(header, text);
}

}  // namespace pg_gateway::jobs::mime
