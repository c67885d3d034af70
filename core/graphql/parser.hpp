// GraphQL parser (GraphQL October 2021, Appendix B.2 "Document Syntax").
//
// Parses executable documents (operations, fragments) and type system
// definitions and extensions into the AST of ast.hpp. It is a port of
// graphql-js 16's recursive-descent parser: it accepts the same documents
// (graphql-js 16.8; later 16.x releases also accept descriptions on
// operations and fragments, from a newer spec draft, which this parser
// rejects like the October 2021 grammar does) and fails with the same
// message at the same line and column.
//
// Hostile input is bounded, each limit checked while parsing:
//   - max_bytes: the source size, checked first;
//   - max_tokens: graphql-js's maxTokens, with its message (typo included:
//     "Document contains more that N tokens. Parsing aborted.");
//   - max_depth: how deeply selection sets, list and object values and list
//     types may nest, counted together ("{ a(x: [1]) }" reaches depth 2).
//     It bounds the parser's recursion, and so its stack use (about 300
//     bytes a level in an optimised build, some 2 KB under AddressSanitizer);
//     it is capped at kMaxDepthCeiling whatever the options say.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

#include "core/graphql/ast.hpp"
#include "core/graphql/lexer.hpp"

namespace pg_gateway::graphql {

inline constexpr size_t kMaxDepthCeiling = 1024;

struct ParseOptions {
  size_t max_bytes = 1024 * 1024;
  size_t max_tokens = 100000;
  size_t max_depth = 256;
};

struct ParseResult {
  Document document;  // empty unless ok()
  std::optional<GraphQLError> error;
  size_t token_count = 0;  // tokens consumed (graphql-js's document.tokenCount)

  bool ok() const { return !error.has_value(); }
};

// Parses a GraphQL document. Never throws: a syntax error or an exceeded
// limit comes back in `error`, with a message that starts with
// "Syntax Error: " like graphql-js's; running out of memory comes back as
// "Out of memory." at line 1, column 1.
ParseResult parse_document(std::string_view source,
                           const ParseOptions& options = ParseOptions()) noexcept;

}  // namespace pg_gateway::graphql
