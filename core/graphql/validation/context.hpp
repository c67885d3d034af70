// What every validation rule works with: graphql-js's ValidationContext
// (the schema, the document's fragments and variable usages, error
// reporting with its cap and work budgets) and TypeInfo (the types at the
// current point of the walk), over schema::Schema.
#pragma once
#include "core/core_zone.hpp"

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/graphql/ast.hpp"
#include "core/graphql/error.hpp"
#include "core/graphql/type_system.hpp"
#include "core/graphql/validation/validate.hpp"

namespace pg_gateway::graphql::validation {

using schema::NamedType;

// A GraphQL type as graphql-js handles one: a named type under zero or
// more list and non-null wrappers. It views a schema::TypeRef (a field's,
// an argument's, or one converted from the document) from some wrapper
// inward. An empty Type is graphql-js's `undefined`.
class Type {
 public:
  Type() = default;
  static Type named(const NamedType* t);
  static Type of(const schema::TypeRef& ref, const NamedType* named);

  explicit operator bool() const { return named_ != nullptr; }
  const NamedType* named() const { return named_; }  // getNamedType
  bool is_non_null() const;
  bool is_list() const;
  bool is_wrapping() const { return ref_ && depth_ < ref_->wrappers.size(); }
  Type of_type() const;   // the wrapped type; requires is_wrapping()
  Type nullable() const;  // getNullableType
  // JavaScript identity: graphql-js makes a new wrapper object for every
  // type reference, so wrapped types are identical only when they are the
  // same reference; named types when they are the same type.
  bool same(const Type& other) const;
  std::string str() const;  // inspect(type), e.g. "[Post!]!"

 private:
  const schema::TypeRef* ref_ = nullptr;
  size_t depth_ = 0;  // wrappers of *ref_ already unwrapped
  const NamedType* named_ = nullptr;
};

bool is_leaf(const NamedType* t);
bool is_composite(const NamedType* t);
bool is_abstract(const NamedType* t);
bool is_input_type(const NamedType* t);
bool is_output_type(const NamedType* t);
bool is_object(const NamedType* t);
bool is_interface(const NamedType* t);
bool is_input_object(const NamedType* t);
bool is_enum(const NamedType* t);

// Thrown to stop the walk once the error cap or a work budget is reached
// (the closing error is already recorded).
struct Aborted {};

struct VariableUsage {
  const Variable* node = nullptr;
  Type type;                 // the input type at the variable's position
  bool has_default = false;  // that position has a default value
  Type parent_type;          // the enclosing input type (input object for fields)
};

class Context {
 public:
  Context(const schema::Schema& schema, const Document& document, const ValidateOptions& options,
          std::vector<Error>& errors);

  const schema::Schema& schema() const { return schema_; }
  const Document& document() const { return document_; }
  bool hide_suggestions() const { return options_.hide_suggestions; }

  // Records an error; at the cap, records graphql-js's closing error and
  // throws Aborted.
  void report(std::string message, std::vector<SourceLocation> locations = {});
  // graphql-js spendFragmentWork: throws Aborted ("Validation aborted.")
  // once 50,000 units are spent.
  void spend_fragment_work(size_t cost);
  [[noreturn]] void abort_validation();

  // ---- types ----
  const NamedType* find_type(std::string_view name) const;  // schema.getType
  Type type_from_ast(const TypeRef& ast);                   // typeFromAST
  const NamedType* root_type(OperationType op) const;
  // schema.isSubType(abstract, maybe_sub).
  bool is_sub_type(const NamedType& abstract_type, const NamedType& maybe_sub) const;
  // schema.getPossibleTypes: a union's members, an interface's object types.
  const std::vector<const NamedType*>& possible_types(const NamedType& abstract_type);
  bool do_types_overlap(const NamedType* a, const NamedType* b);  // typeComparators
  bool is_type_sub_type_of(Type maybe_sub, Type super);           // typeComparators
  // A field of an object or interface type (not the meta fields).
  const schema::Field* own_field(const NamedType* parent, std::string_view name);
  // Every type name of the schema (suggestions for unknown types).
  const std::vector<std::string_view>& all_type_names();

