// The encodings an email message needs (RFC 2045 and RFC 2047), written for
// email_message.cpp: quoted-printable and base64 bodies, header fields
// folded to 76 columns, and encoded-words for header text that is not plain
// ASCII. Everything produced is 7-bit ASCII with CRLF line ends, and no
// input can put a bare CR or LF into the output: text that is not safe as
// is (controls, non-ASCII, "=?" sequences, words beyond 900 characters) is
// carried in encoded-words or in the transfer encoding.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace pg_gateway::jobs::mime {

// RFC 2047 section 2: at most 76 characters per header line holding
// encoded-words, at most 75 per encoded-word. We fold every header to 76.
inline constexpr size_t kMaxHeaderLine = 76;
inline constexpr size_t kMaxEncodedWord = 75;
// The longest word a display name keeps as an atom or quoted-string, so it
// fits a folded line; longer names are encoded.
inline constexpr size_t kMaxPlainWord = 70;
// The longest word unstructured text keeps as is: with a header name of at
// most 64 characters the line stays within RFC 5322's hard 998.
inline constexpr size_t kMaxLongWord = 900;

// Text with every line break (CRLF, lone CR, lone LF) made CRLF: the
// canonical form of text/* bodies (RFC 2046 4.1.1).
std::string to_crlf(std::string_view text);

// Quoted-printable (RFC 2045 6.7) of CRLF text: line breaks stay hard line
// breaks, long lines get soft breaks so no line exceeds 76 characters,
// whitespace before a line break and a '.' at the start of a line are
// encoded (the latter so no SMTP hop can misread a lone "." line).
std::string quoted_printable(std::string_view crlf_text);

// Base64 in lines of 76 characters, CRLF between lines (RFC 2045 6.8).
std::string base64_lines(std::string_view bytes);

// Whether quoted-printable is the better transfer encoding for `text`: it
// is when few bytes need escaping (mostly ASCII text); base64 otherwise.
bool prefer_quoted_printable(std::string_view text);

// One header field being written, folded as tokens are added.
class FoldedHeader {
 public:
  explicit FoldedHeader(std::string_view name);

  // Appends `token` after one space, or after CRLF SP when the line would
  // grow beyond kMaxHeaderLine. A token longer than a whole line (an
  // address of 200 characters) stays after the field name if it is the
  // first, and gets a line of its own otherwise.
  void add(std::string_view token);
  // Appends `text` to the last token, without space or fold (a ',').
  void attach(std::string_view text);
  // Length of the line being written.
  size_t column() const { return out_.size() - line_start_; }
  // The field with its final CRLF.
  std::string finish() &&;

 private:
  std::string out_;
  size_t line_start_ = 0;   // offset of the current line in out_
  bool has_token_ = false;  // a token follows the field name
};

// Unstructured text (Subject, extra headers): kept as written, folded at
// spaces, when it is printable ASCII; encoded-words for the whole value
// otherwise (control characters, non-ASCII, "=?", a word beyond 900).
void add_unstructured(FoldedHeader& header, std::string_view text);

// A display name (RFC 5322 phrase): atoms, a quoted-string, or encoded-words.
void add_phrase(FoldedHeader& header, std::string_view text);

// RFC 2047 encoded-words ("=?UTF-8?Q?...?=" or "=?UTF-8?B?...?=", the
// shorter) for all of `text`, split between whole UTF-8 characters, each
// word sized to fit the line it lands on. Uses only characters allowed in
// phrases, so the words are valid in every header context.
void add_encoded_words(FoldedHeader& header, std::string_view text);

}  // namespace pg_gateway::jobs::mime
