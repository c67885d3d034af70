// The validation rules as one set of walk hooks. Each hook runs the rules
// that look at that kind of node in graphql-js's specifiedRules order,
// which is what makes the errors come out in graphql-js's order; the rules
// themselves are spread over rules_*.cpp and overlapping_fields.cpp by
// what they check.
#pragma once
#include "core/core_zone.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/graphql/validation/context.hpp"
#include "core/graphql/validation/walker.hpp"

namespace pg_gateway::graphql::validation {

class OverlappingFieldsRule;  // overlapping_fields.hpp

// A directive as the directive rules need it: from the schema (and the
// specified ones) or from a directive definition in the document itself.
struct DirectiveFacts {
  std::vector<std::string_view> locations;
  bool repeatable = false;
  std::vector<std::string_view> args;                              // names, first occurrence order
  std::vector<std::pair<std::string_view, std::string>> required;  // name, printed type
};

class Rules : public NoHooks {
 public:
  Rules(Context& context, TypeInfo& type_info);
  ~Rules();

  // ---- hooks, dispatching in specifiedRules order (validate.cpp) ----
  void enter_document(const Document& doc);
  void leave_document(const Document& doc);
  void enter_operation(const OperationDefinition& op);
  void leave_operation(const OperationDefinition& op);
  bool enter_variable_definition(const VariableDefinition& def);
  void enter_selection_set(const SelectionSet& set, bool parent_is_inline_fragment);
  void enter_field(const Field& field);
  void leave_field(const Field& field);
  void enter_fragment_spread(const FragmentSpread& spread);
  void enter_inline_fragment(const InlineFragment& fragment);
  void enter_fragment_definition(const FragmentDefinition& fragment);
  void enter_directive(const Directive& directive, std::string_view location);
  void leave_directive(const Directive& directive);
  void enter_argument(const Argument& argument);
  void enter_value(const Value& value);
  void leave_value(const Value& value);
  void enter_object_field(const ObjectField& field);
  void enter_named_type(const graphql::NamedType& type, bool in_type_system_definition);
  void enter_type_system_directives(const std::vector<Directive>& directives, DirectiveScope scope,
                                    std::string_view type_name);

 private:
  // ---- rules_documents.cpp: operations and fragments ----
  void executable_definitions(const Document& doc);
  void unique_operation_names(const OperationDefinition& op);
  void lone_anonymous_operation(const OperationDefinition& op);
  void single_field_subscriptions(const OperationDefinition& op);
  void unique_fragment_names(const FragmentDefinition& fragment);
  void known_fragment_names(const FragmentSpread& spread);
  void no_unused_fragments(const Document& doc);
  void no_fragment_cycles(const FragmentDefinition& fragment);
  void max_introspection_depth(const Field& field);
  bool introspection_too_deep(const Field& root);

  // ---- rules_types.cpp: what types allow ----
  void known_type_names(const graphql::NamedType& type, bool in_type_system_definition);
  void fragment_on_composite_type(const graphql::NamedType& condition, const Name* fragment_name);
  void variables_are_input_types(const VariableDefinition& def);
  void scalar_leafs(const Field& field);
  void fields_on_correct_type(const Field& field);
  std::vector<std::string> suggested_type_names(const NamedType& type, std::string_view field);
  void possible_inline_fragment(const InlineFragment& fragment);
  void possible_fragment_spread(const FragmentSpread& spread);

  // ---- rules_variables.cpp ----
  void unique_variable_names(const OperationDefinition& op);
  void no_undefined_variables(const OperationDefinition& op);
  void no_unused_variables(const OperationDefinition& op);
  void variables_in_allowed_position(const OperationDefinition& op);

  // ---- rules_arguments.cpp: directives, arguments and values ----
  const DirectiveFacts* directive_facts(std::string_view name);
  void known_directives(const Directive& directive, std::string_view location);
  void unique_directives_per_location(const std::vector<Directive>& directives,
                                      std::map<std::string_view, const Directive*>& seen);
  void unique_directives_per_location(const std::vector<Directive>& directives);
  void known_argument_names_on_directive(const Directive& directive);
  void known_argument_names(const Argument& argument);
  void unique_argument_names(const std::vector<Argument>& arguments);
  void provided_required_arguments(const Field& field);
  void provided_required_arguments_on_directive(const Directive& directive);
  void values_of_correct_type(const Value& value);
  void values_of_correct_type(const ObjectField& field);
  void check_leaf_value(const Value& value);
  void unique_input_field_names_enter();
  void unique_input_field_names_leave();
  void unique_input_field_names(const ObjectField& field);

  Context& ctx_;
  TypeInfo& ti_;

  // Rule state, by rule.
  size_t operation_count_ = 0;                                 // LoneAnonymousOperation
  bool subscription_fragments_indexed_ = false;                // SingleFieldSubscriptions
  std::map<std::string_view, const Name*> operation_names_;    // UniqueOperationNames
  std::map<std::string_view, const Name*> fragment_names_;     // UniqueFragmentNames
  std::vector<const OperationDefinition*> unused_check_ops_;   // NoUnusedFragments
  std::vector<const FragmentDefinition*> unused_check_frags_;  // NoUnusedFragments
  std::set<std::string_view> cycle_checked_;                   // NoFragmentCycles
  std::map<std::string_view, int> introspection_checked_;      // MaxIntrospectionDepth
  std::map<std::string_view, int> introspection_exceeded_;     // MaxIntrospectionDepth
  const Field* introspection_skip_ = nullptr;                  // MaxIntrospectionDepth
  std::set<std::string_view> defined_variables_;               // NoUndefinedVariables
  std::vector<const VariableDefinition*> variable_defs_;       // NoUnusedVariables
  std::map<std::string_view, const VariableDefinition*> variable_def_map_;  // VariablesInAllowed..
  std::map<std::string, DirectiveFacts, std::less<>> directive_facts_;      // directive rules
  bool directive_facts_ready_ = false;
  std::map<std::string_view, const Directive*> schema_directives_seen_;  // UniqueDirectives..
  std::map<std::string_view, std::map<std::string_view, const Directive*>> type_directives_seen_;
  bool in_directive_ = false;                                               // KnownArgumentNames
  const Value* values_skip_ = nullptr;                                      // ValuesOfCorrectType
  std::vector<std::map<std::string_view, const Name*>> input_field_names_;  // UniqueInputField..
  std::set<std::string_view> document_type_names_;                          // KnownTypeNames
  std::unique_ptr<OverlappingFieldsRule> overlapping_;
};

}  // namespace pg_gateway::graphql::validation
