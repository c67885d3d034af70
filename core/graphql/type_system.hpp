// The GraphQL type system as data (what a schema *is*, independent of how
// it was built), and the SDL printer.
//
// print_schema() produces exactly what graphql-js 16's printSchema() prints
// for the same schema: types in the order graphql-js discovers them (depth
// first from the root types, interfaces before fields, field types before
// argument types), built-in scalars and introspection types left out,
// descriptions as block strings by graphql-js's rules. PostGraphile's
// printed schema is the compatibility target, so this order and format
// are part of the contract.
#pragma once
#include "core/core_zone.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg_gateway::graphql::schema {

// A type reference: a named type wrapped in lists and non-nulls.
// [Post!]! is {name "Post", wrappers {kNonNull, kList, kNonNull}} (outermost first).
struct TypeRef {
  enum class Wrapper : char { kList, kNonNull };
  std::string name;
  std::vector<Wrapper> wrappers;

  static TypeRef named(std::string n) { return TypeRef{std::move(n), {}}; }
  TypeRef non_null() const;
  TypeRef list() const;
  bool is_non_null() const { return !wrappers.empty() && wrappers.front() == Wrapper::kNonNull; }
  std::string to_string() const;  // "[Post!]!"
};

struct InputValue {
  std::string name;
  std::optional<std::string> description;
  TypeRef type;
  std::optional<std::string>
      default_value;  // already printed GraphQL literal, e.g. "[PRIMARY_KEY_ASC]"
  std::optional<std::string> deprecation_reason;
};

struct Field {
  std::string name;
  std::optional<std::string> description;
  std::vector<InputValue> args;
  TypeRef type;
  std::optional<std::string> deprecation_reason;
};

struct EnumValue {
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> deprecation_reason;
};

struct NamedType {
  enum class Kind { kScalar, kObject, kInterface, kUnion, kEnum, kInputObject };
  Kind kind = Kind::kObject;
  std::string name;
  std::optional<std::string> description;
  std::vector<Field> fields;                    // object, interface
  std::vector<std::string> interfaces;          // object, interface
  std::vector<std::string> members;             // union
  std::vector<EnumValue> values;                // enum
  std::vector<InputValue> input_fields;         // input object
  std::optional<std::string> specified_by_url;  // scalar
  // A scalar that coerces input like another one (a domain's scalar, e.g.
  // Email, coerces as its base type's String); empty: as itself.
  std::string coerce_as;

  const Field* field(std::string_view n) const;
};

struct Directive {
  std::string name;
  std::optional<std::string> description;
  std::vector<InputValue> args;
  bool repeatable = false;
  std::vector<std::string> locations;
};

class Schema {
 public:
  std::optional<std::string> description;
  std::string query_type = "Query";
  std::optional<std::string> mutation_type;
  std::optional<std::string> subscription_type;

  // Adds a type; a later type with the same name replaces the earlier one.
  void add(NamedType type);
  const NamedType* find(std::string_view name) const;
  // Directives besides the specified ones (@include, @skip, @deprecated, @specifiedBy).
  std::vector<Directive> directives;

  // Every type graphql-js's schema would hold, in its discovery order; types
  // never referenced from a root are not included (graphql-js drops them).
  std::vector<const NamedType*> types_in_order() const;

 private:
  std::vector<NamedType> types_;
  std::map<std::string, size_t, std::less<>> index_;
};

// True for String, Int, Float, Boolean and ID.
bool is_specified_scalar(std::string_view name);

// graphql-js printSchema().
std::string print_schema(const Schema& schema);
// One type as printSchema() prints it (description included).
std::string print_type(const NamedType& type);

// graphql-js printBlockString() / printString() for a description or value.
std::string print_block_string(std::string_view value);
std::string print_string(std::string_view value);
bool is_printable_as_block_string(std::string_view value);

}  // namespace pg_gateway::graphql::schema
