// The recursive-descent parser behind parse_document(); internal to
// core/graphql. parser.cpp holds the document, executable definitions,
// values, types and directives; parser_type_system.cpp the type system
// definitions and extensions. Each method is named after, and behaves
// like, its graphql-js counterpart (parseField -> parse_field), including
// the order in which it consumes tokens and raises errors, because that
// decides which error a broken document reports. Methods throw SyntaxError.
#pragma once
#include "core/core_zone.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "core/graphql/ast.hpp"
#include "core/graphql/lexer.hpp"
#include "core/graphql/parser.hpp"

namespace pg_gateway::graphql::detail {

class Parser {
 public:
  Parser(std::string_view source, const ParseOptions& options);

  Document parse_document();
  size_t token_count() const { return token_count_; }

 private:
  // Where a node starts: its first token's position.
  struct Mark {
    size_t line, column, start;
  };
  // Undoes one level of nesting when it goes out of scope.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser* p) : p_(p) {}
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    ~DepthGuard() {
      if (p_ != nullptr) --p_->depth_;
    }

   private:
    Parser* p_;
  };

  // --- executable definitions, values, types (parser.cpp)
  Definition parse_definition();
  OperationDefinition parse_operation_definition();
  OperationType parse_operation_type();
  std::vector<VariableDefinition> parse_variable_definitions();
  VariableDefinition parse_variable_definition();
  Variable parse_variable();
  // The recursive productions fill a node in place rather than return one,
  // so that each level of nesting costs the stack as little as possible.
  void parse_selection_set(SelectionSet& out);
  void parse_selection(Selection& out);
  void parse_field(Field& out);
  std::vector<Argument> parse_arguments(bool is_const);
  Argument parse_argument(bool is_const);
  void parse_fragment(Selection& out);
  FragmentDefinition parse_fragment_definition();
  Name parse_fragment_name();
  void parse_value_literal(Value& out, bool is_const);
  Value parse_value_literal(bool is_const);
  void parse_string_literal(Value& out);
  void parse_list(Value& out, bool is_const);
  void parse_object(Value& out, bool is_const);
  void parse_object_field(ObjectField& out, bool is_const);
  std::vector<Directive> parse_directives(bool is_const);
  Directive parse_directive(bool is_const);
  void parse_type_reference(TypeRef& out);
  TypeRef parse_type_reference();
  NamedType parse_named_type();
  Name parse_name();

  // --- type system (parser_type_system.cpp)
  bool peek_description() const;
  std::optional<Description> parse_description();
  SchemaDefinition parse_schema_definition();
  OperationTypeDefinition parse_operation_type_definition();
  ScalarTypeDefinition parse_scalar_type_definition();
  ObjectTypeDefinition parse_object_type_definition();
  std::vector<NamedType> parse_implements_interfaces();
  std::vector<FieldDefinition> parse_fields_definition();
  FieldDefinition parse_field_definition();
  std::vector<InputValueDefinition> parse_argument_defs();
  InputValueDefinition parse_input_value_def();
  InterfaceTypeDefinition parse_interface_type_definition();
  UnionTypeDefinition parse_union_type_definition();
  std::vector<NamedType> parse_union_member_types();
  EnumTypeDefinition parse_enum_type_definition();
  std::vector<EnumValueDefinition> parse_enum_values_definition();
  EnumValueDefinition parse_enum_value_definition();
  Name parse_enum_value_name();
  InputObjectTypeDefinition parse_input_object_type_definition();
  std::vector<InputValueDefinition> parse_input_fields_definition();
  Definition parse_type_system_extension();
  SchemaExtension parse_schema_extension();
  ScalarTypeExtension parse_scalar_type_extension();
  ObjectTypeExtension parse_object_type_extension();
  InterfaceTypeExtension parse_interface_type_extension();
  UnionTypeExtension parse_union_type_extension();
  EnumTypeExtension parse_enum_type_extension();
  InputObjectTypeExtension parse_input_object_type_extension();
  DirectiveDefinition parse_directive_definition();
  Name parse_directive_location();

  // --- utilities (parser.cpp)
  const Token& token() const { return lexer_.token(); }
  bool peek(TokenKind kind) const { return lexer_.token().kind == kind; }
  Mark mark() const { return {token().line, token().column, token().start}; }
  // The location from `m` to the end of the last token consumed.
  Location finish(const Mark& m) const {
    return Location{m.line, m.column, m.start, lexer_.last_token_end()};
  }
  void advance_lexer();
  void expect_token(TokenKind kind);
  bool expect_optional_token(TokenKind kind);
  void expect_keyword(std::string_view value);
  bool expect_optional_keyword(std::string_view value);
  // Errors are built out of line, so that their strings do not swell the
  // stack frames of the recursive functions.
  [[noreturn]] void unexpected(const Token& at);
  [[noreturn]] void unexpected() { unexpected(token()); }
  [[noreturn]] void throw_expected(TokenKind kind);
  [[noreturn]] void throw_expected_keyword(std::string_view value);
  [[noreturn]] void throw_too_many_tokens();
  [[noreturn]] void throw_too_deep();
  [[noreturn]] void throw_variable_in_constant(size_t dollar);
  // Enters one level of nesting if the current token is `open` (else the
  // caller's expect_token() reports the real problem).
  DepthGuard enter_nested(TokenKind open);

  // { item+ } with at least one item (graphql-js's many()).
  template <typename F>
  auto many(TokenKind open, F item, TokenKind close) {
    expect_token(open);
    std::vector<decltype(item())> nodes;
    do {
      nodes.push_back(item());
    } while (!expect_optional_token(close));
    return nodes;
  }
  // Nothing, or ( item+ ) (graphql-js's optionalMany()).
  template <typename F>
  auto optional_many(TokenKind open, F item, TokenKind close) {
    std::vector<decltype(item())> nodes;
    if (expect_optional_token(open)) {
      do {
        nodes.push_back(item());
      } while (!expect_optional_token(close));
    }
    return nodes;
  }
  // [ item* ] (graphql-js's any()).
  template <typename F>
  auto any(TokenKind open, F item, TokenKind close) {
    expect_token(open);
    std::vector<decltype(item())> nodes;
    while (!expect_optional_token(close)) nodes.push_back(item());
    return nodes;
  }
  // delimiter? item (delimiter item)* (graphql-js's delimitedMany()).
  template <typename F>
  auto delimited_many(TokenKind delimiter, F item) {
    expect_optional_token(delimiter);
    std::vector<decltype(item())> nodes;
    do {
      nodes.push_back(item());
    } while (expect_optional_token(delimiter));
    return nodes;
  }

  Lexer lexer_;
  ParseOptions options_;
  size_t token_count_ = 0;
  size_t depth_ = 0;
};

}  // namespace pg_gateway::graphql::detail
