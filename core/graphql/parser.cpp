#include "core/graphql/parser.hpp"

#include <algorithm>
#include <utility>

#include "core/graphql/parser_impl.hpp"

namespace pg_gateway::graphql {

namespace detail {

Parser::Parser(std::string_view source, const ParseOptions& options)
    : lexer_(source), options_(options) {
  options_.max_depth = std::min(options_.max_depth, kMaxDepthCeiling);
}

// ---------------------------------------------------------------------------
// Utilities

void Parser::advance_lexer() {
  const Token& t = lexer_.advance();
  if (t.kind != TokenKind::kEOF && ++token_count_ > options_.max_tokens) throw_too_many_tokens();
}

void Parser::expect_token(TokenKind kind) {
  if (token().kind != kind) throw_expected(kind);
  advance_lexer();
}

bool Parser::expect_optional_token(TokenKind kind) {
  if (token().kind != kind) return false;
  advance_lexer();
  return true;
}

void Parser::expect_keyword(std::string_view value) {
  if (token().kind != TokenKind::kName || token().value != value) throw_expected_keyword(value);
  advance_lexer();
}

bool Parser::expect_optional_keyword(std::string_view value) {
  if (token().kind != TokenKind::kName || token().value != value) return false;
  advance_lexer();
  return true;
}

Parser::DepthGuard Parser::enter_nested(TokenKind open) {
  if (!peek(open)) return DepthGuard(nullptr);
  if (++depth_ > options_.max_depth) throw_too_deep();
  return DepthGuard(this);
}

[[gnu::noinline, gnu::cold]] void Parser::unexpected(const Token& at) {
  throw SyntaxError{"Unexpected " + describe_token(at) + ".", at.start};
}

[[gnu::noinline, gnu::cold]] void Parser::throw_expected(TokenKind kind) {
  throw SyntaxError{
      "Expected " + describe_token_kind(kind) + ", found " + describe_token(token()) + ".",
      token().start};
}

[[gnu::noinline, gnu::cold]] void Parser::throw_expected_keyword(std::string_view value) {
  throw SyntaxError{
      "Expected \"" + std::string(value) + "\", found " + describe_token(token()) + ".",
      token().start};
}

[[gnu::noinline, gnu::cold]] void Parser::throw_too_many_tokens() {
  throw SyntaxError{"Document contains more that " + std::to_string(options_.max_tokens) +
                        " tokens. Parsing aborted.",
                    token().start};
}

[[gnu::noinline, gnu::cold]] void Parser::throw_too_deep() {
  throw SyntaxError{"Document is nested deeper than " + std::to_string(options_.max_depth) +
                        " levels. Parsing aborted.",
                    token().start};
}

// Called with the "$" consumed: names the variable if one follows.
[[gnu::noinline, gnu::cold]] void Parser::throw_variable_in_constant(size_t dollar) {
  if (peek(TokenKind::kName)) {
    throw SyntaxError{"Unexpected variable \"$" + token().value + "\" in constant value.", dollar};
  }
  throw SyntaxError{"Unexpected \"$\".", dollar};
}

// ---------------------------------------------------------------------------
// Document

// Document : Definition+
Document Parser::parse_document() {
  expect_token(TokenKind::kSOF);
  Document doc;
  do {
    doc.definitions.push_back(parse_definition());
  } while (!expect_optional_token(TokenKind::kEOF));
  doc.loc = Location{1, 1, 0, lexer_.last_token_end()};
  return doc;
}

// Definition : ExecutableDefinition | TypeSystemDefinition | TypeSystemExtension
Definition Parser::parse_definition() {
  if (peek(TokenKind::kBraceL)) return Definition{parse_operation_definition()};
  // Many definitions begin with a description and need a lookahead.
  bool has_description = peek_description();
  const Token& keyword = has_description ? lexer_.lookahead() : token();
  if (keyword.kind == TokenKind::kName) {
    const std::string& k = keyword.value;
    if (k == "schema") return Definition{parse_schema_definition()};
    if (k == "scalar") return Definition{parse_scalar_type_definition()};
    if (k == "type") return Definition{parse_object_type_definition()};
    if (k == "interface") return Definition{parse_interface_type_definition()};
    if (k == "union") return Definition{parse_union_type_definition()};
    if (k == "enum") return Definition{parse_enum_type_definition()};
    if (k == "input") return Definition{parse_input_object_type_definition()};
    if (k == "directive") return Definition{parse_directive_definition()};
    if (has_description) {
      throw SyntaxError{
          "Unexpected description, descriptions are supported only on type definitions.",
          token().start};
    }
    if (k == "query" || k == "mutation" || k == "subscription")
      return Definition{parse_operation_definition()};
    if (k == "fragment") return Definition{parse_fragment_definition()};
    if (k == "extend") return parse_type_system_extension();
  }
  unexpected(keyword);
}

// ---------------------------------------------------------------------------
// Operations

// OperationDefinition : SelectionSet
//                     | OperationType Name? VariableDefinitions? Directives? SelectionSet
OperationDefinition Parser::parse_operation_definition() {
  Mark m = mark();
  OperationDefinition op;
  if (peek(TokenKind::kBraceL)) {
    parse_selection_set(op.selection_set);
    op.loc = finish(m);
    return op;
  }
  op.operation = parse_operation_type();
  if (peek(TokenKind::kName)) op.name = parse_name();
  op.variable_definitions = parse_variable_definitions();
  op.directives = parse_directives(false);
  parse_selection_set(op.selection_set);
  op.loc = finish(m);
  return op;
}

// OperationType : one of query mutation subscription
OperationType Parser::parse_operation_type() {
  if (!peek(TokenKind::kName)) throw_expected(TokenKind::kName);
  Token t = token();
  advance_lexer();
  if (t.value == "query") return OperationType::kQuery;
  if (t.value == "mutation") return OperationType::kMutation;
  if (t.value == "subscription") return OperationType::kSubscription;
  unexpected(t);
}

// VariableDefinitions : ( VariableDefinition+ )
std::vector<VariableDefinition> Parser::parse_variable_definitions() {
  return optional_many(
      TokenKind::kParenL, [this] { return parse_variable_definition(); }, TokenKind::kParenR);
}

// VariableDefinition : Variable : Type DefaultValue? Directives[Const]?
VariableDefinition Parser::parse_variable_definition() {
  Mark m = mark();
  VariableDefinition d;
  d.variable = parse_variable();
  expect_token(TokenKind::kColon);
  d.type = parse_type_reference();
  if (expect_optional_token(TokenKind::kEquals)) d.default_value = parse_value_literal(true);
  d.directives = parse_directives(true);
  d.loc = finish(m);
  return d;
}

// Variable : $ Name
Variable Parser::parse_variable() {
  Mark m = mark();
  expect_token(TokenKind::kDollar);
  Variable v;
  v.name = parse_name();
  v.loc = finish(m);
  return v;
}

// SelectionSet : { Selection+ }   (graphql-js's many())
void Parser::parse_selection_set(SelectionSet& out) {
  DepthGuard guard = enter_nested(TokenKind::kBraceL);
  Mark m = mark();
  expect_token(TokenKind::kBraceL);
  do {
    // Filled in place: deeper levels never touch this vector.
    parse_selection(out.selections.emplace_back());
  } while (!expect_optional_token(TokenKind::kBraceR));
  out.loc = finish(m);
}

// Selection : Field | FragmentSpread | InlineFragment
void Parser::parse_selection(Selection& out) {
  if (peek(TokenKind::kSpread)) {
    parse_fragment(out);
  } else {
    parse_field(out.node.emplace<Field>());
  }
}

// Field : Alias? Name Arguments? Directives? SelectionSet?
void Parser::parse_field(Field& f) {
  Mark m = mark();
  f.name = parse_name();
  if (expect_optional_token(TokenKind::kColon)) {
    f.alias = std::move(f.name);
    f.name = parse_name();
  }
  f.arguments = parse_arguments(false);
  f.directives = parse_directives(false);
  if (peek(TokenKind::kBraceL)) parse_selection_set(f.selection_set.emplace());
  f.loc = finish(m);
}

// Arguments[Const] : ( Argument[?Const]+ )
[[gnu::noinline]] std::vector<Argument> Parser::parse_arguments(bool is_const) {
  return optional_many(
      TokenKind::kParenL, [this, is_const] { return parse_argument(is_const); },
      TokenKind::kParenR);
}

// Argument[Const] : Name : Value[?Const]
Argument Parser::parse_argument(bool is_const) {
  Mark m = mark();
  Argument a;
  a.name = parse_name();
  expect_token(TokenKind::kColon);
  a.value = parse_value_literal(is_const);
  a.loc = finish(m);
  return a;
}

// ---------------------------------------------------------------------------
// Fragments

// FragmentSpread : ... FragmentName Directives?
// InlineFragment : ... TypeCondition? Directives? SelectionSet
void Parser::parse_fragment(Selection& out) {
  Mark m = mark();
  expect_token(TokenKind::kSpread);
  bool has_type_condition = expect_optional_keyword("on");
  if (!has_type_condition && peek(TokenKind::kName)) {
    FragmentSpread& s = out.node.emplace<FragmentSpread>();
    s.name = parse_fragment_name();
    s.directives = parse_directives(false);
    s.loc = finish(m);
    return;
  }
  InlineFragment& f = out.node.emplace<InlineFragment>();
  if (has_type_condition) f.type_condition = parse_named_type();
  f.directives = parse_directives(false);
  parse_selection_set(f.selection_set);
  f.loc = finish(m);
}

// FragmentDefinition : fragment FragmentName TypeCondition Directives? SelectionSet
FragmentDefinition Parser::parse_fragment_definition() {
  Mark m = mark();
  expect_keyword("fragment");
  FragmentDefinition f;
  f.name = parse_fragment_name();
  expect_keyword("on");
  f.type_condition = parse_named_type();
  f.directives = parse_directives(false);
  parse_selection_set(f.selection_set);
  f.loc = finish(m);
  return f;
}

// FragmentName : Name but not `on`
[[gnu::noinline]] Name Parser::parse_fragment_name() {
  // graphql-js compares the value of whatever token this is.
  if (token().has_value() && token().value == "on") unexpected();
  return parse_name();
}

// ---------------------------------------------------------------------------
// Values

// Value[Const] : [~Const] Variable | IntValue | FloatValue | StringValue
//              | BooleanValue | NullValue | EnumValue | ListValue[?Const]
//              | ObjectValue[?Const]
void Parser::parse_value_literal(Value& v, bool is_const) {
  Mark m = mark();
  switch (token().kind) {
    case TokenKind::kBracketL:
      return parse_list(v, is_const);
    case TokenKind::kBraceL:
      return parse_object(v, is_const);
    case TokenKind::kInt:
      v.node = IntValue{lexer_.take_value()};
      advance_lexer();
      break;
    case TokenKind::kFloat:
      v.node = FloatValue{lexer_.take_value()};
      advance_lexer();
      break;
    case TokenKind::kString:
    case TokenKind::kBlockString:
      return parse_string_literal(v);
    case TokenKind::kName: {
      std::string name = lexer_.take_value();
      advance_lexer();
      if (name == "true" || name == "false") {
        v.node = BooleanValue{name == "true"};
      } else if (name == "null") {
        v.node = NullValue{};
      } else {
        v.node = EnumValue{std::move(name)};
      }
      break;
    }
    case TokenKind::kDollar:
      if (is_const) {
        size_t dollar = token().start;
        expect_token(TokenKind::kDollar);
        throw_variable_in_constant(dollar);
      }
      v.node = parse_variable();
      v.loc = std::get<Variable>(v.node).loc;
      return;
    default:
      unexpected();
  }
  v.loc = finish(m);
}

Value Parser::parse_value_literal(bool is_const) {
  Value v;
  parse_value_literal(v, is_const);
  return v;
}

void Parser::parse_string_literal(Value& v) {
  Mark m = mark();
  bool block = token().kind == TokenKind::kBlockString;
  v.node = StringValue{lexer_.take_value(), block};
  advance_lexer();
  v.loc = finish(m);
}

// ListValue[Const] : [ ] | [ Value[?Const]+ ]   (graphql-js's any())
void Parser::parse_list(Value& v, bool is_const) {
  DepthGuard guard = enter_nested(TokenKind::kBracketL);
  Mark m = mark();
  std::vector<Value>& values = v.node.emplace<ListValue>().values;
  expect_token(TokenKind::kBracketL);
  while (!expect_optional_token(TokenKind::kBracketR))
    parse_value_literal(values.emplace_back(), is_const);
  v.loc = finish(m);
}

// ObjectValue[Const] : { } | { ObjectField[?Const]+ }   (graphql-js's any())
void Parser::parse_object(Value& v, bool is_const) {
  DepthGuard guard = enter_nested(TokenKind::kBraceL);
  Mark m = mark();
  std::vector<ObjectField>& fields = v.node.emplace<ObjectValue>().fields;
  expect_token(TokenKind::kBraceL);
  while (!expect_optional_token(TokenKind::kBraceR))
    parse_object_field(fields.emplace_back(), is_const);
  v.loc = finish(m);
}

// ObjectField[Const] : Name : Value[?Const]
void Parser::parse_object_field(ObjectField& f, bool is_const) {
  Mark m = mark();
  f.name = parse_name();
  expect_token(TokenKind::kColon);
  parse_value_literal(f.value, is_const);
  f.loc = finish(m);
}

// ---------------------------------------------------------------------------
// Directives and types

// Directives[Const] : Directive[?Const]+
[[gnu::noinline]] std::vector<Directive> Parser::parse_directives(bool is_const) {
  std::vector<Directive> directives;
  while (peek(TokenKind::kAt)) directives.push_back(parse_directive(is_const));
  return directives;
}

// Directive[Const] : @ Name Arguments[?Const]?
Directive Parser::parse_directive(bool is_const) {
  Mark m = mark();
  expect_token(TokenKind::kAt);
  Directive d;
  d.name = parse_name();
  d.arguments = parse_arguments(is_const);
  d.loc = finish(m);
  return d;
}

// Type : NamedType | ListType | NonNullType
void Parser::parse_type_reference(TypeRef& type) {
  Mark m = mark();
  if (peek(TokenKind::kBracketL)) {
    DepthGuard guard = enter_nested(TokenKind::kBracketL);
    advance_lexer();
    type.kind = TypeRef::Kind::kList;
    type.inner = Box<TypeRef>(TypeRef());
    parse_type_reference(*type.inner);
    expect_token(TokenKind::kBracketR);
    type.loc = finish(m);
  } else {
    type.kind = TypeRef::Kind::kNamed;
    type.name = parse_name();
    type.loc = type.name.loc;
  }
  if (expect_optional_token(TokenKind::kBang)) {
    Box<TypeRef> nullable(std::move(type));
    type = TypeRef();
    type.kind = TypeRef::Kind::kNonNull;
    type.inner = std::move(nullable);
    type.loc = finish(m);
  }
}

TypeRef Parser::parse_type_reference() {
  TypeRef t;
  parse_type_reference(t);
  return t;
}

// NamedType : Name
[[gnu::noinline]] NamedType Parser::parse_named_type() {
  Mark m = mark();
  NamedType t;
  t.name = parse_name();
  t.loc = finish(m);
  return t;
}

[[gnu::noinline]] Name Parser::parse_name() {
  if (!peek(TokenKind::kName)) throw_expected(TokenKind::kName);
  Mark m = mark();
  Name n;
  n.value = lexer_.take_value();
  advance_lexer();
  n.loc = finish(m);
  return n;
}

}  // namespace detail

ParseResult parse_document(std::string_view source, const ParseOptions& options) noexcept {
  ParseResult result;
  try {
    // Nested, so that running out of memory while reporting a syntax error
    // is caught too.
    try {
      if (source.size() > options.max_bytes) {
        throw SyntaxError{"Document contains more than " + std::to_string(options.max_bytes) +
                              " bytes. Parsing aborted.",
                          options.max_bytes};
      }
      detail::Parser parser(source, options);
      try {
        result.document = parser.parse_document();
      } catch (const SyntaxError&) {
        result.token_count = parser.token_count();
        throw;
      }
      result.token_count = parser.token_count();
    } catch (const SyntaxError& e) {
      result.document = Document();
      result.error = to_graphql_error(source, e);
    }
  } catch (...) {
    // std::bad_alloc (or a length_error from a gigantic string): report it
    // rather than unwind into the caller, which may be C code. The message
    // is short enough not to allocate.
    result.document = Document();
    result.error = GraphQLError{"Out of memory.", 1, 1, 0};
  }
  return result;
}

}  // namespace pg_gateway::graphql
