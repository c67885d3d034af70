// GraphQL lexer (GraphQL October 2021, Appendix B.1 "Lexical Tokens").
//
// Behaves like graphql-js 16's Lexer: the same tokens, the same values, the
// same token positions and the same error messages at the same places. The
// source is UTF-8 bytes rather than a JavaScript string, so offsets are byte
// offsets; lines and columns still count as graphql-js does (see Location in
// ast.hpp). Bytes that are not valid UTF-8 are rejected wherever graphql-js
// would reject an unpaired surrogate; a UTF-8-encoded surrogate is reported
// as that code point ("Invalid character: U+D800."), other invalid bytes as
// "invalid UTF-8 byte 0xFF".
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg_gateway::graphql {

enum class TokenKind : uint8_t {
  kSOF,
  kEOF,
  kBang,      // !
  kDollar,    // $
  kAmp,       // &
  kParenL,    // (
  kParenR,    // )
  kSpread,    // ...
  kColon,     // :
  kEquals,    // =
  kAt,        // @
  kBracketL,  // [
  kBracketR,  // ]
  kBraceL,    // {
  kPipe,      // |
  kBraceR,    // }
  kName,
  kInt,
  kFloat,
  kString,
  kBlockString,
  kComment,
};

// graphql-js's TokenKind value: "<EOF>", "!", "...", "Name", "BlockString", ...
std::string_view token_kind_text(TokenKind kind);
// How graphql-js names a kind in messages: punctuators quoted ("\"{\""), the
// rest as is ("Name", "<EOF>").
std::string describe_token_kind(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kSOF;
  size_t start = 0;   // byte offset
  size_t end = 0;     // byte offset, exclusive
  size_t line = 0;    // 1-based (0 only for the start-of-file token)
  size_t column = 0;  // 1-based, in UTF-16 code units
  // Name, Int, Float, Comment: the source text (a comment without its "#");
  // String, BlockString: the decoded value. Empty for the other kinds.
  std::string value;

  // True for the kinds graphql-js gives a value (and prints it in messages).
  bool has_value() const { return kind >= TokenKind::kName; }
};

// graphql-js's getTokenDesc(): e.g. `Name "foo"`, `"}"`, `<EOF>`.
std::string describe_token(const Token& token);

// An error with graphql-js's message ("Syntax Error: ...") and the 1-based
// line and column of the offending position (offset is its byte offset).
struct GraphQLError {
  std::string message;
  size_t line = 0;
  size_t column = 0;
  size_t offset = 0;
};

// What the lexer and parser throw internally; the public functions turn it
// into a GraphQLError. `description` lacks the "Syntax Error: " prefix.
struct SyntaxError {
  std::string description;
  size_t offset = 0;
};

struct SourcePosition {
  size_t line = 1;
  size_t column = 1;
};

// graphql-js's getLocation(): the line and column of a byte offset.
SourcePosition locate(std::string_view source, size_t offset);

// Turns a SyntaxError into the GraphQLError a client sees.
GraphQLError to_graphql_error(std::string_view source, const SyntaxError& error);

// Maps byte offsets to lines and columns, remembering where it got to so
// that increasing offsets (one per token) cost linear time overall.
class Locator {
 public:
  explicit Locator(std::string_view source) : src_(source) {}
  SourcePosition locate(size_t offset);

 private:
  std::string_view src_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t units_ = 0;  // UTF-16 code units from the start of line_ to pos_
};

// A pull lexer over a source that must outlive it. Methods throw SyntaxError.
class Lexer {
 public:
  explicit Lexer(std::string_view source);

  // The current token; the start-of-file token before the first advance().
  const Token& token() const { return token_; }
  // Where the previous token ended (graphql-js's lastToken.end).
  size_t last_token_end() const { return last_end_; }
  // Moves on to the next token that is not a comment. At the end of the
  // source it keeps returning the same <EOF> token.
  const Token& advance();
  // The token advance() would move to, without moving.
  const Token& lookahead();
  // Moves the current token's value out (the parser uses it just before
  // advancing, to save a copy).
  std::string take_value() { return std::move(token_.value); }

  // The next token of any kind, comments included, starting at `offset`.
  Token read_token(size_t offset);

  std::string_view source() const { return src_; }

 private:
  Token next_significant(const Token& after);
  Token make(TokenKind kind, size_t start, size_t end, std::string value = std::string());
  Token read_comment(size_t start);
  Token read_number(size_t start, int first);
  size_t read_digits(size_t pos, int first);
  Token read_string(size_t start);
  Token read_block_string(size_t start);
  Token read_name(size_t start);
  int at(size_t pos) const {
    return pos < src_.size() ? static_cast<unsigned char>(src_[pos]) : -1;
  }

  std::string_view src_;
  Locator locator_;
  Token token_;
  std::optional<Token> peeked_;
  size_t last_end_ = 0;
};

struct LexResult {
  std::vector<Token> tokens;  // without <SOF>; ends with <EOF> unless there is an error
  std::optional<GraphQLError> error;
};

// Lexes a whole source; never throws (but for std::bad_alloc).
LexResult tokenize(std::string_view source, bool include_comments = false);

// BlockStringValue() (spec 2.9.4): removes the common indentation of all
// lines but the first, and leading and trailing blank lines. `lines` are the
// raw lines of a block string, split at line terminators, with \""" already
// unescaped. Returns the lines joined with "\n".
std::string block_string_value(const std::vector<std::string>& lines);

}  // namespace pg_gateway::graphql
