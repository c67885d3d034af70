#include "core/graphql/ast.hpp"

namespace pg_gateway::graphql {

std::string_view operation_type_name(OperationType op) {
  switch (op) {
    case OperationType::kQuery:
      return "query";
    case OperationType::kMutation:
      return "mutation";
    case OperationType::kSubscription:
      return "subscription";
  }
  return "query";
}

std::string type_to_string(const TypeRef& type) {
  // Iterative: the chain of wrappers is as deep as the document allowed.
  std::string prefix, suffix;
  const TypeRef* t = &type;
  while (t != nullptr && t->kind != TypeRef::Kind::kNamed) {
    if (t->kind == TypeRef::Kind::kList) {
      prefix.push_back('[');
      suffix.insert(suffix.begin(), ']');
    } else {
      suffix.insert(suffix.begin(), '!');
    }
    t = t->inner.get();
  }
  return prefix + (t != nullptr ? t->name.value : std::string()) + suffix;
}

std::string_view definition_kind_name(DefinitionKind kind) {
  switch (kind) {
    case DefinitionKind::kOperation:
      return "OperationDefinition";
    case DefinitionKind::kFragment:
      return "FragmentDefinition";
    case DefinitionKind::kSchema:
      return "SchemaDefinition";
    case DefinitionKind::kScalarType:
      return "ScalarTypeDefinition";
    case DefinitionKind::kObjectType:
      return "ObjectTypeDefinition";
    case DefinitionKind::kInterfaceType:
      return "InterfaceTypeDefinition";
    case DefinitionKind::kUnionType:
      return "UnionTypeDefinition";
    case DefinitionKind::kEnumType:
      return "EnumTypeDefinition";
    case DefinitionKind::kInputObjectType:
      return "InputObjectTypeDefinition";
    case DefinitionKind::kDirective:
      return "DirectiveDefinition";
    case DefinitionKind::kSchemaExtension:
      return "SchemaExtension";
    case DefinitionKind::kScalarTypeExtension:
      return "ScalarTypeExtension";
    case DefinitionKind::kObjectTypeExtension:
      return "ObjectTypeExtension";
    case DefinitionKind::kInterfaceTypeExtension:
      return "InterfaceTypeExtension";
    case DefinitionKind::kUnionTypeExtension:
      return "UnionTypeExtension";
    case DefinitionKind::kEnumTypeExtension:
      return "EnumTypeExtension";
    case DefinitionKind::kInputObjectTypeExtension:
      return "InputObjectTypeExtension";
  }
  return "";
}

const Location& Selection::loc() const {
  return std::visit([](const auto& n) -> const Location& { return n.loc; }, node);
}

const Location& Definition::loc() const {
  return std::visit([](const auto& n) -> const Location& { return n.loc; }, node);
}

}  // namespace pg_gateway::graphql
