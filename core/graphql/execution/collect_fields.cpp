#include "core/graphql/execution/collect_fields.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace pg_gateway::graphql::exec {

// Only reachable with unvalidated documents, so it covers the syntax, not
// print()'s line wrapping of long lists and objects.
std::string print_value_literal(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kVariable:
      return "$" + v.as<Variable>()->name.value;
    case ValueKind::kInt:
      return v.as<IntValue>()->raw;
    case ValueKind::kFloat:
      return v.as<FloatValue>()->raw;
    case ValueKind::kString:
      return schema::print_string(v.as<StringValue>()->value);
    case ValueKind::kBoolean:
      return v.as<BooleanValue>()->value ? "true" : "false";
    case ValueKind::kNull:
      return "null";
    case ValueKind::kEnum:
      return v.as<EnumValue>()->value;
    case ValueKind::kList: {
      std::string out = "[";
      const auto& items = v.as<ListValue>()->values;
      for (size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + print_value_literal(items[i]);
      return out + "]";
    }
    case ValueKind::kObject: {
      std::string out = "{";
      const auto& fields = v.as<ObjectValue>()->fields;
      for (size_t i = 0; i < fields.size(); ++i)
        out += (i ? ", " : "") + fields[i].name.value + ": " + print_value_literal(fields[i].value);
      return out + "}";
    }
  }
  return "";
}

namespace {

[[noreturn]] void fail(std::string message, const Location& at) {
  Error e;
  e.message = std::move(message);
  e.locations.push_back({at.line, at.column});
  throw CollectFieldsError(std::move(e));
}

// graphql-js getDirectiveValues(@skip or @include).if: the first directive
// of that name decides; its `if: Boolean!` is coerced like any argument.
// Returns nullopt when the directive is absent (or `if` is not a Boolean
// value, which graphql-js then treats as neither true nor false).
std::optional<bool> directive_if(const std::vector<Directive>& directives, std::string_view name,
                                 const VariableValues& variables) {
  auto it = std::find_if(directives.begin(), directives.end(),
                         [&](const Directive& d) { return d.name.value == name; });
  if (it == directives.end()) return std::nullopt;
  const Argument* arg = nullptr;
  for (const Argument& a : it->arguments)
    if (a.name.value == "if") {
      arg = &a;
      break;
    }
  if (!arg) fail("Argument \"if\" of required type \"Boolean!\" was not provided.", it->loc);
  const Value& value = arg->value;
  if (const Variable* var = value.as<Variable>()) {
    auto found = variables.find(var->name.value);
    if (found == variables.end())
      fail("Argument \"if\" of required type \"Boolean!\" was provided the variable \"$" +
               var->name.value + "\" which was not provided a runtime value.",
           value.loc);
    if (found->second.is_null())
      fail("Argument \"if\" of non-null type \"Boolean!\" must not be null.", value.loc);
    if (!found->second.is_bool()) return std::nullopt;
    return found->second.as_bool();
  }
  if (value.kind() == ValueKind::kNull)
    fail("Argument \"if\" of non-null type \"Boolean!\" must not be null.", value.loc);
  if (const BooleanValue* b = value.as<BooleanValue>()) return b->value;
  fail("Argument \"if\" has invalid value " + print_value_literal(value) + ".", value.loc);
}

bool should_include(const std::vector<Directive>& directives, const VariableValues& variables) {
  if (directives.empty()) return true;
  if (directive_if(directives, "skip", variables) == std::optional<bool>(true)) return false;
  if (directive_if(directives, "include", variables) == std::optional<bool>(false)) return false;
  return true;
}

// DoesFragmentTypeApply. The runtime type is always an object type (or an
// introspection type, which implements nothing and is in no union), so an
// abstract condition applies when the object lists the interface (object
// types list every interface they implement, transitively) or the union
// lists the object. An unknown condition applies to nothing.
bool fragment_applies(const schema::Schema& schema, std::string_view object_type,
                      const NamedType* condition) {
  if (!condition) return true;
  const std::string& name = condition->name.value;
  if (name == object_type) return true;
  const schema::NamedType* cond = schema.find(name);
  if (!cond) return false;
  if (cond->kind == schema::NamedType::Kind::kUnion)
    return std::find(cond->members.begin(), cond->members.end(), object_type) !=
           cond->members.end();
  if (cond->kind == schema::NamedType::Kind::kInterface) {
    const schema::NamedType* object = schema.find(object_type);
    return object && std::find(object->interfaces.begin(), object->interfaces.end(), name) !=
                         object->interfaces.end();
  }
  return false;
}

// One walk of CollectFields. Groups are found by response key through
// `index` (keys point into the AST, which outlives the walk); fragments
// are expanded at most once per walk, as graphql-js does, even when the
// first spread's type condition did not apply.
class Collector {
 public:
  Collector(const schema::Schema& schema, std::string_view object_type,
            const FragmentMap& fragments, const VariableValues& variables)
      : schema_(schema), object_type_(object_type), fragments_(fragments), variables_(variables) {}

  void collect(const SelectionSet& set) {
    for (const Selection& selection : set.selections) {
      if (const Field* field = selection.as<Field>()) {
        if (!should_include(field->directives, variables_)) continue;
        std::string_view key = field->alias ? field->alias->value : field->name.value;
        auto [it, inserted] = index_.try_emplace(key, groups_.size());
        if (inserted) groups_.push_back(FieldGroup{std::string(key), {}});
        groups_[it->second].fields.push_back(field);
      } else if (const InlineFragment* inline_fragment = selection.as<InlineFragment>()) {
        if (!should_include(inline_fragment->directives, variables_) ||
            !fragment_applies(
                schema_, object_type_,
                inline_fragment->type_condition ? &*inline_fragment->type_condition : nullptr))
          continue;
        collect(inline_fragment->selection_set);
      } else if (const FragmentSpread* spread = selection.as<FragmentSpread>()) {
        const std::string& name = spread->name.value;
        if (visited_.count(name) || !should_include(spread->directives, variables_)) continue;
        visited_.insert(name);
        auto found = fragments_.find(name);
        if (found == fragments_.end() || !found->second) continue;
        const FragmentDefinition& fragment = *found->second;
        if (!fragment_applies(schema_, object_type_, &fragment.type_condition)) continue;
        collect(fragment.selection_set);
      }
    }
  }

  std::vector<FieldGroup> take() { return std::move(groups_); }

 private:
  const schema::Schema& schema_;
  std::string_view object_type_;
  const FragmentMap& fragments_;
  const VariableValues& variables_;
  std::vector<FieldGroup> groups_;
  std::unordered_map<std::string_view, size_t> index_;
  std::set<std::string_view> visited_;
};

}  // namespace

std::vector<FieldGroup> collect_fields(const schema::Schema& schema, std::string_view object_type,
                                       const SelectionSet& selection_set,
                                       const FragmentMap& fragments,
                                       const VariableValues& variables) {
  Collector collector(schema, object_type, fragments, variables);
  collector.collect(selection_set);
  return collector.take();
}

std::vector<FieldGroup> collect_subfields(const schema::Schema& schema,
                                          std::string_view object_type, const FieldGroup& group,
                                          const FragmentMap& fragments,
                                          const VariableValues& variables) {
  Collector collector(schema, object_type, fragments, variables);
  for (const Field* field : group.fields)
    if (field->selection_set) collector.collect(*field->selection_set);
  return collector.take();
}

}  // namespace pg_gateway::graphql::exec
