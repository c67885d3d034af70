// Type system definitions and extensions (GraphQL October 2021, Appendix
// B.2 from "TypeSystemDefinition" on). See parser_impl.hpp.
#include <array>
#include <utility>

#include "core/graphql/parser_impl.hpp"

namespace pg_gateway::graphql::detail {

namespace {

// ExecutableDirectiveLocation and TypeSystemDirectiveLocation.
constexpr std::array<std::string_view, 19> kDirectiveLocations = {
    "QUERY",
    "MUTATION",
    "SUBSCRIPTION",
    "FIELD",
    "FRAGMENT_DEFINITION",
    "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
    "SCHEMA",
    "SCALAR",
    "OBJECT",
    "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION",
    "INTERFACE",
    "UNION",
    "ENUM",
    "ENUM_VALUE",
    "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION",
};

}  // namespace

bool Parser::peek_description() const {
  return peek(TokenKind::kString) || peek(TokenKind::kBlockString);
}

// Description : StringValue
std::optional<Description> Parser::parse_description() {
  if (!peek_description()) return std::nullopt;
  Mark m = mark();
  Description d;
  d.block = peek(TokenKind::kBlockString);
  d.value = lexer_.take_value();
  advance_lexer();
  d.loc = finish(m);
  return d;
}

// SchemaDefinition : Description? schema Directives[Const]? { OperationTypeDefinition+ }
SchemaDefinition Parser::parse_schema_definition() {
  Mark m = mark();
  SchemaDefinition s;
  s.description = parse_description();
  expect_keyword("schema");
  s.directives = parse_directives(true);
  s.operation_types = many(
      TokenKind::kBraceL, [this] { return parse_operation_type_definition(); }, TokenKind::kBraceR);
  s.loc = finish(m);
  return s;
}

// OperationTypeDefinition : OperationType : NamedType
OperationTypeDefinition Parser::parse_operation_type_definition() {
  Mark m = mark();
  OperationTypeDefinition d;
  d.operation = parse_operation_type();
  expect_token(TokenKind::kColon);
  d.type = parse_named_type();
  d.loc = finish(m);
  return d;
}

// ScalarTypeDefinition : Description? scalar Name Directives[Const]?
ScalarTypeDefinition Parser::parse_scalar_type_definition() {
  Mark m = mark();
  ScalarTypeDefinition d;
  d.description = parse_description();
  expect_keyword("scalar");
  d.name = parse_name();
  d.directives = parse_directives(true);
  d.loc = finish(m);
  return d;
}

// ObjectTypeDefinition :
//   Description? type Name ImplementsInterfaces? Directives[Const]? FieldsDefinition?
ObjectTypeDefinition Parser::parse_object_type_definition() {
  Mark m = mark();
  ObjectTypeDefinition d;
  d.description = parse_description();
  expect_keyword("type");
  d.name = parse_name();
  d.interfaces = parse_implements_interfaces();
  d.directives = parse_directives(true);
  d.fields = parse_fields_definition();
  d.loc = finish(m);
  return d;
}

// ImplementsInterfaces : implements `&`? NamedType | ImplementsInterfaces & NamedType
std::vector<NamedType> Parser::parse_implements_interfaces() {
  if (!expect_optional_keyword("implements")) return {};
  return delimited_many(TokenKind::kAmp, [this] { return parse_named_type(); });
}

// FieldsDefinition : { FieldDefinition+ }
std::vector<FieldDefinition> Parser::parse_fields_definition() {
  return optional_many(
      TokenKind::kBraceL, [this] { return parse_field_definition(); }, TokenKind::kBraceR);
}

// FieldDefinition : Description? Name ArgumentsDefinition? : Type Directives[Const]?
FieldDefinition Parser::parse_field_definition() {
  Mark m = mark();
  FieldDefinition d;
  d.description = parse_description();
  d.name = parse_name();
  d.arguments = parse_argument_defs();
  expect_token(TokenKind::kColon);
  d.type = parse_type_reference();
  d.directives = parse_directives(true);
  d.loc = finish(m);
  return d;
}

// ArgumentsDefinition : ( InputValueDefinition+ )
std::vector<InputValueDefinition> Parser::parse_argument_defs() {
  return optional_many(
      TokenKind::kParenL, [this] { return parse_input_value_def(); }, TokenKind::kParenR);
}

// InputValueDefinition : Description? Name : Type DefaultValue? Directives[Const]?
InputValueDefinition Parser::parse_input_value_def() {
  Mark m = mark();
  InputValueDefinition d;
  d.description = parse_description();
  d.name = parse_name();
  expect_token(TokenKind::kColon);
  d.type = parse_type_reference();
  if (expect_optional_token(TokenKind::kEquals)) d.default_value = parse_value_literal(true);
  d.directives = parse_directives(true);
  d.loc = finish(m);
  return d;
}

// InterfaceTypeDefinition :
//   Description? interface Name ImplementsInterfaces? Directives[Const]? FieldsDefinition?
InterfaceTypeDefinition Parser::parse_interface_type_definition() {
  Mark m = mark();
  InterfaceTypeDefinition d;
  d.description = parse_description();
  expect_keyword("interface");
  d.name = parse_name();
  d.interfaces = parse_implements_interfaces();
  d.directives = parse_directives(true);
  d.fields = parse_fields_definition();
  d.loc = finish(m);
  return d;
}

// UnionTypeDefinition : Description? union Name Directives[Const]? UnionMemberTypes?
UnionTypeDefinition Parser::parse_union_type_definition() {
  Mark m = mark();
  UnionTypeDefinition d;
  d.description = parse_description();
  expect_keyword("union");
  d.name = parse_name();
  d.directives = parse_directives(true);
  d.types = parse_union_member_types();
  d.loc = finish(m);
  return d;
}

// UnionMemberTypes : = `|`? NamedType | UnionMemberTypes | NamedType
std::vector<NamedType> Parser::parse_union_member_types() {
  if (!expect_optional_token(TokenKind::kEquals)) return {};
  return delimited_many(TokenKind::kPipe, [this] { return parse_named_type(); });
}

// EnumTypeDefinition : Description? enum Name Directives[Const]? EnumValuesDefinition?
EnumTypeDefinition Parser::parse_enum_type_definition() {
  Mark m = mark();
  EnumTypeDefinition d;
  d.description = parse_description();
  expect_keyword("enum");
  d.name = parse_name();
  d.directives = parse_directives(true);
  d.values = parse_enum_values_definition();
  d.loc = finish(m);
  return d;
}

// EnumValuesDefinition : { EnumValueDefinition+ }
std::vector<EnumValueDefinition> Parser::parse_enum_values_definition() {
  return optional_many(
      TokenKind::kBraceL, [this] { return parse_enum_value_definition(); }, TokenKind::kBraceR);
}

// EnumValueDefinition : Description? EnumValue Directives[Const]?
EnumValueDefinition Parser::parse_enum_value_definition() {
  Mark m = mark();
  EnumValueDefinition d;
  d.description = parse_description();
  d.name = parse_enum_value_name();
  d.directives = parse_directives(true);
  d.loc = finish(m);
  return d;
}

// EnumValue : Name but not `true`, `false` or `null`
Name Parser::parse_enum_value_name() {
  const Token& t = token();
  if (t.has_value() && (t.value == "true" || t.value == "false" || t.value == "null")) {
    throw SyntaxError{describe_token(t) + " is reserved and cannot be used for an enum value.",
                      t.start};
  }
  return parse_name();
}

// InputObjectTypeDefinition :
//   Description? input Name Directives[Const]? InputFieldsDefinition?
InputObjectTypeDefinition Parser::parse_input_object_type_definition() {
  Mark m = mark();
  InputObjectTypeDefinition d;
  d.description = parse_description();
  expect_keyword("input");
  d.name = parse_name();
  d.directives = parse_directives(true);
  d.fields = parse_input_fields_definition();
  d.loc = finish(m);
  return d;
}

// InputFieldsDefinition : { InputValueDefinition+ }
std::vector<InputValueDefinition> Parser::parse_input_fields_definition() {
  return optional_many(
      TokenKind::kBraceL, [this] { return parse_input_value_def(); }, TokenKind::kBraceR);
}

// TypeSystemExtension : SchemaExtension | TypeExtension
Definition Parser::parse_type_system_extension() {
  const Token& keyword = lexer_.lookahead();
  if (keyword.kind == TokenKind::kName) {
    const std::string& k = keyword.value;
    if (k == "schema") return Definition{parse_schema_extension()};
    if (k == "scalar") return Definition{parse_scalar_type_extension()};
    if (k == "type") return Definition{parse_object_type_extension()};
    if (k == "interface") return Definition{parse_interface_type_extension()};
    if (k == "union") return Definition{parse_union_type_extension()};
    if (k == "enum") return Definition{parse_enum_type_extension()};
    if (k == "input") return Definition{parse_input_object_type_extension()};
  }
  unexpected(keyword);
}

// SchemaExtension : extend schema Directives[Const]? { OperationTypeDefinition+ }
//                 | extend schema Directives[Const]
SchemaExtension Parser::parse_schema_extension() {
  Mark m = mark();
  expect_keyword("extend");
  expect_keyword("schema");
  SchemaExtension e;
  e.directives = parse_directives(true);
  e.operation_types = optional_many(
      TokenKind::kBraceL, [this] { return parse_operation_type_definition(); }, TokenKind::kBraceR);
  if (e.directives.empty() && e.operation_types.empty()) unexpected();
  e.loc = finish(m);
  return e;
}

// ScalarTypeExtension : extend scalar Name Directives[Const]
ScalarTypeExtension Parser::parse_scalar_type_extension() {
  Mark m = mark();
  expect_keyword("extend");
  expect_keyword("scalar");
  ScalarTypeExtension e;
  e.name = parse_name();
  e.directives = parse_directives(true);
  if (e.directives.empty()) unexpected();
  e.loc = finish(m);
  return e;
}

// ObjectTypeExtension :
//   extend type Name ImplementsInterfaces? Directives[Const]? FieldsDefinition
//   extend type Name ImplementsInterfaces? Directives[Const]
//   extend type Name ImplementsInterfaces
ObjectTypeExtension Parser::parse_object_type_extension() {
  Mark m = mark();
  expect_keyword("extend");
  expect_keyword("type");
  ObjectTypeExtension e;
  e.name = parse_name();
  e.interfaces = parse_implements_interfaces();
  e.directives = parse_directives(true);
  e.fields = parse_fields_definition();
  if (e.interfaces.empty() && e.directives.empty() && e.fields.empty()) unexpected();
  e.loc = finish(m);
  return e;
}

// InterfaceTypeExtension: as ObjectTypeExtension, with `interface`.
InterfaceTypeExtension Parser::parse_interface_type_extension() {
  Mark m = mark();
  expect_keyword("extend");
  expect_keyword("interface");
  InterfaceTypeExtension e;
  e.name = parse_name();
  e.interfaces = parse_implements_interfaces();
  e.directives = parse_directives(true);
  e.fields = parse_fields_definition();
  if (e.interfaces.empty() && e.directives.empty() && e.fields.empty()) unexpected();
  e.loc = finish(m);
  return e;
}

// UnionTypeExtension : extend union Name Directives[Const]? UnionMemberTypes
//                    | extend union Name Directives[Const]
UnionTypeExtension Parser::parse_union_type_extension() {
  Mark m = mark();
  expect_keyword("extend");
  expect_keyword("union");
  UnionTypeExtension e;
  e.name = parse_name();
  e.directives = parse_directives(true);
  e.types = parse_union_member_types();
  if (e.directives.empty() && e.types.empty()) unexpected();
  e.loc = finish(m);
  return e;
}

// EnumTypeExtension : extend enum Name Directives[Const]? EnumValuesDefinition
//                   | extend enum Name Directives[Const]
EnumTypeExtension Parser::parse_enum_type_extension() {
  Mark m = mark();
  expect_keyword("extend");
  expect_keyword("enum");
  EnumTypeExtension e;
  e.name = parse_name();
  e.directives = parse_directives(true);
  e.values = parse_enum_values_definition();
  if (e.directives.empty() && e.values.empty()) unexpected();
  e.loc = finish(m);
  return e;
}

// InputObjectTypeExtension : extend input Name Directives[Const]? InputFieldsDefinition
//                          | extend input Name Directives[Const]
InputObjectTypeExtension Parser::parse_input_object_type_extension() {
  Mark m = mark();
  expect_keyword("extend");
  expect_keyword("input");
  InputObjectTypeExtension e;
  e.name = parse_name();
  e.directives = parse_directives(true);
  e.fields = parse_input_fields_definition();
  if (e.directives.empty() && e.fields.empty()) unexpected();
  e.loc = finish(m);
  return e;
}

// DirectiveDefinition :
//   Description? directive @ Name ArgumentsDefinition? `repeatable`? on DirectiveLocations
DirectiveDefinition Parser::parse_directive_definition() {
  Mark m = mark();
  DirectiveDefinition d;
  d.description = parse_description();
  expect_keyword("directive");
  expect_token(TokenKind::kAt);
  d.name = parse_name();
  d.arguments = parse_argument_defs();
  d.repeatable = expect_optional_keyword("repeatable");
  expect_keyword("on");
  // DirectiveLocations : `|`? DirectiveLocation | DirectiveLocations | DirectiveLocation
  d.locations = delimited_many(TokenKind::kPipe, [this] { return parse_directive_location(); });
  d.loc = finish(m);
  return d;
}

// DirectiveLocation : ExecutableDirectiveLocation | TypeSystemDirectiveLocation
Name Parser::parse_directive_location() {
  Name name = parse_name();
  for (std::string_view l : kDirectiveLocations)
    if (name.value == l) return name;
  throw SyntaxError{"Unexpected Name \"" + name.value + "\".", name.loc.start};
}

}  // namespace pg_gateway::graphql::detail
