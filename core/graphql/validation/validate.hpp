// Validation of an executable document against a schema (GraphQL spec
// section 5): every rule of graphql-js 16.15's specifiedRules, with its
// messages, locations and error order.
//
// graphql-js runs all rules in one parallel visit of the document, so the
// errors come out in document order, and at any one node in the order of
// specifiedRules (ExecutableDefinitions, UniqueOperationNames, ...,
// UniqueInputFieldNames, MaxIntrospectionDepth). That order is reproduced:
// a client (or a test) comparing responses with PostGraphile's sees the
// same list. Like graphql-js, validation stops after max_errors errors with
// "Too many validation errors, error limit reached. Validation aborted."
// and when its work budgets run out (fragment expansion: 50,000 units;
// field-conflict comparisons: 500,000) with "Validation aborted.".
//
// Type-system definitions in the document are reported by
// ExecutableDefinitions and, as in graphql-js, still walked by the other
// rules (an unknown directive on them is reported too).
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <vector>

#include "core/graphql/ast.hpp"
#include "core/graphql/error.hpp"
#include "core/graphql/type_system.hpp"

namespace pg_gateway::graphql::validation {

struct ValidateOptions {
  size_t max_errors = 100;
  bool hide_suggestions = false;  // graphql-js's hideSuggestions: no "Did you mean"
};

// The validation errors (empty when the document is valid). Errors carry
// locations, never a path. Throws only std::bad_alloc.
std::vector<Error> validate(const schema::Schema& schema, const Document& document,
                            const ValidateOptions& options = ValidateOptions());

}  // namespace pg_gateway::graphql::validation
