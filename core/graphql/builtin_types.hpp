// The types and directives every GraphQL schema has without declaring
// them: the five specified scalars, the introspection types (__Schema,
// __Type, ...), the specified directives (@include, @skip, @deprecated,
// @specifiedBy, @oneOf) and the meta fields __schema, __type and
// __typename. schema::Schema stores none of them; validation, execution
// and introspection look them up here, so there is one definition.
//
// The definitions are graphql-js 16.15's (printIntrospectionSchema and
// specifiedScalarTypes), descriptions included: introspection shows them.
#pragma once
#include "core/core_zone.hpp"

#include <string_view>
#include <vector>

#include "core/graphql/type_system.hpp"

namespace pg_gateway::graphql {

// A specified scalar or an introspection type by name, else nullptr.
const schema::NamedType* builtin_type(std::string_view name);

// @include, @skip, @deprecated, @specifiedBy, @oneOf, in graphql-js's order.
const std::vector<schema::Directive>& specified_directives();

// The schema's type, else the built-in one, else nullptr.
const schema::NamedType* find_type(const schema::Schema& schema, std::string_view name);

// A specified directive, else the schema's own, else nullptr.
const schema::Directive* find_directive(const schema::Schema& schema, std::string_view name);

// The meta fields: __typename on any object, interface or union type;
// __schema and __type on the query root type only. nullptr otherwise.
const schema::Field* meta_field(const schema::Schema& schema, const schema::NamedType& parent,
                                std::string_view field_name);

// graphql-js getFieldDef: a meta field, else the type's own field (object
// and interface types), else nullptr.
const schema::Field* find_field(const schema::Schema& schema, const schema::NamedType& parent,
                                std::string_view field_name);

}  // namespace pg_gateway::graphql
