// A schema::Schema from SDL text: graphql-js 16's buildASTSchema over our
// parser. Tests use it to stand up schemas (PostGraphile's printed schema,
// small hand-written ones) without a catalog; the built-in scalars and
// introspection types (builtin_types.hpp) use it for their own definitions.
//
// What it keeps: types, fields, arguments with default values, descriptions,
// interfaces, unions, enums, input objects, directive definitions, the
// @deprecated reasons, @specifiedBy URLs, the schema definition (or the
// default Query/Mutation/Subscription names) and type extensions, merged
// into the types they extend. Like schema_builder, it does not add the five
// specified scalars (Int, Float, String, Boolean, ID) as types: they are
// known implicitly (builtin_types.hpp), and SDL may reference them freely.
//
// Default values are stored as graphql-js prints them after building: the
// literal is coerced to the argument's type and printed back (so
// `orderBy: [X!] = X` is stored as "[X]", `Float = 1.0` as "1"), and an
// invalid default is dropped, as valueFromAST + astFromValue do.
#pragma once
#include "core/core_zone.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

#include "core/graphql/type_system.hpp"

namespace pg_gateway::graphql {

// Thrown for SDL that does not parse, references an unknown type, or
// defines a type twice. The message says what and where.
class SdlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SdlOptions {
  // Keep definitions of @include, @skip, @deprecated, @specifiedBy and
  // @oneOf in Schema::directives (normally dropped: they are implicit).
  // builtin_types.cpp uses it to read graphql-js's own definitions.
  bool keep_specified_directives = false;
};

schema::Schema schema_from_sdl(std::string_view sdl, const SdlOptions& options = SdlOptions());

}  // namespace pg_gateway::graphql
