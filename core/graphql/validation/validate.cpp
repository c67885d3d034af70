// The walk hooks: at each node, the rules that look at it, in
// specifiedRules order (the numbers in the comments are their positions).
#include "core/graphql/validation/validate.hpp"

#include "core/graphql/validation/overlapping_fields.hpp"
#include "core/graphql/validation/rules.hpp"

namespace pg_gateway::graphql::validation {

Rules::Rules(Context& context, TypeInfo& type_info)
    : ctx_(context),
      ti_(type_info),
      overlapping_(std::make_unique<OverlappingFieldsRule>(context)) {}

Rules::~Rules() = default;

void Rules::enter_document(const Document& doc) {
  executable_definitions(doc);  // 1
  for (const Definition& def : doc.definitions) {
    if (def.kind() == DefinitionKind::kOperation) ++operation_count_;  // 3
    // KnownTypeNames (5) also knows the types the document defines.
    std::visit(
        [this](const auto& node) {
          using T = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<T, ScalarTypeDefinition> ||
                        std::is_same_v<T, ObjectTypeDefinition> ||
                        std::is_same_v<T, InterfaceTypeDefinition> ||
                        std::is_same_v<T, UnionTypeDefinition> ||
                        std::is_same_v<T, EnumTypeDefinition> ||
                        std::is_same_v<T, InputObjectTypeDefinition>)
            document_type_names_.insert(node.name.value);
        },
        def.node);
  }
}

void Rules::leave_document(const Document& doc) {
  no_unused_fragments(doc);  // 12
}

void Rules::enter_operation(const OperationDefinition& op) {
  unique_operation_names(op);                     // 2
  lone_anonymous_operation(op);                   // 3
  single_field_subscriptions(op);                 // 4
  unused_check_ops_.push_back(&op);               // 12
  unique_variable_names(op);                      // 15
  defined_variables_.clear();                     // 16
  variable_defs_.clear();                         // 17
  unique_directives_per_location(op.directives);  // 19
  variable_def_map_.clear();                      // 24
}

void Rules::leave_operation(const OperationDefinition& op) {
  no_undefined_variables(op);         // 16
  no_unused_variables(op);            // 17
  variables_in_allowed_position(op);  // 24
}

bool Rules::enter_variable_definition(const VariableDefinition& def) {
  variables_are_input_types(def);                      // 7
  defined_variables_.insert(def.variable.name.value);  // 16
  variable_defs_.push_back(&def);                      // 17
  unique_directives_per_location(def.directives);      // 19
  variable_def_map_[def.variable.name.value] = &def;   // 24
  return true;
}

void Rules::enter_selection_set(const SelectionSet& set, bool parent_is_inline_fragment) {
  overlapping_->check(set, ti_.parent_type(), parent_is_inline_fragment);  // 25
}

void Rules::enter_field(const Field& field) {
  scalar_leafs(field);                               // 8
  fields_on_correct_type(field);                     // 9
  unique_directives_per_location(field.directives);  // 19
  unique_argument_names(field.arguments);            // 21
  max_introspection_depth(field);                    // 27
}

void Rules::leave_field(const Field& field) {
  provided_required_arguments(field);                                // 23
  if (introspection_skip_ == &field) introspection_skip_ = nullptr;  // 27
}

void Rules::enter_fragment_spread(const FragmentSpread& spread) {
  known_fragment_names(spread);                       // 11
  possible_fragment_spread(spread);                   // 13
  unique_directives_per_location(spread.directives);  // 19
}

void Rules::enter_inline_fragment(const InlineFragment& fragment) {
  if (fragment.type_condition) fragment_on_composite_type(*fragment.type_condition, nullptr);  // 6
  possible_inline_fragment(fragment);                                                          // 13
  unique_directives_per_location(fragment.directives);                                         // 19
}

void Rules::enter_fragment_definition(const FragmentDefinition& fragment) {
  fragment_on_composite_type(fragment.type_condition, &fragment.name);  // 6
  unique_fragment_names(fragment);                                      // 10
  unused_check_frags_.push_back(&fragment);                             // 12
  no_fragment_cycles(fragment);                                         // 14
  unique_directives_per_location(fragment.directives);                  // 19
}

void Rules::enter_directive(const Directive& directive, std::string_view location) {
  known_directives(directive, location);         // 18
  known_argument_names_on_directive(directive);  // 20
  in_directive_ = true;                          // 20: its Argument hook skips these
  unique_argument_names(directive.arguments);    // 21
}

void Rules::leave_directive(const Directive& directive) {
  provided_required_arguments_on_directive(directive);  // 23
  in_directive_ = false;
}

void Rules::enter_argument(const Argument& argument) {
  known_argument_names(argument);  // 20
}

void Rules::enter_value(const Value& value) {
  values_of_correct_type(value);                                             // 22
  if (value.kind() == ValueKind::kObject) unique_input_field_names_enter();  // 26
}

void Rules::leave_value(const Value& value) {
  if (values_skip_ == &value) values_skip_ = nullptr;                        // 22
  if (value.kind() == ValueKind::kObject) unique_input_field_names_leave();  // 26
}

void Rules::enter_object_field(const ObjectField& field) {
  values_of_correct_type(field);    // 22
  unique_input_field_names(field);  // 26
}

void Rules::enter_named_type(const graphql::NamedType& type, bool in_type_system_definition) {
  known_type_names(type, in_type_system_definition);  // 5
}

void Rules::enter_type_system_directives(const std::vector<Directive>& directives,
                                         DirectiveScope scope, std::string_view type_name) {
  // 19, with graphql-js's shared "seen" sets for schema and type extensions.
  switch (scope) {
    case DirectiveScope::kNode:
      unique_directives_per_location(directives);
      return;
    case DirectiveScope::kSchema:
      unique_directives_per_location(directives, schema_directives_seen_);
      return;
    case DirectiveScope::kType:
      unique_directives_per_location(directives, type_directives_seen_[type_name]);
      return;
  }
}

std::vector<Error> validate(const schema::Schema& schema, const Document& document,
                            const ValidateOptions& options) {
  std::vector<Error> errors;
  Context context(schema, document, options, errors);
  TypeInfo type_info(context);
  Rules rules(context, type_info);
  Walker<Rules> walker(type_info, rules);
  try {
    walker.document(document);
  } catch (const Aborted&) {
    // The closing error is already in `errors`.
  }
  return errors;
}

}  // namespace pg_gateway::graphql::validation
