// The GraphQL abstract syntax tree (GraphQL October 2021, Appendix B).
//
// The node types follow graphql-js's AST (language/ast.d.ts) closely, so the
// spec and graphql-js's documentation describe them too, but they are plain
// C++ value types: every node owns its children, is copyable and movable, and
// alternatives are std::variant (the *Kind enums name the variant indexes).
//
// Strings are UTF-8: names and the raw text of Int/Float values are copied
// from the source as written; string values (and descriptions) are decoded
// (escapes resolved, block strings dedented as BlockStringValue() says).
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace pg_gateway::graphql {

// Where a node is in the source: the position of its first token, and the
// byte range from the start of its first token to the end of its last one.
// line and column are 1-based and count like graphql-js does: lines end at
// \n, \r\n or a lone \r; columns count UTF-16 code units (a character
// outside the BMP counts two), so they match what JavaScript tooling shows.
struct Location {
  size_t line = 0;
  size_t column = 0;
  size_t start = 0;  // byte offset
  size_t end = 0;    // byte offset, exclusive
};

// A value-semantic owning pointer: copying a Box copies what it points to.
// Used where a node contains a node of its own type (list and non-null types).
template <typename T>
class Box {
 public:
  Box() = default;
  explicit Box(T value) : p_(std::make_unique<T>(std::move(value))) {}
  Box(const Box& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    if (this != &other) p_ = other.p_ ? std::make_unique<T>(*other.p_) : nullptr;
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  ~Box() = default;

  explicit operator bool() const { return p_ != nullptr; }
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  T* get() { return p_.get(); }
  const T* get() const { return p_.get(); }

 private:
  std::unique_ptr<T> p_;
};

struct Name {
  std::string value;
  Location loc;
};

// A description (a StringValue in front of a type system definition).
struct Description {
  std::string value;  // decoded
  bool block = false;
  Location loc;
};

enum class OperationType { kQuery, kMutation, kSubscription };

// "query", "mutation" or "subscription".
std::string_view operation_type_name(OperationType op);

// ---------------------------------------------------------------------------
// Values

struct Value;
struct ObjectField;

struct Variable {
  Name name;  // without the "$"
  Location loc;
};
struct IntValue {
  std::string raw;  // as written, e.g. "-0" or "123456789012345678901234567890"
};
struct FloatValue {
  std::string raw;  // as written, e.g. "1.5e-3"
};
struct StringValue {
  std::string value;  // decoded
  bool block = false;
};
struct BooleanValue {
  bool value = false;
};
struct NullValue {};
struct EnumValue {
  std::string value;
};
struct ListValue {
  std::vector<Value> values;
};
struct ObjectValue {
  std::vector<ObjectField> fields;
};

// The order of the alternatives of Value::node.
enum class ValueKind {
  kVariable,
  kInt,
  kFloat,
  kString,
  kBoolean,
  kNull,
  kEnum,
  kList,
  kObject,
};

struct Value {
  std::variant<Variable, IntValue, FloatValue, StringValue, BooleanValue, NullValue, EnumValue,
               ListValue, ObjectValue>
      node;
  Location loc;

  ValueKind kind() const { return static_cast<ValueKind>(node.index()); }
  template <typename T>
  const T* as() const {
    return std::get_if<T>(&node);
  }
  template <typename T>
  T* as() {
    return std::get_if<T>(&node);
  }
};

struct ObjectField {
  Name name;
  Value value;
  Location loc;
};

// ---------------------------------------------------------------------------
// Type references, arguments, directives

struct NamedType {
  Name name;
  Location loc;
};

// Type : NamedType | ListType | NonNullType
struct TypeRef {
  enum class Kind { kNamed, kList, kNonNull };
  Kind kind = Kind::kNamed;
  Name name;           // kNamed only
  Box<TypeRef> inner;  // kList and kNonNull: the list item or nullable type
  Location loc;
};

// Renders a type reference as GraphQL writes it, e.g. "[Int!]!".
std::string type_to_string(const TypeRef& type);

struct Argument {
  Name name;
  Value value;
  Location loc;
};

struct Directive {
  Name name;
  std::vector<Argument> arguments;
  Location loc;
};

// ---------------------------------------------------------------------------
// Executable definitions

struct Selection;

struct SelectionSet {
  std::vector<Selection> selections;  // never empty
  Location loc;
};

struct Field {
  std::optional<Name> alias;
  Name name;
  std::vector<Argument> arguments;
  std::vector<Directive> directives;
  std::optional<SelectionSet> selection_set;
  Location loc;
};

struct FragmentSpread {
  Name name;
  std::vector<Directive> directives;
  Location loc;
};

struct InlineFragment {
  std::optional<NamedType> type_condition;
  std::vector<Directive> directives;
  SelectionSet selection_set;
  Location loc;
};

enum class SelectionKind { kField, kFragmentSpread, kInlineFragment };

struct Selection {
  std::variant<Field, FragmentSpread, InlineFragment> node;

  SelectionKind kind() const { return static_cast<SelectionKind>(node.index()); }
  const Location& loc() const;
  template <typename T>
  const T* as() const {
    return std::get_if<T>(&node);
  }
};

struct VariableDefinition {
  Variable variable;
  TypeRef type;
  std::optional<Value> default_value;  // a constant value
  std::vector<Directive> directives;   // constant arguments only
  Location loc;
};

struct OperationDefinition {
  OperationType operation = OperationType::kQuery;
  std::optional<Name> name;  // absent for anonymous operations and the { ... } shorthand
  std::vector<VariableDefinition> variable_definitions;
  std::vector<Directive> directives;
  SelectionSet selection_set;
  Location loc;
};

struct FragmentDefinition {
  Name name;
  NamedType type_condition;
  std::vector<Directive> directives;
  SelectionSet selection_set;
  Location loc;
};

// ---------------------------------------------------------------------------
// Type system definitions and extensions. Every Value and Directive argument
// inside them is constant (the parser rejects variables).

struct OperationTypeDefinition {
  OperationType operation = OperationType::kQuery;
  NamedType type;
  Location loc;
};

struct SchemaDefinition {
  std::optional<Description> description;
  std::vector<Directive> directives;
  std::vector<OperationTypeDefinition> operation_types;
  Location loc;
};

struct ScalarTypeDefinition {
  std::optional<Description> description;
  Name name;
  std::vector<Directive> directives;
  Location loc;
};

struct InputValueDefinition {
  std::optional<Description> description;
  Name name;
  TypeRef type;
  std::optional<Value> default_value;
  std::vector<Directive> directives;
  Location loc;
};

struct FieldDefinition {
  std::optional<Description> description;
  Name name;
  std::vector<InputValueDefinition> arguments;
  TypeRef type;
  std::vector<Directive> directives;
  Location loc;
};

struct ObjectTypeDefinition {
  std::optional<Description> description;
  Name name;
  std::vector<NamedType> interfaces;
  std::vector<Directive> directives;
  std::vector<FieldDefinition> fields;
  Location loc;
};

struct InterfaceTypeDefinition {
  std::optional<Description> description;
  Name name;
  std::vector<NamedType> interfaces;
  std::vector<Directive> directives;
  std::vector<FieldDefinition> fields;
  Location loc;
};

struct UnionTypeDefinition {
  std::optional<Description> description;
  Name name;
  std::vector<Directive> directives;
  std::vector<NamedType> types;
  Location loc;
};

struct EnumValueDefinition {
  std::optional<Description> description;
  Name name;
  std::vector<Directive> directives;
  Location loc;
};

struct EnumTypeDefinition {
  std::optional<Description> description;
  Name name;
  std::vector<Directive> directives;
  std::vector<EnumValueDefinition> values;
  Location loc;
};

struct InputObjectTypeDefinition {
  std::optional<Description> description;
  Name name;
  std::vector<Directive> directives;
  std::vector<InputValueDefinition> fields;
  Location loc;
};

struct DirectiveDefinition {
  std::optional<Description> description;
  Name name;  // without the "@"
  std::vector<InputValueDefinition> arguments;
  bool repeatable = false;
  std::vector<Name> locations;  // e.g. FIELD, FRAGMENT_SPREAD (all checked to be valid)
  Location loc;
};

struct SchemaExtension {
  std::vector<Directive> directives;
  std::vector<OperationTypeDefinition> operation_types;
  Location loc;
};

struct ScalarTypeExtension {
  Name name;
  std::vector<Directive> directives;
  Location loc;
};

struct ObjectTypeExtension {
  Name name;
  std::vector<NamedType> interfaces;
  std::vector<Directive> directives;
  std::vector<FieldDefinition> fields;
  Location loc;
};

struct InterfaceTypeExtension {
  Name name;
  std::vector<NamedType> interfaces;
  std::vector<Directive> directives;
  std::vector<FieldDefinition> fields;
  Location loc;
};

struct UnionTypeExtension {
  Name name;
  std::vector<Directive> directives;
  std::vector<NamedType> types;
  Location loc;
};

struct EnumTypeExtension {
  Name name;
  std::vector<Directive> directives;
  std::vector<EnumValueDefinition> values;
  Location loc;
};

struct InputObjectTypeExtension {
  Name name;
  std::vector<Directive> directives;
  std::vector<InputValueDefinition> fields;
  Location loc;
};

// The order of the alternatives of Definition::node.
enum class DefinitionKind {
  kOperation,
  kFragment,
  kSchema,
  kScalarType,
  kObjectType,
  kInterfaceType,
  kUnionType,
  kEnumType,
  kInputObjectType,
  kDirective,
  kSchemaExtension,
  kScalarTypeExtension,
  kObjectTypeExtension,
  kInterfaceTypeExtension,
  kUnionTypeExtension,
  kEnumTypeExtension,
  kInputObjectTypeExtension,
};

// graphql-js's Kind for a definition, e.g. "OperationDefinition".
std::string_view definition_kind_name(DefinitionKind kind);

struct Definition {
  std::variant<OperationDefinition, FragmentDefinition, SchemaDefinition, ScalarTypeDefinition,
               ObjectTypeDefinition, InterfaceTypeDefinition, UnionTypeDefinition,
               EnumTypeDefinition, InputObjectTypeDefinition, DirectiveDefinition, SchemaExtension,
               ScalarTypeExtension, ObjectTypeExtension, InterfaceTypeExtension, UnionTypeExtension,
               EnumTypeExtension, InputObjectTypeExtension>
      node;

  DefinitionKind kind() const { return static_cast<DefinitionKind>(node.index()); }
  bool is_executable() const {
    return kind() == DefinitionKind::kOperation || kind() == DefinitionKind::kFragment;
  }
  const Location& loc() const;
  template <typename T>
  const T* as() const {
    return std::get_if<T>(&node);
  }
};

struct Document {
  std::vector<Definition> definitions;  // never empty after a successful parse
  Location loc;                         // the whole source
};

}  // namespace pg_gateway::graphql
