// Introspection (GraphQL spec 4, graphql-js 16's type/introspection.js):
// the __schema and __type fields of the query root, answered from the
// schema model without any data, with the JSON graphql-js 16.15 would
// produce for the same schema byte for byte (response keys in selection
// order, aliases, fragments, @skip/@include, includeDeprecated arguments,
// isOneOf, specifiedByURL, isRepeatable, directive deprecation fields).
//
// What graphql-js leaves to the schema's construction, and how it is fixed
// here (PostGraphile's choices, since its responses are the target):
//   - __Schema.types lists the type map in the order a GraphQLSchema built
//     from its root types discovers it (collectReferencedTypes): the query,
//     mutation and subscription types depth first, then the argument types
//     of every directive, then __Schema and the introspection types it
//     reaches. The five specified scalars appear where first reached;
//     types no root reaches are absent (and __type of them is null).
//   - __Schema.directives lists @include, @skip, @deprecated, @specifiedBy
//     and @oneOf first, then the schema's own directives in their order.
//   - defaultValue is InputValue::default_value verbatim: the model keeps
//     defaults as graphql-js prints them (astFromValue + print).
//   - The model has no @oneOf input objects and no deprecated directives:
//     isOneOf is false on input objects, __Directive.isDeprecated false.
#pragma once
#include "core/core_zone.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/graphql/error.hpp"
#include "core/graphql/execution/collect_fields.hpp"
#include "core/graphql/execution/variables.hpp"
#include "core/graphql/type_system.hpp"

namespace pg_gateway::graphql::exec {

// True for the query root's meta fields answered here: "__schema" and
// "__type". (__typename, valid on every object type, is the caller's: it is
// the parent's type name, "Query" on the root.)
bool is_introspection_root_field(std::string_view field_name);

// What introspection needs from a schema, computed once: the type map in
// order with a name index, the implementations of each interface, the
// directive list. Immutable and safe to share between threads; it refers
// to `schema`, which must outlive it. Build one per served schema.
class IntrospectionIndex {
 public:
  explicit IntrospectionIndex(const schema::Schema& schema);
  ~IntrospectionIndex();
  IntrospectionIndex(const IntrospectionIndex&) = delete;
  IntrospectionIndex& operator=(const IntrospectionIndex&) = delete;

  const schema::Schema& schema() const { return schema_; }
  // The names of __Schema.types, in order (for tests and diagnostics).
  std::vector<std::string> type_names() const;

  struct Data;  // defined in introspection.cpp
  const Data& data() const { return *data_; }

 private:
  const schema::Schema& schema_;
  std::unique_ptr<Data> data_;
};

// Resolves one field group of the query root whose field is __schema or
// __type (is_introspection_root_field) and returns its JSON value as text:
// an object, or "null" (__type of an unknown name, or a field error).
// `path` is the response path of the field ({response_key} on the root);
// field errors are appended to `errors` with their path, as graphql-js
// reports them. Returns nullopt when an error nulled the non-null __schema
// field: the null propagates to the root, so "data" must be null.
//
// Errors only arise from arguments graphql-js cannot coerce at execution
// (a variable given as null where Boolean! or String! is required), as
// getArgumentValues and @skip/@include report them.
std::optional<std::string> resolve_introspection_field(
    const IntrospectionIndex& index, const FieldGroup& group, const FragmentMap& fragments,
    const VariableValues& variables, std::vector<PathSegment> path, std::vector<Error>& errors);

// The same with an index built for this one call (the index costs about as
// much as introspecting every type once; keep one per schema when serving).
std::optional<std::string> resolve_introspection_field(
    const schema::Schema& schema, const FieldGroup& group, const FragmentMap& fragments,
    const VariableValues& variables, std::vector<PathSegment> path, std::vector<Error>& errors);

}  // namespace pg_gateway::graphql::exec
