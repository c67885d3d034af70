// A depth-first walk of a document in graphql-js's visiting order
// (QueryDocumentKeys without descriptions), keeping a TypeInfo up to date
// and calling the hooks of `Hooks` on the way. The validator's rules and
// the variable-usage collector are both such hooks.
//
// TypeInfo is entered before a node's enter hooks and left after its leave
// hooks, as visitWithTypeInfo does. Recursion depth follows the document's
// nesting, which the parser bounds (ParseOptions::max_depth).
#pragma once
#include "core/core_zone.hpp"

#include <string_view>
#include <vector>

#include "core/graphql/ast.hpp"
#include "core/graphql/validation/context.hpp"

namespace pg_gateway::graphql::validation {

// Where UniqueDirectivesPerLocation keeps the directives it has seen for a
// type-system node: one set for the schema, one per type name, or a new
// set for the node alone.
enum class DirectiveScope { kNode, kSchema, kType };

// The hooks a walk calls; a walker's Hooks class hides the ones it needs.
struct NoHooks {
  void enter_document(const Document&) {}
  void leave_document(const Document&) {}
  void enter_operation(const OperationDefinition&) {}
  void leave_operation(const OperationDefinition&) {}
  bool enter_variable_definition(const VariableDefinition&) { return true; }  // false: skip it
  void enter_selection_set(const SelectionSet&, bool /*parent_is_inline_fragment*/) {}
  void enter_field(const Field&) {}
  void leave_field(const Field&) {}
  void enter_fragment_spread(const FragmentSpread&) {}
  void enter_inline_fragment(const InlineFragment&) {}
  void enter_fragment_definition(const FragmentDefinition&) {}
  void enter_directive(const Directive&, std::string_view /*location*/) {}
  void leave_directive(const Directive&) {}
  void enter_argument(const Argument&) {}
  void enter_value(const Value&) {}
  void leave_value(const Value&) {}
  void enter_object_field(const ObjectField&) {}
  void enter_named_type(const graphql::NamedType&, bool /*in_type_system_definition*/) {}
  void enter_type_system_directives(const std::vector<Directive>&, DirectiveScope,
                                    std::string_view /*type_name*/) {}
};

template <typename Hooks>
class Walker {
 public:
  Walker(TypeInfo& type_info, Hooks& hooks) : ti_(type_info), h_(hooks) {}

  void document(const Document& doc) {
    h_.enter_document(doc);
    for (const Definition& def : doc.definitions) definition(def);
    h_.leave_document(doc);
  }

  void operation(const OperationDefinition& op) {
    ti_.enter_operation(op);
    h_.enter_operation(op);
    for (const VariableDefinition& v : op.variable_definitions) variable_definition(v);
    directives(op.directives, operation_location(op.operation));
    selection_set(op.selection_set, false);
    h_.leave_operation(op);
    ti_.leave_typed();
  }

  void fragment_definition(const FragmentDefinition& frag) {
    ti_.enter_fragment(frag.type_condition);
    h_.enter_fragment_definition(frag);
    named_type(frag.type_condition);
    directives(frag.directives, "FRAGMENT_DEFINITION");
    selection_set(frag.selection_set, false);
    ti_.leave_typed();
  }

 private:
  static std::string_view operation_location(OperationType op) {
    switch (op) {
      case OperationType::kQuery:
        return "QUERY";
      case OperationType::kMutation:
        return "MUTATION";
      case OperationType::kSubscription:
        return "SUBSCRIPTION";
    }
    return "QUERY";
  }

  void definition(const Definition& def) {
    in_type_system_ = !def.is_executable();
    std::visit([&](const auto& node) { this->type_system_or_executable(node); }, def.node);
  }

  void type_system_or_executable(const OperationDefinition& op) { operation(op); }
  void type_system_or_executable(const FragmentDefinition& frag) { fragment_definition(frag); }

