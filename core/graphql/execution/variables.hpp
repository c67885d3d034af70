// Values shared by every step of execution after variable coercion.
//
// Coerced input values are json::Value in the form the spec's coercion
// produces: Int and Float numbers, String and ID strings, Boolean, an enum
// as its value name (a string), a custom scalar as that scalar's input
// coercion made it (PostGraphile's BigInt, BigFloat, Datetime, UUID and
// Cursor are strings, JSON any JSON value), a list as an array, an input
// object as an object holding only the fields that were given or have a
// default. A variable that was not provided and has no default is absent
// from the map; one provided as null is present with a JSON null.
#pragma once
#include "core/core_zone.hpp"

#include <functional>
#include <map>
#include <string>

#include "core/graphql/ast.hpp"
#include "core/json/json_value.hpp"

namespace pg_gateway::graphql::exec {

using VariableValues = std::map<std::string, json::Value, std::less<>>;

// The document's fragments by name (pointers into the document).
using FragmentMap = std::map<std::string, const FragmentDefinition*, std::less<>>;

}  // namespace pg_gateway::graphql::exec
