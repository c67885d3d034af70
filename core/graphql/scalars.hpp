// Input coercion of leaf types (scalars and enums), and the JavaScript
// renderings that error messages are made of.
//
// graphql-js decides validity and messages of input values through each
// leaf type's parseValue (for a variable's JSON value) and parseLiteral (for
// a literal in the document). The specified scalars behave as graphql-js 16
// defines them; PostGraphile v5's scalars as its codecs do
// (graphile-build's stringTypeSpec and CommonTypesPlugin): BigInt, BigFloat,
// Datetime, Date, Time, Cursor, ... accept any string literal and turn any
// variable value into a string; UUID checks the form; JSON takes anything.
// A domain scalar is a copy of its base type's codec, including the base
// name inside its messages ("BigInt can only parse string values ...").
//
// How a failure is reported depends on what the JavaScript code threw, so
// a result keeps that distinction (see LeafResult::Status).
#pragma once
#include "core/core_zone.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/graphql/ast.hpp"
#include "core/graphql/type_system.hpp"
#include "core/json/json_value.hpp"

namespace pg_gateway::graphql::scalars {

// ---------------------------------------------------------------------------
// JavaScript renderings

// Number.prototype.toString() of a double: "1", "1.5", "1e+21", "1e-7",
// "NaN", "Infinity", "-0" prints "0".
std::string format_js_number(double value);

// A JSON number's text as the JavaScript number JSON.parse makes of it.
double json_number_value(const std::string& text);

// JSON.stringify of a string (how JavaScript quotes strings in messages).
std::string js_quote(std::string_view s);

// An object's members in JavaScript's order after JSON.parse: a duplicated
// key keeps its first position and its last value, and keys that are array
// indices ("0", "17") come first in ascending order.
std::vector<std::pair<std::string_view, const json::Value*>> js_object_entries(
    const json::Value& object);

// graphql-js inspect() of a JSON value (a variable's value in a message).
std::string inspect(const json::Value& value);

// graphql-js print() of a value literal, e.g. {a: [1, "x"], b: $v}.
std::string print_value(const Value& literal);

// ---------------------------------------------------------------------------
// Scalar codecs

enum class Codec : uint8_t {
  kInt,
  kFloat,
  kString,
  kBoolean,
  kId,
  kPgString,  // graphile-build stringTypeSpec without a coercion (BigInt, Datetime, Cursor, ...)
  kPgUuid,    // stringTypeSpec with the UUID check
  kPgJson,    // CommonTypesPlugin's JSON (any value)
  kGeoJson,   // pg_gateway's GeoJSON: an object with a string "type" member
  kPgInt,     // intTypeSpec (Oid)
  kCustom,    // graphql-js's defaults for a scalar nobody defined behaviour for
};

struct ScalarCodec {
  Codec codec = Codec::kCustom;
  std::string name;  // the name the codec's messages use (a domain's base scalar)
};

// The codec of the scalar type `scalar_name`. `base_name` is the scalar a
// PostGraphile domain scalar copies (empty when it is not a domain); an
// unknown name with no base gets kCustom, graphql-js's default behaviour.
ScalarCodec codec_for(std::string_view scalar_name, std::string_view base_name = {});

// The codec of a scalar type of a schema. The one place that decides it
// for validation and coercion alike. (schema::NamedType does not record
// which scalar a domain scalar copies yet, so a domain scalar coerces with
// graphql-js's default behaviour until it does.)
ScalarCodec codec_of(const schema::NamedType& scalar);

// What a parseValue / parseLiteral call did, in graphql-js's terms, since
// callers word their errors by it:
//   kOk            the coerced value (in execution/variables.hpp's form);
//   kError         threw a GraphQLError without a node (reported as is);
//   kErrorAtNode   threw a GraphQLError for the literal (carries its location);
//   kPlainError    threw an ordinary Error (callers prefix their own text);
//   kUndefined     returned undefined (callers say "Expected value of type").
struct LeafResult {
  enum class Status { kOk, kError, kErrorAtNode, kPlainError, kUndefined };
  Status status = Status::kOk;
  json::Value value;
  std::string message;

  bool ok() const { return status == Status::kOk; }
};

using VariableMap = std::map<std::string, json::Value, std::less<>>;

// parseValue: a variable's (non-null) JSON value.
LeafResult parse_value(const ScalarCodec& codec, const json::Value& input);

// parseLiteral: a (non-null, non-variable) literal. `variables` is what
// graphql-js passes along (nullptr during validation); only JSON looks
// into it, for variables nested inside its object and list literals.
LeafResult parse_literal(const ScalarCodec& codec, const Value& literal,
                         const VariableMap* variables);

// GraphQLEnumType.parseValue / parseLiteral. The coerced value is the
// value's name; suggestions name the enum's values unless hidden.
LeafResult parse_enum_value(const schema::NamedType& enum_type, const json::Value& input,
                            bool hide_suggestions = false);
LeafResult parse_enum_literal(const schema::NamedType& enum_type, const Value& literal,
                              bool hide_suggestions = false);

}  // namespace pg_gateway::graphql::scalars