  void variable_definition(const VariableDefinition& v) {
    ti_.enter_variable_definition(v);
    if (h_.enter_variable_definition(v)) {
      type_ref(v.type);
      if (v.default_value) value(*v.default_value);
      directives(v.directives, "VARIABLE_DEFINITION");
    }
    ti_.leave_variable_definition();
  }

  void selection_set(const SelectionSet& set, bool parent_is_inline_fragment) {
    ti_.enter_selection_set();
    h_.enter_selection_set(set, parent_is_inline_fragment);
    for (const Selection& s : set.selections) {
      if (const Field* f = s.as<Field>()) {
        field(*f);
      } else if (const FragmentSpread* spread = s.as<FragmentSpread>()) {
        h_.enter_fragment_spread(*spread);
        directives(spread->directives, "FRAGMENT_SPREAD");
      } else {
        const InlineFragment& inl = *s.as<InlineFragment>();
        ti_.enter_fragment(inl.type_condition);
        h_.enter_inline_fragment(inl);
        if (inl.type_condition) named_type(*inl.type_condition);
        directives(inl.directives, "INLINE_FRAGMENT");
        selection_set(inl.selection_set, true);
        ti_.leave_typed();
      }
    }
    ti_.leave_selection_set();
  }

  void field(const Field& f) {
    ti_.enter_field(f);
    h_.enter_field(f);
    arguments(f.arguments);
    directives(f.directives, "FIELD");
    if (f.selection_set) selection_set(*f.selection_set, false);
    h_.leave_field(f);
    ti_.leave_field();
  }

  void arguments(const std::vector<Argument>& args) {
    for (const Argument& a : args) {
      ti_.enter_argument(a);
      h_.enter_argument(a);
      value(a.value);
      ti_.leave_argument();
    }
  }

  void directives(const std::vector<Directive>& list, std::string_view location) {
    for (const Directive& d : list) {
      ti_.enter_directive(d);
      h_.enter_directive(d, location);
      arguments(d.arguments);
      h_.leave_directive(d);
      ti_.leave_directive();
    }
  }

  void value(const Value& v) {
    const bool is_list = v.kind() == ValueKind::kList;
    if (is_list) ti_.enter_list_value();
    h_.enter_value(v);
    if (const ListValue* list = v.as<ListValue>()) {
      for (const Value& item : list->values) value(item);
    } else if (const ObjectValue* object = v.as<ObjectValue>()) {
      for (const ObjectField& f : object->fields) {
        ti_.enter_object_field(f);
        h_.enter_object_field(f);
        value(f.value);
        ti_.leave_list_or_object_field();
      }
    }
    h_.leave_value(v);
    if (is_list) ti_.leave_list_or_object_field();
  }

  void named_type(const graphql::NamedType& t) { h_.enter_named_type(t, in_type_system_); }

  void type_ref(const TypeRef& t) {
    const TypeRef* cur = &t;
    while (cur->kind != TypeRef::Kind::kNamed) cur = cur->inner.get();
    graphql::NamedType named;
    named.name = cur->name;
    named.loc = cur->loc;
    h_.enter_named_type(named, in_type_system_);
  }

  // ---- type-system definitions (only reported, but walked like graphql-js) ----

  void type_system_directives(const std::vector<Directive>& list, std::string_view location,
                              DirectiveScope scope, std::string_view type_name = {}) {
    h_.enter_type_system_directives(list, scope, type_name);
    directives(list, location);
  }

  void input_values(const std::vector<InputValueDefinition>& values, std::string_view location) {
    for (const InputValueDefinition& v : values) {
      h_.enter_type_system_directives(v.directives, DirectiveScope::kNode, {});
      type_ref(v.type);
      if (v.default_value) value(*v.default_value);
      directives(v.directives, location);
    }
  }