  // ---- fragments and variables ----
  const FragmentDefinition* fragment(std::string_view name);  // the last one with that name
  // Fragment spreads anywhere inside `set`, in graphql-js's order.
  const std::vector<const FragmentSpread*>& fragment_spreads(const SelectionSet& set);
  // The fragments the operations reach through spreads, transitively.
  const std::vector<const FragmentDefinition*>& recursively_referenced_fragments(
      const std::vector<const OperationDefinition*>& operations);
  const std::vector<VariableUsage>& recursive_variable_usages(const OperationDefinition& op);

 private:
  template <typename Node>  // OperationDefinition or FragmentDefinition
  const std::vector<VariableUsage>& variable_usages(const Node& node);
  size_t referenced_fragments_index(const std::vector<const OperationDefinition*>& operations);

  const schema::Schema& schema_;
  const Document& document_;
  const ValidateOptions& options_;
  std::vector<Error>& errors_;
  long remaining_fragment_work_ = 50000;

  std::deque<schema::TypeRef> converted_types_;  // typeFromAST results (stable addresses)
  struct FieldKeyHash {
    size_t operator()(const std::pair<const NamedType*, std::string_view>& k) const {
      return std::hash<const void*>()(k.first) ^ (std::hash<std::string_view>()(k.second) << 1);
    }
  };
  std::unordered_map<std::pair<const NamedType*, std::string_view>, const schema::Field*,
                     FieldKeyHash>
      field_lookups_;
  std::unordered_map<const NamedType*, std::vector<const NamedType*>> possible_types_;
  std::vector<std::string_view> all_type_names_;
  bool all_type_names_ready_ = false;

  bool fragments_ready_ = false;
  std::map<std::string_view, const FragmentDefinition*> fragments_;
  std::unordered_map<const SelectionSet*, std::vector<const FragmentSpread*>> spreads_;
  // graphql-js SetMap: fragment-name sets -> the fragments they reach.
  std::map<std::set<std::string_view>, size_t> referenced_index_;
  std::deque<std::vector<const FragmentDefinition*>> referenced_;
  std::unordered_map<const void*, std::vector<VariableUsage>> usages_;
  std::unordered_map<size_t, std::vector<VariableUsage>> fragment_usages_;  // by referenced_ index
  std::unordered_map<const OperationDefinition*, std::vector<VariableUsage>> recursive_usages_;
};

// graphql-js TypeInfo: the types in scope at the current node of a walk.
class TypeInfo {
 public:
  explicit TypeInfo(Context& context) : ctx_(context) {}

  Type type() const { return type_stack_.empty() ? Type() : type_stack_.back(); }
  const NamedType* parent_type() const {
    return parent_type_stack_.empty() ? nullptr : parent_type_stack_.back();
  }
  Type input_type() const { return input_type_stack_.empty() ? Type() : input_type_stack_.back(); }
  Type parent_input_type() const {
    return input_type_stack_.size() < 2 ? Type() : input_type_stack_[input_type_stack_.size() - 2];
  }
  const schema::Field* field_def() const {
    return field_def_stack_.empty() ? nullptr : field_def_stack_.back();
  }
  bool has_default_value() const {
    return !default_value_stack_.empty() && default_value_stack_.back();
  }
  const schema::Directive* directive() const { return directive_; }
  const schema::InputValue* argument() const { return argument_; }

  void enter_selection_set();
  void leave_selection_set() { parent_type_stack_.pop_back(); }
  void enter_field(const Field& node);
  void leave_field();
  void enter_directive(const Directive& node);
  void leave_directive() { directive_ = nullptr; }
  void enter_operation(const OperationDefinition& node);
  void enter_fragment(const std::optional<graphql::NamedType>& type_condition);
  void leave_typed() { type_stack_.pop_back(); }  // operation, inline fragment, fragment
  void enter_variable_definition(const VariableDefinition& node);
  void leave_variable_definition() { input_type_stack_.pop_back(); }
  void enter_argument(const Argument& node);
  void leave_argument();
  void enter_list_value();
  void enter_object_field(const ObjectField& node);
  void leave_list_or_object_field();

 private:
  Context& ctx_;
  std::vector<Type> type_stack_;
  std::vector<const NamedType*> parent_type_stack_;
  std::vector<Type> input_type_stack_;
  std::vector<const schema::Field*> field_def_stack_;
  std::vector<bool> default_value_stack_;
  const schema::Directive* directive_ = nullptr;
  const schema::InputValue* argument_ = nullptr;
};

SourceLocation location_of(const Location& loc);

}  // namespace pg_gateway::graphql::validation