  void fields(const std::vector<FieldDefinition>& list) {
    for (const FieldDefinition& f : list) {
      h_.enter_type_system_directives(f.directives, DirectiveScope::kNode, {});
      input_values(f.arguments, "ARGUMENT_DEFINITION");
      type_ref(f.type);
      directives(f.directives, "FIELD_DEFINITION");
    }
  }

  void named_types(const std::vector<graphql::NamedType>& list) {
    for (const graphql::NamedType& t : list) named_type(t);
  }

  void enum_values(const std::vector<EnumValueDefinition>& values) {
    for (const EnumValueDefinition& v : values) {
      h_.enter_type_system_directives(v.directives, DirectiveScope::kNode, {});
      directives(v.directives, "ENUM_VALUE");
    }
  }

  void operation_types(const std::vector<OperationTypeDefinition>& list) {
    for (const OperationTypeDefinition& op : list) named_type(op.type);
  }

  void type_system_or_executable(const SchemaDefinition& d) {
    type_system_directives(d.directives, "SCHEMA", DirectiveScope::kSchema);
    operation_types(d.operation_types);
  }
  void type_system_or_executable(const SchemaExtension& d) {
    type_system_directives(d.directives, "SCHEMA", DirectiveScope::kSchema);
    operation_types(d.operation_types);
  }
  void type_system_or_executable(const ScalarTypeDefinition& d) {
    type_system_directives(d.directives, "SCALAR", DirectiveScope::kType, d.name.value);
  }
  void type_system_or_executable(const ScalarTypeExtension& d) {
    type_system_directives(d.directives, "SCALAR", DirectiveScope::kType, d.name.value);
  }
  template <typename ObjectLike>
  void object_like(const ObjectLike& d, std::string_view location) {
    h_.enter_type_system_directives(d.directives, DirectiveScope::kType, d.name.value);
    named_types(d.interfaces);
    directives(d.directives, location);
    fields(d.fields);
  }
  void type_system_or_executable(const ObjectTypeDefinition& d) { object_like(d, "OBJECT"); }
  void type_system_or_executable(const ObjectTypeExtension& d) { object_like(d, "OBJECT"); }
  void type_system_or_executable(const InterfaceTypeDefinition& d) { object_like(d, "INTERFACE"); }
  void type_system_or_executable(const InterfaceTypeExtension& d) { object_like(d, "INTERFACE"); }
  template <typename UnionLike>
  void union_like(const UnionLike& d) {
    type_system_directives(d.directives, "UNION", DirectiveScope::kType, d.name.value);
    named_types(d.types);
  }
  void type_system_or_executable(const UnionTypeDefinition& d) { union_like(d); }
  void type_system_or_executable(const UnionTypeExtension& d) { union_like(d); }
  template <typename EnumLike>
  void enum_like(const EnumLike& d) {
    type_system_directives(d.directives, "ENUM", DirectiveScope::kType, d.name.value);
    enum_values(d.values);
  }
  void type_system_or_executable(const EnumTypeDefinition& d) { enum_like(d); }
  void type_system_or_executable(const EnumTypeExtension& d) { enum_like(d); }
  void type_system_or_executable(const InputObjectTypeDefinition& d) {
    type_system_directives(d.directives, "INPUT_OBJECT", DirectiveScope::kType, d.name.value);
    input_values(d.fields, "INPUT_FIELD_DEFINITION");
  }
  void type_system_or_executable(const InputObjectTypeExtension& d) {
    type_system_directives(d.directives, "INPUT_OBJECT", DirectiveScope::kType, d.name.value);
    // graphql-js names the location by the parent's kind, and an input
    // object *extension* is not an INPUT_OBJECT_TYPE_DEFINITION.
    input_values(d.fields, "ARGUMENT_DEFINITION");
  }
  void type_system_or_executable(const DirectiveDefinition& d) {
    input_values(d.arguments, "ARGUMENT_DEFINITION");
  }

  TypeInfo& ti_;
  Hooks& h_;
  bool in_type_system_ = false;
};

}  // namespace pg_gateway::graphql::validation
